package io.topogpu.nodeagent.publish;

/** What one publisher cycle did to the node; the metrics label {@code outcome} uses {@link #label()}. */
public enum Outcome {
  /** The topology annotation was written (first run, or the topology changed, or it was stale). */
  PUBLISHED,
  /** The annotation already held this topology and was fresh: no write. */
  UNCHANGED,
  /** A probe failed: the last good topology stays, {@code topogpu.io/topology-stale} was set. */
  MARKED_STALE,
  /** A probe failed again: already marked stale, no write. */
  STILL_STALE,
  /** A probe failed and no topology was ever published: nothing to keep or mark. */
  NOTHING_PUBLISHED;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
