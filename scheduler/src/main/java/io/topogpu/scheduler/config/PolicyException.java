package io.topogpu.scheduler.config;

/** A policy file that cannot be used; the message names the file, the line and the field. */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(message);
  }
}
