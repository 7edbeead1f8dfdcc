package io.topogpu.scheduler.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code topogpu} commands of the scheduler module. Subcommands are listed in the annotation below;
 * a new one ({@code extender}, {@code demo}) is a class added there.
 */
@Command(
    name = "topogpu",
    mixinStandardHelpOptions = true,
    description = "Topology-aware GPU placement for Kubernetes.",
    subcommands = {PlaceCommand.class, io.topogpu.scheduler.service.ExtenderCommand.class, io.topogpu.scheduler.demo.DemoCommand.class, CommandLine.HelpCommand.class})
public final class SchedulerMain implements Runnable {
  /** Exit code for unusable input files (snapshot, pod, policy). */
  public static final int EXIT_BAD_INPUT = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static CommandLine commandLine() {
    return new CommandLine(new SchedulerMain());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
