package io.topogpu.scheduler.gang;

import java.util.Objects;

/**
 * Why a gang cannot be placed, as one sentence reported on every member ("gang ml/train-a needs
 * 4×8 GPUs within one leaf; the largest leaf has 3 nodes with 8 free").
 *
 * @param resolvable true when the gang would fit were the pods on its candidate nodes gone
 *     (preemption or waiting may help); false when it never can on these nodes
 */
public record GangRejection(String gang, String reason, boolean resolvable) implements GangPlanResult {
  public GangRejection {
    Objects.requireNonNull(gang, "gang");
    Objects.requireNonNull(reason, "reason");
  }
}
