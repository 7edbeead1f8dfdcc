/**
 * Simulator plumbing shared by the trace-driven experiments: validated CSV reading
 * ({@link io.topogpu.benchmarks.sim.CsvTable}, {@link io.topogpu.benchmarks.sim.TraceFormatException}), seed
 * lists, summary statistics and the stderr progress bar.
 */
package io.topogpu.benchmarks.sim;
