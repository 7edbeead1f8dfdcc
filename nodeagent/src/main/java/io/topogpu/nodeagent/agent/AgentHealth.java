package io.topogpu.nodeagent.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /healthz} reports. Healthy = the last probe reached NVML and the last publish (or
 * stale marking) reached the API server. Before the first cycle the agent is not yet healthy.
 * Written by the probe thread, read by HTTP handlers.
 */
public final class AgentHealth {
  private record State(boolean probed, boolean nvmlOk, String nvmlError, boolean publishOk, String publishError) {}

  private volatile State state = new State(false, false, "no probe yet", false, "no publish yet");

  void nvmlReached() {
    State s = state;
    state = new State(true, true, "", s.publishOk, s.publishError);
  }

  void nvmlFailed(String error) {
    State s = state;
    state = new State(true, false, error, s.publishOk, s.publishError);
  }

  void publishSucceeded() {
    State s = state;
    state = new State(s.probed, s.nvmlOk, s.nvmlError, true, "");
  }

  void publishFailed(String error) {
    State s = state;
    state = new State(s.probed, s.nvmlOk, s.nvmlError, false, error);
  }

  public boolean healthy() {
    State s = state;
    return s.nvmlOk && s.publishOk;
  }

  /** {@code {"status": "ok"|"unhealthy", "nvml": ..., "publish": ...}} with the errors, if any. */
  public Map<String, Object> report() {
    State s = state;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", s.nvmlOk && s.publishOk ? "ok" : "unhealthy");
    out.put("nvml", s.nvmlOk ? "ok" : s.nvmlError);
    out.put("publish", s.publishOk ? "ok" : s.publishError);
    return out;
  }
}
