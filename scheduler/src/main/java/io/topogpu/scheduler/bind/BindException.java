package io.topogpu.scheduler.bind;

/** A bind that was not written; the message says which call failed and why. */
public final class BindException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BindException(String message) {
    super(message);
  }

  public BindException(String message, Throwable cause) {
    super(message, cause);
  }
}
