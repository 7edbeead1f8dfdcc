package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.Keys;
import java.util.LinkedHashMap;
import java.util.Map;

/** Gang member fixtures: {@code GangPods.member("train-a", 4, "w-0").gpus(8).obj()}. */
public final class GangPods {
  private GangPods() {}

  /** A pending pod in namespace {@code default} naming gang {@code gang} of {@code size} by topogpu's keys. */
  static MakePod member(String gang, int size, String name) {
    return MakePod.named(name).annotation(Keys.GANG, gang).annotation(Keys.GANG_SIZE, Integer.toString(size));
  }

  /** {@code pod} with these labels added (MakePod builds pods without labels). */
  public static PodInfo labelled(PodInfo pod, String... keyValues) {
    Map<String, String> labels = new LinkedHashMap<>(pod.labels());
    for (int i = 0; i < keyValues.length; i += 2) {
      labels.put(keyValues[i], keyValues[i + 1]);
    }
    return new PodInfo(pod.namespace(), pod.name(), pod.uid(), labels, pod.annotations(), pod.request(),
        pod.placement(), pod.assignment(), pod.nodeName(), pod.phase());
  }
}
