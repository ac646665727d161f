package dev.depthlab.phase;

import dev.depthlab.common.UserError;
import dev.depthlab.config.Limits;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One axis of a phase diagram: a config key and its values, from {@code key=a,b,c} or {@code
 * key=lo:hi:log:n} / {@code key=lo:hi:lin:n} (n points, ends included). Spaced values are rounded
 * to {@value #DIGITS} significant digits, or to whole numbers when both ends are written as whole
 * numbers (widths, depths), and printed without exponent or trailing zeros.
 */
public record Axis(String key, List<String> values) {
  /** Significant digits of a spaced value. */
  public static final int DIGITS = 3;

  public Axis {
    values = List.copyOf(values);
  }

  /** Parses {@code raw} given to {@code option} (e.g. {@code --x}); bad specs are usage errors. */
  public static Axis parse(String option, String raw) {
    int eq = raw.indexOf('=');
    if (eq <= 0 || raw.substring(0, eq).isBlank()) {
      throw bad(option, raw, "expected key=values, e.g. training.lr=1e-3:1:log:4");
    }
    String key = raw.substring(0, eq).trim();
    String spec = raw.substring(eq + 1).trim();
    if (spec.isEmpty()) {
      throw bad(option, raw, "no values after '='");
    }
    List<String> values =
        spec.contains(":") ? spaced(option, raw, spec) : listed(option, raw, spec);
    String repeated = firstRepeat(values);
    if (repeated != null) {
      throw bad(option, raw, "value " + Limits.shortened(repeated) + " is given twice");
    }
    return new Axis(key, values);
  }

  /** The first value that occurs twice, or null. */
  private static String firstRepeat(List<String> values) {
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    for (String v : values) {
      if (!seen.add(v)) {
        return v;
      }
    }
    return null;
  }

  private static List<String> listed(String option, String raw, String spec) {
    // counted before anything is split: a list of millions is refused without being made
    long n = 1;
    for (int i = 0; i < spec.length(); i++) {
      n += spec.charAt(i) == ',' ? 1 : 0;
    }
    tooMany(option, raw, n);
    List<String> values = new ArrayList<>();
    for (String part : spec.split(",", -1)) {
      String v = part.trim();
      if (v.isEmpty()) {
        throw bad(option, raw, "empty value in the comma list");
      }
      if (v.contains("[") || v.contains("{") || v.contains("]") || v.contains("}")) {
        throw bad(
            option,
            raw,
            "an axis value must be a plain number or word, got '" + Limits.shortened(v) + "'");
      }
      values.add(v);
    }
    return values;
  }

  private static List<String> spaced(String option, String raw, String spec) {
    String[] p = spec.split(":", -1);
    if (p.length != 4 || !(p[2].equals("log") || p[2].equals("lin"))) {
      throw bad(option, raw, "expected lo:hi:log:n or lo:hi:lin:n");
    }
    double lo = number(option, raw, p[0]);
    double hi = number(option, raw, p[1]);
    long count;
    try {
      count = new BigDecimal(p[3].trim()).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw bad(option, raw, "n must be a whole number, got '" + Limits.shortened(p[3]) + "'");
    }
    if (count < 2) {
      throw bad(option, raw, "n must be at least 2, got " + count);
    }
    tooMany(option, raw, count);
    int n = (int) count;
    if (lo == hi) {
      throw bad(option, raw, "lo and hi are equal");
    }
    boolean log = p[2].equals("log");
    if (log && (lo <= 0 || hi <= 0)) {
      throw bad(option, raw, "log spacing needs lo and hi above 0");
    }
    boolean whole = isWhole(p[0]) && isWhole(p[1]);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double t = (double) i / (n - 1);
      double v =
          log
              ? StrictMath.exp(Math.log(lo) + t * (StrictMath.log(hi) - StrictMath.log(lo)))
              : lo + t * (hi - lo);
      values.add(whole ? Long.toString(Math.round(v)) : format(v));
    }
    String repeated = firstRepeat(values);
    if (repeated != null) {
      throw bad(
          option, raw, "two points round to " + repeated + "; use fewer points or a wider range");
    }
    return values;
  }

  /** {@code v} to {@value #DIGITS} significant digits, plain notation, no trailing zeros. */
  public static String format(double v) {
    if (v == 0) {
      return "0";
    }
    BigDecimal d =
        new BigDecimal(v)
            .round(new MathContext(DIGITS, RoundingMode.HALF_EVEN))
            .stripTrailingZeros();
    return d.toPlainString();
  }

  private static boolean isWhole(String s) {
    return s.trim().matches("[+-]?\\d+");
  }

  private static double number(String option, String raw, String s) {
    try {
      double v = Double.parseDouble(s.trim());
      if (!Double.isFinite(v)) {
        throw bad(option, raw, "not a finite number: '" + Limits.shortened(s) + "'");
      }
      return v;
    } catch (NumberFormatException e) {
      throw bad(option, raw, "not a number: '" + Limits.shortened(s) + "'");
    }
  }

  /** Refuses an axis of more than {@link Limits#MAX_VARIANTS} points (a study folder each). */
  private static void tooMany(String option, String raw, long n) {
    if (n > Limits.MAX_VARIANTS) {
      throw bad(
          option,
          raw,
          n
              + " points are beyond depthlab's limit of "
              + Limits.MAX_VARIANTS
              + " an axis (a study folder each; docs/config.md, Limits)");
    }
  }

  private static UserError bad(String option, String raw, String why) {
    return new UserError(option + " " + Limits.shortened(raw) + ": " + why);
  }
}
