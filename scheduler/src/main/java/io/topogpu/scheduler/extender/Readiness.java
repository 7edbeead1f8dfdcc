package io.topogpu.scheduler.extender;

/** Whether the backend can answer correctly now, and if not, why (shown by {@code /readyz}). */
public record Readiness(boolean ready, String reason) {

  public Readiness {
    if (!ready && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("reason: required when not ready");
    }
    reason = reason == null ? "" : reason;
  }

  public static final Readiness READY = new Readiness(true, "");

  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
