/**
 * Reproduction of the FGD paper's evaluation (Weng et al., USENIX ATC '23) on the Alibaba openb traces:
 * trace loading ({@link io.topogpu.benchmarks.fgd.OpenbTraces}), the arrival sequence, the discrete-event
 * simulator ({@link io.topogpu.benchmarks.fgd.FgdSimulator}), the six published policies behind the
 * {@link io.topogpu.benchmarks.fgd.Policy} interface, metrics and reports.
 *
 * <p>Every "fgd-protocol.md §n" in this package refers to {@code benchmarks/docs/fgd-protocol.md}, the
 * spec these classes implement, quirks included.
 */
package io.topogpu.benchmarks.fgd;
