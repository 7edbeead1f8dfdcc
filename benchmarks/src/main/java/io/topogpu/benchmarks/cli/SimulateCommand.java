package io.topogpu.benchmarks.cli;

import picocli.CommandLine.Command;

/** {@code simulate <experiment>}: one subcommand per simulated experiment. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Discrete-event placement simulations.",
    subcommands = {FgdCommand.class, WorkloadCommand.class, PreemptionCommand.class})
final class SimulateCommand {}
