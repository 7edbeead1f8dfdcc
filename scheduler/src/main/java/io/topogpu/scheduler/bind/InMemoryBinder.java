package io.topogpu.scheduler.bind;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Snapshot mode's binder: there is no API server, so binds are only remembered here (and in the
 * cluster state, by the caller). A pod bound once stays bound: binding it to the same node again
 * succeeds, to another node fails, as the API server would answer.
 */
public final class InMemoryBinder implements Binder {
  private final Map<String, BindTarget> bound = new ConcurrentHashMap<>();

  @Override
  public void bind(BindTarget target) {
    BindTarget previous = bound.putIfAbsent(target.key(), target);
    if (previous != null && !previous.node().equals(target.node())) {
      throw new BindException(
          "pod " + target.key() + " is already bound to node " + previous.node());
    }
  }

  /** What pod {@code key} was bound with, if it was. */
  public Optional<BindTarget> bound(String key) {
    return Optional.ofNullable(bound.get(key));
  }
}
