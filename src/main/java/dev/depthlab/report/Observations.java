package dev.depthlab.report;

import dev.depthlab.common.MeanStd;
import dev.depthlab.stats.Paired;
import dev.depthlab.stats.Verdict;
import dev.depthlab.train.RunSchema.Summary;
import java.util.ArrayList;
import java.util.List;

/**
 * The observations paragraph of one data set: the steps between adjacent depths whose paired
 * verdict is "differs", stated with their means, then the steps found equivalent within the
 * metric's margin and those left inconclusive (no causes, no claims beyond the tables).
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
    s.add(compared("Mean test accuracy on " + dataset, stat(stats, Summary.TEST_ACC.key())) + ".");
    s.add(compared("Mean train accuracy", stat(stats, Summary.TRAIN_ACC.key())) + ".");
    s.add(
        compared("The gradient-norm mean", stat(stats, Summary.GRAD_NORM_MEAN.key()))
            + "; "
            + lower(compared("its CV", stat(stats, Summary.GRAD_NORM_CV.key())))
            + ".");
    s.add(
        compared("The loss plateau epoch", stat(stats, Summary.PLATEAU_EPOCH.key()))
            + "; "
            + lower(compared("the late-stage gain", stat(stats, Summary.LATE_GAIN.key())))
            + "; "
            + lower(compared("the oscillation", stat(stats, Summary.LOSS_OSCILLATION.key())))
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
   * What the paired comparisons of adjacent depths of one metric support: the steps that differ
   * (paired t, Holm), with their means; the steps equivalent within the metric's margin (TOST,
   * Holm); and the steps these seeds leave inconclusive.
   */
  static String compared(String what, MetricStats ms) {
    List<Integer> depths = ms.depths();
    String f = ms.metric().format();
    List<String> rises = new ArrayList<>();
    List<String> falls = new ArrayList<>();
    List<String> same = new ArrayList<>();
    List<String> open = new ArrayList<>();
    int nLo = Integer.MAX_VALUE;
    int nHi = 0;
    StringBuilder chain = null; // consecutive steps that differ the same way: "a at 1 to b at 2 to"
    int chainSign = 0;
    for (int i = 0; i < ms.pairs().size(); i++) {
      Paired c = ms.pairs().get(i);
      boolean usable = c.n() >= 2;
      Verdict v = usable ? c.verdict() : Verdict.INCONCLUSIVE;
      int sign = v == Verdict.DIFFERS ? (c.diff() > 0 ? 1 : -1) : 0;
      if (chain != null && sign != chainSign) {
        (chainSign > 0 ? rises : falls).add(chain.toString());
        chain = null;
      }
      if (!usable) {
        continue;
      }
      nLo = Math.min(nLo, c.n());
      nHi = Math.max(nHi, c.n());
      String step = depths.get(i) + "-" + depths.get(i + 1);
      if (sign != 0) {
        if (chain == null) {
          chain = new StringBuilder(at(f, ms.perDepth().get(i).mean(), depths.get(i)));
          chainSign = sign;
        }
        chain.append(" to ").append(at(f, ms.perDepth().get(i + 1).mean(), depths.get(i + 1)));
      } else if (v == Verdict.EQUIVALENT) {
        same.add(step);
      } else {
        open.add(step);
      }
    }
    if (chain != null) {
      (chainSign > 0 ? rises : falls).add(chain.toString());
    }
    if (rises.isEmpty() && falls.isEmpty() && same.isEmpty() && open.isEmpty()) {
      return what + " has no pair of adjacent depths with seeds to compare";
    }
    List<String> parts = new ArrayList<>();
    if (!rises.isEmpty()) {
      parts.add("rises from " + String.join(" and from ", rises));
    }
    if (!falls.isEmpty()) {
      parts.add("falls from " + String.join(" and from ", falls));
    }
    String seeds = (nLo == nHi ? Integer.toString(nLo) : nLo + "-" + nHi) + " paired seeds";
    List<String> rest = new ArrayList<>();
    if (!same.isEmpty()) {
      rest.add(
          "equivalent within "
              + ms.metric().margin().text()
              + " for the depth step"
              + (same.size() > 1 ? "s " : " ")
              + joinAnd(same));
    }
    if (!open.isEmpty()) {
      rest.add(
          "inconclusive for the depth step"
              + (open.size() > 1 ? "s " : " ")
              + joinAnd(open)
              + " with "
              + seeds);
    }
    if (parts.isEmpty()) {
      return what
          + ": "
          + String.join("; ", rest)
          + "; the means go from "
          + ReportMarkdown.fmt(f, firstMean(ms))
          + " at depth "
          + depths.get(firstWith(ms))
          + " to "
          + ReportMarkdown.fmt(f, lastMean(ms))
          + " at depth "
          + depths.get(lastWith(ms));
    }
    String claimed = what + " " + String.join("; it ", parts);
    return rest.isEmpty()
        ? claimed + " (every adjacent step differs, paired t with Holm's correction)"
        : claimed + "; " + String.join("; ", rest);
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
