package io.topogpu.benchmarks.fgd;

/**
 * 06-FGD (fgd-protocol.md §6.6): steepest descent of the node's expected fragmentation F
 * ({@link FragmentationModel}). For a hypothetical placement giving state n',
 * {@code s = trunc(100 × σ((F(n) − F(n')) / 1000))} with {@code σ(x) = 1 / (1 + e^−x)}.
 * <ul>
 *   <li>GPU-sharing pod: n'_i puts the pod on GPU i (each GPU with gpuLeft ≥ milli, index order); the
 *       node score is max_i s_i and the chosen GPU the first i attaining it, on the truncated scores.
 *   <li>Whole-GPU or CPU-only pod: n' takes {@code count} fully free GPUs; GPUs lowest-index fully free.
 * </ul>
 * Truncation makes many ties, which go to the smallest rank (a published quirk, kept).
 */
final class FgdPolicy extends ScoringPolicy {
  private final FragmentationModel fragmentation;

  FgdPolicy(PolicyContext context) {
    this.fragmentation = context.fragmentation();
  }

  @Override
  int score(PodRequest pod, SimNode node) {
    return pod.sharing() ? bestSharingGpu(pod, node)[1] : wholeScore(pod, node);
  }

  @Override
  int[] selectGpus(PodRequest pod, SimNode node) {
    return pod.sharing() ? new int[] {bestSharingGpu(pod, node)[0]} : GpuSelection.whole(pod, node);
  }

  private int wholeScore(PodRequest pod, SimNode node) {
    int[] after = node.gpuLeftArray();
    int taken = 0;
    for (int i = 0; i < after.length && taken < pod.gpuCount(); i++) {
      if (after[i] == PodRequest.MILLI) {
        after[i] = 0;
        taken++;
      }
    }
    return sigmoidScore(current(node), fragmentation.nodeFragmentation(node.modelIndex(),
        node.cpuLeft() - pod.cpuMilli(), after));
  }

  /** {gpu index, score} of the first GPU with the highest truncated score. */
  private int[] bestSharingGpu(PodRequest pod, SimNode node) {
    double before = current(node);
    int[] state = node.gpuLeftArray();
    int bestGpu = -1;
    int bestScore = -1;
    for (int i = 0; i < state.length; i++) {
      if (state[i] < pod.gpuMilli() || seenEarlier(state, i)) {
        continue; // equal gpuLeft gives the same multiset, hence the same score; the first index wins
      }
      state[i] -= pod.gpuMilli();
      int s = sigmoidScore(before, fragmentation.nodeFragmentation(node.modelIndex(),
          node.cpuLeft() - pod.cpuMilli(), state));
      state[i] += pod.gpuMilli();
      if (s > bestScore) {
        bestScore = s;
        bestGpu = i;
      }
    }
    return new int[] {bestGpu, bestScore};
  }

  private static boolean seenEarlier(int[] state, int i) {
    for (int j = 0; j < i; j++) {
      if (state[j] == state[i]) {
        return true;
      }
    }
    return false;
  }

  private double current(SimNode node) {
    return fragmentation.nodeFragmentation(node.modelIndex(), node.cpuLeft(), node.gpuLeftArray());
  }

  /** {@code trunc(100 × σ((before − after) / 1000))}. */
  static int sigmoidScore(double before, double after) {
    double x = (before - after) / 1000.0;
    return (int) (100 * (1 / (1 + Math.exp(-x))));
  }
}
