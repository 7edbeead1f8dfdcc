package io.topogpu.benchmarks.load;

import io.topogpu.benchmarks.load.LoadBench.Cell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Writes the load benchmark's results: {@code load.csv} (one row per size, mode, target and verb),
 * {@code load.md} (the table for RESULTS.md: topogpu beside the floor with the ratio) and {@code
 * load-p99.png} (p99 of filter + prioritize by size, topogpu against the floor, per mode).
 *
 * <p>Ratio = topogpu's figure / the no-op floor's figure at the same size, mode and percentile.
 */
public final class LoadReport {
  private LoadReport() {}

  public static List<Path> write(List<Cell> cells, Path dir) {
    try {
      Files.createDirectories(dir);
      Path csv = dir.resolve("load.csv");
      Files.writeString(csv, csv(cells));
      Path md = dir.resolve("load.md");
      Files.writeString(md, markdown(cells));
      Path png = dir.resolve("load-p99.png");
      BitmapEncoder.saveBitmap(chart(cells), png.toString(), BitmapEncoder.BitmapFormat.PNG);
      return List.of(csv, md, png);
    } catch (IOException e) {
      throw new UncheckedIOException("writing load results to " + dir, e);
    }
  }

  public static String csv(List<Cell> cells) {
    StringBuilder b = new StringBuilder(
        "nodes,mode,target,verb,p50_us,p99_us,p999_us,max_us,count,decisions_per_s,runs,occupancy\n");
    for (Cell c : cells) {
      c.latency().forEach((verb, s) -> b.append(String.format(Locale.ROOT,
          "%d,%s,%s,%s,%.0f,%.0f,%.0f,%.0f,%d,%.1f,%d,%.3f%n", c.nodes(), c.mode().label(), c.target(),
          verb.label(), s.p50(), s.p99(), s.p999(), s.max(), s.count(), c.decisionsPerSecond(),
          c.runs().size(), c.occupancy())));
    }
    return b.toString();
  }

  /** Markdown: per size and mode, each verb's p50/p99/p99.9 in ms, topogpu | floor | ratio. */
  public static String markdown(List<Cell> cells) {
    StringBuilder b = new StringBuilder();
    b.append("| nodes | mode | verb | p50 ms (topogpu / floor) | p99 ms (topogpu / floor) | p99.9 ms (topogpu / floor) "
        + "| p99 ratio | decisions/s (topogpu / floor) |\n");
    b.append("|---:|---|---|---|---|---|---:|---|\n");
    for (Cell ours : cells) {
      if (!ours.target().equals(Target.TOPOGPU)) {
        continue;
      }
      Optional<Cell> floor = floor(cells, ours);
      for (Verb v : Verb.values()) {
        LatencySummary o = ours.latency().get(v);
        LatencySummary f = floor.map(c -> c.latency().get(v)).orElse(null);
        b.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s |%n", ours.nodes(),
            ours.mode().label(), v.label(), pair(o.p50(), f == null ? Double.NaN : f.p50()),
            pair(o.p99(), f == null ? Double.NaN : f.p99()), pair(o.p999(), f == null ? Double.NaN : f.p999()),
            f == null ? "–" : String.format(Locale.ROOT, "%.2f×", o.p99() / f.p99()),
            v == Verb.FILTER ? String.format(Locale.ROOT, "%.0f / %.0f", ours.decisionsPerSecond(),
                floor.map(Cell::decisionsPerSecond).orElse(Double.NaN)) : ""));
      }
    }
    return b.toString();
  }

  private static Optional<Cell> floor(List<Cell> cells, Cell ours) {
    return cells.stream().filter(c -> c.target().equals(Target.NOOP) && c.nodes() == ours.nodes()
        && c.mode() == ours.mode()).findFirst();
  }

  private static String pair(double oursMicros, double floorMicros) {
    return String.format(Locale.ROOT, "%.2f / %.2f", oursMicros / 1000, floorMicros / 1000);
  }

  private static CategoryChart chart(List<Cell> cells) {
    CategoryChart chart = new CategoryChartBuilder().width(1000).height(600)
        .title("filter + prioritize p99 per pod: topogpu vs no-op floor (median of runs)")
        .xAxisTitle("nodes").yAxisTitle("p99 latency, ms").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    List<Integer> sizes = cells.stream().map(Cell::nodes).distinct().sorted().toList();
    List<String> x = sizes.stream().map(n -> String.format("%,d", n)).toList();
    for (NodeListMode mode : NodeListMode.values()) {
      for (String target : List.of(Target.TOPOGPU, Target.NOOP)) {
        List<Double> y = new ArrayList<>();
        for (int n : sizes) {
          y.add(cells.stream().filter(c -> c.nodes() == n && c.mode() == mode && c.target().equals(target))
              .findFirst().map(c -> c.latency().get(Verb.FILTER_PRIORITIZE).p99() / 1000).orElse(0.0));
        }
        if (y.stream().anyMatch(v -> v > 0)) {
          chart.addSeries(target + " (" + mode.label() + ")", x, y);
        }
      }
    }
    return chart;
  }
}
