package io.topogpu.scheduler.gang.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangIdentity;
import io.topogpu.scheduler.gang.GangPods;
import io.topogpu.scheduler.gang.GangResolution;
import io.topogpu.scheduler.gang.GangSource;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.Keys;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PodGroup CRDs that are not installed: the mock API server in expectations mode answers every
 * request it was not told about with 404, as an API server answers a list of a resource it does
 * not serve. The documented behaviour (docs/placement.md, "PodGroups"): the informer gives up, every
 * lookup is empty, so a pod naming a PodGroup gets "gang size unknown" unless it carries {@code
 * topogpu.io/gang-size}.
 */
@EnableKubernetesMockClient(crud = false, https = false)
class KubePodGroupSizesIT {
  KubernetesMockServer server;
  KubernetesClient client;
  KubePodGroupSizes schedulerPlugins;
  KubePodGroupSizes volcano;
  GangIdentities identities;

  @BeforeEach
  void crdsAbsent() {
    schedulerPlugins = KubePodGroupSizes.start(client, KubePodGroupSizes.SCHEDULER_PLUGINS, Duration.ofMinutes(10));
    volcano = KubePodGroupSizes.start(client, KubePodGroupSizes.VOLCANO, Duration.ofMinutes(10));
    identities = new GangIdentities(schedulerPlugins, volcano);
    awaitAbsent(schedulerPlugins);
    awaitAbsent(volcano);
  }

  @AfterEach
  void stop() {
    schedulerPlugins.close();
    volcano.close();
  }

  @Test
  @DisplayName("discovery answered 404: absent, never synced, every lookup empty")
  void absentCrdAnswersEmpty() {
    assertThat(schedulerPlugins.synced()).isFalse();
    assertThat(schedulerPlugins.size("ml", "train-a")).isEmpty();
    assertThat(volcano.synced()).isFalse();
    assertThat(volcano.size("ml", "train-a")).isEmpty();
  }

  @Test
  @DisplayName("a scheduler-plugins member without topogpu.io/gang-size: gang size unknown, with the documented message")
  void schedulerPluginsMemberWithoutSizeIsUnresolved() {
    PodInfo pod = GangPods.labelled(MakePod.named("w-0").namespace("ml").gpus(8).obj(),
        Keys.SCHEDULER_PLUGINS_POD_GROUP, "train-a");

    assertThat(identities.resolve(pod)).isEqualTo(new GangResolution.Unresolved("ml/train-a",
        "gang size unknown: scheduling.x-k8s.io/pod-group names PodGroup ml/train-a but no such PodGroup with a "
            + "minMember was found; create it or set topogpu.io/gang-size"));
  }

  @Test
  @DisplayName("a Volcano member with topogpu.io/gang-size: a gang of that size, no PodGroup needed")
  void volcanoMemberWithExplicitSizeResolves() {
    PodInfo pod = MakePod.named("w-0").namespace("ml").annotation(Keys.VOLCANO_GROUP_NAME, "train-b")
        .annotation(Keys.GANG_SIZE, "3").gpus(8).obj();

    assertThat(identities.resolve(pod)).isEqualTo(
        new GangResolution.Member(new GangIdentity("ml", "train-b", 3, GangSource.VOLCANO)));
  }

  private static void awaitAbsent(KubePodGroupSizes sizes) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!sizes.absent()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + sizes + " to give up");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
