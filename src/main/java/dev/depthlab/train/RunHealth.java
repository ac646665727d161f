package dev.depthlab.train;

import dev.depthlab.backend.StepLog;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Rules;

/**
 * One run's health as it trains: the most severe status it has shown ({@link RunSummary#STATUSES},
 * {@code ok} < {@code collapsed} < {@code exploded} < {@code diverged}) and the first epoch it
 * showed it. Only observes: the run trains on whatever it shows, so its numbers are those of a run
 * without the checks.
 */
final class RunHealth {
  private String status = RunSummary.OK;
  private int epoch;
  private int constantSince;

  /**
   * Records whether the evaluation at {@code e} may have predicted one class for the training set
   * (its accuracy is one class's share, {@link #mayBeConstant}).
   */
  void constantAt(int e, boolean constant) {
    if (!constant) {
      constantSince = 0;
    } else if (constantSince == 0) {
      constantSince = e;
    }
  }

  /** The evaluation from which every evaluation may have predicted one class; 0 if the last not. */
  int constantSince() {
    return constantSince;
  }

  String status() {
    return status;
  }

  /** The epoch the status first showed; 0 while {@code ok}. */
  int epoch() {
    return epoch;
  }

  /** Takes {@code seen} at {@code e} when it is more severe than the status so far. */
  void observe(String seen, int e) {
    if (severity(seen) > severity(status)) {
      status = seen;
      epoch = e;
    }
  }

  /** Whether a status at least as severe as {@code s} has been seen. */
  boolean atLeast(String s) {
    return severity(status) >= severity(s);
  }

  private static int severity(String s) {
    return RunSummary.STATUSES.indexOf(s);
  }

  /** The largest of replica r's step gradient norms in the epoch; NaN when one is NaN. */
  static double maxStepGradNorm(StepLog log, int r) {
    double max = 0;
    for (int s = 0; s < log.steps(); s++) {
      double g = log.gradNorm(r, s);
      if (Double.isNaN(g)) {
        return Double.NaN;
      }
      max = Math.max(max, g);
    }
    return max;
  }

  /** Whether every weight and bias is a finite number. */
  static boolean finite(Parameters p) {
    for (double[][] arrays : new double[][][] {p.weights(), p.biases()}) {
      for (double[] a : arrays) {
        for (double v : a) {
          if (!Double.isFinite(v)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Whether some hidden layer has every unit dead on the training set (fraction exactly 1). */
  static boolean deadLayer(double[] deadFraction) {
    for (double d : deadFraction) {
      if (d == 1.0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a training accuracy could come from one predicted class: {@code correct} equals the
   * count of either label. A cheap filter before asking the backend for the predictions.
   */
  static boolean mayBeConstant(double accuracy, int n, int positives) {
    long correct = Math.round(accuracy * n);
    return correct == positives || correct == n - positives;
  }

  /** Whether every prediction falls on one side of the decision threshold ({@link Rules}). */
  static boolean constant(double[] p) {
    if (p.length == 0) {
      return false;
    }
    boolean first = p[0] >= Rules.DECISION_THRESHOLD;
    for (double v : p) {
      if ((v >= Rules.DECISION_THRESHOLD) != first) {
        return false;
      }
    }
    return true;
  }
}
