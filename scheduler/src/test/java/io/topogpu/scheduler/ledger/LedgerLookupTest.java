package io.topogpu.scheduler.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.testing.MakeNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link Ledger#lookup}: by position, always what {@link Ledger#node} would answer for each name,
 * whether the names were resolved by this call or remembered from an earlier one.
 */
class LedgerLookupTest {
  private static final Placer PLACER = new Placer(Policy.defaults());
  private static final List<String> FOUR = List.of("", "", "", "");

  private static ClusterNode node(String name) {
    return MakeNode.named(name).shape("dgx-a100-8gpu-nv12").clusterNode();
  }

  private static Ledger ledgerWith(String... names) {
    Ledger ledger = new Ledger();
    for (String n : names) {
      ledger.putNode(node(n));
    }
    return ledger;
  }

  /** Names of the states by position, "-" where the lookup knows none. */
  private static List<String> namesOf(NodeLookup lookup) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lookup.size(); i++) {
      NodeState s = lookup.at(i);
      out.add(s == null ? "-" : s.node().name());
    }
    return out;
  }

  @Test
  void answersByPositionWithUnknownNamesAsNull() {
    Ledger ledger = ledgerWith("a", "b", "c");

    NodeLookup lookup = ledger.lookup(List.of("c", "x", "a"));

    assertThat(namesOf(lookup)).containsExactly("c", "-", "a");
    assertThat(lookup.at(0)).isSameAs(ledger.node("c").orElseThrow());
  }

  @Test
  void sameNamesAgainSeeStatesChangedSinceTheFirstCall() {
    Ledger ledger = ledgerWith("a", "b");
    List<String> names = List.of("a", "b");
    ledger.lookup(names);

    ledger.allocate("ns/p", Assignment.whole("b", List.of(0, 1, 2, 3), FOUR));
    NodeLookup again = ledger.lookup(new ArrayList<>(names));

    assertThat(again.at(1)).isSameAs(ledger.node("b").orElseThrow());
    assertThat(again.at(1).pods()).containsKey("ns/p");
    ledger.release("ns/p");
    assertThat(ledger.lookup(names).at(1).pods()).isEmpty();
  }

  @Test
  void nodeAddedBetweenTwoCallsWithTheSameNamesIsFound() {
    Ledger ledger = ledgerWith("a");
    List<String> names = List.of("a", "b");
    assertThat(namesOf(ledger.lookup(names))).containsExactly("a", "-");

    ledger.putNode(node("b"));

    assertThat(namesOf(ledger.lookup(names))).containsExactly("a", "b");
  }

  @Test
  void nodeRemovedBetweenTwoCallsWithTheSameNamesIsGone() {
    Ledger ledger = ledgerWith("a", "b");
    List<String> names = List.of("a", "b");
    ledger.lookup(names);

    ledger.removeNode("a");

    assertThat(namesOf(ledger.lookup(names))).containsExactly("-", "b");
  }

  @Test
  void nodeRenamedBetweenTwoCallsMovesToItsNewName() {
    Ledger ledger = ledgerWith("a", "b");
    List<String> names = List.of("a", "b", "c");
    ledger.lookup(names);

    ledger.removeNode("a");
    ledger.putNode(node("c"));

    assertThat(namesOf(ledger.lookup(names))).containsExactly("-", "b", "c");
  }

  @Test
  void nodeRemovedAndAddedBackIsFoundWithItsNewState() {
    Ledger ledger = ledgerWith("a", "b");
    ledger.allocate("ns/p", Assignment.whole("a", List.of(0), List.of("")));
    List<String> names = List.of("a", "b");
    ledger.lookup(names);

    ledger.removeNode("a");
    ledger.putNode(node("a"));

    NodeLookup again = ledger.lookup(names);
    assertThat(again.at(0)).isSameAs(ledger.node("a").orElseThrow());
    assertThat(again.at(0).pods()).isEmpty();
  }

  @Test
  void twoOrdersAlternatingEachAnswerInTheirOwnOrder() {
    Ledger ledger = ledgerWith("a", "b", "c");
    List<String> forward = List.of("a", "b", "c");
    List<String> backward = List.of("c", "b", "a");

    for (int round = 0; round < 3; round++) {
      assertThat(namesOf(ledger.lookup(forward))).containsExactly("a", "b", "c");
      assertThat(namesOf(ledger.lookup(backward))).containsExactly("c", "b", "a");
    }
  }

  @Test
  void namesWithTheSameLettersSplitDifferentlyAreDifferentNames() {
    Ledger ledger = ledgerWith("ab", "c", "a", "bc");

    assertThat(namesOf(ledger.lookup(List.of("ab", "c")))).containsExactly("ab", "c");
    assertThat(namesOf(ledger.lookup(List.of("a", "bc")))).containsExactly("a", "bc");
    assertThat(namesOf(ledger.lookup(List.of("a", "b")))).containsExactly("a", "-");
  }

  @Test
  void rebuildBetweenTwoCallsAnswersFromTheRebuiltLedger() {
    Ledger ledger = ledgerWith("a", "b");
    List<String> names = List.of("a", "b");
    ledger.lookup(names);

    ledger.rebuild(List.of(node("b"), node("z")), List.of(), PLACER::attribute);

    assertThat(namesOf(ledger.lookup(names))).containsExactly("-", "b");
    assertThat(namesOf(ledger.lookup(List.of("z", "a")))).containsExactly("z", "-");
  }

  @Test
  void releasedReservationsAreSeenThroughARememberedLookup() {
    Ledger ledger = ledgerWith("a", "b");
    List<String> names = List.of("a", "b");
    ledger.reserve("gang-a", Assignment.whole("a", List.of(0, 1), List.of("", "")));
    assertThat(ledger.lookup(names).at(0).reservations()).containsKey("gang-a");

    ledger.releaseReservations("gang-a");

    assertThat(ledger.lookup(names).at(0).reservations()).isEmpty();
  }

  @Test
  void manyNodesAddedAfterTheFirstLookupAreAllFound() {
    Ledger ledger = ledgerWith("n0");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      names.add("n" + i);
    }
    assertThat(ledger.lookup(names).at(299)).isNull();

    for (int i = 1; i < 300; i++) {
      ledger.putNode(node("n" + i));
    }

    NodeLookup lookup = ledger.lookup(names);
    for (int i = 0; i < 300; i++) {
      assertThat(lookup.at(i)).isSameAs(ledger.node("n" + i).orElseThrow());
    }
  }

  /**
   * Readers in two orders while a writer adds, removes and changes nodes: whatever state a reader
   * gets at a position is that position's node, never another node's.
   */
  @Test
  void concurrentReadersNeverSeeAnotherNodesState() throws InterruptedException {
    List<String> forward = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      forward.add("n" + i);
    }
    List<String> backward = new ArrayList<>(forward);
    Collections.reverse(backward);
    Ledger ledger = new Ledger();
    for (int i = 0; i < 100; i++) {
      ledger.putNode(node("n" + i));
    }
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    List<Thread> readers = new ArrayList<>();
    for (List<String> names : List.of(forward, backward, forward)) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          NodeLookup lookup = ledger.lookup(names);
          for (int i = 0; i < names.size(); i++) {
            NodeState s = lookup.at(i);
            if (s != null && !s.node().name().equals(names.get(i))) {
              wrong.add(names.get(i) + " read as " + s.node().name());
            }
          }
        }
      });
      t.start();
      readers.add(t);
    }
    for (int round = 0; round < 2_000; round++) {
      String name = "n" + (round * 7 % 200);
      if (ledger.node(name).isPresent() && round % 3 == 0) {
        ledger.removeNode(name);
      } else if (ledger.node(name).isPresent()) {
        try {
          ledger.allocate("ns/p" + round, Assignment.whole(name, List.of(round % 8), List.of("")));
        } catch (AllocationConflict taken) {
          // that GPU is held already: the node stays as it was
        }
      } else {
        ledger.putNode(node(name));
      }
      if (round % 500 == 499) {
        ledger.rebuild(List.of(node("n1"), node("n150")), List.of(), PLACER::attribute);
      }
    }
    stop.set(true);
    for (Thread t : readers) {
      t.join();
    }

    assertThat(wrong).isEmpty();
    assertThat(namesOf(ledger.lookup(forward)))
        .isEqualTo(forward.stream().map(n -> ledger.node(n).isPresent() ? n : "-").toList());
  }
}
