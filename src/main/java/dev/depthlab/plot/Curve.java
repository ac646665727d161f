package dev.depthlab.plot;

/**
 * One line of a chart: its legend label, x values, y values and a spread per point (the half-width
 * of a band or an error bar; null for none). Non-finite points are dropped when drawn.
 */
public record Curve(String label, double[] x, double[] y, double[] spread) {
  public Curve {
    if (x.length != y.length || (spread != null && spread.length != y.length)) {
      throw new IllegalArgumentException("curve '" + label + "': x, y and spread lengths differ");
    }
  }
}
