package io.topogpu.e2e.bench;

/** What schedules the benchmark's pods. */
public enum Target {
  /** The shipped kube-scheduler configuration with its extender block removed. */
  ALONE("kube-scheduler alone"),
  /** The shipped configuration: kube-scheduler calling the topogpu extender (filter, prioritize, bind). */
  EXTENDER("kube-scheduler + topogpu extender");

  private final String label;

  Target(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
