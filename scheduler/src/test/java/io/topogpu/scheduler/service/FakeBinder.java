package io.topogpu.scheduler.service;

import io.topogpu.scheduler.bind.BindException;
import io.topogpu.scheduler.bind.BindTarget;
import io.topogpu.scheduler.bind.Binder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A two-step binder over an imaginary API server: remembers every call in order ({@code "prepare
 * w-0"}, {@code "commit w-0"}, {@code "undo w-0"}) and who is bound where; refuses the prepare or
 * commit of the pods named in {@link #refusePrepare} / {@link #refuseCommit} with the API
 * server's kind of message; {@link #undo} deletes only the pods named in {@link #controlled}.
 */
final class FakeBinder implements Binder {
  final List<String> calls = new ArrayList<>();
  /** Pod name → node, for pods bound and not deleted. */
  final Map<String, String> bound = new LinkedHashMap<>();
  /** Every commit asked for, refused ones included. */
  final List<BindTarget> attempted = new ArrayList<>();
  /** The commits that succeeded. */
  final List<BindTarget> committed = new ArrayList<>();
  final Set<String> refusePrepare = new HashSet<>();
  final Set<String> refuseCommit = new HashSet<>();
  final Set<String> controlled = new HashSet<>();
  /** Run when the named pod's prepare starts, before it answers (to act in the middle of a write). */
  final Map<String, Runnable> duringPrepare = new LinkedHashMap<>();

  @Override
  public synchronized Prepared prepare(BindTarget target) {
    calls.add("prepare " + target.name());
    Runnable during = duringPrepare.remove(target.name());
    if (during != null) {
      during.run();
    }
    if (refusePrepare.contains(target.name())) {
      throw new BindException("writing topogpu.io/gpus on pod " + target.key() + " failed (HTTP 422): "
          + "the resourceVersion test failed");
    }
    String node = bound.get(target.name());
    if (node != null && !node.equals(target.node())) {
      throw new BindException("pod " + target.key() + " is already bound to node " + node);
    }
    return node == null ? Prepared.READY : Prepared.ALREADY_BOUND;
  }

  @Override
  public synchronized void commit(BindTarget target) {
    calls.add("commit " + target.name());
    attempted.add(target);
    if (refuseCommit.contains(target.name())) {
      throw new BindException("binding pod " + target.key() + " to node " + target.node()
          + " failed (HTTP 404): not found");
    }
    bound.put(target.name(), target.node());
    committed.add(target);
  }

  @Override
  public synchronized boolean undo(BindTarget target, String why) {
    calls.add("undo " + target.name());
    if (!controlled.contains(target.name())) {
      return false;
    }
    bound.remove(target.name());
    return true;
  }

  synchronized long count(String verb) {
    return calls.stream().filter(c -> c.startsWith(verb + " ")).count();
  }
}
