package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.topogpu.scheduler.kube.KubeObjects;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The job-shape examples in manifests/examples, one per controller convention. Each test parses
 * the file, checks its apiVersion and kind, builds the pods the workload's controller would create
 * (the pod template plus the labels and annotations that controller adds, per its source), and
 * resolves them as the extender does: the GPU pods must fall into exactly the expected gangs, each
 * with as many members as its size.
 */
class JobShapeExamplesTest {
  private static final Path EXAMPLES = Path.of("../manifests/examples");
  private static final ObjectMapper YAML = new YAMLMapper();

  @Test
  void mpiJobWorkersAreOneGangAndTheLauncherIsScheduledAlone() throws IOException {
    JsonNode job = document("mpijob-gang.yaml", "MPIJob");
    assertThat(job.path("apiVersion").asText()).isEqualTo("kubeflow.org/v2beta1");
    String name = job.at("/metadata/name").asText();
    List<PodInfo> pods = new ArrayList<>();
    JsonNode specs = job.at("/spec/mpiReplicaSpecs");
    for (String type : List.of("Launcher", "Worker")) {
      JsonNode spec = specs.path(type);
      for (int i = 0; i < spec.path("replicas").asInt(); i++) {
        String role = type.toLowerCase();
        pods.add(pod(job, spec.path("template"), type.equals("Launcher") ? name + "-launcher" : name + "-worker-" + i,
            Map.of("training.kubeflow.org/job-name", name, "training.kubeflow.org/operator-name", "mpi-operator",
                "training.kubeflow.org/replica-type", role, "training.kubeflow.org/replica-index", Integer.toString(i)),
            Map.of()));
      }
    }

    assertThat(gangs(pods, GangIdentities.withoutPodGroups())).isEqualTo(Map.of("ml/llm-mpi", 4));
    PodInfo launcher = pods.get(0);
    assertThat(launcher.managed()).as("the launcher asks for no GPU, so kube-scheduler never sends it").isFalse();
    assertThat(GangIdentities.withoutPodGroups().resolve(launcher)).isEqualTo(GangResolution.SINGLE);
  }

  @Test
  void podsNamingAVolcanoPodGroupTakeItsMinMember() throws IOException {
    JsonNode group = document("volcano-podgroup-gang.yaml", "PodGroup");
    JsonNode job = document("volcano-podgroup-gang.yaml", "Job");
    assertThat(group.path("apiVersion").asText()).isEqualTo("scheduling.volcano.sh/v1beta1");
    assertThat(job.path("apiVersion").asText()).isEqualTo("batch/v1");
    String ns = group.at("/metadata/namespace").asText();
    PodGroupSizes volcano = (namespace, name) -> namespace.equals(ns) && name.equals(group.at("/metadata/name").asText())
        ? Optional.of(group.at("/spec/minMember").asInt()) : Optional.empty();
    List<PodInfo> pods = new ArrayList<>();
    for (int i = 0; i < job.at("/spec/parallelism").asInt(); i++) {
      pods.add(pod(job, job.at("/spec/template"), "llm-sweep-" + i + "-x" + i,
          Map.of("batch.kubernetes.io/job-name", "llm-sweep", "batch.kubernetes.io/job-completion-index", "" + i),
          Map.of("batch.kubernetes.io/job-completion-index", "" + i)));
    }

    GangIdentities identities = new GangIdentities(PodGroupSizes.NONE, volcano);
    assertThat(gangs(pods, identities)).isEqualTo(Map.of("ml/llm-sweep", 4));
    assertThat(((GangResolution.Member) identities.resolve(pods.get(0))).gang().source())
        .isEqualTo(GangSource.VOLCANO_SH);
  }

  @Test
  void eachChildJobOfTheJobSetIsAGangOfItsParallelism() throws IOException {
    JsonNode set = document("jobset-job-gangs.yaml", "JobSet");
    assertThat(set.path("apiVersion").asText()).isEqualTo("jobset.x-k8s.io/v1alpha2");
    String name = set.at("/metadata/name").asText();
    int globalReplicas = 0;
    for (JsonNode rj : set.at("/spec/replicatedJobs")) {
      globalReplicas += rj.path("replicas").asInt();
    }
    List<PodInfo> pods = new ArrayList<>();
    for (JsonNode rj : set.at("/spec/replicatedJobs")) {
      JsonNode jobSpec = rj.at("/template/spec");
      for (int j = 0; j < rj.path("replicas").asInt(); j++) {
        String jobName = name + "-" + rj.path("name").asText() + "-" + j;
        // The JobSet controller sets these as labels and as annotations on the Job's pod template.
        Map<String, String> jobSetKeys = Map.of(Keys.JOBSET_NAME, name,
            Keys.JOBSET_REPLICATED_JOB_NAME, rj.path("name").asText(),
            "jobset.sigs.k8s.io/replicatedjob-replicas", rj.path("replicas").asText(),
            "jobset.sigs.k8s.io/global-replicas", Integer.toString(globalReplicas),
            Keys.JOBSET_JOB_INDEX, Integer.toString(j),
            "jobset.sigs.k8s.io/job-global-index", Integer.toString(j));
        for (int k = 0; k < jobSpec.path("parallelism").asInt(); k++) {
          Map<String, String> labels = new HashMap<>(jobSetKeys);
          labels.put("batch.kubernetes.io/job-name", jobName);
          labels.put("batch.kubernetes.io/job-completion-index", Integer.toString(k));
          pods.add(pod(set, jobSpec.path("template"), jobName + "-" + k + "-abcde", labels, jobSetKeys));
        }
      }
    }

    assertThat(pods).hasSize(8);
    assertThat(gangs(pods, GangIdentities.withoutPodGroups()))
        .isEqualTo(Map.of("ml/llm-sweep-seeds-0", 4, "ml/llm-sweep-seeds-1", 4));
  }

  @Test
  void eachLeaderWorkerGroupIsOneGangOfTheGroupSize() throws IOException {
    JsonNode lws = document("leaderworkerset-gang.yaml", "LeaderWorkerSet");
    assertThat(lws.path("apiVersion").asText()).isEqualTo("leaderworkerset.x-k8s.io/v1");
    assertThat(lws.at("/spec/startupPolicy").asText("LeaderCreated"))
        .as("LeaderReady would create the workers only after the leader runs: a gang could never complete")
        .isEqualTo("LeaderCreated");
    String name = lws.at("/metadata/name").asText();
    JsonNode template = lws.at("/spec/leaderWorkerTemplate");
    int size = template.path("size").asInt();
    List<PodInfo> pods = new ArrayList<>();
    for (int g = 0; g < lws.at("/spec/replicas").asInt(); g++) {
      for (int w = 0; w < size; w++) {
        Map<String, String> labels = Map.of(Keys.LWS_NAME, name, Keys.LWS_GROUP_INDEX, Integer.toString(g),
            "leaderworkerset.sigs.k8s.io/worker-index", Integer.toString(w),
            "leaderworkerset.sigs.k8s.io/group-key", "a1b2c3" + g);
        Map<String, String> annotations = new HashMap<>(Map.of(Keys.LWS_SIZE, Integer.toString(size)));
        if (w > 0) {
          annotations.put("leaderworkerset.sigs.k8s.io/leader-name", name + "-" + g);
        }
        JsonNode podTemplate = template.path(w == 0 ? "leaderTemplate" : "workerTemplate");
        pods.add(pod(lws, podTemplate, w == 0 ? name + "-" + g : name + "-" + g + "-" + w, labels, annotations));
      }
    }

    assertThat(gangs(pods, GangIdentities.withoutPodGroups())).isEqualTo(Map.of("ml/vllm-70b-0", 4, "ml/vllm-70b-1", 4));
  }

  /**
   * Resolves every pod that reaches the extender (asks for a managed resource): each must be a
   * gang member; returns gang key → size, having checked each gang has exactly size members.
   */
  private static Map<String, Integer> gangs(List<PodInfo> pods, GangIdentities identities) {
    Map<String, Integer> sizes = new TreeMap<>();
    Map<String, Integer> members = new TreeMap<>();
    for (PodInfo p : pods) {
      if (!p.managed()) {
        continue;
      }
      GangResolution r = identities.resolve(p);
      assertThat(r).as("pod %s", p.name()).isInstanceOf(GangResolution.Member.class);
      GangIdentity id = ((GangResolution.Member) r).gang();
      assertThat(sizes.putIfAbsent(id.key(), id.size())).as("members of %s agree on its size", id.key())
          .isIn(null, id.size());
      members.merge(id.key(), 1, Integer::sum);
    }
    assertThat(members).as("members per gang").isEqualTo(sizes);
    return sizes;
  }

  /** A pod as the controller creates it: the template's metadata and spec plus the controller's keys. */
  private static PodInfo pod(JsonNode workload, JsonNode template, String name, Map<String, String> labels,
      Map<String, String> annotations) throws IOException {
    PodTemplateSpec spec = YAML.treeToValue(template, PodTemplateSpec.class);
    assertThat(spec.getSpec().getSchedulerName()).as("%s: schedulerName", name).isEqualTo("topogpu");
    Map<String, String> allLabels = new LinkedHashMap<>(
        spec.getMetadata() == null || spec.getMetadata().getLabels() == null ? Map.of() : spec.getMetadata().getLabels());
    allLabels.putAll(labels);
    Map<String, String> allAnnotations = new LinkedHashMap<>(spec.getMetadata() == null
        || spec.getMetadata().getAnnotations() == null ? Map.of() : spec.getMetadata().getAnnotations());
    allAnnotations.putAll(annotations);
    Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(workload.at("/metadata/namespace").asText())
        .withUid(name + "-uid").withLabels(allLabels).withAnnotations(allAnnotations).endMetadata()
        .withSpec(spec.getSpec()).build();
    return KubeObjects.toPodInfo(pod);
  }

  private static JsonNode document(String file, String kind) throws IOException {
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(EXAMPLES.resolve(file).toFile())) {
      for (JsonNode doc : docs.readAll()) {
        if (doc.path("kind").asText().equals(kind)) {
          return doc;
        }
      }
    }
    throw new AssertionError(file + " has no " + kind);
  }
}
