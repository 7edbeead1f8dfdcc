package io.topogpu.scheduler.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Weighted mean of the policy's score terms, scaled to the extender's 0..10:
 *
 * <pre>  score = round(10 × Σ w_t · s_t / Σ w_t)</pre>
 *
 * over terms t with weight w_t &gt; 0 that apply to the pod; 0 when none applies.
 */
final class Scorer {
  private final Map<String, Integer> weights;
  private final Map<String, ScoreTerm> terms;

  /** Scores with {@link Policy#TERMS}, whose workload is never observed. */
  Scorer(Policy policy) {
    this(policy, Policy.TERMS);
  }

  /** {@code terms}: the placer's instances of {@link Policy#TERMS} (same names, same order). */
  Scorer(Policy policy, Map<String, ScoreTerm> terms) {
    this.weights = policy.weights();
    this.terms = terms;
  }

  ScoreBreakdown score(ScoreContext c) {
    double sum = 0;
    double weightSum = 0;
    List<ScoreBreakdown.TermScore> parts = new ArrayList<>();
    for (ScoreTerm term : terms.values()) {
      int w = weights.get(term.name());
      if (w == 0) {
        continue;
      }
      OptionalDouble s = term.score(c);
      parts.add(new ScoreBreakdown.TermScore(term.name(), w, s.orElse(Double.NaN)));
      if (s.isPresent()) {
        sum += w * s.getAsDouble();
        weightSum += w;
      }
    }
    double raw = weightSum == 0 ? 0 : sum / weightSum;
    return new ScoreBreakdown((int) Math.round(ScoreBreakdown.MAX_SCORE * raw), raw, parts);
  }
}
