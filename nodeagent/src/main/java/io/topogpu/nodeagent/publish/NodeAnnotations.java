package io.topogpu.nodeagent.publish;

import java.util.Map;

/**
 * The annotations of the agent's own node, as a seam over the API server. Failures are thrown as
 * runtime exceptions; which of them are transient is the implementation's {@link
 * #isTransient(RuntimeException)}.
 */
public interface NodeAnnotations {

  /** The node's current annotations (empty map when it has none). */
  Map<String, String> read();

  /**
   * Applies {@code changes} as one JSON merge patch of {@code metadata.annotations}: a key with a
   * value sets it, a key mapped to {@code null} removes it; other annotations are untouched.
   */
  void merge(Map<String, String> changes);

  /** Whether a failure of {@link #read()} or {@link #merge} is worth retrying. */
  boolean isTransient(RuntimeException failure);
}
