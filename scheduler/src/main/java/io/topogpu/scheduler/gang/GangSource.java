package io.topogpu.scheduler.gang;

import io.topogpu.topology.Keys;

/**
 * The conventions a pod may use to name its gang, in resolution order (first match wins).
 *
 * @param nameKey the label or annotation that names the gang
 * @param sizeFrom where the size comes from, in words, for messages and docs
 */
public enum GangSource {
  TOPOGPU(Keys.GANG, "annotation or label " + Keys.GANG_SIZE),
  SCHEDULER_PLUGINS(Keys.SCHEDULER_PLUGINS_POD_GROUP, "the scheduler-plugins PodGroup's minMember"),
  VOLCANO(Keys.VOLCANO_GROUP_NAME, "the Volcano PodGroup's minMember"),
  VOLCANO_SH(Keys.VOLCANO_SH_GROUP_NAME, "the Volcano PodGroup's minMember"),
  KUEUE(Keys.KUEUE_POD_GROUP_NAME, "annotation " + Keys.KUEUE_POD_GROUP_TOTAL_COUNT),
  LEADER_WORKER_SET(Keys.LWS_NAME, "annotation " + Keys.LWS_SIZE + " (leader + workers)"),
  JOBSET(Keys.JOBSET_NAME, Keys.GANG_SIZE + " (the pods of one child Job: its parallelism)");

  private final String nameKey;
  private final String sizeFrom;

  GangSource(String nameKey, String sizeFrom) {
    this.nameKey = nameKey;
    this.sizeFrom = sizeFrom;
  }

  public String nameKey() {
    return nameKey;
  }

  public String sizeFrom() {
    return sizeFrom;
  }
}
