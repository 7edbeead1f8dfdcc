package io.topogpu.benchmarks.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of the default-model runs of the first seed: the CDF of queueing delay per policy, and per
 * policy the placement-quality shares (best GPU set, one leaf) next to the mean slowdown.
 */
public final class WorkloadCharts {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 450;

  private WorkloadCharts() {}

  public static List<Path> write(Path out, String trace, List<WorkloadExperiment.Outcome> outcomes) {
    System.setProperty("java.awt.headless", "true");
    long seed = outcomes.isEmpty() ? 0 : outcomes.get(0).seed();
    List<WorkloadExperiment.Outcome> runs = outcomes.stream()
        .filter(o -> o.variant() == Variant.DEFAULT && o.seed() == seed).toList();
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(out);
      Path cdf = out.resolve("wait-cdf-" + trace + ".png");
      BitmapEncoder.saveBitmap(waitCdf(trace + ", seed " + seed, runs), cdf.toString(), BitmapEncoder.BitmapFormat.PNG);
      written.add(cdf);
      Path bars = out.resolve("placement-" + trace + ".png");
      BitmapEncoder.saveBitmap(placementBars(trace + ", seed " + seed, runs), bars.toString(), BitmapEncoder.BitmapFormat.PNG);
      written.add(bars);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write charts to " + out, e);
    }
    return written;
  }

  private static XYChart waitCdf(String trace, List<WorkloadExperiment.Outcome> runs) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Queueing delay CDF, finished jobs (" + trace + ")").xAxisTitle("queueing delay, hours (log; 0 shown at 1 s)")
        .yAxisTitle("share of finished jobs").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setYAxisDecimalPattern("0.0");
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    for (WorkloadExperiment.Outcome o : runs) {
      double[] waits = o.run().jobs().stream().filter(JobOutcome::finished)
          .mapToDouble(j -> Math.max(j.queueingDelay(), 1) / 3600).sorted().toArray();
      if (waits.length == 0) {
        continue;
      }
      double[] y = new double[waits.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = (i + 1.0) / waits.length;
      }
      chart.addSeries(o.run().policy(), waits, y).setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  private static CategoryChart placementBars(String trace, List<WorkloadExperiment.Outcome> runs) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Placement quality (" + trace + ")").yAxisTitle("percent").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    List<String> policies = runs.stream().map(o -> o.run().policy()).toList();
    chart.addSeries("multi-GPU pods on best GPU set", policies,
        runs.stream().map(o -> nan0(100 * o.metrics().bestSetShare())).toList());
    chart.addSeries("multi-pod jobs in one leaf", policies,
        runs.stream().map(o -> nan0(100 * o.metrics().oneLeafShare())).toList());
    chart.addSeries("mean slowdown − 1 (x100)", policies,
        runs.stream().map(o -> nan0(100 * (o.metrics().meanSlowdown() - 1))).toList());
    return chart;
  }

  private static double nan0(double v) {
    return Double.isNaN(v) ? 0 : v;
  }
}
