package io.topogpu.scheduler.bind;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Snapshot mode's binder: there is no API server, so binds are only remembered here (and in the
 * cluster state, by the caller). A pod bound once stays bound: binding it to the same node again
 * succeeds, to another node fails, as the API server would answer. Snapshot pods have no
 * controller to recreate them, so {@link #undo} never deletes.
 */
public final class InMemoryBinder implements Binder {
  private final Map<String, BindTarget> bound = new ConcurrentHashMap<>();

  @Override
  public Prepared prepare(BindTarget target) {
    BindTarget previous = bound.get(target.key());
    if (previous == null) {
      return Prepared.READY;
    }
    if (!previous.node().equals(target.node())) {
      throw new BindException("pod " + target.key() + " is already bound to node " + previous.node());
    }
    return Prepared.ALREADY_BOUND;
  }

  @Override
  public void commit(BindTarget target) {
    BindTarget previous = bound.putIfAbsent(target.key(), target);
    if (previous != null && !previous.node().equals(target.node())) {
      throw new BindException(
          "pod " + target.key() + " is already bound to node " + previous.node());
    }
  }

  @Override
  public boolean undo(BindTarget target, String why) {
    return false;
  }

  /** What pod {@code key} was bound with, if it was. */
  public Optional<BindTarget> bound(String key) {
    return Optional.ofNullable(bound.get(key));
  }
}
