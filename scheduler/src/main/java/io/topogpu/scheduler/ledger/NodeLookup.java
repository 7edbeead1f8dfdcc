package io.topogpu.scheduler.ledger;

import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A list of node names resolved to the ledger's slots ({@link Ledger#lookup}): {@link #at} reads
 * the named node's current state by position, without hashing the name. Immutable; the states it
 * reads are not (each is read when asked for, as {@link Ledger#node} would).
 *
 * <p>The names are kept end to end in one string so that checking a later request against them
 * ({@link #sameNames}) reads memory in order rather than one object per name.
 */
public final class NodeLookup {
  private final long membership;
  private final String joined;
  /** End of name i in {@link #joined}; name i starts where name i-1 ends. */
  private final int[] ends;
  /** Slot of name i, or -1 for a name the ledger did not know. */
  private final int[] slots;
  private final AtomicReferenceArray<NodeState> states;

  private NodeLookup(long membership, String joined, int[] ends, int[] slots,
      AtomicReferenceArray<NodeState> states) {
    this.membership = membership;
    this.joined = joined;
    this.ends = ends;
    this.slots = slots;
    this.states = states;
  }

  static NodeLookup resolve(List<String> names, long membership, NodeSlots table) {
    int n = names.size();
    int[] ends = new int[n];
    int[] slots = new int[n];
    StringBuilder joined = new StringBuilder(n * 16);
    for (int i = 0; i < n; i++) {
      String name = names.get(i);
      joined.append(name);
      ends[i] = joined.length();
      slots[i] = table.slotOf(name);
    }
    // after the slot numbers: the array read now holds every one of them
    return new NodeLookup(membership, joined.toString(), ends, slots, table.states());
  }

  /** How many names were resolved. */
  public int size() {
    return slots.length;
  }

  /** The current state of the node named at position {@code i}, or {@code null} if unknown. */
  public NodeState at(int i) {
    int slot = slots[i];
    return slot < 0 ? null : states.get(slot);
  }

  long membership() {
    return membership;
  }

  /** Whether {@code names} are the resolved names, in the same order. */
  boolean sameNames(List<String> names) {
    if (names.size() != ends.length) {
      return false;
    }
    int start = 0;
    for (int i = 0; i < ends.length; i++) {
      String name = names.get(i);
      int end = ends[i];
      if (name.length() != end - start || !joined.startsWith(name, start)) {
        return false;
      }
      start = end;
    }
    return true;
  }
}
