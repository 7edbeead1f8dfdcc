package io.topogpu.benchmarks.workload;

/**
 * The four public-benchmark job archetypes of {@code benchmarks/docs/locality-model.md} §3.3 (A100
 * reference): parameters (fp32 gradient bytes = 4 × parameters by default) and compute time per
 * synchronisation T_c.
 */
public enum Archetype {
  /** ResNet-50, batch 256/GPU, AMP: torchvision num_params; 256 / 2,470 img/s (DeepLearningExamples). */
  A_RESNET50(25_557_032, 0.104),
  /** VGG-16, batch 64/GPU: torchvision num_params; T_c derived from FLOPs vs ResNet-50. */
  B_VGG16(138_357_544, 0.098),
  /** BERT-large SQuAD fine-tune, batch 32/GPU: ~340 M parameters; 32 / 110.5 seq/s. */
  C_BERT_FINETUNE(340_000_000, 0.29),
  /** BERT-large pre-training phase 1 with 32 accumulation steps: 8,192 / 580 seq/s per sync. */
  D_BERT_PRETRAIN(340_000_000, 14.1);

  private final long parameters;
  private final double computeSeconds;

  Archetype(long parameters, double computeSeconds) {
    this.parameters = parameters;
    this.computeSeconds = computeSeconds;
  }

  public long parameters() {
    return parameters;
  }

  /** T_c: compute seconds per gradient synchronisation. */
  public double computeSeconds() {
    return computeSeconds;
  }
}
