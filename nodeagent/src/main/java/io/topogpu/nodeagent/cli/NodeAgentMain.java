package io.topogpu.nodeagent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code topogpu} commands that run on a GPU node. Exit codes: 0 ok, 1 unexpected failure, 2 bad
 * input (unknown option or value, unreadable or malformed file), with a one-line message on stderr.
 */
@Command(
    name = "topogpu",
    description = "Topology-aware GPU placement: node-side commands.",
    // Register node-side subcommands here; bin/topogpu routes their names to this class.
    subcommands = {ProbeCommand.class, AgentCommand.class, CommandLine.HelpCommand.class})
public final class NodeAgentMain {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  static final int EXIT_OK = 0;
  static final int EXIT_UNEXPECTED = 1;
  static final int EXIT_BAD_INPUT = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests swap its out/err writers. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new NodeAgentMain());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine failed = e.getCommandLine();
      failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + e.getMessage() + " (see --help)");
      return EXIT_BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("topogpu " + commandLine.getCommandName() + ": unexpected error: " + e);
      e.printStackTrace(commandLine.getErr());
      return EXIT_UNEXPECTED;
    });
    return cl;
  }
}
