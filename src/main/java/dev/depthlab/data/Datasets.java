package dev.depthlab.data;

import dev.depthlab.common.Rng;
import dev.depthlab.common.Seeds;
import dev.depthlab.common.UserError;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in data set generators: every kind draws 2-D points from an {@link Rng}, so a seed
 * fixes the set on every JVM and backend. The one kind that is read, not drawn, is {@code csv} (a
 * user's file, any number of features: {@link CsvData}); the methods below dispatch it there.
 *
 * <p>Kinds, their parameters (defaults) and label rules:
 *
 * <ul>
 *   <li>{@code circle} (radius 0.5): uniform in [-1,1]^2, label 1 where x1^2 + x2^2 &lt; r^2.
 *   <li>{@code nested_rings} (inner sqrt(2)/3, outer 2 sqrt(2)/3): uniform in [-1,1]^2, label 1
 *       where inner &lt;= |x| &lt; outer.
 *   <li>{@code quadratic_noise} (none; the nn_scratch set): x1, x2 each N(0, 0.5^2) plus an integer
 *       uniform in {0,1,2}; clean label x1^2 + x2 &gt; 2.5.
 *   <li>{@code xor} (none): uniform in [-1,1]^2, label 1 where x1 x2 &gt; 0.
 *   <li>{@code spiral} (turns 1.5, jitter 0.05): a fair-coin label, t uniform in [0,1], the point t
 *       (cos a, sin a) with a = 2 pi turns t + pi label, plus jitter N(0,1) per coordinate: two
 *       interleaved arms inside the unit disk before jitter.
 *   <li>{@code moons} (jitter 0.1): scikit-learn's two moons in its coordinates, a fair-coin label,
 *       angle u uniform in [0, pi]; label 0 on (cos u, sin u), label 1 on (1 - cos u, 0.5 - sin u);
 *       plus jitter N(0,1) per coordinate.
 *   <li>{@code gaussian} (separation 2.0, std 0.5): a fair-coin label, then an isotropic normal
 *       blob of that std centred at -sep/2 (label 0) or +sep/2 (label 1) in both coordinates.
 * </ul>
 *
 * <p>What {@code noise} means: for {@code quadratic_noise} it is the std of a Gaussian added to the
 * clean label before thresholding at 0.5 (label = clean + noise N(0,1) &gt; 0.5, the nn_scratch
 * way; noise &gt;= 0). For every other kind it is the probability that each label is flipped (in
 * [0, 0.5)). The noise draw is made for every point even when noise is 0, so changing the noise
 * level never changes the points, only the labels.
 */
public final class Datasets {
  private static final double SQRT2 = Math.sqrt(2.0);

  /** Each kind's parameters and defaults, in the order they are documented. */
  private static final Map<String, Map<String, Double>> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("circle", Map.of("radius", 0.5));
    DEFAULTS.put("nested_rings", ordered("inner", SQRT2 / 3.0, "outer", 2.0 * SQRT2 / 3.0));
    DEFAULTS.put("quadratic_noise", Map.of());
    DEFAULTS.put("xor", Map.of());
    DEFAULTS.put("spiral", ordered("turns", 1.5, "jitter", 0.05));
    DEFAULTS.put("moons", Map.of("jitter", 0.1));
    DEFAULTS.put("gaussian", ordered("separation", 2.0, "std", 0.5));
  }

  private Datasets() {}

  /** The known kinds, in documentation order. */
  public static List<String> kinds() {
    return List.copyOf(DEFAULTS.keySet());
  }

  /**
   * The parameter names of a kind with their defaults; throws for an unknown kind. The {@code csv}
   * kind (a set read from a file, {@link CsvData}) has none.
   */
  public static Map<String, Double> defaults(String kind) {
    if (CsvSource.KIND.equals(kind)) {
      return Map.of();
    }
    Map<String, Double> d = DEFAULTS.get(kind);
    if (d == null) {
      throw new UserError(
          "unknown data set kind '"
              + kind
              + "'; known kinds: "
              + String.join(", ", kinds())
              + ", or csv (a file: {kind: csv, path: my.csv, label: y})");
    }
    return d;
  }

  /**
   * Checks kind, parameter names and parameter ranges; throws a one-line {@link UserError}. A
   * {@code csv} set's files are read and checked (columns, finite values, 0/1 labels).
   */
  public static void validate(DatasetSpec spec) {
    if (spec.csv() != null) {
      CsvData.main(spec.csv());
      if (spec.csv().testPath() != null) {
        CsvData.test(spec.csv());
      }
      return;
    }
    Map<String, Double> known = defaults(spec.kind());
    for (Map.Entry<String, Double> e : spec.params().entrySet()) {
      if (!known.containsKey(e.getKey())) {
        String names = known.isEmpty() ? "none" : String.join(", ", known.keySet());
        throw new UserError(
            "unknown parameter '"
                + e.getKey()
                + "' for data set '"
                + spec.kind()
                + "'; known parameters: "
                + names);
      }
      if (e.getValue() == null || !Double.isFinite(e.getValue())) {
        throw bad(spec, e.getKey() + " must be a finite number, got " + e.getValue());
      }
    }
    switch (spec.kind()) {
      case "circle" -> atLeast(spec, "radius", 0.0, false);
      case "nested_rings" -> {
        atLeast(spec, "inner", 0.0, true);
        if (!(p(spec, "outer") > p(spec, "inner"))) {
          throw bad(
              spec,
              "outer must be > inner, got outer "
                  + p(spec, "outer")
                  + " and inner "
                  + p(spec, "inner"));
        }
      }
      case "spiral" -> {
        atLeast(spec, "turns", 0.0, false);
        atLeast(spec, "jitter", 0.0, true);
      }
      case "moons" -> atLeast(spec, "jitter", 0.0, true);
      case "gaussian" -> {
        atLeast(spec, "separation", 0.0, true);
        atLeast(spec, "std", 0.0, false);
      }
      default -> {
        // quadratic_noise and xor have no parameters to range-check
      }
    }
    if (spec.kind().equals("spiral") && !Double.isFinite(2 * Math.PI * p(spec, "turns"))) {
      throw bad(spec, "turns " + p(spec, "turns") + " overflows the angle 2*pi*turns");
    }
    if (!Double.isFinite(largestCoordinate(spec))) {
      throw bad(
          spec,
          "its points would overflow to infinity (" + spec.params() + "); use smaller parameters");
    }
  }

  /** The largest |N(0,1)| {@link Rng#nextGaussian} returns: Box-Muller with u1 at least 2^-53. */
  static final double GAUSS_MAX = Math.sqrt(-2 * Math.log(0x1p-53));

  /**
   * A bound on the magnitude of any coordinate {@code spec} draws (infinite when its parameters
   * make the points overflow), so parameters that would give non-finite points, or points beyond
   * fp32, are refused before a run instead of being reported as a divergence.
   */
  public static double largestCoordinate(DatasetSpec spec) {
    if (spec.csv() != null) {
      return CsvData.largestValue(spec.csv());
    }
    return switch (spec.kind()) {
      case "quadratic_noise" -> 0.5 * GAUSS_MAX + 2;
      case "spiral" -> 1 + p(spec, "jitter") * GAUSS_MAX;
      case "moons" -> 2 + p(spec, "jitter") * GAUSS_MAX;
      case "gaussian" -> p(spec, "separation") / 2 + p(spec, "std") * GAUSS_MAX;
      default -> 1; // circle, nested_rings, xor: uniform in [-1, 1]
    };
  }

  /** Checks the noise level against the kind's meaning of noise (see the class comment). */
  public static void validateNoise(DatasetSpec spec, double noise) {
    if (spec.csv() != null) {
      if (noise != 0.0) {
        throw new UserError(
            "data set '"
                + spec.label()
                + "' (csv): its labels are read as given; data.noise must be 0, got "
                + noise);
      }
    } else if (isQuadratic(spec)) {
      if (!(noise >= 0.0) || !Double.isFinite(noise)) {
        throw bad(spec, "noise (std added to the label) must be >= 0, got " + noise);
      }
    } else if (!(noise >= 0.0 && noise < 0.5)) {
      throw bad(spec, "noise (label flip probability) must be in [0, 0.5), got " + noise);
    }
  }

  /** One line for people: how the points are drawn and the label rule, with the values used. */
  public static String rule(DatasetSpec spec) {
    validate(spec);
    if (spec.csv() != null) {
      CsvSource c = spec.csv();
      return "rows of "
          + c.path()
          + " (sha256 "
          + c.sha256().substring(0, 12)
          + "); features "
          + String.join(", ", c.features())
          + "; label "
          + c.labelColumn()
          + (c.testPath() == null ? "" : "; test rows from " + c.testPath());
    }
    return switch (spec.kind()) {
      case "circle" ->
          fmt("x1, x2 uniform in [-1, 1]; label 1 where x1^2 + x2^2 < %s^2", p(spec, "radius"));
      case "nested_rings" ->
          fmt(
              "x1, x2 uniform in [-1, 1]; label 1 where %s <= sqrt(x1^2 + x2^2) < %s",
              p(spec, "inner"), p(spec, "outer"));
      case "quadratic_noise" ->
          "x1, x2 each N(0, 0.5^2) + an integer uniform in {0, 1, 2};"
              + " label 1 where x1^2 + x2 > 2.5 (noise: label = clean + noise*N(0,1) > 0.5)";
      case "xor" -> "x1, x2 uniform in [-1, 1]; label 1 where x1 * x2 > 0";
      case "spiral" ->
          fmt(
              "label a fair coin, t uniform in [0, 1]; point t*(cos a, sin a) + %s*N(0,1),"
                  + " a = 2*pi*%s*t + pi*label (two interleaved arms)",
              p(spec, "jitter"), p(spec, "turns"));
      case "moons" ->
          fmt(
              "label a fair coin, u uniform in [0, pi]; label 0 at (cos u, sin u), label 1 at"
                  + " (1 - cos u, 0.5 - sin u); plus %s*N(0,1) per coordinate",
              p(spec, "jitter"));
      case "gaussian" ->
          fmt(
              "label a fair coin; point N(centre, %s^2) per coordinate, centre (-%s, -%s) for"
                  + " label 0 and (%s, %s) for label 1",
              p(spec, "std"),
              p(spec, "separation") / 2,
              p(spec, "separation") / 2,
              p(spec, "separation") / 2,
              p(spec, "separation") / 2);
      default -> throw new IllegalStateException(spec.kind());
    };
  }

  /** Draws {@code n} points; the same spec, noise and generator state give the same set. */
  public static DataSet generate(DatasetSpec spec, int n, double noise, Rng rng) {
    if (spec.csv() != null) {
      throw new UserError("data set '" + spec.label() + "' is read from a file, not drawn");
    }
    validate(spec);
    validateNoise(spec, noise);
    if (n < 0) {
      throw new UserError("number of points must be >= 0, got " + n);
    }
    double[] x = new double[2 * n];
    double[] y = new double[n];
    switch (spec.kind()) {
      case "circle" -> circle(p(spec, "radius"), noise, rng, x, y);
      case "nested_rings" -> rings(p(spec, "inner"), p(spec, "outer"), noise, rng, x, y);
      case "quadratic_noise" -> quadratic(noise, rng, x, y);
      case "xor" -> xor(noise, rng, x, y);
      case "spiral" -> spiral(p(spec, "turns"), p(spec, "jitter"), noise, rng, x, y);
      case "moons" -> moons(p(spec, "jitter"), noise, rng, x, y);
      case "gaussian" -> gaussian(p(spec, "separation"), p(spec, "std"), noise, rng, x, y);
      default -> throw new IllegalStateException(spec.kind());
    }
    return new DataSet(spec.label(), 2, x, y);
  }

  /**
   * A run's train and test sets. Drawn mode: train from the run seed's TRAIN_DATA stream, test from
   * the TEST_DATA stream of seed + offset. Split mode: one set of {@code nTrain} points, the first
   * round(nTrain (1 - fraction)) train and the rest test (points are i.i.d., so the fixed cut is as
   * random as a shuffle).
   */
  public static Split forRun(
      DatasetSpec spec, int nTrain, TestSplit test, double noise, long runSeed) {
    if (spec.csv() != null) {
      validateNoise(spec, noise);
      return CsvData.split(spec.csv(), test);
    }
    if (!test.isSplit()) {
      DataSet train = generate(spec, nTrain, noise, Seeds.TRAIN_DATA.rng(runSeed));
      DataSet drawn =
          generate(spec, test.n(), noise, Seeds.TEST_DATA.rng(runSeed + test.seedOffset()));
      return new Split(train, drawn);
    }
    if (!(test.fraction() < 1.0)) {
      throw new UserError("test fraction must be in (0, 1), got " + test.fraction());
    }
    DataSet all = generate(spec, nTrain, noise, Seeds.TRAIN_DATA.rng(runSeed));
    int cut = (int) Math.round(nTrain * (1.0 - test.fraction()));
    if (cut == 0 || cut == nTrain) {
      throw new UserError(
          "splitting "
              + nTrain
              + " points with test fraction "
              + test.fraction()
              + " leaves an empty train or test set");
    }
    return new Split(all.slice(0, cut), all.slice(cut, nTrain));
  }

  /**
   * The probability of label 1 under the kind's distribution, noise included. Closed forms for all
   * kinds but quadratic_noise, whose clean fraction is a one-dimensional integral (Simpson's rule,
   * error far below sampling error) over the normal part of x1.
   */
  public static double expectedPositiveFraction(DatasetSpec spec, double noise) {
    validate(spec);
    validateNoise(spec, noise);
    if (spec.csv() != null) {
      return CsvData.main(spec.csv()).positiveFraction(); // the file's own share
    }
    return switch (spec.kind()) {
      case "circle" -> flipped(diskInSquareArea(p(spec, "radius")) / 4.0, noise);
      case "nested_rings" ->
          flipped(
              (diskInSquareArea(p(spec, "outer")) - diskInSquareArea(p(spec, "inner"))) / 4.0,
              noise);
      case "quadratic_noise" -> quadraticPositiveFraction(noise);
      // symmetric rules or fair-coin labels: flipping keeps one half
      case "xor", "spiral", "moons", "gaussian" -> 0.5;
      default -> throw new IllegalStateException(spec.kind());
    };
  }

  /** Area of the disk of radius r around the origin intersected with the square [-1,1]^2. */
  public static double diskInSquareArea(double r) {
    if (r <= 0) {
      return 0.0;
    }
    if (r <= 1) {
      return Math.PI * r * r;
    }
    if (r >= SQRT2) {
      return 4.0;
    }
    // One quadrant: the disk covers the full unit height for x < a = sqrt(r^2 - 1), then the
    // arc; the arc's integral from a to 1 is (r^2 / 2)(asin(1/r) - asin(a/r)).
    double a = Math.sqrt(r * r - 1.0);
    double quadrant = a + 0.5 * r * r * (Math.asin(1.0 / r) - Math.asin(a / r));
    return 4.0 * quadrant;
  }

  /** Standard normal CDF, Marsaglia's series (about 15 digits); package-private for tests. */
  static double normalCdf(double x) {
    if (x < -10) {
      return 0.0;
    }
    if (x > 10) {
      return 1.0;
    }
    double s = x;
    double t = 0;
    double b = x;
    double q = x * x;
    double i = 1;
    while (s != t) {
      t = s;
      i += 2;
      b *= q / i;
      s = t + b;
    }
    return 0.5 + s * StrictMath.exp(-0.5 * q - 0.91893853320467274178);
  }

  // ---- generators: one loop per kind; each point's label noise draw comes last ----

  private static void circle(double r, double noise, Rng rng, double[] x, double[] y) {
    double r2 = r * r;
    for (int i = 0; i < y.length; i++) {
      double a = rng.uniform(-1, 1);
      double b = rng.uniform(-1, 1);
      x[2 * i] = a;
      x[2 * i + 1] = b;
      y[i] = flip(a * a + b * b < r2, noise, rng);
    }
  }

  private static void rings(
      double inner, double outer, double noise, Rng rng, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      double a = rng.uniform(-1, 1);
      double b = rng.uniform(-1, 1);
      double d = Math.sqrt(a * a + b * b);
      x[2 * i] = a;
      x[2 * i + 1] = b;
      y[i] = flip(inner <= d && d < outer, noise, rng);
    }
  }

  private static void quadratic(double noise, Rng rng, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      double a = 0.5 * rng.nextGaussian() + rng.nextInt(3);
      double b = 0.5 * rng.nextGaussian() + rng.nextInt(3);
      double clean = a * a + b > 2.5 ? 1.0 : 0.0;
      x[2 * i] = a;
      x[2 * i + 1] = b;
      y[i] = clean + noise * rng.nextGaussian() > 0.5 ? 1.0 : 0.0;
    }
  }

  private static void xor(double noise, Rng rng, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      double a = rng.uniform(-1, 1);
      double b = rng.uniform(-1, 1);
      x[2 * i] = a;
      x[2 * i + 1] = b;
      y[i] = flip(a * b > 0, noise, rng);
    }
  }

  private static void spiral(
      double turns, double jitter, double noise, Rng rng, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      boolean label = rng.nextDouble() < 0.5;
      double t = rng.nextDouble();
      double angle = 2.0 * Math.PI * turns * t + (label ? Math.PI : 0.0);
      x[2 * i] = t * StrictMath.cos(angle) + jitter * rng.nextGaussian();
      x[2 * i + 1] = t * StrictMath.sin(angle) + jitter * rng.nextGaussian();
      y[i] = flip(label, noise, rng);
    }
  }

  private static void moons(double jitter, double noise, Rng rng, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      boolean label = rng.nextDouble() < 0.5;
      double u = Math.PI * rng.nextDouble();
      double a = label ? 1.0 - StrictMath.cos(u) : StrictMath.cos(u);
      double b = label ? 0.5 - StrictMath.sin(u) : StrictMath.sin(u);
      x[2 * i] = a + jitter * rng.nextGaussian();
      x[2 * i + 1] = b + jitter * rng.nextGaussian();
      y[i] = flip(label, noise, rng);
    }
  }

  private static void gaussian(
      double separation, double std, double noise, Rng rng, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      boolean label = rng.nextDouble() < 0.5;
      double centre = (label ? 0.5 : -0.5) * separation;
      x[2 * i] = centre + std * rng.nextGaussian();
      x[2 * i + 1] = centre + std * rng.nextGaussian();
      y[i] = flip(label, noise, rng);
    }
  }

  /** The label as 0/1, flipped with probability {@code noise}; always draws once. */
  private static double flip(boolean clean, double noise, Rng rng) {
    boolean flipped = rng.nextDouble() < noise;
    return clean != flipped ? 1.0 : 0.0;
  }

  private static double flipped(double f, double noise) {
    return f * (1.0 - noise) + (1.0 - f) * noise;
  }

  /**
   * P(label 1) for quadratic_noise. With x1 = i + 0.5 z and x2 = j + 0.5 w (i, j uniform in
   * {0,1,2}, z, w standard normal), P(clean | x1) = Phi(2 (j - 2.5 + x1^2)); integrate over z.
   * Label noise sigma keeps a clean 1 with Phi(0.5/sigma) and makes a clean 0 a 1 with 1 -
   * Phi(0.5/sigma).
   */
  private static double quadraticPositiveFraction(double noise) {
    double clean = 0.0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        clean += simpsonOverNormal(i, j);
      }
    }
    clean /= 9.0;
    if (noise == 0.0) {
      return clean;
    }
    double keep = normalCdf(0.5 / noise);
    return clean * keep + (1.0 - clean) * (1.0 - keep);
  }

  /** E_z[Phi(2 (j - 2.5 + (i + 0.5 z)^2))] by Simpson's rule on z in [-10, 10]. */
  private static double simpsonOverNormal(int i, int j) {
    int steps = 4000; // even; the integrand is smooth, so the error is ~1e-12
    double lo = -10.0;
    double h = 20.0 / steps;
    double sum = 0.0;
    for (int k = 0; k <= steps; k++) {
      double z = lo + k * h;
      double x1 = i + 0.5 * z;
      double density = StrictMath.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
      double f = density * normalCdf(2.0 * (j - 2.5 + x1 * x1));
      double weight = (k == 0 || k == steps) ? 1 : (k % 2 == 1 ? 4 : 2);
      sum += weight * f;
    }
    return sum * h / 3.0;
  }

  private static boolean isQuadratic(DatasetSpec spec) {
    return "quadratic_noise".equals(spec.kind());
  }

  private static double p(DatasetSpec spec, String key) {
    return spec.param(key, DEFAULTS.get(spec.kind()).get(key));
  }

  private static void atLeast(DatasetSpec spec, String key, double min, boolean inclusive) {
    double v = p(spec, key);
    if (inclusive ? v < min : v <= min) {
      throw bad(spec, key + " must be " + (inclusive ? ">= " : "> ") + min + ", got " + v);
    }
  }

  private static UserError bad(DatasetSpec spec, String what) {
    return new UserError("data set '" + spec.kind() + "': " + what);
  }

  private static String fmt(String pattern, Object... values) {
    Object[] shown = new Object[values.length];
    for (int k = 0; k < values.length; k++) {
      shown[k] = values[k] instanceof Double d ? shortNumber(d) : values[k];
    }
    return String.format(Locale.ROOT, pattern, shown);
  }

  /** Up to six significant digits, without trailing zeros: 0.471405 rather than 0.47140452079. */
  private static String shortNumber(double v) {
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  private static Map<String, Double> ordered(String k1, double v1, String k2, double v2) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return Collections.unmodifiableMap(m);
  }
}
