package dev.depthlab.report;

import dev.depthlab.plot.ChartStyle;
import dev.depthlab.plot.Curve;
import dev.depthlab.plot.Figure;
import dev.depthlab.train.RunFolder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code sharpness-<set>}: per depth, the full-batch sharpness (solid, std band) and the batch
 * sharpness (dotted, same colour) per epoch against 2/lr (dashed grey). Which one meets 2/lr
 * depends on the optimiser (docs/metrics.md "Batch sharpness"): the sharpness for full-batch
 * gradient descent (Cohen et al. 2021), the batch sharpness for minibatch SGD (Andreyev and
 * Beneventano 2024); the 2/lr entry of the legend says so.
 */
final class SharpnessFigure {
  private SharpnessFigure() {}

  /** The legend entry of a depth's sharpness line. */
  static String fullLabel(String depthLabel) {
    return depthLabel + ": sharpness";
  }

  /** The legend entry of a depth's batch-sharpness line. */
  static String batchLabel(String depthLabel) {
    return depthLabel + ": batch sharpness";
  }

  /** The legend entry of the 2/lr line, naming the quantity each optimiser sets against it. */
  static String edgeLabel(double lr) {
    return "2/lr = " + RunFolder.num(2 / lr) + " (GD: sharpness; SGD: batch sharpness)";
  }

  /** The chart of data set {@code set}: mean over each depth's ok runs per epoch. */
  static XYChart chart(String set, FigureCoverage cov, List<Integer> depths, double lr) {
    List<Curve> full = StudyFigures.perEpoch(cov, depths, RunRecord::epochSharpness);
    List<Curve> batch = StudyFigures.perEpoch(cov, depths, RunRecord::epochBatchSharpness);
    List<Curve> named = new ArrayList<>();
    for (Curve c : full) {
      named.add(new Curve(fullLabel(c.label()), c.x(), c.y(), c.spread()));
    }
    XYChart c =
        StudyFigures.epochChart(
            "Sharpness per epoch, " + set,
            "curvature (Hessian of the training loss)",
            named,
            false);
    int epochs = 1;
    for (int i = 0; i < batch.size(); i++) {
      Curve b = batch.get(i);
      epochs = Math.max(epochs, Math.max(b.x().length, full.get(i).x().length));
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int k = 0; k < b.x().length; k++) {
        if (Double.isFinite(b.y()[k])) {
          xs.add(b.x()[k]);
          ys.add(b.y()[k]);
        }
      }
      if (xs.isEmpty()) {
        continue; // a run made before the column: nothing to draw
      }
      Color colour = ChartStyle.ordered(i, batch.size());
      XYSeries s = c.addSeries(batchLabel(b.label()), xs, ys);
      s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
      s.setMarker(xs.size() == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      s.setLineColor(colour);
      s.setMarkerColor(colour);
      s.setLineStyle(dashed(2.0f, new float[] {2f, 4f}));
    }
    XYSeries edge =
        c.addSeries(edgeLabel(lr), new double[] {0, epochs}, new double[] {2 / lr, 2 / lr});
    edge.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    edge.setMarker(SeriesMarkers.NONE);
    edge.setLineColor(Color.GRAY);
    edge.setLineStyle(dashed(2.0f, new float[] {7f, 5f}));
    return c;
  }

  /** Draws the figure into {@code out}; {@code tail} ends its caption. */
  static Figure write(
      Path out, String set, FigureCoverage cov, List<Integer> depths, double lr, String tail) {
    return StudyFigures.write(
        out,
        chart(set, cov, depths, lr),
        new Figure(
            "sharpness-" + set,
            "Sharpness and batch sharpness against 2/lr (" + set + ")",
            "Solid: top eigenvalue of the training objective's Hessian (sharpness), one line per"
                + " depth; dotted, same colour: the batch sharpness, mean over minibatches of"
                + " g.Hg/|g|^2 of the batch objective; both at the epochs they were estimated"
                + " (diagnostics.sharpness). Dashed grey: 2/lr, which full-batch gradient descent's"
                + " sharpness reaches and hovers at (Cohen et al. 2021) and minibatch SGD's batch"
                + " sharpness does (Andreyev and Beneventano 2024). "
                + tail));
  }

  private static BasicStroke dashed(float width, float[] dash) {
    return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
  }
}
