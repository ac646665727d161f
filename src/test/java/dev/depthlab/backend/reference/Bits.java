package dev.depthlab.backend.reference;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects bit-for-bit comparisons of doubles (raw bits: a -0 against a +0 differs, as does any NaN
 * payload) and fails once at the end, naming the first differences by what, replica, layer and
 * element, with both values.
 */
final class Bits {
  private static final int SHOWN = 12;

  private final String label;
  private final List<String> diffs = new ArrayList<>();
  private long compared;

  Bits(String label) {
    this.label = label;
  }

  /** Compares one value; {@code where} names it (e.g. "replica 1 dW layer 2 element 7"). */
  void same(String where, double reference, double other) {
    compared++;
    if (Double.doubleToRawLongBits(reference) != Double.doubleToRawLongBits(other)) {
      diffs.add(
          where
              + ": reference "
              + reference
              + " vs "
              + other
              + " (difference "
              + (other - reference)
              + ")");
    }
  }

  /** Compares two arrays element by element. */
  void same(String where, double[] reference, double[] other) {
    if (reference.length != other.length) {
      diffs.add(where + ": lengths " + reference.length + " vs " + other.length);
      return;
    }
    for (int k = 0; k < reference.length; k++) {
      same(where + " element " + k, reference[k], other[k]);
    }
  }

  /** How many values were compared (a check that compares nothing proves nothing). */
  long compared() {
    return compared;
  }

  /** Fails naming the first differences, if any. */
  void check() {
    if (compared == 0) {
      fail(label + ": nothing was compared");
    }
    if (!diffs.isEmpty()) {
      StringBuilder m = new StringBuilder();
      m.append(label)
          .append(": ")
          .append(diffs.size())
          .append(" of ")
          .append(compared)
          .append(" values differ from the reference in their bits; first:");
      for (String d : diffs.subList(0, Math.min(SHOWN, diffs.size()))) {
        m.append("\n  ").append(d);
      }
      fail(m.toString());
    }
  }
}
