package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
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
import java.util.function.Function;

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
 */
public final class GangPlanner {
  /** The level of the scope made of all the given nodes. */
  public static final String CLUSTER = TierConfig.CLUSTER;

  private final Placer placer;
  private final NetworkTiers tiers;
  private final List<String> levels;

  public GangPlanner(Placer placer, NetworkTiers tiers) {
    this.placer = placer;
    this.tiers = tiers;
    List<String> l = new ArrayList<>();
    l.add(Placement.NODE);
    l.addAll(tiers.config().names());
    l.add(CLUSTER);
    this.levels = List.copyOf(l);
  }

  public NetworkTiers tiers() {
    return tiers;
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
      required = tightest(request.members(), Placement::required, GangReasons.requiredKey());
      preferred = tightest(request.members(), Placement::preferred, GangReasons.preferredKey());
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

  /** The placement, with {@code preferenceMet} true only when every member is in one domain of {@code level}. */
  private GangPlacement checkPreference(GangPlacement p, String level, List<NodeState> nodes, GangRequest request) {
    Map<String, ClusterNode> byName = new TreeMap<>();
    nodes.forEach(n -> byName.put(n.name(), n.node()));
    List<Optional<String>> domains = new ArrayList<>();
    p.assignments().values().forEach(a -> domains.add(tiers.domainOf(byName.get(a.node()), level)));
    request.fixed().values().forEach(n -> domains.add(tiers.domainOf(n, level)));
    boolean met = domains.stream().distinct().count() == 1 && domains.get(0).isPresent();
    return new GangPlacement(p.gang(), p.level(), p.domain(), p.assignments(), p.points(), met);
  }

  private Optional<GangPlacement> search(GangRequest request, List<NodeState> nodes, List<String> anchors,
      boolean preferenceMet) {
    int widest = anchors.isEmpty() ? rank(CLUSTER) : anchors.stream().mapToInt(this::rank).max().orElseThrow();
    for (String level : levels.subList(0, widest + 1)) {
      Optional<GangPlacement> best = Optional.empty();
      long bestFree = 0;
      for (var scope : scopes(nodes, level, anchors).entrySet()) {
        if (!fixedInside(request.fixed().values(), level, anchors, scope.getKey())
            || !mayHold(request.members(), scope.getValue())) {
          continue;
        }
        Greedy g = greedy(request.members(), scope.getValue());
        if (g.placed().size() < request.members().size()) {
          continue;
        }
        long free = freeMilli(scope.getValue());
        if (best.isEmpty() || g.points() > best.get().points() || (g.points() == best.get().points() && free < bestFree)) {
          Map<String, Assignment> ordered = new LinkedHashMap<>();
          request.members().forEach(m -> ordered.put(m.key(), g.placed().get(m.key())));
          best = Optional.of(new GangPlacement(request.gang().key(), level, name(level, anchors, scope.getKey()),
              ordered, g.points(), preferenceMet));
          bestFree = free;
        }
      }
      if (best.isPresent()) {
        return best;
      }
    }
    return Optional.empty();
  }

  /**
   * The nodes to hold for a starving gang: the fewest, freest nodes of one domain that could take
   * the whole gang were their other pods gone. Empty when no domain could ever hold it.
   *
   * <p>The level is the tightest (up to the required one) where some domain, emptied, holds the
   * gang; only domains that contain every fixed member's node count (the plan's domain
   * must contain them). Within each such domain the nodes are ordered by free milli-GPU now, most
   * first, then by name, and the candidate is the shortest prefix of that order on which the
   * greedy fit ({@link #greedy}) places every member once the prefix is emptied of everything but
   * the gang's own fixed members (their GPUs stay taken: they are the gang's, not in its way). A
   * fixed member's node is in the hold only when its spare capacity is among what the gang needs.
   * Among the domains' candidates wins the one with the most free milli-GPU now (closest to
   * fitting), then the fewest nodes, then the first domain by name.
   *
   * <p>Why a prefix and not the domain: a held node is closed to everyone else until the gang
   * starts, so every node held beyond what the gang needs is capacity kept idle for nothing.
   */
  public Optional<List<String>> holdTarget(GangRequest request, Collection<NodeState> nodes) {
    Optional<String> required;
    try {
      required = tightest(request.members(), Placement::required, GangReasons.requiredKey());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    List<String> anchors = required.map(List::of).orElse(List.of());
    List<NodeState> sorted = nodes.stream().sorted(Comparator.comparing(NodeState::name)).toList();
    int widest = anchors.isEmpty() ? rank(CLUSTER) : rank(anchors.get(0));
    for (String level : levels.subList(0, widest + 1)) {
      HoldCandidate best = null;
      for (var scope : scopes(sorted, level, anchors).entrySet()) {
        if (!fixedInside(request.fixed().values(), level, anchors, scope.getKey())) {
          continue;
        }
        Optional<HoldCandidate> c = shortestFittingPrefix(request, scope.getValue());
        if (c.isPresent() && (best == null || c.get().before(best))) {
          best = c.get();
        }
      }
      if (best != null) {
        return Optional.of(best.nodes());
      }
    }
    return Optional.empty();
  }

  /** A domain's hold candidate: its shortest fitting prefix and that prefix's free milli-GPU now. */
  private record HoldCandidate(List<String> nodes, long free) {
    /** More free first, then fewer nodes; equal candidates keep the earlier domain (by name). */
    boolean before(HoldCandidate other) {
      return free != other.free ? free > other.free : nodes.size() < other.nodes.size();
    }
  }

  private Optional<HoldCandidate> shortestFittingPrefix(GangRequest request, List<NodeState> scope) {
    List<NodeState> order = scope.stream().filter(n -> n.topology().isPresent())
        .sorted(Comparator.comparingLong(GangPlanner::freeNow).reversed().thenComparing(NodeState::name))
        .toList();
    List<NodeState> emptied = new ArrayList<>();
    for (NodeState n : order) {
      emptied.add(emptiedButFixed(n, request.fixed().keySet()));
      if (mayHold(request.members(), emptied)
          && greedy(request.members(), emptied).placed().size() == request.members().size()) {
        List<NodeState> prefix = order.subList(0, emptied.size());
        return Optional.of(new HoldCandidate(prefix.stream().map(NodeState::name).toList(), freeMilli(prefix)));
      }
    }
    return Optional.empty();
  }

  /** {@code n} with only the gang's own fixed members still holding GPUs. */
  private static NodeState emptiedButFixed(NodeState n, Collection<String> fixed) {
    NodeState out = NodeState.empty(n.node());
    for (var p : n.pods().entrySet()) {
      if (fixed.contains(p.getKey())) {
        out = out.with(p.getKey(), p.getValue());
      }
    }
    return out;
  }

  private GangRejection reject(GangRequest request, List<NodeState> nodes, List<String> anchors) {
    String gang = request.gang().key();
    String level = anchors.isEmpty() ? CLUSTER : anchors.get(0);
    List<PodInfo> members = request.members();
    Map<List<String>, List<NodeState>> scopes = scopes(nodes, level, anchors);
    String detail;
    if (scopes.isEmpty() && (level.equals(CLUSTER) || level.equals(Placement.NODE))) {
      detail = "there are no candidate nodes";
    } else if (scopes.isEmpty()) {
      detail = "no candidate node has a " + level + " label ("
          + String.join(" or ", tiers.config().require(level).labelKeys()) + ")";
    } else if (equalWholeGpus(members) > 0 && !level.equals(Placement.NODE)) {
      int k = equalWholeGpus(members);
      int most = scopes.values().stream()
          .mapToInt(s -> (int) s.stream().filter(n -> n.topology().isPresent() && Long.bitCount(n.freeMask()) >= k).count())
          .max().orElse(0);
      detail = GangReasons.nodesWithFree(level, most, k);
    } else {
      int most = scopes.values().stream().mapToInt(s -> greedy(members, s).placed().size()).max().orElse(0);
      detail = GangReasons.room(level, most, members.size());
    }
    List<NodeState> emptied = nodes.stream().map(n -> NodeState.empty(n.node())).toList();
    boolean resolvable = search(request, emptied, anchors, true).isPresent();
    return new GangRejection(gang, GangReasons.needs(gang, members, request.fixed().size(), level) + "; " + detail,
        resolvable);
  }

  /** Members placed one by one, largest first (stable), each on the best node given those before it. */
  private Greedy greedy(List<PodInfo> members, List<NodeState> scope) {
    List<PodInfo> order = members.stream()
        .sorted(Comparator.comparingLong(GangPlanner::demand).reversed())
        .toList();
    Map<String, NodeState> states = new LinkedHashMap<>();
    scope.forEach(n -> states.put(n.name(), n));
    Map<String, Assignment> placed = new LinkedHashMap<>();
    int points = 0;
    for (PodInfo p : order) {
      Optional<NodeEvaluation> best = placer.rank(p, states.values()).best();
      if (best.isEmpty()) {
        break;
      }
      Assignment a = best.get().assignment().orElseThrow();
      states.put(a.node(), states.get(a.node()).with(p.key(), a));
      placed.put(p.key(), a);
      points += best.get().points();
    }
    return new Greedy(placed, points);
  }

  private record Greedy(Map<String, Assignment> placed, int points) {}

  /** Nodes grouped by their domains at {@code level} and at every anchor; nodes lacking one left out. */
  private Map<List<String>, List<NodeState>> scopes(List<NodeState> nodes, String level, List<String> anchors) {
    Map<List<String>, List<NodeState>> out = new TreeMap<>(Comparator.comparing(List::toString));
    for (NodeState n : nodes) {
      key(n.node(), level, anchors).ifPresent(k -> out.computeIfAbsent(k, x -> new ArrayList<>()).add(n));
    }
    return out;
  }

  private Optional<List<String>> key(ClusterNode node, String level, List<String> anchors) {
    List<String> key = new ArrayList<>();
    for (String l : parts(level, anchors)) {
      Optional<String> d = tiers.domainOf(node, l);
      if (d.isEmpty()) {
        return Optional.empty();
      }
      key.add(d.get());
    }
    return Optional.of(key);
  }

  private static List<String> parts(String level, List<String> anchors) {
    List<String> parts = new ArrayList<>();
    if (!level.equals(CLUSTER)) {
      parts.add(level);
    }
    anchors.stream().filter(a -> !parts.contains(a)).forEach(parts::add);
    return parts;
  }

  private static String name(String level, List<String> anchors, List<String> key) {
    List<String> parts = parts(level, anchors);
    if (parts.isEmpty()) {
      return CLUSTER;
    }
    List<String> named = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      named.add(parts.get(i) + "=" + key.get(i));
    }
    return String.join(",", named);
  }

  private boolean fixedInside(Collection<ClusterNode> fixed, String level, List<String> anchors, List<String> scope) {
    return fixed.stream().allMatch(n -> key(n, level, anchors).filter(scope::equals).isPresent());
  }

  /** Cheap bound: whole-GPU gangs need at least Σ count free GPUs in the scope. */
  private static boolean mayHold(List<PodInfo> members, List<NodeState> scope) {
    if (!members.stream().allMatch(m -> m.request().get() instanceof GpuRequest.WholeGpus)) {
      return true;
    }
    long need = members.stream().mapToLong(m -> ((GpuRequest.WholeGpus) m.request().get()).count()).sum();
    long free = scope.stream().filter(n -> n.topology().isPresent()).mapToLong(n -> Long.bitCount(n.freeMask())).sum();
    return free >= need;
  }

  private static long freeMilli(List<NodeState> scope) {
    return scope.stream().filter(n -> n.topology().isPresent()).mapToLong(GangPlanner::freeNow).sum();
  }

  private static long freeNow(NodeState n) {
    return n.capacityMilli() - n.usedMilli();
  }

  /** k when every member asks for k whole GPUs, else 0. */
  private static int equalWholeGpus(List<PodInfo> members) {
    List<GpuRequest> distinct = members.stream().map(m -> m.request().get()).distinct().toList();
    return distinct.size() == 1 && distinct.get(0) instanceof GpuRequest.WholeGpus w ? w.count() : 0;
  }

  /** Sort key only: milli-GPU for whole GPUs and shares, instance count for MIG. */
  private static long demand(PodInfo p) {
    GpuRequest r = p.request().orElseThrow();
    if (r instanceof GpuRequest.WholeGpus w) {
      return 1000L * w.count();
    }
    return r instanceof GpuRequest.GpuShare s ? s.milli() : ((GpuRequest.MigInstances) r).count();
  }

  private int rank(String level) {
    int r = levels.indexOf(level);
    if (r < 0) {
      throw new IllegalArgumentException("unknown level " + level);
    }
    return r;
  }

  /**
   * The tightest gang-level constraint among the members: {@code node} or a tier; nvlink and numa
   * apply per member and are skipped. Throws naming the key for an unknown level.
   */
  private Optional<String> tightest(List<PodInfo> members, Function<Placement, Optional<String>> which, String key) {
    Optional<String> best = Optional.empty();
    for (PodInfo m : members) {
      Optional<String> level = which.apply(m.placement());
      if (level.isEmpty() || level.get().equals(Placement.NVLINK) || level.get().equals(Placement.NUMA)) {
        continue;
      }
      if (!levels.contains(level.get()) || level.get().equals(CLUSTER)) {
        throw new IllegalArgumentException(GangReasons.unknownLevel(key, level.get(), tiers.config().levelNames()));
      }
      if (best.isEmpty() || rank(level.get()) < rank(best.get())) {
        best = level;
      }
    }
    return best;
  }
}
