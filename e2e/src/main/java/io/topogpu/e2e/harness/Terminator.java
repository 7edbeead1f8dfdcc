package io.topogpu.e2e.harness;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a kubelet does when a pod on its node is deleted, for Node objects that have none: once a
 * pod bound to such a node has a deletion timestamp (kube-scheduler preempting it, a controller, a
 * user), it is removed for good (grace period 0), so preemption can complete. Pods on the real
 * kubelet's node are left to that kubelet.
 */
public final class Terminator implements AutoCloseable {
  private final Watch watch;
  private final ExecutorService deleter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "e2e-terminator");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger terminated = new AtomicInteger();

  public Terminator(KubernetesClient admin) {
    this.watch = admin.pods().inAnyNamespace().watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        String node = pod.getSpec().getNodeName();
        if (action == Action.MODIFIED && pod.getMetadata().getDeletionTimestamp() != null && node != null
            && !node.isEmpty() && !ControlPlane.KUBELET_NODE.equals(node)) {
          deleter.execute(() -> {
            admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withGracePeriod(0).delete();
            terminated.incrementAndGet();
          });
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  /** Pods removed so far. */
  public int terminated() {
    return terminated.get();
  }

  @Override
  public void close() {
    watch.close();
    deleter.shutdownNow();
  }
}
