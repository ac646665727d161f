package dev.depthlab.report;

import dev.depthlab.common.MeanStd;
import dev.depthlab.stats.Comparison;
import java.util.ArrayList;
import java.util.List;

/**
 * The observations paragraph of one data set: the differences between adjacent depths that survive
 * the report's corrected tests, stated with their means, and for the rest that no difference was
 * detected with the seeds at hand (no causes, no claims beyond the tables).
 */
final class Observations {
  private Observations() {}

  static String paragraph(
      String dataset,
      List<Integer> depths,
      List<List<RunRecord>> byDepth,
      List<MetricStats> stats) {
    List<String> s = new ArrayList<>();
    int total = byDepth.stream().mapToInt(List::size).sum();
    if (total == 0) {
      return "No finished runs yet.";
    }
    s.add(compared("Mean test accuracy on " + dataset, stat(stats, "test_acc")) + ".");
    s.add(compared("Mean train accuracy", stat(stats, "train_acc")) + ".");
    s.add(
        compared("The gradient-norm mean", stat(stats, "grad_norm_mean"))
            + "; "
            + lower(compared("its CV", stat(stats, "grad_norm_cv")))
            + ".");
    s.add(
        compared("The loss plateau epoch", stat(stats, "plateau_epoch"))
            + "; "
            + lower(compared("the late-stage gain", stat(stats, "late_gain")))
            + "; "
            + lower(compared("the oscillation", stat(stats, "loss_oscillation")))
            + ".");
    s.add(spikes(depths, byDepth));
    s.add(dead(depths, byDepth));
    String diverged = diverged(depths, byDepth);
    if (!diverged.isEmpty()) {
      s.add(diverged);
    }
    return String.join(" ", s);
  }

  private static MetricStats stat(List<MetricStats> stats, String column) {
    return stats.stream().filter(m -> m.metric().column().equals(column)).findFirst().get();
  }

  /**
   * What the adjacent-depth comparisons of one metric support: the steps whose difference survives
   * the Holm correction (both tests), with their means; for the rest, that no difference was
   * detected with the seeds at hand, and the smallest difference those seeds could have detected.
   */
  static String compared(String what, MetricStats ms) {
    List<Integer> depths = ms.depths();
    String f = ms.metric().format();
    List<String> rises = new ArrayList<>();
    List<String> falls = new ArrayList<>();
    List<String> none = new ArrayList<>();
    double mddLo = Double.POSITIVE_INFINITY;
    double mddHi = Double.NEGATIVE_INFINITY;
    int nLo = Integer.MAX_VALUE;
    int nHi = 0;
    StringBuilder chain = null; // consecutive steps that differ the same way: "a at 1 to b at 2 to"
    int chainSign = 0;
    for (int i = 0; i < ms.pairs().size(); i++) {
      Comparison c = ms.pairs().get(i);
      int sign = c.x().n() > 0 && c.y().n() > 0 && c.differs() ? (c.diff() > 0 ? 1 : -1) : 0;
      if (chain != null && sign != chainSign) {
        (chainSign > 0 ? rises : falls).add(chain.toString());
        chain = null;
      }
      if (c.x().n() == 0 || c.y().n() == 0) {
        continue;
      }
      if (sign != 0) {
        if (chain == null) {
          chain = new StringBuilder(at(f, c.x().mean(), depths.get(i)));
          chainSign = sign;
        }
        chain.append(" to ").append(at(f, c.y().mean(), depths.get(i + 1)));
      } else {
        none.add(depths.get(i) + "-" + depths.get(i + 1));
        if (Double.isFinite(c.minimalDetectable())) {
          mddLo = Math.min(mddLo, c.minimalDetectable());
          mddHi = Math.max(mddHi, c.minimalDetectable());
        }
        nLo = Math.min(nLo, Math.min(c.x().n(), c.y().n()));
        nHi = Math.max(nHi, Math.max(c.x().n(), c.y().n()));
      }
    }
    if (chain != null) {
      (chainSign > 0 ? rises : falls).add(chain.toString());
    }
    if (rises.isEmpty() && falls.isEmpty() && none.isEmpty()) {
      return what + " has no pair of adjacent depths with runs to compare";
    }
    List<String> parts = new ArrayList<>();
    if (!rises.isEmpty()) {
      parts.add("rises from " + String.join(" and from ", rises));
    }
    if (!falls.isEmpty()) {
      parts.add("falls from " + String.join(" and from ", falls));
    }
    String claimed = parts.isEmpty() ? "" : what + " " + String.join("; it ", parts);
    if (none.isEmpty()) {
      return claimed + " (every adjacent step survives the Holm correction)";
    }
    String seeds = (nLo == nHi ? Integer.toString(nLo) : nLo + "-" + nHi) + " seeds";
    String detectable =
        mddLo > mddHi
            ? ""
            : " (the smallest difference these seeds could detect: "
                + ReportMarkdown.fmt(f, mddLo)
                + (ReportMarkdown.fmt(f, mddLo).equals(ReportMarkdown.fmt(f, mddHi))
                    ? ""
                    : " to " + ReportMarkdown.fmt(f, mddHi))
                + ")";
    boolean all = claimed.isEmpty();
    String where =
        all && none.size() == ms.pairs().size()
            ? "between any two adjacent depths"
            : "for the depth step" + (none.size() > 1 ? "s " : " ") + joinAnd(none);
    String noDiff = "no difference detected " + where + " with " + seeds + detectable;
    if (all) {
      return what
          + ": "
          + noDiff
          + "; the means go from "
          + ReportMarkdown.fmt(f, firstMean(ms))
          + " at depth "
          + depths.get(firstWith(ms))
          + " to "
          + ReportMarkdown.fmt(f, lastMean(ms))
          + " at depth "
          + depths.get(lastWith(ms));
    }
    return claimed + "; " + noDiff;
  }

  private static String at(String f, double mean, int depth) {
    return ReportMarkdown.fmt(f, mean) + " at depth " + depth;
  }

  private static int firstWith(MetricStats ms) {
    for (int i = 0; i < ms.perDepth().size(); i++) {
      if (ms.perDepth().get(i).n() > 0) {
        return i;
      }
    }
    return 0;
  }

  private static int lastWith(MetricStats ms) {
    for (int i = ms.perDepth().size() - 1; i >= 0; i--) {
      if (ms.perDepth().get(i).n() > 0) {
        return i;
      }
    }
    return 0;
  }

  private static double firstMean(MetricStats ms) {
    return ms.perDepth().get(firstWith(ms)).mean();
  }

  private static double lastMean(MetricStats ms) {
    return ms.perDepth().get(lastWith(ms)).mean();
  }

  /** "a", "a and b", "a, b and c". */
  private static String joinAnd(List<String> xs) {
    if (xs.size() == 1) {
      return xs.get(0);
    }
    return String.join(", ", xs.subList(0, xs.size() - 1)) + " and " + xs.get(xs.size() - 1);
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
