package io.topogpu.topology.annotation;

import io.topogpu.topology.Keys;

/**
 * A {@code topogpu.io/topology} value that cannot be read. The message is one line: the annotation
 * key, the JSON path of the offending field when there is one, and the problem with the value, e.g.
 * {@code topogpu.io/topology: gpus[3].numa: expected an integer, got "x"}.
 */
public final class AnnotationException extends RuntimeException {
  private final String path;

  AnnotationException(String path, String problem) {
    super(Keys.TOPOLOGY + ": " + (path.isEmpty() ? "" : path + ": ") + oneLine(problem));
    this.path = path;
  }

  AnnotationException(String problem) {
    this("", problem);
  }

  /** JSON path of the offending field ({@code gpus[3].mig.instances[0].size}); empty for the whole value. */
  public String path() {
    return path;
  }

  private static String oneLine(String s) {
    return (s == null ? "unreadable value" : s).replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
