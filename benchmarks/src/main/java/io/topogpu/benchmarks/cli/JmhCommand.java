package io.topogpu.benchmarks.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jmh [regex]}: the JMH benchmarks of {@code io.topogpu.benchmarks.jmh} through the JMH
 * Runner API. Defaults are short (1 fork, 2 × 1 s warm-up, 3 × 1 s measurement) so the whole set
 * finishes in a few minutes on 2 cores; JMH's own table goes to stdout, a CSV to {@code --out}.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true,
    description = "JMH micro-benchmarks of the placement hot paths.")
final class JmhCommand implements Callable<Integer> {
  private static final String PACKAGE = "io.topogpu.benchmarks.jmh.";

  @Parameters(arity = "0..1", defaultValue = ".*",
      description = "regex of benchmarks to run, matched against Class.method (default: all)")
  String regex;

  @Option(names = "-f", defaultValue = "1", description = "forks (default: ${DEFAULT-VALUE})")
  int forks;

  @Option(names = "-wi", defaultValue = "2", description = "warm-up iterations (default: ${DEFAULT-VALUE})")
  int warmupIterations;

  @Option(names = "-i", defaultValue = "3", description = "measurement iterations (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "-w", defaultValue = "1", description = "seconds per warm-up iteration (default: ${DEFAULT-VALUE})")
  int warmupSeconds;

  @Option(names = "-r", defaultValue = "1", description = "seconds per iteration (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--out", defaultValue = "benchmarks/out/jmh/results.csv",
      description = "CSV of the results (default: ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() throws RunnerException, IOException {
    if (forks < 0 || warmupIterations < 0 || iterations < 1 || warmupSeconds < 1 || seconds < 1) {
      throw new IllegalArgumentException("-f/-wi must be >= 0, -i/-w/-r >= 1; got -f " + forks + " -wi "
          + warmupIterations + " -i " + iterations + " -w " + warmupSeconds + " -r " + seconds);
    }
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    new Runner(new OptionsBuilder()
        .include(PACKAGE + regex)
        .forks(forks)
        .warmupIterations(warmupIterations)
        .warmupTime(TimeValue.seconds(warmupSeconds))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.seconds(seconds))
        .resultFormat(ResultFormatType.CSV)
        .result(out.toString())
        .build()).run();
    System.err.println("wrote " + out);
    return 0;
  }
}
