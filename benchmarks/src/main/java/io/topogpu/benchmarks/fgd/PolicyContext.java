package io.topogpu.benchmarks.fgd;

import java.util.SplittableRandom;

/**
 * What a policy may use besides the cluster: the run's policy random stream (seeded sub-stream, so runs
 * are reproducible) and the run's fragmentation model (FGD's target workload).
 */
public record PolicyContext(SplittableRandom random, FragmentationModel fragmentation) {}
