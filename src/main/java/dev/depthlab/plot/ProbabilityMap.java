package dev.depthlab.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/**
 * A classifier's predicted probability over a square, drawn as a heat map on a diverging scale
 * (blue = class 0, white = 0.5, red = class 1) with the 0.5 contour as a black line, and labelled
 * points on top (class 0 dark blue, class 1 dark red, each with a white rim and a thin near-black
 * outline around it: the rim reads on the dark ends of the scale, the outline on its pale middle).
 */
public final class ProbabilityMap {
  /** Class 0 at p = 0 and class 1 at p = 1: the ends of the scale, and the points' colours. */
  public static final Color CLASS0 = new Color(33, 102, 172);

  public static final Color CLASS1 = new Color(178, 24, 43);
  private static final Color UNKNOWN = new Color(190, 190, 190);
  // the points a shade darker than the scale's ends, so a point reads on a map of its own class
  private static final Color POINT0 = new Color(8, 48, 107);
  private static final Color POINT1 = new Color(103, 0, 13);

  /** The points' outer outline: neutral near-black, so it reads on the scale's white middle. */
  static final Color OUTLINE = new Color(20, 20, 20);

  private ProbabilityMap() {}

  /**
   * A grid of probabilities over [lo, hi]^2: {@code size} x {@code size} values row-major, row 0 at
   * the top (y = hi), column 0 at the left (x = lo), both edges included.
   */
  public record Grid(int size, double lo, double hi, double[] p) {
    public Grid {
      if (p.length != size * size) {
        throw new IllegalArgumentException(p.length + " values for a " + size + "^2 grid");
      }
    }
  }

  /** Labelled points: x and y coordinates, labels 0 or 1. */
  public record Points(double[] x, double[] y, double[] label) {
    public static final Points NONE = new Points(new double[0], new double[0], new double[0]);
  }

  /** The colour of probability {@code p}: blue through white to red; grey when not a number. */
  public static Color colour(double p) {
    if (!Double.isFinite(p)) {
      return UNKNOWN;
    }
    double t = Math.max(0, Math.min(1, p));
    Color end = t < 0.5 ? CLASS0 : CLASS1;
    double w = Math.abs(t - 0.5) * 2; // 0 at 0.5 (white), 1 at either end
    return new Color(
        mix(255, end.getRed(), w), mix(255, end.getGreen(), w), mix(255, end.getBlue(), w));
  }

  private static int mix(int a, int b, double w) {
    return (int) Math.round(a + (b - a) * w);
  }

  /** Paints {@code grid} into {@code area} (a square in pixels), its contour and the points. */
  public static void paint(Graphics2D g, Rectangle2D area, Grid grid, Points points) {
    int n = grid.size();
    double span = grid.hi() - grid.lo();
    // each grid value colours the cell centred on its point, edge cells being half cells: a raster
    // of 2(n-1) half-cells a side, half-cell k showing grid point (k + 1) / 2, scaled without
    // smoothing. One image (embedded once in an SVG) instead of n^2 rectangles.
    int side = 2 * (n - 1);
    BufferedImage raster = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        raster.setRGB(x, y, colour(grid.p()[(y + 1) / 2 * n + (x + 1) / 2]).getRGB());
      }
    }
    Object interpolation = g.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    g.drawImage(
        raster,
        (int) Math.round(area.getX()),
        (int) Math.round(area.getY()),
        (int) Math.round(area.getWidth()),
        (int) Math.round(area.getHeight()),
        null);
    if (interpolation != null) {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
    }
    contour(g, area, grid);
    double radius = Math.max(1.6, area.getWidth() / 90);
    g.setStroke(new BasicStroke(0.6f));
    for (int k = 0; k < points.x().length; k++) {
      double px = area.getX() + (points.x()[k] - grid.lo()) / span * area.getWidth();
      double py = area.getY() + (grid.hi() - points.y()[k]) / span * area.getHeight();
      if (!area.contains(px, py)) {
        continue;
      }
      Ellipse2D dot = new Ellipse2D.Double(px - radius, py - radius, 2 * radius, 2 * radius);
      g.setColor(points.label()[k] == 1.0 ? POINT1 : POINT0);
      g.fill(dot);
      g.setColor(Color.WHITE);
      g.draw(dot);
      double r = radius + 0.6;
      g.setColor(OUTLINE);
      g.setStroke(new BasicStroke(0.7f));
      g.draw(new Ellipse2D.Double(px - r, py - r, 2 * r, 2 * r));
      g.setStroke(new BasicStroke(0.6f));
    }
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(1f));
    g.draw(area);
  }

  /**
   * The p = 0.5 line by marching squares: in each cell, the crossings on its edges (linear
   * interpolation) joined in pairs; a saddle cell joins them in edge order, which is enough at
   * these resolutions.
   */
  private static void contour(Graphics2D g, Rectangle2D area, Grid grid) {
    int n = grid.size();
    double cell = area.getWidth() / (n - 1);
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    double[] xs = new double[4];
    double[] ys = new double[4];
    for (int r = 0; r + 1 < n; r++) {
      for (int c = 0; c + 1 < n; c++) {
        double a = grid.p()[r * n + c] - 0.5; // top left
        double b = grid.p()[r * n + c + 1] - 0.5; // top right
        double d = grid.p()[(r + 1) * n + c + 1] - 0.5; // bottom right
        double e = grid.p()[(r + 1) * n + c] - 0.5; // bottom left
        if (!(Double.isFinite(a)
            && Double.isFinite(b)
            && Double.isFinite(d)
            && Double.isFinite(e))) {
          continue;
        }
        int k = 0;
        double left = area.getX() + c * cell;
        double top = area.getY() + r * cell;
        if ((a < 0) != (b < 0)) {
          xs[k] = left + a / (a - b) * cell;
          ys[k++] = top;
        }
        if ((b < 0) != (d < 0)) {
          xs[k] = left + cell;
          ys[k++] = top + b / (b - d) * cell;
        }
        if ((d < 0) != (e < 0)) {
          xs[k] = left + e / (e - d) * cell;
          ys[k++] = top + cell;
        }
        if ((e < 0) != (a < 0)) {
          xs[k] = left;
          ys[k++] = top + a / (a - e) * cell;
        }
        for (int i = 0; i + 1 < k; i += 2) {
          g.draw(new Line2D.Double(xs[i], ys[i], xs[i + 1], ys[i + 1]));
        }
      }
    }
  }

  /** A vertical colour bar for the scale, labelled 0, 0.5 and 1, in {@code area}. */
  public static void colourBar(Graphics2D g, Rectangle2D area, String label) {
    int steps = 100;
    double h = area.getHeight() / steps;
    for (int i = 0; i < steps; i++) {
      g.setColor(colour(1.0 - (i + 0.5) / steps));
      g.fill(new Rectangle2D.Double(area.getX(), area.getY() + i * h, area.getWidth(), h + 0.5));
    }
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(1f));
    g.draw(area);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    float tx = (float) area.getMaxX() + 4;
    g.drawString("1", tx, (float) area.getY() + fm.getAscent() / 2f);
    g.drawString("0.5", tx, (float) area.getCenterY() + fm.getAscent() / 2f);
    g.drawString("0", tx, (float) area.getMaxY() + fm.getAscent() / 2f);
    Graphics2D r = (Graphics2D) g.create();
    r.translate(area.getMaxX() + 30, area.getCenterY());
    r.rotate(-Math.PI / 2);
    r.drawString(label, -fm.stringWidth(label) / 2f, 0);
    r.dispose();
  }
}
