package io.topogpu.scheduler.extender;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The backend's filter verdict, independent of the wire form: per judged node, whether it can take
 * the pod or why not, or an error about the pod as a whole. The HTTP layer only echoes names that
 * were in the request, in request order, so a backend cannot make kube-scheduler fail by naming a
 * node it was not asked about; a request node with no verdict counts as filtered out, and a node
 * both listed as feasible and rejected counts as rejected.
 *
 * <p>Two ways to build one: {@link #of} from a feasible list and a rejection map, or {@link
 * #inRequestOrder} one verdict per request node, in request order. The second is what a backend
 * judging thousands of nodes per call should use: the verdicts are kept as two parallel arrays and
 * the HTTP layer reads them position by position, without a map keyed by name in between.
 * Immutable once built; {@link #feasible} and {@link #rejected} are computed views.
 */
public final class FilterResponse {
  /** Judged nodes and, at the same index, why each is rejected ({@code null}: it passes). */
  private final String[] nodes;
  private final NodeRejection[] verdicts;
  private final Optional<String> error;

  private FilterResponse(String[] nodes, NodeRejection[] verdicts, Optional<String> error) {
    this.nodes = nodes;
    this.verdicts = verdicts;
    this.error = error;
  }

  public static FilterResponse of(List<String> feasible, Map<String, NodeRejection> rejected) {
    Builder b = inRequestOrder(feasible.size() + rejected.size());
    feasible.forEach(b::pass);
    rejected.forEach(b::reject);
    return b.build();
  }

  /** Every node passes. */
  public static FilterResponse allFeasible(List<String> nodeNames) {
    return of(nodeNames, Map.of());
  }

  /** A failure about the pod itself (unknown gang, invalid annotations): the filter call fails. */
  public static FilterResponse failed(String error) {
    if (error.isBlank()) {
      throw new IllegalArgumentException("error: must not be blank");
    }
    return new FilterResponse(new String[0], new NodeRejection[0], Optional.of(error));
  }

  /**
   * Collects one verdict per node; meant to be fed the request's nodes in request order, which
   * lets the HTTP layer pair verdicts with request nodes by position. Other orders are still
   * correct (matched by name, slower).
   */
  public static Builder inRequestOrder(int expectedNodes) {
    return new Builder(expectedNodes);
  }

  /** Verdicts in the order given; single use. */
  public static final class Builder {
    private String[] nodes;
    private NodeRejection[] verdicts;
    private int size;

    private Builder(int expected) {
      nodes = new String[Math.max(expected, 4)];
      verdicts = new NodeRejection[nodes.length];
    }

    public Builder pass(String node) {
      return add(node, null);
    }

    public Builder reject(String node, NodeRejection why) {
      return add(node, Objects.requireNonNull(why, "why"));
    }

    private Builder add(String node, NodeRejection verdict) {
      if (nodes == null) {
        throw new IllegalStateException("already built");
      }
      if (size == nodes.length) {
        nodes = Arrays.copyOf(nodes, 2 * size);
        verdicts = Arrays.copyOf(verdicts, 2 * size);
      }
      nodes[size] = Objects.requireNonNull(node, "node");
      verdicts[size++] = verdict;
      return this;
    }

    public FilterResponse build() {
      FilterResponse r = new FilterResponse(
          size == nodes.length ? nodes : Arrays.copyOf(nodes, size),
          size == verdicts.length ? verdicts : Arrays.copyOf(verdicts, size),
          Optional.empty());
      nodes = null;
      verdicts = null;
      return r;
    }
  }

  /** The nodes listed as able to take the pod, in the order given. */
  public List<String> feasible() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      if (verdicts[i] == null) {
        out.add(nodes[i]);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** The rejected nodes with their reasons, in the order given. */
  public Map<String, NodeRejection> rejected() {
    Map<String, NodeRejection> out = new LinkedHashMap<>();
    for (int i = 0; i < nodes.length; i++) {
      if (verdicts[i] != null) {
        out.put(nodes[i], verdicts[i]);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  public Optional<String> error() {
    return error;
  }

  /** Stands for "passes" inside {@link #verdictsFor}'s name lookup only. */
  private static final NodeRejection PASSES = NodeRejection.resolvable("Passes", "passes");

  /** Marks a request node that got no verdict: filtered out, reported nowhere. */
  static final NodeRejection NO_VERDICT =
      NodeRejection.resolvable("NoVerdict", "the extender gave no verdict for this node");

  /**
   * The verdict on each of {@code requestNodes}, position by position: {@code null} when the node
   * passes, {@link #NO_VERDICT} when the backend said nothing about it, otherwise its rejection.
   * Positional when the verdicts were given in exactly the request's order (the usual case: no
   * lookup by name; the array returned is this response's own, to be read, never written),
   * matched by name otherwise.
   */
  NodeRejection[] verdictsFor(List<String> requestNodes) {
    int n = requestNodes.size();
    if (n == nodes.length && sameOrder(requestNodes)) {
      return verdicts;
    }
    Map<String, NodeRejection> byName = new HashMap<>();
    for (int i = 0; i < nodes.length; i++) {
      // a rejection wins over a listing as feasible
      byName.merge(nodes[i], verdicts[i] == null ? PASSES : verdicts[i],
          (before, now) -> before == PASSES ? now : before);
    }
    NodeRejection[] out = new NodeRejection[n];
    for (int i = 0; i < n; i++) {
      NodeRejection v = byName.get(requestNodes.get(i));
      out[i] = v == null ? NO_VERDICT : v == PASSES ? null : v;
    }
    return out;
  }

  private boolean sameOrder(List<String> requestNodes) {
    for (int i = 0; i < nodes.length; i++) {
      if (!nodes[i].equals(requestNodes.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FilterResponse r
        && feasible().equals(r.feasible())
        && rejected().equals(r.rejected())
        && error.equals(r.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(feasible(), rejected(), error);
  }

  @Override
  public String toString() {
    return "FilterResponse[feasible=" + feasible() + ", rejected=" + rejected() + ", error=" + error
        + "]";
  }
}
