package io.topogpu.benchmarks.fgd;

/**
 * 05-BestFit (fgd-protocol.md §6.5):
 * {@code raw = trunc(100 × (1 − [0.5 × (cpuLeft − cpu)/128000 + 0.5 × (gpuLeftTotal − gpuReq)/8000]))},
 * then min–max rescaled over the feasible nodes of the decision: {@code ((raw − lo) × 100) // (hi − lo)},
 * or 0 everywhere when {@code hi = lo}. GPU selection best-fit.
 */
final class BestFitPolicy extends ScoringPolicy {

  @Override
  int score(PodRequest pod, SimNode node) {
    double cpuLeftover = 0.5 * (node.cpuLeft() - pod.cpuMilli()) / DotProdPolicy.MAX_SPEC_CPU;
    double gpuLeftover = 0.5 * (node.gpuLeftTotal() - pod.totalGpuMilli()) / DotProdPolicy.MAX_SPEC_GPU;
    return (int) (100 * (1 - (cpuLeftover + gpuLeftover)));
  }

  @Override
  void normalise(int[] scores) {
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    for (int s : scores) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    for (int i = 0; i < scores.length; i++) {
      scores[i] = hi == lo ? 0 : ((scores[i] - lo) * 100) / (hi - lo);
    }
  }
}
