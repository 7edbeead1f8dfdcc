package io.topogpu.nodeagent.publish;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A hand-written {@link NodeAnnotations}: one node's annotations in a map, merges recorded. */
public final class InMemoryNodeAnnotations implements NodeAnnotations {
  private final Map<String, String> annotations = new HashMap<>();
  public final List<Map<String, String>> merges = new ArrayList<>();

  @Override
  public synchronized Map<String, String> read() {
    return Map.copyOf(annotations);
  }

  @Override
  public synchronized void merge(Map<String, String> changes) {
    merges.add(new HashMap<>(changes));
    changes.forEach((k, v) -> {
      if (v == null) {
        annotations.remove(k);
      } else {
        annotations.put(k, v);
      }
    });
  }

  @Override
  public boolean isTransient(RuntimeException failure) {
    return false;
  }

  public synchronized Map<String, String> annotations() {
    return Map.copyOf(annotations);
  }
}
