package dev.depthlab.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.List;

/**
 * A table of probability maps ({@link ProbabilityMap}): a title, a label per row and column, axis
 * ends on every panel, one colour bar for all; a missing panel says why in its place.
 */
public final class MapGrid {
  /** One panel: its grid and points, or {@code missing} (a short reason) when there is none. */
  public record Panel(ProbabilityMap.Grid grid, ProbabilityMap.Points points, String missing) {
    public static Panel of(ProbabilityMap.Grid grid, ProbabilityMap.Points points) {
      return new Panel(grid, points, null);
    }

    public static Panel missing(String why) {
      return new Panel(null, null, why);
    }
  }

  private static final int PANEL = 200;
  private static final int GAP = 34;
  private static final int LEFT = 96;
  private static final int TOP = 64;
  private static final int RIGHT = 90;
  private static final int BOTTOM = 44;

  private MapGrid() {}

  /** Width in pixels of a grid with {@code cols} columns. */
  public static int width(int cols) {
    // room for a title and the legend line even over one panel
    return Math.max(natural(cols), 560);
  }

  /**
   * Where panel (row, col) lies in a picture of width {@code width} with {@code cols} columns: the
   * square its grid fills (grid point (0, 0) at the top left corner, (G-1, G-1) at the bottom
   * right).
   */
  public static Rectangle2D panelArea(int row, int col, int cols, int width) {
    int shift = Math.max(0, (width - natural(cols)) / 2);
    return new Rectangle2D.Double(
        shift + LEFT + col * (PANEL + GAP), TOP + row * (PANEL + GAP), PANEL, PANEL);
  }

  private static int natural(int cols) {
    return LEFT + cols * PANEL + (cols - 1) * GAP + RIGHT;
  }

  /** Height in pixels of a grid with {@code rows} rows. */
  public static int height(int rows) {
    return TOP + rows * PANEL + (rows - 1) * GAP + BOTTOM;
  }

  /**
   * A painter for {@code panels[row][col]}; {@code axes} names the two inputs, e.g. "x1 (input 1)".
   */
  public static PaintedFigure.Painter painter(
      String title,
      List<String> rowLabels,
      List<String> colLabels,
      Panel[][] panels,
      String xAxis,
      String yAxis) {
    return (g, w, h) -> {
      Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 15);
      Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
      Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
      g.setColor(Color.BLACK);
      g.setFont(titleFont);
      FontMetrics tf = g.getFontMetrics();
      g.drawString(title, Math.max(8f, (w - tf.stringWidth(title)) / 2f), 24);
      int cols = panels.length == 0 ? 1 : panels[0].length;
      // a grid narrower than the picture (one panel) sits in its middle
      int shift = Math.max(0, (w - natural(cols)) / 2);
      for (int r = 0; r < panels.length; r++) {
        for (int c = 0; c < panels[r].length; c++) {
          Rectangle2D area = panelArea(r, c, cols, w);
          double x = area.getX();
          double y = area.getY();
          Panel p = panels[r][c];
          g.setFont(labelFont);
          FontMetrics lf = g.getFontMetrics();
          if (r == 0 && c < colLabels.size()) {
            String s = colLabels.get(c);
            g.setColor(Color.BLACK);
            g.drawString(s, (float) (x + (PANEL - lf.stringWidth(s)) / 2.0), TOP - 10);
          }
          if (c == 0 && r < rowLabels.size()) {
            String s = rowLabels.get(r);
            g.setColor(Color.BLACK);
            g.drawString(s, shift + 8, (float) (y + PANEL / 2.0 + lf.getAscent() / 2.0));
          }
          if (p == null || p.grid() == null) {
            g.setColor(new Color(240, 240, 240));
            g.fill(area);
            g.setColor(Color.DARK_GRAY);
            g.draw(area);
            String s = p == null ? "no run" : p.missing();
            g.drawString(
                s, (float) (x + (PANEL - lf.stringWidth(s)) / 2.0), (float) (y + PANEL / 2));
            continue;
          }
          ProbabilityMap.paint(g, area, p.grid(), p.points());
          g.setFont(tickFont);
          FontMetrics kf = g.getFontMetrics();
          g.setColor(Color.DARK_GRAY);
          String lo = num(p.grid().lo());
          String hi = num(p.grid().hi());
          float below = (float) (y + PANEL + kf.getAscent() + 2);
          g.drawString(lo, (float) x, below);
          g.drawString(hi, (float) (x + PANEL - kf.stringWidth(hi)), below);
          g.drawString(xAxis, (float) (x + (PANEL - kf.stringWidth(xAxis)) / 2.0), below);
          g.drawString(hi, (float) (x - kf.stringWidth(hi) - 3), (float) (y + kf.getAscent()));
          g.drawString(lo, (float) (x - kf.stringWidth(lo) - 3), (float) (y + PANEL));
          Graphics2D rot = (Graphics2D) g.create();
          rot.translate(x - 6, y + PANEL / 2.0);
          rot.rotate(-Math.PI / 2);
          rot.drawString(yAxis, -kf.stringWidth(yAxis) / 2f, 0);
          rot.dispose();
        }
      }
      int rows = panels.length;
      double barTop = TOP;
      double barHeight = Math.min(rows * PANEL + (rows - 1) * GAP, 260);
      ProbabilityMap.colourBar(
          g,
          new Rectangle2D.Double(
              shift + LEFT + cols * (PANEL + GAP) - GAP + 24, barTop, 14, barHeight),
          "P(class 1)");
      g.setFont(tickFont);
      g.setColor(Color.DARK_GRAY);
      String legend = "points: test set (red class 1, blue class 0); black line: p = 0.5";
      g.drawString(legend, 8, h - 10);
    };
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
