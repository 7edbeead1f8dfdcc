package io.topogpu.scheduler.placement;

import java.util.List;

/**
 * A node's score and how it came about.
 *
 * @param score the extender score, 0..10: round(10 × raw)
 * @param raw Σ weight × value / Σ weight over the terms that apply, in [0, 1]
 * @param terms every term with a non-zero weight, applicable or not, in policy order
 */
public record ScoreBreakdown(int score, double raw, List<TermScore> terms) {
  public static final int MAX_SCORE = 10;

  /** One term's part; {@code value} is NaN when the term does not apply to this pod. */
  public record TermScore(String term, int weight, double value) {
    public boolean applies() {
      return !Double.isNaN(value);
    }
  }

  public ScoreBreakdown {
    terms = List.copyOf(terms);
  }
}
