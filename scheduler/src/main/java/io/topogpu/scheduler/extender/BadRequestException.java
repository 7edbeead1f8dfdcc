package io.topogpu.scheduler.extender;

/**
 * A request body that cannot be decoded or fails validation: answered with HTTP 400 and {@code
 * {"error": message}}, where the message names the field (as a JSON path) and the problem.
 */
public final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
