package io.topogpu.benchmarks.fgd;

/**
 * 02-DotProd (fgd-protocol.md §6.2), flags {@code -dimext merge -norm max}: with node
 * {@code N = (cpuLeft/128000, gpuLeftTotal/8000)} and pod {@code P = (cpu/128000, gpuReq/8000)},
 * {@code score = trunc(100 × (1 − N·P/2))}. A small dot product scores high (quirk: best-fit flavour,
 * not Tetris' alignment). GPU selection best-fit.
 */
final class DotProdPolicy extends ScoringPolicy {
  static final double MAX_SPEC_CPU = 128_000;
  static final double MAX_SPEC_GPU = 8_000;

  @Override
  int score(PodRequest pod, SimNode node) {
    double nodeCpu = node.cpuLeft() / MAX_SPEC_CPU;
    double nodeGpu = node.gpuLeftTotal() / MAX_SPEC_GPU;
    double podCpu = pod.cpuMilli() / MAX_SPEC_CPU;
    double podGpu = pod.totalGpuMilli() / MAX_SPEC_GPU;
    double d = (nodeCpu * podCpu + nodeGpu * podGpu) / 2;
    return (int) ((1 - d) * 100.0);
  }
}
