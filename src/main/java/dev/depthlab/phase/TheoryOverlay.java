package dev.depthlab.phase;

import dev.depthlab.plot.Figure;
import dev.depthlab.plot.PaintedFigure;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Path2D;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The order-to-chaos figure of a phase grid: the cells shaded by final test accuracy (printed in
 * each), with the theory laid over them ({@link PhaseTheory}): the critical line chi_1 = 1 in red
 * and, on a depth axis, the predicted trainable depth 6 xi_c as a dashed black line.
 */
final class TheoryOverlay {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 620;
  private static final int LEFT = 100;
  private static final int RIGHT = 30;
  private static final int TOP = 60;
  private static final int BOTTOM = 90;

  private TheoryOverlay() {}

  static Figure write(
      Path dir,
      PhaseGrid grid,
      String dataset,
      List<PhaseTable.Cell> cells,
      List<PhaseTheory.Point> theory) {
    String name = "phase-" + Figure.stem(dataset, "data") + "-order-chaos";
    boolean depthAxis = grid.y().key().equals(PhaseGrid.DEPTHS);
    String title = dataset + ": final test accuracy, theory overlaid";
    Figure figure =
        new Figure(
            name,
            title,
            title
                + ": red, the critical line chi_1 = 1 (order left, chaos right)"
                + (depthAxis
                    ? "; dashed black, the predicted trainable depth "
                        + Axis.format(PhaseTheory.XI_C_MULTIPLE)
                        + " xi_c (Schoenholz et al. 2017)"
                    : ""));
    int cols = grid.x().values().size();
    int rows = grid.y().values().size();
    double[] xs = numbers(grid.x().values());
    double[] ys = numbers(grid.y().values());
    PaintedFigure.Painter painter =
        (g, w, h) -> {
          double cw = (w - LEFT - RIGHT) / (double) cols;
          double ch = (h - TOP - BOTTOM) / (double) rows;
          g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
          for (PhaseTable.Cell c : cells) {
            double px = LEFT + c.xi() * cw;
            double py = h - BOTTOM - (c.yi() + 1) * ch;
            double v = c.runs() > 0 ? c.testAcc() : Double.NaN;
            if (Double.isFinite(v)) {
              double t = Math.max(0, Math.min(1, (v - 0.5) / 0.5));
              g.setColor(blend(new Color(0xf7, 0xfb, 0xff), new Color(0x08, 0x30, 0x6b), t));
              g.fill(new java.awt.geom.Rectangle2D.Double(px, py, cw, ch));
              g.setColor(t > 0.5 ? Color.WHITE : Color.BLACK);
              g.drawString(
                  String.format(Locale.ROOT, "%.2f", v),
                  (float) (px + cw / 2 - 12),
                  (float) (py + ch / 2 + 4));
            }
          }
          g.setColor(Color.GRAY);
          g.drawRect(LEFT, TOP, (int) (cols * cw), (int) (rows * ch));
          g.setColor(Color.BLACK);
          for (int k = 0; k < cols; k++) {
            g.drawString(
                grid.x().values().get(k), (float) (LEFT + (k + 0.5) * cw - 10), h - BOTTOM + 18);
          }
          for (int r = 0; r < rows; r++) {
            g.drawString(
                grid.y().values().get(r), LEFT - 40, (float) (h - BOTTOM - (r + 0.5) * ch + 4));
          }
          g.drawString(grid.x().key(), LEFT + (int) (cols * cw / 2) - 40, h - BOTTOM + 45);
          g.drawString(grid.y().key(), 10, TOP - 15);
          g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
          g.drawString(title, LEFT, 30);
          g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
          // the critical line: per row, where chi_1 crosses 1
          Path2D.Double critical = new Path2D.Double();
          boolean started = false;
          for (int r = 0; r < rows; r++) {
            double s = PhaseTheory.criticalSigmaW(theory, r);
            if (!Double.isFinite(s)) {
              continue;
            }
            double px = LEFT + position(xs, s) * cw;
            double lo = h - BOTTOM - r * ch;
            double hi = h - BOTTOM - (r + 1) * ch;
            if (!started) {
              critical.moveTo(px, lo);
              started = true;
            } else {
              critical.lineTo(px, lo);
            }
            critical.lineTo(px, hi);
          }
          g.setColor(new Color(0xc0, 0x39, 0x2b));
          g.setStroke(new BasicStroke(3f));
          g.draw(critical);
          if (depthAxis) {
            Path2D.Double bound = new Path2D.Double();
            boolean on = false;
            for (PhaseTheory.Point p : theory) {
              if (p.yi() != 0) {
                continue;
              }
              double d = p.maxDepth();
              double px = LEFT + (p.xi() + 0.5) * cw;
              if (!Double.isFinite(d)) {
                d = ys[ys.length - 1] * 10; // off the top: drawn at the grid's edge
              }
              double py = h - BOTTOM - Math.min(rows, Math.max(0, position(ys, d))) * ch;
              if (!on) {
                bound.moveTo(px, py);
                on = true;
              } else {
                bound.lineTo(px, py);
              }
            }
            g.setColor(Color.BLACK);
            g.setStroke(
                new BasicStroke(
                    2.5f,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_ROUND,
                    1f,
                    new float[] {8f, 6f},
                    0f));
            g.draw(bound);
          }
        };
    return PaintedFigure.write(painter, WIDTH, HEIGHT, dir, figure);
  }

  /**
   * Where value {@code s} lies on an axis of category values {@code v} (increasing), in cells from
   * the axis' start: category k's centre is k + 0.5, linear between centres and beyond the ends.
   */
  static double position(double[] v, double s) {
    int n = v.length;
    if (n == 1) {
      return 0.5;
    }
    int k = 0;
    while (k < n - 2 && s > v[k + 1]) {
      k++;
    }
    return k + 0.5 + (s - v[k]) / (v[k + 1] - v[k]);
  }

  private static double[] numbers(List<String> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Double.parseDouble(values.get(i));
    }
    return out;
  }

  private static Color blend(Color a, Color b, double t) {
    return new Color(
        (int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
        (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
        (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
  }
}
