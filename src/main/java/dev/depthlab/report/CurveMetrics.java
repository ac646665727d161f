package dev.depthlab.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loss curve of one run as numbers (the seed's qualitative reading of its curves, measured).
 * Computed from the mean batch loss per epoch, {@code L[1..E]}; docs/report.md defines each one.
 *
 * <ul>
 *   <li>{@code trend}: (L_1 - L_E) / L_1, the relative drop over training (negative: it rose).
 *   <li>{@code oscillation}: mean |L_e - L_(e-1)| over the last half (e = h+1..E, h = floor(E/2)),
 *       divided by the mean of L over those epochs.
 *   <li>{@code plateauEpoch}: the first epoch p after which the best loss so far, B_e =
 *       min(L_1..L_e), improves by no more than 1% of the total drop D = L_1 - B_E: B_p - B_E <=
 *       0.01 D; 1 when D <= 0.
 *   <li>{@code lateGain}: (L_k - L_E) / (L_1 - L_E) with k = max(1, round(0.8 E)): the share of the
 *       total drop made in the last fifth of training.
 *   <li>{@code spikes}: epochs e whose loss exceeds the median m of the up to 10 epochs before it
 *       (at least 3) by more than 3 MADs and by more than 50% of m.
 * </ul>
 */
public record CurveMetrics(
    double first,
    double last,
    double trend,
    double oscillation,
    int plateauEpoch,
    double lateGain,
    int spikes) {

  static final double PLATEAU_SHARE = 0.01;
  static final double LATE_POINT = 0.8;
  static final int SPIKE_LOOKBACK = 10;
  static final int SPIKE_MIN_HISTORY = 3;
  static final double SPIKE_MADS = 3.0;
  static final double SPIKE_RELATIVE = 0.5;

  /** The metrics of a curve; {@code loss[0]} is epoch 1. An empty curve gives NaNs and zeros. */
  public static CurveMetrics of(double[] loss) {
    int n = loss.length;
    if (n == 0) {
      return new CurveMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, 0);
    }
    double first = loss[0];
    double last = loss[n - 1];
    return new CurveMetrics(
        first,
        last,
        (first - last) / first,
        oscillation(loss),
        plateauEpoch(loss),
        lateGain(loss),
        spikes(loss));
  }

  static double oscillation(double[] loss) {
    int n = loss.length;
    int h = n / 2;
    if (n < 2) {
      return Double.NaN;
    }
    double change = 0;
    double level = 0;
    for (int e = h; e < n; e++) { // 0-based e = epoch h+1..E
      change += Math.abs(loss[e] - loss[e - 1]);
      level += loss[e];
    }
    return change / level;
  }

  static int plateauEpoch(double[] loss) {
    int n = loss.length;
    double[] best = new double[n]; // best loss so far: upward spikes do not move it
    best[0] = loss[0];
    for (int e = 1; e < n; e++) {
      best[e] = Math.min(best[e - 1], loss[e]);
    }
    double drop = loss[0] - best[n - 1];
    if (!(drop > 0)) {
      return 1;
    }
    for (int e = 0; e < n; e++) {
      if (best[e] - best[n - 1] <= PLATEAU_SHARE * drop) {
        return e + 1;
      }
    }
    return n;
  }

  static double lateGain(double[] loss) {
    int n = loss.length;
    int k = Math.max(1, (int) Math.round(LATE_POINT * n));
    double drop = loss[0] - loss[n - 1];
    return drop == 0 ? Double.NaN : (loss[k - 1] - loss[n - 1]) / drop;
  }

  static int spikes(double[] loss) {
    return spikeIndices(loss).size();
  }

  /**
   * The 0-based indices of {@code loss} that are spikes by the rule above (the up to {@value
   * #SPIKE_LOOKBACK} values before, at least {@value #SPIKE_MIN_HISTORY}): one rule for the
   * loss-curve count and for the spikes set against unit deaths ({@link DeathSpikes}).
   */
  static List<Integer> spikeIndices(double[] loss) {
    List<Integer> out = new ArrayList<>();
    for (int e = SPIKE_MIN_HISTORY; e < loss.length; e++) {
      double[] prev = Arrays.copyOfRange(loss, Math.max(0, e - SPIKE_LOOKBACK), e);
      double m = median(prev);
      double[] dev = new double[prev.length];
      for (int i = 0; i < prev.length; i++) {
        dev[i] = Math.abs(prev[i] - m);
      }
      double mad = median(dev);
      double excess = loss[e] - m;
      if (excess > SPIKE_MADS * mad && excess > SPIKE_RELATIVE * Math.abs(m)) {
        out.add(e);
      }
    }
    return out;
  }

  /** loss[e] over the median of the up to {@value #SPIKE_LOOKBACK} values before it. */
  static double overMedian(double[] loss, int e) {
    return loss[e] / median(Arrays.copyOfRange(loss, Math.max(0, e - SPIKE_LOOKBACK), e));
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
