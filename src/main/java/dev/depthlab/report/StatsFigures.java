package dev.depthlab.report;

import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.plot.ChartStyle;
import dev.depthlab.plot.Figure;
import dev.depthlab.plot.FigureFiles;
import dev.depthlab.stats.Paired;
import dev.depthlab.stats.SampleStats;
import dev.depthlab.sweep.Grid;
import dev.depthlab.train.RunSpec;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Pictures of the statistics over seeds (rliable-style), per data set and headline metric, drawn
 * from the runs' per-seed values alone (so {@code report --from-summary} draws them too): an
 * interval plot per depth (mean and IQM with their 95% intervals, every seed a jittered point), a
 * paired plot (one line per seed across depths) and P(deeper > shallower) with its interval per
 * adjacent pair. Names and meanings: docs/report.md, "Figures".
 */
final class StatsFigures {
  /** The kinds, as the first part of each figure's name: {@code <kind>-<metric>-<set>}. */
  static final List<String> KINDS = List.of("interval", "paired", "pimprove");

  private StatsFigures() {}

  /** Every statistics figure of the study, per data set and headline metric, in page order. */
  static List<Figure> draw(Path figuresDir, StudyConfig cfg, List<RunRecord> runs) {
    List<Integer> depths = RunSpec.depthsOf(cfg);
    List<Figure> out = new ArrayList<>();
    for (DatasetSpec d : cfg.data().sets()) {
      String set = d.label();
      List<List<RunRecord>> byDepth = ReportMarkdown.byDepth(runs, set, depths);
      if (byDepth.stream().allMatch(rs -> ReportMarkdown.okOnly(rs).isEmpty())) {
        continue;
      }
      List<MetricStats> all = MetricStats.all(depths, byDepth);
      List<Long> seeds = MetricStats.seeds(byDepth);
      List<RunSpec> planned =
          Grid.runs(cfg).stream().filter(r -> r.dataset().label().equals(set)).toList();
      String uses =
          " "
              + FigureCoverage.of(
                      planned, runs.stream().filter(r -> r.dataset().equals(set)).toList())
                  .sentence();
      for (String column : SeedMetric.headline(all)) {
        MetricStats ms =
            all.stream().filter(m -> m.metric().column().equals(column)).findFirst().get();
        List<double[]> bySeed = new ArrayList<>();
        for (List<RunRecord> rs : byDepth) {
          bySeed.add(ms.metric().bySeed(rs, seeds));
        }
        String name = column.replace('_', '-') + "-" + set;
        out.add(interval(figuresDir, "interval-" + name, set, ms, bySeed, uses));
        out.add(paired(figuresDir, "paired-" + name, set, ms, bySeed, seeds, uses));
        if (depths.size() >= 2) {
          out.add(pImprove(figuresDir, "pimprove-" + name, set, ms, uses));
        }
      }
    }
    return out;
  }

  /** The four figures report.html shows first, by name: the most telling of {@code figures}. */
  static List<Figure> lead(List<Figure> figures) {
    List<Figure> out = new ArrayList<>();
    for (String prefix :
        List.of(
            "interval-test-acc-",
            "paired-grad-norm-mean-",
            "pimprove-test-acc-",
            "paired-train-loss-")) {
      for (Figure f : figures) {
        if (f.name().startsWith(prefix) && out.size() < 4) {
          out.add(f);
        }
      }
    }
    return out;
  }

  /** A chart over depth (the x values are depths, labelled as whole numbers). */
  private static XYChart chart(String title, String yLabel, String xLabel) {
    XYChart c = ChartStyle.xy(title, xLabel, yLabel);
    c.getStyler().setXAxisDecimalPattern("#");
    return c;
  }

  /** A sideways step for points beside one depth: the smallest depth gap (at most 1). */
  private static double step(List<Integer> depths) {
    double gap = 1;
    for (int i = 0; i + 1 < depths.size(); i++) {
      gap = Math.min(gap, depths.get(i + 1) - depths.get(i));
    }
    return gap;
  }

  /** A vertical segment from lo to hi at x, not in the legend. */
  private static void bar(XYChart c, String id, double x, double lo, double hi, Color colour) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
      return;
    }
    XYSeries s = c.addSeries(id, new double[] {x, x}, new double[] {lo, hi});
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(colour);
    s.setLineStyle(new java.awt.BasicStroke(3f));
    s.setShowInLegend(false);
  }

  private static XYSeries points(XYChart c, String label, double[] x, double[] y, Color colour) {
    XYSeries s = c.addSeries(label, x, y);
    s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(colour);
    return s;
  }

  private static Figure interval(
      Path dir, String name, String set, MetricStats ms, List<double[]> bySeed, String uses) {
    List<Integer> depths = ms.depths();
    String label = ms.metric().label();
    XYChart c = chart(label + " per depth, " + set, label, "depth (hidden layers)");
    double w = step(depths);
    List<Double> sx = new ArrayList<>();
    List<Double> sy = new ArrayList<>();
    for (int i = 0; i < depths.size(); i++) {
      double[] v = bySeed.get(i);
      for (int s = 0; s < v.length; s++) {
        if (Double.isFinite(v[s])) {
          // a fixed jitter per seed (golden-ratio steps): the same picture on every rebuild
          sx.add(depths.get(i) - w * (0.3 - 0.2 * ((s * 0.6180339887) % 1.0)));
          sy.add(v[s]);
        }
      }
    }
    Color seedColour = new Color(0x99, 0x99, 0x99);
    if (!sx.isEmpty()) {
      points(c, "seeds", unbox(sx), unbox(sy), seedColour);
    }
    Color meanColour = ChartStyle.category(0);
    Color iqmColour = ChartStyle.category(1);
    double[] mx = new double[depths.size()];
    double[] my = new double[depths.size()];
    double[] qx = new double[depths.size()];
    double[] qy = new double[depths.size()];
    for (int i = 0; i < depths.size(); i++) {
      SampleStats st = ms.perDepth().get(i);
      mx[i] = depths.get(i) + 0.08 * w;
      my[i] = st.mean();
      qx[i] = depths.get(i) + 0.22 * w;
      qy[i] = st.iqm();
      bar(c, "mean CI " + i, mx[i], st.ciLow(), st.ciHigh(), meanColour);
      bar(c, "IQM CI " + i, qx[i], st.iqmLow(), st.iqmHigh(), iqmColour);
    }
    points(c, "mean [95% t interval]", mx, my, meanColour).setMarker(SeriesMarkers.DIAMOND);
    points(c, "IQM [95% jackknife-t]", qx, qy, iqmColour).setMarker(SeriesMarkers.SQUARE);
    return FigureFiles.write(
        c,
        dir,
        new Figure(
            name,
            label + " per depth: seeds, mean and IQM with intervals (" + set + ")",
            "Grey: every seed's value (ok runs), jittered sideways; blue diamond: the mean with its"
                + " 95% t interval; red square: the interquartile mean with its 95% jackknife-t"
                + " interval (docs/metrics.md)."
                + uses));
  }

  private static Figure paired(
      Path dir,
      String name,
      String set,
      MetricStats ms,
      List<double[]> bySeed,
      List<Long> seeds,
      String uses) {
    List<Integer> depths = ms.depths();
    String label = ms.metric().label();
    XYChart c = chart(label + " by seed across depth, " + set, label, "depth (hidden layers)");
    for (int s = 0; s < seeds.size(); s++) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (int i = 0; i < depths.size(); i++) {
        double v = bySeed.get(i)[s];
        if (Double.isFinite(v)) {
          x.add((double) depths.get(i));
          y.add(v);
        }
      }
      if (x.isEmpty()) {
        continue;
      }
      XYSeries line = c.addSeries("seed " + seeds.get(s), unbox(x), unbox(y));
      line.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
      line.setMarker(SeriesMarkers.CIRCLE);
      Color colour = ChartStyle.category(s);
      line.setLineColor(colour);
      line.setMarkerColor(colour);
      line.setLineStyle(ChartStyle.line());
    }
    if (c.getSeriesMap().isEmpty()) {
      c.addSeries("no ok runs to draw", new double[] {0}, new double[] {1});
    }
    StringBuilder verdicts = new StringBuilder();
    for (int i = 0; i < ms.pairs().size(); i++) {
      verdicts
          .append(i == 0 ? "" : "; ")
          .append(depths.get(i))
          .append(" vs ")
          .append(depths.get(i + 1))
          .append(": ")
          .append(SeedStatsSection.verdict(ms.pairs().get(i)));
    }
    return FigureFiles.write(
        c,
        dir,
        new Figure(
            name,
            label + " by seed across depth (" + set + ")",
            "One line per seed: at one seed every depth shares data, batch order and first layers,"
                + " so parallel lines mean a depth effect shared by the seeds. Verdicts: "
                + verdicts
                + "."
                + uses));
  }

  private static Figure pImprove(Path dir, String name, String set, MetricStats ms, String uses) {
    List<Integer> depths = ms.depths();
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < depths.size(); i++) {
      pairs.add(depths.get(i) + " vs " + depths.get(i + 1));
    }
    String label = ms.metric().label();
    XYChart c =
        chart(
            "P(deeper > shallower), " + label + ", " + set,
            "P(deeper > shallower)",
            "deeper depth of the adjacent pair (against the depth before it)");
    c.getStyler().setXAxisMin(depths.get(1) - 0.5);
    c.getStyler().setXAxisMax(depths.get(depths.size() - 1) + 0.5);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(1.0);
    Color colour = ChartStyle.category(0);
    double[] x = new double[pairs.size()];
    double[] y = new double[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      Paired p = ms.pairs().get(i);
      x[i] = depths.get(i + 1);
      y[i] = p.pImprove();
      bar(c, "interval " + i, x[i], p.pImproveLow(), p.pImproveHigh(), colour);
    }
    XYSeries half =
        c.addSeries(
            "no effect (1/2)",
            new double[] {depths.get(1), depths.get(depths.size() - 1)},
            new double[] {0.5, 0.5});
    half.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    half.setMarker(SeriesMarkers.NONE);
    half.setLineColor(Color.GRAY);
    half.setLineStyle(SeriesLines.DASH_DASH);
    points(c, "share of seeds [95% Clopper-Pearson]", x, y, colour);
    return FigureFiles.write(
        c,
        dir,
        new Figure(
            name,
            "P(deeper > shallower), " + label + " (" + set + ")",
            "Per adjacent pair of depths ("
                + String.join(", ", pairs)
                + "), drawn at the deeper depth: the share of seeds whose deeper run has the larger "
                + label
                + " (ties 1/2), with its 95% Clopper-Pearson interval; dashed: 1/2, no effect."
                + uses));
  }

  private static double[] unbox(List<Double> v) {
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }
}
