package io.topogpu.scheduler.ledger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The ledger's node states by slot number, so that a reader who resolved a list of names once
 * ({@link NodeLookup}) reads states by position instead of hashing every name again.
 *
 * <p>Invariants: a node keeps its slot for as long as it stays in this table; a slot is never
 * given to another name (a removed node's slot stays {@code null}; {@link Ledger#rebuild} starts
 * a new table); a slot number is published in {@link #slotOf} only after the array that holds it,
 * so a reader who reads the array after the numbers never gets a number outside it. Written only
 * under the {@link Ledger}'s lock; read from any thread.
 */
final class NodeSlots {
  private static final int INITIAL = 64;

  private final ConcurrentHashMap<String, Integer> slotOf = new ConcurrentHashMap<>();
  private volatile AtomicReferenceArray<NodeState> states = new AtomicReferenceArray<>(INITIAL);
  /** The next unused slot; writer only. */
  private int next;

  /** Stores {@code s} in {@code name}'s slot; true when the name was given a new slot. */
  boolean put(String name, NodeState s) {
    Integer slot = slotOf.get(name);
    if (slot != null) {
      states.set(slot, s);
      return false;
    }
    AtomicReferenceArray<NodeState> a = states;
    if (next == a.length()) {
      AtomicReferenceArray<NodeState> bigger = new AtomicReferenceArray<>(2 * a.length());
      for (int i = 0; i < a.length(); i++) {
        bigger.set(i, a.get(i));
      }
      states = bigger;
      a = bigger;
    }
    a.set(next, s);
    slotOf.put(name, next++);
    return true;
  }

  /** Empties {@code name}'s slot for good; true when the name had one. */
  boolean remove(String name) {
    Integer slot = slotOf.remove(name);
    if (slot == null) {
      return false;
    }
    states.set(slot, null);
    return true;
  }

  /** {@code name}'s slot, or -1 when it has none. */
  int slotOf(String name) {
    Integer slot = slotOf.get(name);
    return slot == null ? -1 : slot;
  }

  /** The current array; read it after the slot numbers it is meant to hold. */
  AtomicReferenceArray<NodeState> states() {
    return states;
  }
}
