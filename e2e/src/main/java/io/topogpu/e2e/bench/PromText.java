package io.topogpu.e2e.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples read from a Prometheus text exposition (format 0.0.4): {@code name{labels} value} lines,
 * comments skipped. Enough to sum a counter or a summary's {@code _sum}/{@code _count} over some of
 * its label values; not a general client.
 */
public final class PromText {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PromText(List<Sample> samples) {
    this.samples = samples;
  }

  public static PromText parse(String text) {
    List<Sample> out = new java.util.ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.find()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      double value;
      try {
        value = Double.parseDouble(m.group(4));
      } catch (NumberFormatException e) {
        continue;
      }
      out.add(new Sample(m.group(1), Map.copyOf(labels), value));
    }
    return new PromText(List.copyOf(out));
  }

  /**
   * Sum of metric {@code name}'s samples that {@code filter} keeps, grouped by the values of {@code
   * label} (samples without it are grouped under "").
   */
  public Map<String, Double> sumBy(String name, String label, Predicate<Map<String, String>> filter) {
    Map<String, Double> sums = new TreeMap<>();
    for (Sample s : samples) {
      if (s.name().equals(name) && filter.test(s.labels())) {
        sums.merge(s.labels().getOrDefault(label, ""), s.value(), Double::sum);
      }
    }
    return sums;
  }
}
