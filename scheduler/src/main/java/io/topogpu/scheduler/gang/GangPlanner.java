package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Plans a whole gang at once. Pure and deterministic: reads immutable node states, changes nothing.
 *
 * <p><b>Levels</b>, tightest first: {@code node}, the configured tiers, then {@value #CLUSTER}
 * (all the given nodes). A level's domains group the nodes by their label value ({@link
 * NetworkTiers}). The search walks the levels tightest first and stops at the first level where
 * some domain holds every member; among that level's domains it takes the one with the highest
 * Σ member score, then the fewest free milli-GPUs (fuller domains first, keeping empty ones whole
 * for bigger gangs), then the name.
 *
 * <p><b>Constraints</b>: a member's {@code placement-required} naming {@code node} or a tier
 * anchors the search: every domain searched lies within one domain of that level, and levels wider
 * than it are not searched. {@code placement-preferred} anchors a first search; when no domain of
 * the preferred level can hold the gang, the search is repeated without it and the placement says
 * {@code preferenceMet = false}. {@code nvlink}/{@code numa} are per-member and enforced by the
 * placement core on each member's GPU set. When members disagree the tightest level wins.
 *
 * <p><b>Inside a domain</b> members are placed one by one, largest request first (then in the order given),
 * each on the node the placement core ranks best <em>given the members placed before it</em>
 * ({@code NodeState.with}). For gangs of equal whole-GPU requests without link constraints this
 * greedy fills a domain whenever any placement can; for mixed gangs it is a heuristic.
 *
 * <p><b>Rejection</b>: one sentence for the whole gang, about the required level (or the cluster),
 * and resolvable unless the gang would not fit even on the same nodes emptied of other pods.
 *
 * <p>The levels and their domains are {@link GangLevels}'s, the greedy fit {@link GangFit}'s and
 * the starvation hold target {@link HoldTargetSearch}'s; this class owns the search order above.
 */
public final class GangPlanner {
  /** The level of the scope made of all the given nodes. */
  public static final String CLUSTER = TierConfig.CLUSTER;

  private final GangLevels levels;
  private final GangFit fit;
  private final HoldTargetSearch holds;

  public GangPlanner(Placer placer, NetworkTiers tiers) {
    this.levels = new GangLevels(tiers);
    this.fit = new GangFit(placer);
    this.holds = new HoldTargetSearch(levels, fit);
  }

  public NetworkTiers tiers() {
    return levels.tiers();
  }

  /**
   * Places {@code request}'s members on {@code nodes}: the nodes they may use, with everything
   * held there (including fixed members' holdings) counted, and the gang's own reservations not.
   */
  public GangPlanResult plan(GangRequest request, Collection<NodeState> nodes) {
    String gang = request.gang().key();
    Optional<String> required;
    Optional<String> preferred;
    try {
      required = levels.tightest(request.members(), Placement::required, GangReasons.requiredKey());
      preferred = levels.tightest(request.members(), Placement::preferred, GangReasons.preferredKey());
    } catch (IllegalArgumentException e) {
      return new GangRejection(gang, "gang " + gang + ": " + e.getMessage(), false);
    }
    List<NodeState> sorted = nodes.stream().sorted(Comparator.comparing(NodeState::name)).toList();
    List<String> strict = required.map(List::of).orElse(List.of());
    if (preferred.isPresent() && !required.equals(preferred)) {
      List<String> anchors = new ArrayList<>(strict);
      anchors.add(preferred.get());
      Optional<GangPlacement> p = search(request, sorted, anchors, true);
      if (p.isPresent()) {
        return p.get();
      }
    }
    Optional<GangPlacement> p = search(request, sorted, strict, true);
    if (p.isPresent()) {
      return preferred.isEmpty() ? p.get() : checkPreference(p.get(), preferred.get(), sorted, request);
    }
    return reject(request, sorted, strict);
  }

  /**
   * The nodes to hold for a starving gang: the fewest, freest nodes of one domain that could take
   * the whole gang were their other pods gone. Empty when no domain could ever hold it.
   *
   * <p>The level is the tightest (up to the required one) where some domain, emptied, holds the
   * gang; only domains that contain every fixed member's node count (the plan's domain
   * must contain them). Within each such domain the nodes are ordered by free milli-GPU now, most
   * first, then by name, and the candidate is the shortest prefix of that order on which the
   * greedy fit places every member once the prefix is emptied of everything but
   * the gang's own fixed members (their GPUs stay taken: they are the gang's, not in its way). A
   * fixed member's node is in the hold only when its spare capacity is among what the gang needs.
   * Among the domains' candidates wins the one with the most free milli-GPU now (closest to
   * fitting), then the fewest nodes, then the first domain by name.
   */
  public Optional<List<String>> holdTarget(GangRequest request, Collection<NodeState> nodes) {
    return holds.holdTarget(request, nodes);
  }

  /** The placement, with {@code preferenceMet} true only when every member is in one domain of {@code level}. */
  private GangPlacement checkPreference(GangPlacement p, String level, List<NodeState> nodes, GangRequest request) {
    Map<String, ClusterNode> byName = new TreeMap<>();
    nodes.forEach(n -> byName.put(n.name(), n.node()));
    List<Optional<String>> domains = new ArrayList<>();
    p.assignments().values().forEach(a -> domains.add(tiers().domainOf(byName.get(a.node()), level)));
    request.fixed().values().forEach(n -> domains.add(tiers().domainOf(n, level)));
    boolean met = domains.stream().distinct().count() == 1 && domains.get(0).isPresent();
    return new GangPlacement(p.gang(), p.level(), p.domain(), p.assignments(), p.points(), met);
  }

  /** The best placement at the tightest level, up to the widest anchor, where some domain holds every member. */
  private Optional<GangPlacement> search(GangRequest request, List<NodeState> nodes, List<String> anchors,
      boolean preferenceMet) {
    for (String level : levels.upTo(levels.widest(anchors))) {
      Optional<GangPlacement> best = Optional.empty();
      long bestFree = 0;
      for (var scope : levels.scopes(nodes, level, anchors).entrySet()) {
        if (!levels.fixedInside(request.fixed().values(), level, anchors, scope.getKey())
            || !GangFit.mayHold(request.members(), scope.getValue())) {
          continue;
        }
        GangFit.Greedy g = fit.greedy(request.members(), scope.getValue());
        if (g.placed().size() < request.members().size()) {
          continue;
        }
        long free = GangFit.freeMilli(scope.getValue());
        if (best.isEmpty() || g.points() > best.get().points() || (g.points() == best.get().points() && free < bestFree)) {
          Map<String, Assignment> ordered = new LinkedHashMap<>();
          request.members().forEach(m -> ordered.put(m.key(), g.placed().get(m.key())));
          best = Optional.of(new GangPlacement(request.gang().key(), level,
              GangLevels.name(level, anchors, scope.getKey()), ordered, g.points(), preferenceMet));
          bestFree = free;
        }
      }
      if (best.isPresent()) {
        return best;
      }
    }
    return Optional.empty();
  }

  private GangRejection reject(GangRequest request, List<NodeState> nodes, List<String> anchors) {
    String gang = request.gang().key();
    String level = anchors.isEmpty() ? CLUSTER : anchors.get(0);
    List<PodInfo> members = request.members();
    Map<List<String>, List<NodeState>> scopes = levels.scopes(nodes, level, anchors);
    String detail;
    if (scopes.isEmpty() && (level.equals(CLUSTER) || level.equals(Placement.NODE))) {
      detail = "there are no candidate nodes";
    } else if (scopes.isEmpty()) {
      detail = "no candidate node has a " + level + " label ("
          + String.join(" or ", tiers().config().require(level).labelKeys()) + ")";
    } else if (GangFit.equalWholeGpus(members) > 0 && !level.equals(Placement.NODE)) {
      int k = GangFit.equalWholeGpus(members);
      int most = scopes.values().stream()
          .mapToInt(s -> (int) s.stream().filter(n -> n.topology().isPresent() && Long.bitCount(n.freeMask()) >= k).count())
          .max().orElse(0);
      detail = GangReasons.nodesWithFree(level, most, k);
    } else {
      int most = scopes.values().stream().mapToInt(s -> fit.greedy(members, s).placed().size()).max().orElse(0);
      detail = GangReasons.room(level, most, members.size());
    }
    List<NodeState> emptied = nodes.stream().map(n -> NodeState.empty(n.node())).toList();
    boolean resolvable = search(request, emptied, anchors, true).isPresent();
    return new GangRejection(gang, GangReasons.needs(gang, members, request.fixed().size(), level) + "; " + detail,
        resolvable);
  }
}
