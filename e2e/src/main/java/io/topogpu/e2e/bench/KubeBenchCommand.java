package io.topogpu.e2e.bench;

import io.topogpu.e2e.harness.KubeBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/topogpu kubebench}: pods bound per second through a real kube-scheduler and
 * kube-apiserver, with and without the topogpu extender.
 */
@Command(name = "kubebench", mixinStandardHelpOptions = true,
    description = {"Pods bound per second through a real kube-apiserver and kube-scheduler v1.20, alone and with "
        + "the topogpu extender (shipped configuration), on Node objects of DGX A100 shape (8 GPUs, no kubelet).",
        "Per node count: one control plane; per run and target: the pods created pending first, then the "
        + "extender and kube-scheduler started; the rate is counted from the first bind to the last. Targets "
        + "alternate between runs; medians are reported."})
public final class KubeBenchCommand implements Callable<Integer> {
  @Option(names = "--nodes", split = ",", defaultValue = "1000", description = "Node counts, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> nodes;

  @Option(names = "--pods", defaultValue = "1000", description = "Pods per run (default: ${DEFAULT-VALUE}).")
  int pods;

  @Option(names = "--mix", defaultValue = "single", description = "single: 1-GPU pods; mixed: 1/2/4/8 GPUs in turn (default: ${DEFAULT-VALUE}).")
  String mix;

  @Option(names = "--runs", defaultValue = "3", description = "Runs per target (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--targets", split = ",", defaultValue = "alone,extender", description = "alone, extender (default: ${DEFAULT-VALUE}).")
  List<String> targets;

  @Option(names = "--scheduler-qps", defaultValue = "0", description = "kube-scheduler's API client rate "
      + "(clientConnection.qps and burst); 0 keeps kube-scheduler's default, 50 with burst 100, which caps the Bindings "
      + "kube-scheduler alone posts (default: ${DEFAULT-VALUE}).")
  int schedulerQps;

  @Option(names = "--timeout-seconds", defaultValue = "600", description = "Longest a run waits for its binds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--out", description = "Where the table is written (default: e2e/target/kubebench/kubebench-<mix>.md in the checkout).")
  Path out;

  @Override
  public Integer call() throws IOException {
    PodMix podMix = enumOf(PodMix.class, "--mix", mix);
    List<Target> order = new ArrayList<>();
    for (String t : targets) {
      order.add(enumOf(Target.class, "--targets", t));
    }
    if (pods < 2) {
      throw new IllegalArgumentException("--pods must be at least 2 (a rate needs two binds), got " + pods);
    }
    if (schedulerQps < 0) {
      throw new IllegalArgumentException("--scheduler-qps must be >= 0, got " + schedulerQps);
    }
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, got " + runs);
    }
    for (int n : nodes) {
      long capacity = 8L * n;
      if (n < 1 || podMix.totalGpus(pods) > capacity) {
        throw new IllegalArgumentException("--nodes " + n + ": " + pods + " " + mix + " pods need "
            + podMix.totalGpus(pods) + " GPUs, " + n + " nodes have " + capacity);
      }
    }
    var bin = KubeBinaries.locate().orElseThrow(() -> new IllegalArgumentException(KubeBinaries.whyUnavailable()));
    Path file = out != null ? out.toAbsolutePath()
        : io.topogpu.e2e.harness.Repo.path("e2e/target/kubebench/kubebench-" + podMix.name().toLowerCase() + ".md");
    Files.createDirectories(file.getParent());
    List<RunResult> results = new ArrayList<>();
    for (int n : nodes) {
      try (KubeBench bench = KubeBench.start(bin, n, System.out)) {
        for (int run = 1; run <= runs; run++) {
          List<Target> thisRun = new ArrayList<>(order);
          if (run % 2 == 0) {
            java.util.Collections.reverse(thisRun);
          }
          for (Target t : thisRun) {
            results.add(bench.run(t, run, pods, podMix, Duration.ofSeconds(timeoutSeconds), schedulerQps));
            // After every run, so that a run that fails later loses nothing measured.
            Files.writeString(file, ResultTable.markdown(results, podMix, String.join(" ", commandLine())),
                StandardCharsets.UTF_8);
          }
        }
      }
    }
    String table = ResultTable.markdown(results, podMix, String.join(" ", commandLine()));
    System.out.println();
    System.out.println(table);
    Files.writeString(file, table, StandardCharsets.UTF_8);
    System.out.println("written to " + file);
    return 0;
  }

  private List<String> commandLine() {
    return List.of("bin/topogpu kubebench", "--nodes", nodes.stream().map(String::valueOf)
        .reduce((a, b) -> a + "," + b).orElse(""), "--pods", Integer.toString(pods), "--mix", mix, "--runs",
        Integer.toString(runs), "--scheduler-qps", Integer.toString(schedulerQps));
  }

  static <E extends Enum<E>> E enumOf(Class<E> type, String option, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new IllegalArgumentException(option + ": unknown value '" + value + "' (one of "
        + java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase()).toList() + ")");
  }
}
