package io.topogpu.benchmarks.load;

/** What the driver times: each extender call, and filter + prioritize of one pod together. */
public enum Verb {
  FILTER("filter"),
  PRIORITIZE("prioritize"),
  BIND("bind"),
  FILTER_PRIORITIZE("filter+prioritize");

  private final String label;

  Verb(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
