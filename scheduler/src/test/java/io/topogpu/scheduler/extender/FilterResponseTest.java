package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How a backend's verdicts pair with the request's nodes ({@link FilterResponse#verdictsFor}):
 * by position when given in request order, by name otherwise, with the same answer either way.
 */
class FilterResponseTest {
  private static final NodeRejection FULL = NodeRejection.resolvable("InsufficientGpus", "full");
  private static final NodeRejection SMALL =
      NodeRejection.unresolvable("InsufficientGpus", "too small");
  private static final List<String> REQUEST = List.of("a", "b", "c", "d");

  @Test
  @DisplayName("verdicts in request order are read by position: pass is null, a rejection itself")
  void inRequestOrder() {
    FilterResponse r = FilterResponse.inRequestOrder(4)
        .pass("a").reject("b", FULL).reject("c", SMALL).pass("d").build();

    assertThat(Arrays.asList(r.verdictsFor(REQUEST))).containsExactly(null, FULL, SMALL, null);
    assertThat(r.feasible()).containsExactly("a", "d");
    assertThat(r.rejected()).containsExactly(Map.entry("b", FULL), Map.entry("c", SMALL));
  }

  @Test
  @DisplayName("verdicts in another order, or for other nodes, are matched by name; a request node "
      + "without a verdict is marked NO_VERDICT and a node the request lacks is ignored")
  void otherOrder() {
    Map<String, NodeRejection> rejected = new LinkedHashMap<>();
    rejected.put("c", SMALL);
    rejected.put("b", FULL);
    FilterResponse r = FilterResponse.of(List.of("zzz", "a"), rejected);

    assertThat(Arrays.asList(r.verdictsFor(REQUEST)))
        .containsExactly(null, FULL, SMALL, FilterResponse.NO_VERDICT);
  }

  @Test
  @DisplayName("a node both listed as feasible and rejected counts as rejected, whichever came first")
  void rejectionWins() {
    FilterResponse feasibleFirst = FilterResponse.inRequestOrder(2).pass("b").reject("b", FULL).build();
    FilterResponse rejectedFirst = FilterResponse.inRequestOrder(2).reject("b", FULL).pass("b").build();

    assertThat(Arrays.asList(feasibleFirst.verdictsFor(List.of("b")))).containsExactly(FULL);
    assertThat(Arrays.asList(rejectedFirst.verdictsFor(List.of("b")))).containsExactly(FULL);
  }

  @Test
  @DisplayName("the map form and the in-order form of the same verdicts are equal")
  void sameVerdictsEqual() {
    FilterResponse inOrder = FilterResponse.inRequestOrder(3).pass("a").reject("b", FULL).build();
    FilterResponse fromMap = FilterResponse.of(List.of("a"), Map.of("b", FULL));

    assertThat(inOrder).isEqualTo(fromMap);
    assertThat(FilterResponse.failed("no such gang").error()).contains("no such gang");
  }

  @Test
  @DisplayName("a builder takes more nodes than it expected, in order")
  void grows() {
    FilterResponse.Builder b = FilterResponse.inRequestOrder(0);
    for (String n : List.of("n0", "n1", "n2", "n3", "n4", "n5")) {
      b.reject(n, FULL);
    }

    assertThat(b.build().rejected().keySet()).containsExactly("n0", "n1", "n2", "n3", "n4", "n5");
  }

  @Test
  @DisplayName("a builder is single use, and a blank error is refused")
  void misuse() {
    FilterResponse.Builder b = FilterResponse.inRequestOrder(1).pass("a");
    b.build();

    assertThatThrownBy(() -> b.pass("b")).isInstanceOf(IllegalStateException.class)
        .hasMessage("already built");
    assertThatThrownBy(() -> FilterResponse.failed(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("error: must not be blank");
  }
}
