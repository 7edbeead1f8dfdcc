package io.topogpu.scheduler.extender;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Node name → message, in the order added: the {@code FailedNodes} and {@code
 * FailedAndUnresolvableNodes} maps of one filter answer, built to be encoded once. Two parallel
 * arrays instead of a hash table: the answer to a filter over thousands of nodes holds thousands of
 * rejections, and encoding only walks them in order. Appended to by {@link ExtenderVerbs} while
 * it builds the answer, read-only afterwards ({@link #put} is not supported). Lookup by name is a
 * linear scan, for tests; a name added twice is encoded twice (it cannot be: one verdict per
 * request node, and kube-scheduler sends each node once; a decoder keeps the last of equal keys).
 */
final class NodeMessages extends AbstractMap<String, String> {
  private String[] names;
  private String[] messages;
  private int size;

  NodeMessages(int expected) {
    names = new String[Math.max(expected, 4)];
    messages = new String[names.length];
  }

  void add(String name, String message) {
    if (size == names.length) {
      names = Arrays.copyOf(names, 2 * size);
      messages = Arrays.copyOf(messages, 2 * size);
    }
    names[size] = name;
    messages[size++] = message;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<String, String> next() {
            if (next >= size) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(names[i], messages[i]);
          }
        };
      }
    };
  }
}
