/**
 * The extender's speed at scale: {@link io.topogpu.benchmarks.load.SyntheticCluster} builds clusters
 * of real node shapes at a target occupancy (placed through the real placer and ledger), {@link
 * io.topogpu.benchmarks.load.LoadBench} drives the production backend and the no-op floor over HTTP
 * in the same JVM as kube-scheduler would, {@link io.topogpu.benchmarks.load.LoadReport} writes the
 * tables and chart, {@link io.topogpu.benchmarks.load.Footprint} measures heap and start-up on a
 * snapshot. Speed is only ever measured here, never asserted in tests.
 */
package io.topogpu.benchmarks.load;
