package io.topogpu.scheduler.extender;

/**
 * A decoded bind request: pod {@code namespace/name} (and UID when known) to bind to {@code node}.
 */
public record BindRequest(String podNamespace, String podName, String podUid, String node) {

  public static BindRequest from(ExtenderBindingArgs args) {
    return new BindRequest(args.podNamespace(), args.podName(), args.podUid(), args.node());
  }
}
