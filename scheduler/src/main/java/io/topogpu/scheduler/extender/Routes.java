package io.topogpu.scheduler.extender;

/**
 * Every HTTP path the extender serves, in one place. The verb paths are what kube-scheduler builds
 * from the extender's {@code urlPrefix} ({@code http://127.0.0.1:8888/scheduler}) and its {@code
 * filterVerb}/{@code prioritizeVerb}/{@code bindVerb}/{@code preemptVerb} ({@code config/kube-scheduler-config.yaml}).
 */
public final class Routes {
  private Routes() {}

  /** Path part of the extender's {@code urlPrefix}. */
  public static final String PREFIX = "/scheduler";

  public static final String FILTER_VERB = "filter";
  public static final String PRIORITIZE_VERB = "prioritize";
  public static final String BIND_VERB = "bind";
  public static final String PREEMPT_VERB = "preempt";

  public static final String FILTER = PREFIX + "/" + FILTER_VERB;
  public static final String PRIORITIZE = PREFIX + "/" + PRIORITIZE_VERB;
  public static final String BIND = PREFIX + "/" + BIND_VERB;
  public static final String PREEMPT = PREFIX + "/" + PREEMPT_VERB;

  /** 200 while the process serves HTTP. */
  public static final String HEALTHZ = "/healthz";

  /** 200 only when the backend is ready (cluster state synced, ledger rebuilt), else 503. */
  public static final String READYZ = "/readyz";

  /** Prometheus text exposition of the extender's meters. */
  public static final String METRICS = "/metrics";
}
