package io.topogpu.benchmarks.workload;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The simulation's pending events, earliest first; events at the same instant come out in the order
 * they were added (a sequence number breaks the tie), so a run is deterministic.
 */
final class SimEvents {
  enum Kind { ARRIVAL, END, STARVING }

  /** One event: {@code job} is the job's index in the run. */
  record Event(double time, long seq, Kind kind, int job) {}

  private final PriorityQueue<Event> queue = new PriorityQueue<>(
      Comparator.comparingDouble(Event::time).thenComparingLong(Event::seq));
  private long seq;

  void add(double time, Kind kind, int job) {
    queue.add(new Event(time, seq++, kind, job));
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  Event peek() {
    return queue.peek();
  }

  Event poll() {
    return queue.poll();
  }
}
