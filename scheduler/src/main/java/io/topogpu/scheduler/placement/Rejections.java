package io.topogpu.scheduler.placement;

import io.topogpu.topology.Keys;

/** Every rejection placement produces, in one place so codes and wording stay consistent. */
final class Rejections {
  private Rejections() {}

  static Rejection topologyUnknown(String problem) {
    return new Rejection("topology-unknown", "lack topology data", false,
        "topology unknown: " + problem);
  }

  static Rejection tooFewGpus(int k, int usable) {
    return new Rejection("too-few-gpus", fewer(k, "usable"), false,
        usable + " usable");
  }

  /**
   * The node would have enough GPUs if its unhealthy ones were healthy: its own reason, so an
   * operator sees failing hardware rather than a node too small. Not resolvable: pods leaving do
   * not heal a GPU (the agent reports recovery, which changes the node, not the ledger).
   */
  static Rejection unhealthyGpus(int k, int unhealthy, int total) {
    return new Rejection("unhealthy-gpus", fewer(k, "healthy"), false,
        unhealthy + " of " + total + " GPUs unhealthy");
  }

  static Rejection noNvlinkDomain(int k, int largest) {
    return new Rejection("no-nvlink-domain", "have no NVLink domain of " + k + " GPUs", false,
        "largest NVLink domain has " + largest);
  }

  static Rejection noNumaGroup(int k, int largest) {
    return new Rejection("no-numa-group", "have no NUMA node with " + k + " GPUs", false,
        "largest NUMA group has " + largest);
  }

  /** The kubelet advertises ({@code nvidia.com/gpu} allocatable) fewer GPUs than the request. */
  static Rejection tooFewAdvertised(int k, int advertised) {
    return new Rejection("too-few-advertised-gpus", fewer(k, "advertised"), false,
        advertised + " in " + Keys.RESOURCE_GPU + " allocatable");
  }

  /** Fewer advertised GPUs are left unused than the request (whole or shared GPUs count used). */
  static Rejection insufficientAdvertised(int k, int room) {
    return new Rejection("insufficient-advertised-gpus", fewer(k, "advertised unused"), true,
        room + " of the " + Keys.RESOURCE_GPU + " allocatable unused");
  }

  static Rejection insufficientGpus(int k, int free) {
    return new Rejection("insufficient-gpus", fewer(k, "free"), true, free + " free");
  }

  static Rejection insufficientNvlink(int k, int largest) {
    return new Rejection("insufficient-nvlink", fewer(k, "free") + " in one NVLink domain",
        true, "at most " + largest + " free in one domain");
  }

  static Rejection insufficientNuma(int k, int largest) {
    return new Rejection("insufficient-numa", fewer(k, "free") + " in one NUMA node",
        true, "at most " + largest + " free in one NUMA node");
  }

  static Rejection noMigProfile(String profile, int count, int exist) {
    return new Rejection("no-mig-profile", "have fewer than " + count + " MIG " + profile + " instances",
        false, exist + " exist");
  }

  static Rejection insufficientMig(String profile, int count, int free) {
    return new Rejection("insufficient-mig", "have fewer than " + count + " free MIG " + profile + " instances",
        true, free + " free");
  }

  static Rejection noShareableGpu() {
    return new Rejection("no-shareable-gpu", "have no GPU that can be shared", false,
        "every GPU is unhealthy or in MIG mode");
  }

  static Rejection insufficientShare(int milli, int mostFree) {
    return new Rejection("insufficient-share", "have no GPU with " + milli + " milli-GPU free", true,
        "at most " + mostFree + " free on one GPU");
  }

  /** "fewer than 1 free GPU" reads badly; k = 1 says "have no free GPU" instead. */
  private static String fewer(int k, String adjective) {
    return k == 1 ? "have no " + adjective + " GPU" : "have fewer than " + k + " " + adjective + " GPUs";
  }
}
