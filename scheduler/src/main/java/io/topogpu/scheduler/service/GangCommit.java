package io.topogpu.scheduler.service;

import io.topogpu.scheduler.bind.BindException;
import io.topogpu.scheduler.bind.BindTarget;
import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.extender.BindResponse;
import io.topogpu.scheduler.gang.GangCoordinator;
import io.topogpu.scheduler.gang.GangEvents;
import io.topogpu.scheduler.gang.GangStart;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.WorkloadMix;
import io.topogpu.scheduler.state.ClusterState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one opening of a gang's bind barrier ({@link GangStart}) as a whole, in two phases:
 *
 * <ol>
 *   <li><b>prepare</b> every member (check the pod, record its devices in {@code
 *       topogpu.io/gpus}), concurrently. If any fails, no binding is posted for anyone: every
 *       member's bind fails with that one reason, their allocations are released and the
 *       coordinator forgets them ({@link GangCoordinator#bindFailed}), so kube-scheduler's retries
 *       plan the gang again. The annotations left on the unbound pods hold nothing (only bound pods
 *       hold devices);
 *   <li><b>commit</b>: only then post every member's binding, concurrently.
 * </ol>
 *
 * Kubernetes cannot bind N pods atomically, so a binding can still be refused after others were
 * posted (pod deleted or replaced in between, API server unreachable beyond the client's retries).
 * Then the gang is partly bound and is undone: each bound member owned by a controller is deleted
 * ({@link Binder#undo}) so its controller recreates it and it comes through the gang again; its
 * devices stay held until the pod is seen gone, since it may already be starting. A bound pod
 * without a controller is never deleted (that would lose it): it stays bound, and is told it runs
 * without its gang. Every member gets a {@value GangEvents#PARTLY_BOUND} event saying which.
 *
 * <p>The first member whose barrier future completes starts the write on {@code writers}; the
 * others join the same answer, and so does a member's bind that kube-scheduler retries while the
 * write runs ({@link #inFlight}), so no member is ever written outside its gang's two phases. {@code writers} runs every member's API calls and the write itself
 * waits for them, so it must not be a small bounded pool (a cached pool, or the calling thread).
 */
final class GangCommit {
  private static final Logger log = LoggerFactory.getLogger(GangCommit.class);

  private final GangCoordinator coordinator;
  private final ClusterState state;
  private final Binder binder;
  private final GangEvents events;
  private final Executor writers;
  private final WorkloadMix workload;
  /** Openings being written, until every member has joined; by identity, as each is one event. */
  private final Map<GangStart, Shared> openings = new IdentityHashMap<>();
  /** Members of the writes running now, to their shared answers. */
  private final Map<String, CompletableFuture<Map<String, BindResponse>>> writing = new ConcurrentHashMap<>();

  private static final class Shared {
    final CompletableFuture<Map<String, BindResponse>> answers = new CompletableFuture<>();
    /** Members that have not joined yet; a member joining twice (a retried bind) counts once. */
    final Set<String> toJoin;

    Shared(GangStart start) {
      toJoin = new HashSet<>(start.members().keySet());
    }
  }

  GangCommit(GangCoordinator coordinator, ClusterState state, Binder binder,
      GangEvents events, Executor writers, WorkloadMix workload) {
    this.workload = workload;
    this.coordinator = coordinator;
    this.state = state;
    this.binder = binder;
    this.events = events;
    this.writers = writers;
  }

  /**
   * Every member's bind answer for {@code start}, asked for by member {@code podKey}; written once,
   * whoever asks first. The opening is forgotten once every member has asked.
   */
  CompletableFuture<Map<String, BindResponse>> join(GangStart start, String podKey) {
    Shared shared;
    boolean first;
    synchronized (openings) {
      shared = openings.get(start);
      first = shared == null;
      if (first) {
        shared = new Shared(start);
        openings.put(start, shared);
        for (String k : start.members().keySet()) {
          writing.put(k, shared.answers);
        }
      }
      shared.toJoin.remove(podKey);
      if (shared.toJoin.isEmpty()) {
        openings.remove(start);
      }
    }
    if (first) {
      Shared s = shared;
      CompletableFuture.supplyAsync(() -> write(start), writers).whenComplete((answers, e) -> {
        start.members().keySet().forEach(k -> writing.remove(k, s.answers));
        if (e != null) {
          s.answers.completeExceptionally(e);
        } else {
          s.answers.complete(answers);
        }
      });
    }
    return shared.answers;
  }

  /**
   * The answers of the write that {@code podKey} is part of while it runs: a bind that
   * kube-scheduler retries meanwhile (its first request timed out) joins it rather than writing the
   * member alone, which could bind it although the gang's prepare phase fails.
   */
  Optional<CompletableFuture<Map<String, BindResponse>>> inFlight(String podKey) {
    return Optional.ofNullable(writing.get(podKey));
  }

  private Map<String, BindResponse> write(GangStart start) {
    Map<String, BindTarget> targets = new LinkedHashMap<>();
    start.members().forEach((k, m) -> targets.put(k, new BindTarget(m.pod().namespace(), m.pod().name(),
        m.pod().uid(), m.assignment().node(), Optional.of(m.assignment()))));
    Map<String, Attempt<Binder.Prepared>> prepared = inParallel(targets, binder::prepare);
    List<String> bound = new ArrayList<>();
    prepared.forEach((k, p) -> p.result().filter(Binder.Prepared.ALREADY_BOUND::equals).ifPresent(x -> bound.add(k)));
    Optional<String> refused = firstFailure(prepared);
    if (refused.isEmpty()) {
      Map<String, BindTarget> ready = new LinkedHashMap<>(targets);
      bound.forEach(ready::remove);
      Map<String, Attempt<Boolean>> committed = inParallel(ready, t -> {
        binder.commit(t);
        return true;
      });
      committed.forEach((k, c) -> c.result().ifPresent(x -> bound.add(k)));
      refused = firstFailure(committed);
    }
    if (refused.isEmpty()) {
      start.members().forEach((k, m) -> recordBound(m));
      Map<String, BindResponse> answers = new LinkedHashMap<>();
      start.members().keySet().forEach(k -> answers.put(k, BindResponse.bound()));
      return answers;
    }
    String why = "gang " + start.gang().key() + ": " + refused.get();
    log.warn("gang write failed, {} of {} members bound: {}", bound.size(), start.members().size(), why);
    return bound.isEmpty() ? noneBound(start, why) : partlyBound(start, targets, bound, refused.get());
  }

  /** Nothing was bound: every member fails with {@code why}, rolled back and planned again. */
  private Map<String, BindResponse> noneBound(GangStart start, String why) {
    String reason = why + "; no member was bound, the gang will be planned again";
    Map<String, BindResponse> answers = new LinkedHashMap<>();
    start.members().forEach((k, m) -> {
      rollBack(k, m);
      answers.put(k, BindResponse.failed(reason));
    });
    events.notBound(List.copyOf(start.members().keySet()), reason);
    return answers;
  }

  /** Some members are bound, others not: undo the bound ones that can be recreated, warn on the rest. */
  private Map<String, BindResponse> partlyBound(GangStart start, Map<String, BindTarget> targets, List<String> bound,
      String refused) {
    String gang = start.gang().key();
    String why = "gang " + gang + " partly bound: " + refused;
    String undoing = why + "; deleting bound members so the gang starts whole";
    Map<String, BindResponse> answers = new LinkedHashMap<>();
    start.members().forEach((k, m) -> {
      if (!bound.contains(k)) {
        rollBack(k, m);
        answers.put(k, BindResponse.failed(undoing));
        events.partlyBound(k, undoing);
        return;
      }
      recordBound(m);
      if (binder.undo(targets.get(k), undoing)) {
        coordinator.memberDeleted(k);
        answers.put(k, BindResponse.failed(undoing + "; pod " + k + " was deleted for its controller to recreate"));
        events.partlyBound(k, undoing + "; pod " + k + " was deleted for its controller to recreate");
      } else {
        answers.put(k, BindResponse.bound());
        events.partlyBound(k, "pod " + k + " runs without its gang: " + why
            + "; it has no controller to recreate it, so it was not deleted");
      }
    });
    return answers;
  }

  /** A member is bound: the ledger knows, and the learned workload counts its request once. */
  private void recordBound(GangStart.Member m) {
    state.recordBound(m.pod(), m.assignment().node(), Optional.of(m.assignment()));
    m.pod().request().ifPresent(workload::observe);
  }

  private void rollBack(String key, GangStart.Member m) {
    state.release(key, m.assignment());
    coordinator.bindFailed(key);
  }

  /** One member's API call: its result, or why it failed. */
  private record Attempt<T>(Optional<T> result, Optional<String> failure) {}

  private <T> Map<String, Attempt<T>> inParallel(Map<String, BindTarget> targets, Function<BindTarget, T> call) {
    Map<String, CompletableFuture<Attempt<T>>> running = new LinkedHashMap<>();
    targets.forEach((k, t) -> running.put(k, CompletableFuture.supplyAsync(() -> {
      try {
        return new Attempt<>(Optional.of(call.apply(t)), Optional.<String>empty());
      } catch (BindException e) {
        return new Attempt<T>(Optional.empty(), Optional.of(e.getMessage()));
      } catch (RuntimeException e) {
        log.warn("gang write of {} failed unexpectedly", t.key(), e);
        return new Attempt<T>(Optional.empty(), Optional.of(t.key() + ": " + e));
      }
    }, writers)));
    Map<String, Attempt<T>> done = new LinkedHashMap<>();
    running.forEach((k, f) -> done.put(k, f.join()));
    return done;
  }

  private static <T> Optional<String> firstFailure(Map<String, Attempt<T>> attempts) {
    return attempts.values().stream().flatMap(a -> a.failure().stream()).findFirst();
  }
}
