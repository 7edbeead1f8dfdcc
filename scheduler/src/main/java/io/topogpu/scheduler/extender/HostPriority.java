package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of the prioritize response (a bare JSON array of these). kube-scheduler neither clamps
 * nor normalises extender scores: it adds {@code score × weight × 10} to the node's plugin total,
 * so the score must stay within {@link #MIN_SCORE}..{@link #MAX_SCORE}, which the constructor
 * enforces.
 */
public record HostPriority(@JsonProperty("Host") String host, @JsonProperty("Score") long score) {
  public static final long MIN_SCORE = 0;
  public static final long MAX_SCORE = 10;

  public HostPriority {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("Host: required");
    }
    if (score < MIN_SCORE || score > MAX_SCORE) {
      throw new IllegalArgumentException(
          "Score: must be "
              + MIN_SCORE
              + ".."
              + MAX_SCORE
              + ", got "
              + score
              + " for host "
              + host);
    }
  }
}
