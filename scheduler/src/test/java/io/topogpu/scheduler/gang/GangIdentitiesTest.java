package io.topogpu.scheduler.gang;

import static io.topogpu.scheduler.gang.GangPods.labelled;
import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.Keys;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GangIdentitiesTest {
  /** A fake PodGroup informer: {@code namespace/name → minMember}. */
  private static PodGroupSizes podGroups(Map<String, Integer> sizes) {
    return (ns, name) -> Optional.ofNullable(sizes.get(ns + "/" + name));
  }

  private final GangIdentities identities = new GangIdentities(
      podGroups(Map.of("default/sp-group", 4)), podGroups(Map.of("default/vc-group", 3)));

  private static GangResolution member(String name, int size, GangSource source) {
    return new GangResolution.Member(new GangIdentity("default", name, size, source));
  }

  @Test
  void aPodWithoutGangKeysIsSingle() {
    assertThat(identities.resolve(MakePod.named("p").gpus(1).obj())).isEqualTo(GangResolution.SINGLE);
  }

  @Test
  void topogpuAnnotationsNameTheGangAndItsSize() {
    PodInfo p = GangPods.member("train-a", 4, "w-0").gpus(8).obj();
    assertThat(identities.resolve(p)).isEqualTo(member("train-a", 4, GangSource.TOPOGPU));
  }

  @Test
  void topogpuKeysMayBeLabelsToo() {
    PodInfo p = labelled(MakePod.named("w-0").gpus(8).obj(), Keys.GANG, "train-a", Keys.GANG_SIZE, "2");
    assertThat(identities.resolve(p)).isEqualTo(member("train-a", 2, GangSource.TOPOGPU));
  }

  @Test
  void aMissingSizeIsUnresolvedNotGuessed() {
    PodInfo p = MakePod.named("w-0").gpus(8).annotation(Keys.GANG, "train-a").obj();
    assertThat(identities.resolve(p)).isEqualTo(new GangResolution.Unresolved("default/train-a",
        "gang size unknown: topogpu.io/gang names gang default/train-a but topogpu.io/gang-size is missing"));
  }

  @Test
  void aSizeThatIsNotAPositiveIntegerIsUnresolved() {
    PodInfo p = GangPods.member("train-a", 1, "w-0").annotation(Keys.GANG_SIZE, "four").gpus(8).obj();
    assertThat(identities.resolve(p)).isEqualTo(new GangResolution.Unresolved("default/train-a",
        "gang size unknown: topogpu.io/gang-size: must be a positive integer, got 'four'"));
  }

  @Test
  void schedulerPluginsPodGroupSizeComesFromMinMember() {
    PodInfo p = labelled(MakePod.named("w-0").gpus(8).obj(), Keys.SCHEDULER_PLUGINS_POD_GROUP, "sp-group");
    assertThat(identities.resolve(p)).isEqualTo(member("sp-group", 4, GangSource.SCHEDULER_PLUGINS));
  }

  @Test
  void aPodGroupThatCannotBeFoundIsUnresolvedWithWhatToDo() {
    PodInfo p = labelled(MakePod.named("w-0").gpus(8).obj(), Keys.SCHEDULER_PLUGINS_POD_GROUP, "nowhere");
    assertThat(identities.resolve(p)).isEqualTo(new GangResolution.Unresolved("default/nowhere",
        "gang size unknown: scheduling.x-k8s.io/pod-group names PodGroup default/nowhere but no such PodGroup "
            + "with a minMember was found; create it or set topogpu.io/gang-size"));
  }

  @Test
  void anExplicitGangSizeOverridesThePodGroupLookup() {
    PodInfo p = labelled(MakePod.named("w-0").gpus(8).annotation(Keys.GANG_SIZE, "6").obj(),
        Keys.SCHEDULER_PLUGINS_POD_GROUP, "nowhere");
    assertThat(identities.resolve(p)).isEqualTo(member("nowhere", 6, GangSource.SCHEDULER_PLUGINS));
  }

  @Test
  void volcanoGroupNameAnnotationUsesVolcanosPodGroup() {
    PodInfo p = MakePod.named("w-0").gpus(8).annotation(Keys.VOLCANO_GROUP_NAME, "vc-group").obj();
    assertThat(identities.resolve(p)).isEqualTo(member("vc-group", 3, GangSource.VOLCANO));
  }

  @Test
  void kueuePodGroupTakesItsSizeFromTheTotalCountAnnotation() {
    PodInfo p = labelled(MakePod.named("w-0").gpus(8).annotation(Keys.KUEUE_POD_GROUP_TOTAL_COUNT, "5").obj(),
        Keys.KUEUE_POD_GROUP_NAME, "kq");
    assertThat(identities.resolve(p)).isEqualTo(member("kq", 5, GangSource.KUEUE));
  }

  @Test
  void kueuePodGroupWithoutTotalCountIsUnresolved() {
    PodInfo p = labelled(MakePod.named("w-0").gpus(8).obj(), Keys.KUEUE_POD_GROUP_NAME, "kq");
    assertThat(identities.resolve(p)).isEqualTo(new GangResolution.Unresolved("default/kq",
        "gang size unknown: kueue.x-k8s.io/pod-group-name names gang default/kq but "
            + "kueue.x-k8s.io/pod-group-total-count is missing"));
  }

  @Test
  void theFirstConventionInResolutionOrderWins() {
    PodInfo p = labelled(GangPods.member("own", 2, "w-0").gpus(8).annotation(Keys.VOLCANO_GROUP_NAME, "vc-group").obj(),
        Keys.SCHEDULER_PLUGINS_POD_GROUP, "sp-group", Keys.KUEUE_POD_GROUP_NAME, "kq");
    assertThat(identities.resolve(p)).isEqualTo(member("own", 2, GangSource.TOPOGPU));
    PodInfo q = labelled(MakePod.named("w-0").gpus(8).annotation(Keys.VOLCANO_GROUP_NAME, "vc-group").obj(),
        Keys.SCHEDULER_PLUGINS_POD_GROUP, "sp-group");
    assertThat(identities.resolve(q)).isEqualTo(member("sp-group", 4, GangSource.SCHEDULER_PLUGINS));
  }
  @Test
  void volcanosNewerGroupNameAnnotationUsesVolcanosPodGroupToo() {
    PodInfo p = MakePod.named("w-0").gpus(8).annotation(Keys.VOLCANO_SH_GROUP_NAME, "vc-group").obj();
    assertThat(identities.resolve(p)).isEqualTo(member("vc-group", 3, GangSource.VOLCANO_SH));
  }

  @Test
  void leaderWorkerSetGroupIsOneGangOfItsSizeNamedAfterTheLeader() {
    PodInfo leader = labelled(MakePod.named("vllm-1").gpus(8).annotation(Keys.LWS_SIZE, "4").obj(),
        Keys.LWS_NAME, "vllm", Keys.LWS_GROUP_INDEX, "1");
    PodInfo worker = labelled(MakePod.named("vllm-1-3").gpus(8).annotation(Keys.LWS_SIZE, "4").obj(),
        Keys.LWS_NAME, "vllm", Keys.LWS_GROUP_INDEX, "1");
    PodInfo otherGroup = labelled(MakePod.named("vllm-0-3").gpus(8).annotation(Keys.LWS_SIZE, "4").obj(),
        Keys.LWS_NAME, "vllm", Keys.LWS_GROUP_INDEX, "0");
    assertThat(identities.resolve(leader)).isEqualTo(member("vllm-1", 4, GangSource.LEADER_WORKER_SET));
    assertThat(identities.resolve(worker)).isEqualTo(member("vllm-1", 4, GangSource.LEADER_WORKER_SET));
    assertThat(identities.resolve(otherGroup)).isEqualTo(member("vllm-0", 4, GangSource.LEADER_WORKER_SET));
  }

  @Test
  void leaderWorkerSetPodWithoutSizeOrGroupIndexIsUnresolved() {
    PodInfo noSize = labelled(MakePod.named("vllm-1").gpus(8).obj(), Keys.LWS_NAME, "vllm", Keys.LWS_GROUP_INDEX, "1");
    assertThat(identities.resolve(noSize)).isEqualTo(new GangResolution.Unresolved("default/vllm-1",
        "gang size unknown: leaderworkerset.sigs.k8s.io/name names gang default/vllm-1 but "
            + "leaderworkerset.sigs.k8s.io/size is missing"));
    PodInfo noIndex = labelled(MakePod.named("vllm-1").gpus(8).annotation(Keys.LWS_SIZE, "4").obj(),
        Keys.LWS_NAME, "vllm");
    assertThat(identities.resolve(noIndex)).isEqualTo(new GangResolution.Unresolved("default/vllm",
        "gang size unknown: leaderworkerset.sigs.k8s.io/name is vllm but label "
            + "leaderworkerset.sigs.k8s.io/group-index is missing"));
  }

  @Test
  void aGangSizeOnTheTemplateOverridesTheLeaderWorkerSetSize() {
    PodInfo p = labelled(MakePod.named("vllm-0-1").gpus(8).annotation(Keys.LWS_SIZE, "4")
        .annotation(Keys.GANG_SIZE, "3").obj(), Keys.LWS_NAME, "vllm", Keys.LWS_GROUP_INDEX, "0");
    assertThat(identities.resolve(p)).isEqualTo(member("vllm-0", 3, GangSource.LEADER_WORKER_SET));
  }

  private static PodInfo jobSetPod(String name, String replicatedJob, String jobIndex, String gangSize) {
    MakePod pod = MakePod.named(name).gpus(8);
    if (gangSize != null) {
      pod.annotation(Keys.GANG_SIZE, gangSize);
    }
    return labelled(pod.obj(), Keys.JOBSET_NAME, "train", Keys.JOBSET_REPLICATED_JOB_NAME, replicatedJob,
        Keys.JOBSET_JOB_INDEX, jobIndex);
  }

  @Test
  void eachChildJobOfAJobSetIsItsOwnGang() {
    assertThat(identities.resolve(jobSetPod("train-workers-0-2-abcde", "workers", "0", "4")))
        .isEqualTo(member("train-workers-0", 4, GangSource.JOBSET));
    assertThat(identities.resolve(jobSetPod("train-workers-1-0-fghij", "workers", "1", "4")))
        .isEqualTo(member("train-workers-1", 4, GangSource.JOBSET));
    assertThat(identities.resolve(jobSetPod("train-driver-0-0-klmno", "driver", "0", "1")))
        .isEqualTo(member("train-driver-0", 1, GangSource.JOBSET));
  }

  @Test
  void aJobSetPodWithoutGangSizeIsNotAGangMember() {
    assertThat(identities.resolve(jobSetPod("train-workers-0-0-abcde", "workers", "0", null)))
        .isEqualTo(GangResolution.SINGLE);
  }

  @Test
  void aJobSetPodMissingItsJobIndexIsUnresolved() {
    PodInfo p = labelled(MakePod.named("x").gpus(8).annotation(Keys.GANG_SIZE, "4").obj(),
        Keys.JOBSET_NAME, "train", Keys.JOBSET_REPLICATED_JOB_NAME, "workers");
    assertThat(identities.resolve(p)).isEqualTo(new GangResolution.Unresolved("default/train",
        "gang size unknown: jobset.sigs.k8s.io/jobset-name is train but label jobset.sigs.k8s.io/job-index is missing"));
  }

  @Test
  void topogpusOwnGangNameWinsOverTheJobSetAndLeaderWorkerSetAliases() {
    PodInfo p = labelled(GangPods.member("whole-jobset", 8, "w-0").gpus(8).obj(),
        Keys.JOBSET_NAME, "train", Keys.JOBSET_REPLICATED_JOB_NAME, "workers", Keys.JOBSET_JOB_INDEX, "1",
        Keys.LWS_NAME, "vllm", Keys.LWS_GROUP_INDEX, "0");
    assertThat(identities.resolve(p)).isEqualTo(member("whole-jobset", 8, GangSource.TOPOGPU));
  }
}
