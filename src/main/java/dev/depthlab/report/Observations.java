package dev.depthlab.report;

import dev.depthlab.common.MeanStd;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The observations paragraph of one data set: the depth trends of the report's own numbers, stated
 * with those numbers and nothing more (no causes, no claims beyond the table).
 */
final class Observations {
  private Observations() {}

  static String paragraph(String dataset, List<Integer> depths, List<List<RunRecord>> byDepth) {
    List<String> s = new ArrayList<>();
    int total = byDepth.stream().mapToInt(List::size).sum();
    if (total == 0) {
      return "No finished runs yet.";
    }
    double[] test = means(byDepth, RunRecord::testAcc);
    s.add(
        trend("Mean test accuracy on " + dataset, depths, test, "%.4f")
            + beyondBest(depths, test)
            + spreadVsNoise(byDepth, test));
    s.add(trend("Mean train accuracy", depths, means(byDepth, RunRecord::trainAcc), "%.4f") + ".");
    s.add(
        trend("The gradient-norm mean", depths, means(byDepth, RunRecord::gradNormMean), "%.4g")
            + "; "
            + lower(trend("its CV", depths, means(byDepth, RunRecord::gradNormCv), "%.4f"))
            + ".");
    s.add(
        trend(
                "The loss plateau epoch",
                depths,
                means(byDepth, r -> r.curve().plateauEpoch()),
                "%.1f")
            + "; "
            + lower(
                trend(
                    "the late-stage gain",
                    depths,
                    means(byDepth, r -> r.curve().lateGain()),
                    "%.4f"))
            + "; "
            + lower(
                trend(
                    "the oscillation",
                    depths,
                    means(byDepth, r -> r.curve().oscillation()),
                    "%.3g"))
            + ".");
    s.add(spikes(depths, byDepth));
    s.add(dead(depths, byDepth));
    String diverged = diverged(depths, byDepth);
    if (!diverged.isEmpty()) {
      s.add(diverged);
    }
    return String.join(" ", s);
  }

  private static double[] means(List<List<RunRecord>> byDepth, ToDoubleFunction<RunRecord> v) {
    double[] m = new double[byDepth.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = MeanStd.ofFinite(ReportMarkdown.okOnly(byDepth.get(i)), v).mean();
    }
    return m;
  }

  /** "X rises with depth, from a at depth 1 to b at depth 8" and the like. */
  static String trend(String what, List<Integer> depths, double[] v, String f) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      if (Double.isFinite(v[i])) {
        idx.add(i);
      }
    }
    if (idx.isEmpty()) {
      return what + " is not available";
    }
    int a = idx.get(0);
    int b = idx.get(idx.size() - 1);
    if (idx.size() == 1) {
      return what + " is " + ReportMarkdown.fmt(f, v[a]) + " at depth " + depths.get(a);
    }
    boolean up = true;
    boolean down = true;
    boolean upOrLevel = true;
    boolean downOrLevel = true;
    boolean flat = true;
    for (int k = 1; k < idx.size(); k++) {
      String prev = ReportMarkdown.fmt(f, v[idx.get(k - 1)]);
      String cur = ReportMarkdown.fmt(f, v[idx.get(k)]);
      up &= v[idx.get(k)] > v[idx.get(k - 1)];
      down &= v[idx.get(k)] < v[idx.get(k - 1)];
      upOrLevel &= v[idx.get(k)] > v[idx.get(k - 1)] || prev.equals(cur);
      downOrLevel &= v[idx.get(k)] < v[idx.get(k - 1)] || prev.equals(cur);
      flat &= prev.equals(cur);
    }
    String from =
        " from "
            + ReportMarkdown.fmt(f, v[a])
            + " at depth "
            + depths.get(a)
            + " to "
            + ReportMarkdown.fmt(f, v[b])
            + " at depth "
            + depths.get(b);
    if (flat) {
      return what + " is " + ReportMarkdown.fmt(f, v[a]) + " at every depth";
    }
    if (up) {
      return what + " rises with every added depth," + from;
    }
    if (down) {
      return what + " falls with every added depth," + from;
    }
    // level steps are equal at the printed precision
    if (upOrLevel) {
      return what + " never falls with added depth (some steps level)," + from;
    }
    if (downOrLevel) {
      return what + " never rises with added depth (some steps level)," + from;
    }
    int hi = a;
    int lo = a;
    for (int i : idx) {
      hi = v[i] > v[hi] ? i : hi;
      lo = v[i] < v[lo] ? i : lo;
    }
    return what
        + " goes"
        + from
        + ", not monotonically: highest "
        + ReportMarkdown.fmt(f, v[hi])
        + " at "
        + depthsAt(idx, depths, v, f, v[hi])
        + ", lowest "
        + ReportMarkdown.fmt(f, v[lo])
        + " at "
        + depthsAt(idx, depths, v, f, v[lo]);
  }

  /** "depth 4" or "depths 4 and 8": every depth whose printed value equals {@code target}'s. */
  private static String depthsAt(
      List<Integer> idx, List<Integer> depths, double[] v, String f, double target) {
    String t = ReportMarkdown.fmt(f, target);
    List<String> at = new ArrayList<>();
    for (int i : idx) {
      if (ReportMarkdown.fmt(f, v[i]).equals(t)) {
        at.add(Integer.toString(depths.get(i)));
      }
    }
    if (at.size() == 1) {
      return "depth " + at.get(0);
    }
    return "depths "
        + String.join(", ", at.subList(0, at.size() - 1))
        + " and "
        + at.get(at.size() - 1);
  }

  /** For accuracy: how far the depths beyond the best one stay from it. */
  private static String beyondBest(List<Integer> depths, double[] v) {
    int best = -1;
    for (int i = 0; i < v.length; i++) {
      if (Double.isFinite(v[i]) && (best < 0 || v[i] > v[best])) {
        best = i;
      }
    }
    double worstAfter = Double.NaN;
    for (int i = best + 1; best >= 0 && i < v.length; i++) {
      if (Double.isFinite(v[i])) {
        worstAfter = Double.isNaN(worstAfter) ? v[i] : Math.min(worstAfter, v[i]);
      }
    }
    if (Double.isNaN(worstAfter)) {
      return "";
    }
    return "; beyond depth "
        + depths.get(best)
        + " ("
        + ReportMarkdown.fmt("%.4f", v[best])
        + ") it stays within "
        + ReportMarkdown.fmt("%.4f", v[best] - worstAfter)
        + " of it";
  }

  /** The spread of the depth means next to the largest std over seeds at any depth. */
  private static String spreadVsNoise(List<List<RunRecord>> byDepth, double[] means) {
    double hi = Double.NEGATIVE_INFINITY;
    double lo = Double.POSITIVE_INFINITY;
    double noise = 0;
    for (int i = 0; i < means.length; i++) {
      if (Double.isFinite(means[i])) {
        hi = Math.max(hi, means[i]);
        lo = Math.min(lo, means[i]);
        noise =
            Math.max(
                noise,
                MeanStd.ofFinite(ReportMarkdown.okOnly(byDepth.get(i)), RunRecord::testAcc).std());
      }
    }
    if (!(hi >= lo)) {
      return ".";
    }
    return ". The depth means span "
        + ReportMarkdown.fmt("%.4f", hi - lo)
        + "; the largest std over seeds at one depth is "
        + ReportMarkdown.fmt("%.4f", noise)
        + ".";
  }

  private static String spikes(List<Integer> depths, List<List<RunRecord>> byDepth) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < depths.size(); i++) {
      int n = 0;
      int runs = 0;
      for (RunRecord r : ReportMarkdown.okOnly(byDepth.get(i))) {
        n += r.curve().spikes() > 0 ? 1 : 0;
        runs++;
      }
      if (n > 0) {
        parts.add(n + " of " + runs + " runs at depth " + depths.get(i));
      }
    }
    return parts.isEmpty()
        ? "No run has a loss spike."
        : "Runs with at least one loss spike: " + String.join(", ", parts) + ".";
  }

  private static String dead(List<Integer> depths, List<List<RunRecord>> byDepth) {
    double worst = -1;
    String where = "";
    List<String> fullyDead = new ArrayList<>();
    for (int i = 0; i < depths.size(); i++) {
      List<RunRecord> ok = ReportMarkdown.okOnly(byDepth.get(i));
      int layers = ok.stream().mapToInt(r -> r.deadFraction().length).max().orElse(0);
      for (int h = 0; h < layers; h++) {
        int layer = h;
        double m =
            MeanStd.ofFinite(
                    ok, r -> layer < r.deadFraction().length ? r.deadFraction()[layer] : Double.NaN)
                .mean();
        if (Double.isFinite(m) && m > worst) {
          worst = m;
          where = "depth " + depths.get(i) + ", h" + (h + 1);
        }
      }
      long full =
          ok.stream()
              .filter(
                  r -> {
                    for (double d : r.deadFraction()) {
                      if (d >= 1.0) {
                        return true;
                      }
                    }
                    return false;
                  })
              .count();
      if (full > 0) {
        fullyDead.add(full + " of " + ok.size() + " at depth " + depths.get(i));
      }
    }
    if (worst < 0) {
      return "";
    }
    String s =
        "The largest mean dead fraction of a layer is "
            + ReportMarkdown.fmt("%.3f", worst)
            + " ("
            + where
            + ")";
    return s
        + (fullyDead.isEmpty()
            ? "; no run ended with a fully dead hidden layer."
            : "; runs that ended with a fully dead hidden layer: "
                + String.join(", ", fullyDead)
                + ".");
  }

  private static String diverged(List<Integer> depths, List<List<RunRecord>> byDepth) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < depths.size(); i++) {
      long bad = byDepth.get(i).stream().filter(r -> !r.ok()).count();
      if (bad > 0) {
        parts.add(bad + " at depth " + depths.get(i));
      }
    }
    return parts.isEmpty() ? "" : "Diverged runs: " + String.join(", ", parts) + ".";
  }

  private static String lower(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
