package io.topogpu.e2e.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the real-cluster benchmarks ({@code bin/topogpu kubebench ...} maps here). */
@Command(name = "topogpu", mixinStandardHelpOptions = true,
    description = "Benchmarks against a real kube-apiserver and kube-scheduler.",
    subcommands = {KubeBenchCommand.class})
public final class KubeBenchMain {
  private KubeBenchMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new KubeBenchMain()).setExecutionExceptionHandler((ex, cmd, parse) -> {
      if (ex instanceof IllegalArgumentException) {
        cmd.getErr().println("error: " + ex.getMessage());
        return 1;
      }
      throw ex;
    }).execute(args));
  }
}
