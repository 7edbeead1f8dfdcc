package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * What the placement costs the node's ability to serve future large requests. The node's GPUs fall
 * into blocks: its NVLink domains, and for GPUs outside any domain, their NUMA groups. A GPU is
 * pristine when nothing of it is held (no whole use, share or MIG instance); a block is intact when
 * all its healthy GPUs are pristine. With n the node's healthy GPUs:
 *
 * <pre>
 *   broken    = Σ |B| over blocks B intact before the placement and not after
 *   stranded  = Σ (1000 − used(g)) / 1000 over GPUs g a share turns from pristine to partly used
 *   fragmentation = max(0, 1 − (broken + stranded) / n)
 * </pre>
 *
 * So a placement inside an already broken block scores 1, one that opens an intact 8-GPU NVLink
 * block on an 8-GPU node scores 0, and a share that opens a fresh GPU pays for the rest of that
 * GPU, which only other shares can use.
 */
final class Fragmentation implements ScoreTerm {
  static final String NAME = "fragmentation";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public OptionalDouble score(ScoreContext c) {
    NodeTopology t = c.before().topology().orElseThrow();
    int healthy = (int) t.gpus().stream().filter(g -> g.healthy()).count();
    if (healthy == 0) {
      return OptionalDouble.of(0);
    }
    double broken = 0;
    for (List<Integer> block : blocks(t)) {
      if (intact(c.before(), t, block) && !intact(c.after(), t, block)) {
        broken += block.stream().filter(g -> t.gpu(g).healthy()).count();
      }
    }
    double stranded = 0;
    if (c.assignment().isShare()) {
      int g = c.assignment().gpus().get(0);
      if (pristine(c.before(), g)) {
        stranded = (NodeState.MILLI_PER_GPU - c.after().milliUsed(g)) / (double) NodeState.MILLI_PER_GPU;
      }
    }
    return OptionalDouble.of(Math.max(0, 1 - (broken + stranded) / healthy));
  }

  static List<List<Integer>> blocks(NodeTopology t) {
    List<List<Integer>> out = new ArrayList<>(t.nvlinkDomains());
    for (List<Integer> group : t.numaGroups()) {
      List<Integer> rest = group.stream().filter(g -> t.nvlinkDomainOf(g) < 0).toList();
      if (!rest.isEmpty()) {
        out.add(rest);
      }
    }
    return out;
  }

  private static boolean intact(NodeState s, NodeTopology t, List<Integer> block) {
    return block.stream().filter(g -> t.gpu(g).healthy()).allMatch(g -> pristine(s, g));
  }

  private static boolean pristine(NodeState s, int g) {
    return s.milliUsed(g) == 0 && s.migSlicesHeld(g) == 0;
  }
}
