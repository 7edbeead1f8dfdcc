package io.topogpu.benchmarks.workload;

import java.util.List;
import java.util.Objects;

/**
 * One training job of a gang trace, validated: it arrives at {@code submit}, needs every one of its pods
 * running at once, and then computes for {@code duration} seconds (before any placement slowdown).
 *
 * @param id the trace's job id (or the row's {@code u_id})
 * @param line 1-based line of the row in the trace file, for reports
 * @param submit seconds from the start of the trace
 * @param duration run time in seconds as the trace measured it
 * @param podGpus GPUs of each pod (worker), every entry ≥ 1; one entry per node the job asks for
 */
public record GangJob(String id, int line, long submit, long duration, List<Integer> podGpus) {

  public GangJob {
    Objects.requireNonNull(id, "id");
    podGpus = List.copyOf(podGpus);
    if (podGpus.isEmpty() || podGpus.stream().anyMatch(g -> g < 1)) {
      throw new IllegalArgumentException("job " + id + ": every pod needs at least one GPU, got " + podGpus);
    }
    if (submit < 0 || duration < 0) {
      throw new IllegalArgumentException("job " + id + ": submit and duration must be >= 0");
    }
  }

  /** {@code pods} equal pods of {@code gpus / pods} GPUs each; {@code gpus} must divide evenly. */
  public static GangJob even(String id, int line, long submit, long duration, int gpus, int pods) {
    return new GangJob(id, line, submit, duration, java.util.Collections.nCopies(pods, gpus / pods));
  }

  public int gpus() {
    return podGpus.stream().mapToInt(Integer::intValue).sum();
  }

  public int pods() {
    return podGpus.size();
  }

  public int maxPodGpus() {
    return podGpus.stream().mapToInt(Integer::intValue).max().orElse(0);
  }
}
