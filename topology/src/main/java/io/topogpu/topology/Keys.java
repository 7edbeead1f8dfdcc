package io.topogpu.topology;

import java.util.List;

/**
 * Every annotation, label and resource name topogpu reads or writes, in one place. Nothing else in
 * the code base spells these strings.
 */
public final class Keys {
  private Keys() {}

  /** Domain prefix of topogpu's own keys; the node agent may change only keys under it. */
  public static final String PREFIX = "topogpu.io/";

  // --- node annotations written by the node agent ---
  /** Node annotation holding the GPU topology, JSON schema v1 (see docs/annotations.md). */
  public static final String TOPOLOGY = PREFIX + "topology";
  /**
   * Node annotation set to the RFC 3339 time of the first failed probe since the last good one, while the node agent keeps
   * serving the last good {@link #TOPOLOGY}; absent when the topology is fresh.
   */
  public static final String TOPOLOGY_STALE = PREFIX + "topology-stale";

  // --- pod annotations written by the scheduler at bind ---
  /** Pod annotation: the GPUs (and MIG instances or shares) assigned at bind, plus any gang plan. */
  public static final String GPUS = PREFIX + "gpus";

  // --- pod annotations written by the node agent ---
  /**
   * Pod annotation: the devices the kubelet really allocated to the pod, read from its PodResources
   * API, in the {@link #GPUS} format (no gang part). The scheduler's ledger takes it over {@link #GPUS}.
   */
  public static final String ALLOCATED = PREFIX + "allocated";

  // --- pod inputs ---
  public static final String GANG = PREFIX + "gang";
  public static final String GANG_SIZE = PREFIX + "gang-size";
  /** Placement constraint: {@code nvlink}, {@code numa}, {@code node} or a network tier name. */
  public static final String PLACEMENT_REQUIRED = PREFIX + "placement-required";
  public static final String PLACEMENT_PREFERRED = PREFIX + "placement-preferred";

  // --- gang aliases from the ecosystem ---
  /** scheduler-plugins coscheduling label; size from the PodGroup's minMember. */
  public static final String SCHEDULER_PLUGINS_POD_GROUP = "scheduling.x-k8s.io/pod-group";
  /** Volcano annotation; size from its PodGroup. */
  public static final String VOLCANO_GROUP_NAME = "scheduling.k8s.io/group-name";
  /** Volcano's newer annotation (set next to {@link #VOLCANO_GROUP_NAME}); size from its PodGroup. */
  public static final String VOLCANO_SH_GROUP_NAME = "scheduling.volcano.sh/group-name";
  /** JobSet labels on every pod of a JobSet's child Jobs (jobset.x-k8s.io controller). */
  public static final String JOBSET_NAME = "jobset.sigs.k8s.io/jobset-name";
  public static final String JOBSET_REPLICATED_JOB_NAME = "jobset.sigs.k8s.io/replicatedjob-name";
  /** Index of the pod's Job within its replicated job, 0 .. replicas-1. */
  public static final String JOBSET_JOB_INDEX = "jobset.sigs.k8s.io/job-index";
  /** LeaderWorkerSet labels and annotation on every pod of a group (leaderworkerset.x-k8s.io controller). */
  public static final String LWS_NAME = "leaderworkerset.sigs.k8s.io/name";
  public static final String LWS_GROUP_INDEX = "leaderworkerset.sigs.k8s.io/group-index";
  /** Annotation: pods in the group, leader included. */
  public static final String LWS_SIZE = "leaderworkerset.sigs.k8s.io/size";
  /** Kueue label naming the pod group. */
  public static final String KUEUE_POD_GROUP_NAME = "kueue.x-k8s.io/pod-group-name";
  /** Kueue annotation with the pod group's total count. */
  public static final String KUEUE_POD_GROUP_TOTAL_COUNT = "kueue.x-k8s.io/pod-group-total-count";

  // --- resources ---
  public static final String RESOURCE_GPU = "nvidia.com/gpu";
  /** Prefix of MIG resources under the device plugin's mixed strategy: {@code nvidia.com/mig-1g.10gb}. */
  public static final String RESOURCE_MIG_PREFIX = "nvidia.com/mig-";
  /** Fractional GPU share in thousandths of one GPU (1000 = a whole GPU's worth, on one GPU). */
  public static final String RESOURCE_GPU_MILLI = PREFIX + "gpu-milli";

  // --- network tier labels, tightest first ---
  public static final String LABEL_GPU_CLIQUE = "nvidia.com/gpu.clique";
  public static final String LABEL_TOPOGRAPH_ACCELERATOR = "accelerator.topograph.run/domain";
  public static final String LABEL_TOPOGRAPH_TIER_PREFIX = "fabric.topograph.run/tier-";
  public static final String LABEL_LEGACY_NETWORK_PREFIX = "network.topology.nvidia.com/";
  public static final String LABEL_ZONE = "topology.kubernetes.io/zone";
  /** topograph &lt;= v0.5 NVLink-domain label (now {@link #LABEL_TOPOGRAPH_ACCELERATOR}). */
  public static final String LABEL_LEGACY_ACCELERATOR = LABEL_LEGACY_NETWORK_PREFIX + "accelerator";
  /** topograph v0.3–v0.5 fabric tier 0 (switch above the node). */
  public static final String LABEL_LEGACY_LEAF = LABEL_LEGACY_NETWORK_PREFIX + "leaf";
  /** topograph v0.1–v0.2 fabric tier 0. */
  public static final String LABEL_LEGACY_BLOCK = LABEL_LEGACY_NETWORK_PREFIX + "block";
  /** topograph v0.1–v0.5 fabric tier 1. */
  public static final String LABEL_LEGACY_SPINE = LABEL_LEGACY_NETWORK_PREFIX + "spine";
  /** topograph v0.3–v0.5 fabric tier 2. */
  public static final String LABEL_LEGACY_CORE = LABEL_LEGACY_NETWORK_PREFIX + "core";
  /** topograph v0.1–v0.2 fabric tier 2. */
  public static final String LABEL_LEGACY_DATACENTER = LABEL_LEGACY_NETWORK_PREFIX + "datacenter";
  /** Legacy network-topology levels, tightest first. */
  public static final List<String> LEGACY_NETWORK_LEVELS =
      List.of("accelerator", "leaf", "block", "spine", "core", "datacenter");

  // --- environment of containers, set by the node agent's device plugin at Allocate ---
  /** GPUs (or MIG devices) the NVIDIA container runtime exposes: comma-separated UUIDs. */
  public static final String ENV_NVIDIA_VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES";
  /** A share's size in thousandths of the GPU. */
  public static final String ENV_GPU_MILLI = "TOPOGPU_GPU_MILLI";
  /** A share's memory limit in MiB: the GPU's memory times milli / 1000, rounded down. */
  public static final String ENV_GPU_MEMORY_LIMIT_MIB = "TOPOGPU_GPU_MEMORY_LIMIT_MIB";
  /** A share's compute limit for CUDA MPS: milli / 10, rounded up, in percent. */
  public static final String ENV_CUDA_MPS_THREAD_PERCENTAGE = "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE";

  // --- environment ---
  /** Environment variable that tells the node agent which node it runs on. */
  public static final String ENV_NODE_NAME = "NODE_NAME";
}
