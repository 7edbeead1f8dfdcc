package io.topogpu.topology.annotation;

/**
 * A {@code topogpu.io/gpus} value that cannot be read; the message names the field and the value,
 * e.g. {@code gpus[0].index: must be >= 0, got -1}.
 */
public final class GpusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  GpusException(String message) {
    super(message);
  }
}
