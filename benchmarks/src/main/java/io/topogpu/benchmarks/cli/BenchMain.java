package io.topogpu.benchmarks.cli;

import io.topogpu.benchmarks.sim.TraceFormatException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the benchmarks ({@code bin/topogpu simulate ...} maps here). */
@Command(name = "topogpu-bench", mixinStandardHelpOptions = true,
    description = "Placement-quality benchmarks: trace-driven simulation against published results.",
    subcommands = {SimulateCommand.class, LoadBenchCommand.class, JmhCommand.class})
public final class BenchMain {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command tree. Bad input (unknown name, malformed trace row, missing file) ends with its message
   * and exit code 1, without a stack trace; anything else is a bug and keeps its stack trace.
   */
  public static CommandLine commandLine() {
    return new CommandLine(new BenchMain()).setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof TraceFormatException
          || ex instanceof UncheckedIOException) {
        cmd.getErr().println("error: " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
  }
}
