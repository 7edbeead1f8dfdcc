/**
 * JMH micro-benchmarks of the placement hot paths: GPU-set choice per shape and k (cold and
 * memoised), ranking 5,000 nodes for one pod, ledger allocate and release. Run with {@code
 * bin/topogpu jmh [regex]}; the JMH annotation processor (jmh-generator-annprocess, on the compile
 * classpath) generates the harness classes and {@code META-INF/BenchmarkList} during the normal
 * compile.
 */
package io.topogpu.benchmarks.jmh;
