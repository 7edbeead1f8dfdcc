package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.benchmarks.workload.SimEvents.Event;
import io.topogpu.benchmarks.workload.SimEvents.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event queue's order: earliest first, and events of one instant in the order they were added. */
class SimEventsTest {
  private static List<String> drain(SimEvents events) {
    List<String> out = new ArrayList<>();
    while (!events.isEmpty()) {
      Event e = events.poll();
      out.add(e.time() + " " + e.kind() + " " + e.job());
    }
    return out;
  }

  @Test
  void eventsComeOutEarliestFirst() {
    SimEvents events = new SimEvents();
    events.add(30, Kind.END, 0);
    events.add(10, Kind.ARRIVAL, 1);
    events.add(20, Kind.STARVING, 2);
    assertThat(drain(events)).containsExactly("10.0 ARRIVAL 1", "20.0 STARVING 2", "30.0 END 0");
  }

  /** An end added after an arrival at the same instant is handled after it, whatever the job indices. */
  @Test
  void eventsOfOneInstantKeepTheOrderTheyWereAddedIn() {
    SimEvents events = new SimEvents();
    events.add(5, Kind.ARRIVAL, 7);
    events.add(5, Kind.END, 3);
    events.add(5, Kind.ARRIVAL, 1);
    events.add(1, Kind.ARRIVAL, 9);
    assertThat(events.peek().job()).isEqualTo(9);
    assertThat(drain(events)).containsExactly("1.0 ARRIVAL 9", "5.0 ARRIVAL 7", "5.0 END 3", "5.0 ARRIVAL 1");
  }
}
