package io.topogpu.e2e.bench;

import java.util.Map;

/**
 * One measured run: the bind rate, and what the API server and the extender counted during it.
 *
 * @param apiCalls API server requests on pods during the run, by {@code VERB resource[/subresource]}
 * @param apiServerMs the API server's mean handling time of those requests, in milliseconds
 * @param extenderMs the extender's mean time per verb call (filter, prioritize, bind), in
 *     milliseconds; empty for {@link Target#ALONE}
 * @param extenderCalls the extender's verb calls by verb
 * @param cpuMsPerPod CPU milliseconds per bound pod from kube-scheduler's start (the extender already
 *     ready) to the last bind, by program
 */
public record RunResult(Target target, int nodes, int run, int pods, BindRate rate, Map<String, Double> apiCalls,
    Map<String, Double> apiServerMs, Map<String, Double> extenderMs, Map<String, Double> extenderCalls,
    Map<String, Double> cpuMsPerPod) {

  /** API requests of {@code key} per bound pod. */
  public double callsPerBind(String key) {
    return rate.binds() == 0 ? Double.NaN : apiCalls.getOrDefault(key, 0.0) / rate.binds();
  }
}
