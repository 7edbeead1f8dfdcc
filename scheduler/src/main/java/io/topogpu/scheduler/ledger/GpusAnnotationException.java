package io.topogpu.scheduler.ledger;

/** A {@code topogpu.io/gpus} value that cannot be read; the message names the field and value. */
public final class GpusAnnotationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GpusAnnotationException(String message) {
    super(message);
  }
}
