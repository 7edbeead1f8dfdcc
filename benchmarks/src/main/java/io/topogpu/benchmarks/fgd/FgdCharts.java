package io.topogpu.benchmarks.fgd;

import io.topogpu.benchmarks.sim.Stats;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of the reproduction: per trace group ({@code cpu*}, {@code gpushare*}, ...), bars of unallocated
 * GPU % at 100 % arrived, ours (with ±sd) next to published; and the allocation-vs-arrived curve of one
 * workload (mean over seeds), ours solid, published dashed.
 */
public final class FgdCharts {
  private static final int FIRST_CURVE_COLUMN = 60;
  /** One colour per policy, in table order; the published series use it translucent. */
  private static final Color[] PALETTE = {new Color(0x7f7f7f), new Color(0x1f77b4), new Color(0x2ca02c),
      new Color(0xff7f0e), new Color(0x9467bd), new Color(0xd62728), new Color(0x8c564b), new Color(0x17becf)};

  private FgdCharts() {}

  /** Writes {@code unallocated-<group>.png} per group and {@code allocation-curve-<workload>.png}. */
  public static List<Path> write(Path outDir, List<RunResult> results, List<FgdSummary> summary,
      PublishedResults published, String curveWorkload) {
    System.setProperty("java.awt.headless", "true");
    List<Path> written = new ArrayList<>();
    Map<String, List<FgdSummary>> groups = new LinkedHashMap<>();
    for (FgdSummary s : summary) {
      groups.computeIfAbsent(group(s.workload()), g -> new ArrayList<>()).add(s);
    }
    try {
      Files.createDirectories(outDir);
      for (Map.Entry<String, List<FgdSummary>> g : groups.entrySet()) {
        written.add(save(barChart(g.getKey(), g.getValue()), outDir.resolve("unallocated-" + g.getKey() + ".png")));
      }
      if (results.stream().anyMatch(r -> r.workload().equals(curveWorkload))) {
        written.add(save(curveChart(curveWorkload, results, published),
            outDir.resolve("allocation-curve-" + curveWorkload + ".png")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write charts to " + outDir, e);
    }
    return written;
  }

  /** "gpushare40" → "gpushare"; "default" → "default". */
  static String group(String workload) {
    return workload.replaceAll("\\d+$", "");
  }

  private static CategoryChart barChart(String group, List<FgdSummary> rows) {
    CategoryChart chart = new CategoryChartBuilder().width(1200).height(600)
        .title("Unallocated GPU % at 100% arrived: " + group + " traces (ours vs published FGD ATC'23)")
        .xAxisTitle("trace").yAxisTitle("unallocated GPU %").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    chart.getStyler().setAvailableSpaceFill(0.9);
    List<String> workloads = rows.stream().map(FgdSummary::workload).distinct().toList();
    List<String> policies = rows.stream().map(FgdSummary::policy).distinct().toList();
    for (int k = 0; k < policies.size(); k++) {
      String policy = policies.get(k);
      List<Double> ours = new ArrayList<>();
      List<Double> oursSd = new ArrayList<>();
      List<Double> pub = new ArrayList<>();
      List<Double> pubSd = new ArrayList<>();
      for (String w : workloads) {
        Optional<FgdSummary> s = rows.stream().filter(r -> r.workload().equals(w) && r.policy().equals(policy)).findFirst();
        ours.add(s.map(r -> r.ours().mean()).orElse(0.0));
        oursSd.add(s.map(r -> r.ours().sd()).orElse(0.0));
        pub.add(s.flatMap(FgdSummary::published).map(Stats::mean).orElse(0.0));
        pubSd.add(s.flatMap(FgdSummary::published).map(Stats::sd).orElse(0.0));
      }
      Color c = PALETTE[k % PALETTE.length];
      chart.addSeries(policy + " ours", workloads, ours, oursSd).setFillColor(c);
      if (rows.stream().anyMatch(r -> r.published().isPresent())) {
        chart.addSeries(policy + " published", workloads, pub, pubSd)
            .setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 90));
      }
    }
    return chart;
  }

  private static XYChart curveChart(String workload, List<RunResult> results, PublishedResults published) {
    XYChart chart = new XYChartBuilder().width(1000).height(600)
        .title("Allocation vs arrived GPU demand, " + workload + " (mean over seeds; dashed = published)")
        .xAxisTitle("arrived GPU demand, % of capacity").yAxisTitle("allocated GPU, % of capacity").build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    Map<String, List<double[]>> byPolicy = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (r.workload().equals(workload)) {
        byPolicy.computeIfAbsent(r.policy(), p -> new ArrayList<>()).add(r.curves().allocation());
      }
    }
    double[] x = new double[Curves.COLUMNS - FIRST_CURVE_COLUMN];
    for (int i = 0; i < x.length; i++) {
      x[i] = FIRST_CURVE_COLUMN + i;
    }
    int k = 0;
    for (Map.Entry<String, List<double[]>> e : byPolicy.entrySet()) {
      Color c = PALETTE[k++ % PALETTE.length];
      XYSeries o = chart.addSeries(e.getKey() + " ours", x, mean(e.getValue()));
      o.setMarker(SeriesMarkers.NONE);
      o.setLineColor(c);
      published.runs(workload, FgdPolicies.require(e.getKey()).publishedLabel()).ifPresent(runs -> {
        XYSeries s = chart.addSeries(e.getKey() + " published", x,
            mean(runs.stream().map(PublishedResults.Run::allocation).toList()));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        s.setLineColor(c);
      });
    }
    return chart;
  }

  private static double[] mean(List<double[]> curves) {
    double[] m = new double[Curves.COLUMNS - FIRST_CURVE_COLUMN];
    for (double[] c : curves) {
      for (int i = 0; i < m.length; i++) {
        m[i] += c[FIRST_CURVE_COLUMN + i] / curves.size();
      }
    }
    return m;
  }

  private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
