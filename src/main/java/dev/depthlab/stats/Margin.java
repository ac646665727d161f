package dev.depthlab.stats;

/**
 * The equivalence margin of a metric: a difference inside +-margin counts as no practical change.
 * Absolute (in the metric's unit), or relative: a fraction of |mean| of the shallower depth.
 */
public record Margin(double value, boolean relative) {
  public static Margin absolute(double v) {
    return new Margin(v, false);
  }

  public static Margin relative(double fraction) {
    return new Margin(fraction, true);
  }

  /**
   * The margin in the metric's unit, for a comparison whose shallower depth averages {@code ref}.
   */
  public double in(double ref) {
    return relative ? value * Math.abs(ref) : value;
  }

  /** "+-0.01" or "+-10%" (with the plus-minus sign). */
  public String text() {
    return relative
        ? "\u00b1" + Math.round(value * 100) + "%"
        : "\u00b1"
            + (value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value));
  }
}
