package dev.depthlab.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules Java and the CUDA kernels must apply identically (the tanh saturation bound, the
 * decision threshold, the activation codes), read from the one table both read: {@code
 * kernels/rules.cuh}, which the kernels {@code #include} and which travels in the jar. Java never
 * writes these numbers itself.
 */
public final class Rules {
  /** The table's path in the jar (the kernels' sources are packed under {@code kernels/}). */
  static final String RESOURCE = "/kernels/rules.cuh";

  /** Declared before {@link #TABLE}: static fields initialise in order. */
  private static final Pattern DEFINE =
      Pattern.compile("^#define\\s+(DL_[A-Z0-9_]+)\\s+(\\S+)\\s*$", Pattern.MULTILINE);

  private static final Map<String, Double> TABLE = read();

  /** |z| at or beyond which a tanh unit counts as saturated: {@code DL_TANH_SATURATION}. */
  public static final double TANH_SATURATION = get("DL_TANH_SATURATION");

  /** Predictions and labels are class 1 at or above this: {@code DL_DECISION_THRESHOLD}. */
  public static final double DECISION_THRESHOLD = get("DL_DECISION_THRESHOLD");

  static {
    for (Activation a : Activation.values()) {
      double code = get("DL_" + a.name());
      if (code != a.ordinal()) {
        throw new IllegalStateException(
            RESOURCE
                + ": DL_"
                + a.name()
                + " is "
                + code
                + ", Activation."
                + a
                + " is "
                + a.ordinal());
      }
    }
  }

  private Rules() {}

  /**
   * 1 when prediction {@code p} (a sigmoid output) and {@code label} agree at {@link
   * #DECISION_THRESHOLD}, else 0: the accuracy rule of evaluations and training batches (the
   * kernels' {@code dl_correct}). A float p or label widens exactly, so both precisions share it.
   */
  public static int correct(double p, double label) {
    return (p >= DECISION_THRESHOLD) == (label >= DECISION_THRESHOLD) ? 1 : 0;
  }

  /** Every {@code #define NAME value} of the table, in file order. */
  public static Map<String, Double> table() {
    return TABLE;
  }

  static double get(String name) {
    Double v = TABLE.get(name);
    if (v == null) {
      throw new IllegalStateException(RESOURCE + " defines no " + name);
    }
    return v;
  }

  static Map<String, Double> parse(String text) {
    Map<String, Double> m = new LinkedHashMap<>();
    Matcher d = DEFINE.matcher(text);
    while (d.find()) {
      try {
        m.put(d.group(1), Double.parseDouble(d.group(2)));
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            RESOURCE + ": " + d.group(1) + " is not a number: " + d.group(2), e);
      }
    }
    return Map.copyOf(m);
  }

  private static Map<String, Double> read() {
    try (InputStream in = Rules.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }
}
