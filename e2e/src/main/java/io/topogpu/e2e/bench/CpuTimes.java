package io.topogpu.e2e.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time used so far by this JVM's child processes (etcd, kube-apiserver, kube-scheduler, the
 * extender's JVM), by program, from the OS ({@link ProcessHandle.Info#totalCpuDuration}). Taken
 * before and after a run, the difference says which process spent the machine's cores on the binds.
 */
final class CpuTimes {
  static final String EXTENDER = "extender (JVM)";

  private CpuTimes() {}

  static Map<String, Duration> now() {
    Map<String, Duration> out = new TreeMap<>();
    ProcessHandle.current().descendants().forEach(p -> {
      ProcessHandle.Info info = p.info();
      if (info.command().isEmpty() || info.totalCpuDuration().isEmpty()) {
        return;
      }
      String program = Path.of(info.command().get()).getFileName().toString();
      out.merge("java".equals(program) ? EXTENDER : program, info.totalCpuDuration().get(), Duration::plus);
    });
    return out;
  }

  /** Milliseconds of CPU per pod between two readings, per program. */
  static Map<String, Double> msPerPod(Map<String, Duration> before, Map<String, Duration> after, int pods) {
    Map<String, Double> out = new TreeMap<>();
    after.forEach((program, t) -> {
      double ms = t.minus(before.getOrDefault(program, Duration.ZERO)).toNanos() / 1e6;
      if (ms > 0 && pods > 0) {
        out.put(program, ms / pods);
      }
    });
    return out;
  }
}
