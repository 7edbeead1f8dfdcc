package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random interleavings of several gangs and single pods, in kube-scheduler's call order
 * (filter, then bind later), with kube-scheduler's own filters sometimes dropping a node, members
 * deleted and replaced, pods leaving and time passing. After every step: no GPU is held twice
 * (pods and reservations together), no gang is partly bound, and no gang holds part of its
 * reservation. At the end, with the single pods gone, every gang completes.
 *
 * <p>Cluster: leaves l1, l2 of three 8-GPU DGX nodes each. Gangs: 2–3 members of 4 or 8 GPUs,
 * half of them requiring one leaf; each fits the empty cluster.
 */
class GangInterleavingTest {
  private static final int GANGS = 4;

  private final MutableClock clock = new MutableClock();
  private final Ledger ledger = new Ledger();
  private final Placer placer = new Placer(Policy.defaults());
  private final GangCoordinator coordinator = new GangCoordinator(ledger,
      new GangPlanner(placer, new NetworkTiers(TierConfig.defaults())), GangIdentities.withoutPodGroups(),
      new GangSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2)), clock);

  /** A gang as the test drives it: members by key, what each is doing. */
  private static final class Gang {
    final String name;
    final int size;
    final int gpus;
    final boolean leaf;
    final Map<String, PodInfo> pending = new LinkedHashMap<>();
    final Map<String, String> filtered = new HashMap<>();
    final Map<String, CompletableFuture<Assignment>> binding = new HashMap<>();
    final List<String> bound = new ArrayList<>();
    int replacements;
    boolean completed;

    Gang(String name, int size, int gpus, boolean leaf) {
      this.name = name;
      this.size = size;
      this.gpus = gpus;
      this.leaf = leaf;
      for (int i = 0; i < size; i++) {
        add(name + "-w" + i);
      }
    }

    void add(String pod) {
      MakePod p = GangPods.member(name, size, pod).gpus(gpus);
      pending.put("default/" + pod, (leaf ? p.required("leaf") : p).obj());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void noGpuHeldTwiceNoGangPartlyBoundAndEveryGangCompletes(int seed) {
    Random r = new Random(seed);
    for (int i = 0; i < 6; i++) {
      ledger.putNode(MakeNode.named("n" + i).shape("dgx-a100-8gpu-nv12")
          .label(Keys.LABEL_LEGACY_LEAF, i < 3 ? "l1" : "l2").clusterNode());
    }
    List<Gang> gangs = new ArrayList<>();
    for (int g = 0; g < GANGS; g++) {
      gangs.add(new Gang("g" + g, 2 + r.nextInt(2), r.nextBoolean() ? 4 : 8, r.nextBoolean()));
    }
    List<String> singles = new ArrayList<>();
    int singleCount = 0;
    for (int step = 0; step < 300; step++) {
      Gang g = gangs.get(r.nextInt(gangs.size()));
      switch (r.nextInt(7)) {
        case 0, 1 -> filterOne(g, r, true);
        case 2 -> bindOne(g, r);
        case 3 -> {
          PodInfo p = MakePod.named("s" + singleCount++).gpus(1 + r.nextInt(4)).obj();
          placeSingle(p).ifPresent(a -> singles.add(p.key()));
        }
        case 4 -> {
          if (!singles.isEmpty()) {
            ledger.release(singles.remove(r.nextInt(singles.size())));
          }
        }
        case 5 -> {
          clock.advance(Duration.ofSeconds(r.nextInt(12)));
          coordinator.expireOverdue();
        }
        default -> churn(g, r);
      }
      collect(gangs);
      checkInvariants(gangs);
    }
    singles.forEach(ledger::release);
    for (int round = 0; round < 20 && !gangs.stream().allMatch(x -> x.completed); round++) {
      for (Gang g : gangs) {
        while (!g.pending.isEmpty() && filterOne(g, r, false)) {
          bindOne(g, r);
        }
        g.filtered.keySet().stream().filter(k -> !g.binding.containsKey(k)).toList().forEach(k -> bindOne(g, k));
        collect(gangs);
        checkInvariants(gangs);
        if (g.completed) {
          finish(g);
        }
      }
      clock.advance(Duration.ofSeconds(31));
      coordinator.expireOverdue();
      collect(gangs);
    }
    assertThat(gangs).allSatisfy(g -> assertThat(g.completed).as("gang %s completed", g.name).isTrue());
  }

  /** Filters one pending member; kube-scheduler's filters drop a random node one time in four. */
  private boolean filterOne(Gang g, Random r, boolean mayDrop) {
    if (g.pending.isEmpty()) {
      return false;
    }
    List<String> keys = new ArrayList<>(g.pending.keySet());
    PodInfo p = g.pending.get(keys.get(r.nextInt(keys.size())));
    List<String> candidates = new ArrayList<>(ledger.nodes().stream().map(NodeState::name).sorted().toList());
    if (mayDrop && r.nextInt(4) == 0) {
      candidates.remove(r.nextInt(candidates.size()));
    }
    if (coordinator.filter(p, candidates) instanceof GangFilterResult.Planned planned) {
      g.pending.remove(p.key());
      g.filtered.put(p.key(), planned.node());
      return true;
    }
    return false;
  }

  private void bindOne(Gang g, Random r) {
    List<String> ready = g.filtered.keySet().stream().filter(k -> !g.binding.containsKey(k)).sorted().toList();
    if (!ready.isEmpty()) {
      bindOne(g, ready.get(r.nextInt(ready.size())));
    }
  }

  private void bindOne(Gang g, String key) {
    g.binding.put(key, coordinator.arriveAtBind(key, g.filtered.get(key)).thenApply(s -> s.assignment(key)));
  }

  /** Completed binds become bound members; failed ones go back to pending, as kube-scheduler retries them. */
  private void collect(List<Gang> gangs) {
    for (Gang g : gangs) {
      for (String k : List.copyOf(g.binding.keySet())) {
        CompletableFuture<Assignment> f = g.binding.get(k);
        if (!f.isDone()) {
          continue;
        }
        g.binding.remove(k);
        String node = g.filtered.remove(k);
        if (f.isCompletedExceptionally()) {
          g.add(k.substring("default/".length()));
        } else {
          assertThat(f.join().node()).isEqualTo(node);
          g.bound.add(k);
        }
      }
      if (g.bound.size() == g.size) {
        g.completed = true;
      }
    }
  }

  /** A pending member is deleted and replaced by a new pod, or a bound gang's job finishes. */
  private void churn(Gang g, Random r) {
    if (g.completed && !g.bound.isEmpty()) {
      finish(g);
      return;
    }
    if (!g.pending.isEmpty() && g.bound.isEmpty()) {
      String k = new ArrayList<>(g.pending.keySet()).get(r.nextInt(g.pending.size()));
      g.pending.remove(k);
      coordinator.memberDeleted(k);
      g.add(g.name + "-r" + g.replacements++);
    }
  }

  private void finish(Gang g) {
    for (String k : g.bound) {
      ledger.release(k);
      coordinator.memberDeleted(k);
    }
    g.bound.clear();
  }

  private Optional<Assignment> placeSingle(PodInfo p) {
    List<NodeState> open = ledger.nodes().stream()
        .filter(n -> coordinator.heldAgainst(p, n.name()).isEmpty()).toList();
    Optional<Assignment> a = placer.rank(p, open).best().flatMap(NodeEvaluation::assignment);
    a.ifPresent(x -> ledger.allocate(p.key(), x));
    return a;
  }

  private void checkInvariants(List<Gang> gangs) {
    Map<String, Integer> reservedByGang = new HashMap<>();
    for (NodeState n : ledger.nodes()) {
      n.holdersByGpu().forEach((gpu, holders) ->
          assertThat(holders).as("holders of GPU %d on %s", gpu, n.name()).hasSizeLessThanOrEqualTo(1));
      n.reservations().forEach((owner, list) ->
          reservedByGang.merge(owner.replaceFirst("^gang:default/(g\\d+).*$", "$1"), list.size(), Integer::sum));
    }
    for (Gang g : gangs) {
      long held = ledger.nodes().stream().flatMap(n -> n.pods().keySet().stream())
          .filter(k -> k.startsWith("default/" + g.name + "-")).count();
      assertThat(held).as("bound members of %s", g.name).isIn(0L, (long) g.size);
      assertThat(reservedByGang.getOrDefault(g.name, 0)).as("reserved slots of %s", g.name)
          .isIn(0, g.size - (int) held);
    }
  }
}
