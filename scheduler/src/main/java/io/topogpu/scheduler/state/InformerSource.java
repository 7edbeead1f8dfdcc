package io.topogpu.scheduler.state;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.bind.KubeBinder;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.kube.KubeEventRecorder;
import io.topogpu.scheduler.kube.KubeObjectException;
import io.topogpu.scheduler.kube.KubeObjects;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live state from the API server: fabric8 shared informers on nodes and on pods of every
 * namespace, feeding {@link ClusterState}.
 *
 * <p>Which pods: all of them. A pod holds GPUs whoever scheduled it (the default scheduler, another
 * extender, a static pod), so filtering by our scheduler name would hand its GPUs out twice, and
 * the API server cannot filter by resource request. Pods that request no managed resource are
 * cached as small {@link PodInfo}s and hold nothing.
 *
 * <p>Lifecycle: both informers start; every event is applied as it comes (add and update → {@link
 * ClusterState#putPod}/{@link ClusterState#putNode}, delete → remove; relists and resyncs arrive as
 * updates and deletes and are idempotent there). Once both have listed ({@code hasSynced}), the
 * ledger is rebuilt from the informer stores in one step ({@link ClusterState#replaceAll}), which
 * makes the state ready: the same cluster always rebuilds the same ledger.
 *
 * <p>A pod whose {@code topogpu.io/gpus} does not decode is kept, without that assignment: the
 * ledger counts it as unannotated (what topogpu would give it on its node, the conservative
 * rule), never as free, at start-up and on every update; it is counted in {@value
 * io.topogpu.scheduler.metrics.ExtenderMetrics#UNREADABLE_ASSIGNMENTS} and a Warning Event
 * {@value #UNREADABLE_REASON} names the field. Any other object that does not decode is logged and
 * its previous version kept, so a bad edit never frees GPUs a running pod uses.
 */
public final class InformerSource implements StateSource {
  private static final Logger log = LoggerFactory.getLogger(InformerSource.class);
  public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(5);
  public static final String UNREADABLE_REASON = "UnreadableGpuAssignment";

  private final KubernetesClient client;
  private final Duration resync;
  private final KubeBinder binder;
  private final EventRecorder events;
  private final ExecutorService eventWriter;
  private SharedIndexInformer<Node> nodes;
  private SharedIndexInformer<Pod> pods;

  public InformerSource(KubernetesClient client, Duration resync) {
    this.client = client;
    this.resync = resync;
    this.binder = new KubeBinder(client);
    this.eventWriter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "topogpu-ledger-events");
      t.setDaemon(true);
      return t;
    });
    this.events = new KubeEventRecorder(client, eventWriter, InstantSource.system());
  }

  @Override
  public void start(ClusterState state) {
    nodes = client.nodes().runnableInformer(resync.toMillis());
    nodes.addEventHandler(
        handler(
            n -> decode(n, KubeObjects::toClusterNode).ifPresent(state::putNode),
            n -> state.removeNode(n.getMetadata().getName())));
    pods = client.pods().inAnyNamespace().runnableInformer(resync.toMillis());
    pods.addEventHandler(
        handler(
            p -> decode(p, q -> ledgerPod(q, state)).ifPresent(state::putPod),
            p -> state.removePod(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())));
    CompletableFuture.allOf(
            nodes.start().toCompletableFuture(), pods.start().toCompletableFuture())
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.error("informers failed to start; staying not ready", failure);
                state.markNotReady("informers failed to start: " + failure.getMessage());
                return;
              }
              state.replaceAll(
                  () -> decodeAll(nodes.getStore().list(), KubeObjects::toClusterNode),
                  () -> decodeAll(pods.getStore().list(), p -> ledgerPod(p, state)));
              log.info(
                  "cluster state synced: {} nodes, {} pods",
                  state.nodes().size(),
                  pods.getStore().list().size());
            });
  }

  @Override
  public boolean announcesNewPods() {
    return true;
  }

  @Override
  public Binder binder() {
    return binder;
  }

  @Override
  public void close() {
    if (pods != null) {
      pods.stop();
    }
    if (nodes != null) {
      nodes.stop();
    }
    eventWriter.shutdown();
  }

  /** The pod as the ledger counts it; an unreadable assignment is noted, metered and evented. */
  private PodInfo ledgerPod(Pod pod, ClusterState state) {
    String[] problem = new String[1];
    PodInfo info = KubeObjects.toPodInfo(pod, p -> problem[0] = p);
    if (state.noteAssignment(info.key(), Optional.ofNullable(problem[0]))) {
      String message = problem[0] + "; counted as holding what topogpu would give it on its node"
          + " until the annotation is fixed";
      log.warn("pod {}: {}", info.key(), message);
      events.record(info.key(), EventRecorder.Type.Warning, UNREADABLE_REASON, message);
    }
    return info;
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> put, Consumer<T> remove) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        put.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        put.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        remove.accept(obj);
      }
    };
  }

  private static <T extends HasMetadata, R> Optional<R> decode(T obj, Function<T, R> decoder) {
    try {
      return Optional.of(decoder.apply(obj));
    } catch (KubeObjectException e) {
      log.warn(
          "{} {}/{} ignored: {}",
          obj.getKind(),
          obj.getMetadata().getNamespace(),
          obj.getMetadata().getName(),
          e.getMessage());
      return Optional.empty();
    }
  }

  private static <T extends HasMetadata, R> Collection<R> decodeAll(
      List<T> objects, Function<T, R> decoder) {
    List<R> out = new ArrayList<>();
    objects.forEach(o -> decode(o, decoder).ifPresent(out::add));
    return out;
  }
}
