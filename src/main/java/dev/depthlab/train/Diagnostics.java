package dev.depthlab.train;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.StepLog;
import dev.depthlab.common.MeanStd;
import dev.depthlab.model.Parameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns what a backend measured into per-epoch records and a run's summary. */
final class Diagnostics {
  private Diagnostics() {}

  static EpochRecord epochRecord(
      int epoch,
      StepLog log,
      int r,
      Evaluation eval,
      Parameters now,
      Parameters previous,
      Sharpness.Estimate curvature) {
    double sharpness = curvature == null ? Double.NaN : curvature.sharpness()[r];
    double residual = curvature == null ? Double.NaN : curvature.residual()[r];
    double batchSharp = curvature == null ? Double.NaN : curvature.batch()[r];
    int steps = log.steps();
    int layers = log.layers();
    double[] global = new double[steps];
    double lossSum = 0;
    for (int s = 0; s < steps; s++) {
      global[s] = log.gradNorm(r, s);
      lossSum += log.loss(r, s);
    }
    double[] layerMean = new double[layers];
    double[] layerStd = new double[layers];
    double[] perLayer = new double[steps];
    for (int l = 0; l < layers; l++) {
      for (int s = 0; s < steps; s++) {
        perLayer[s] = Math.sqrt(log.gradSq(r, s, l));
      }
      MeanStd layer = MeanStd.of(perLayer);
      layerMean[l] = layer.mean();
      layerStd[l] = layer.std();
    }
    // NaN propagates: a diverged step must show in the epoch's numbers (and mark the run diverged)
    MeanStd g = MeanStd.of(global);
    double batchLoss = lossSum / steps;
    if (eval == null) {
      double[] none = new double[0];
      return new EpochRecord(
          epoch,
          batchLoss,
          g.mean(),
          g.std(),
          layerMean,
          layerStd,
          false,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          none,
          none,
          none,
          sharpness,
          residual,
          batchSharp);
    }
    double[] weightNorm = new double[layers];
    double[] updateRatio = new double[layers];
    for (int l = 0; l < layers; l++) {
      weightNorm[l] = now.weightNorm(l);
      double diff = 0;
      double[] a = now.weights()[l];
      double[] b = previous.weights()[l];
      for (int k = 0; k < a.length; k++) {
        double d = a[k] - b[k];
        diff = Math.fma(d, d, diff);
      }
      double prevNorm = previous.weightNorm(l);
      updateRatio[l] = prevNorm == 0 ? Double.NaN : Math.sqrt(diff) / prevNorm;
    }
    return new EpochRecord(
        epoch,
        batchLoss,
        g.mean(),
        g.std(),
        layerMean,
        layerStd,
        true,
        eval.trainLoss()[r],
        eval.trainAccuracy()[r],
        eval.testLoss()[r],
        eval.testAccuracy()[r],
        weightNorm,
        updateRatio,
        eval.deadFraction()[r].clone(),
        sharpness,
        residual,
        batchSharp);
  }

  static List<StepRecord> stepRecords(int epoch, StepLog log, int r) {
    List<StepRecord> out = new ArrayList<>(log.steps());
    for (int s = 0; s < log.steps(); s++) {
      out.add(new StepRecord(epoch, s + 1, log.loss(r, s), log.gradNorm(r, s), log.accuracy(r, s)));
    }
    return out;
  }

  /** The traced layer's records of replica r in an epoch of {@code stepsPerEpoch} steps. */
  static List<WeightRecord> weightRecords(int epoch, StepLog log, int r, int stepsPerEpoch) {
    List<WeightRecord> out = new ArrayList<>(log.traced().length);
    for (int k = 0; k < log.traced().length; k++) {
      int s = log.traced()[k];
      long step = (long) (epoch - 1) * stepsPerEpoch + s + 1;
      out.add(new WeightRecord(step, epoch, s + 1, log.traced(r, k)));
    }
    return out;
  }

  /**
   * The run's summary; its gradient statistics are over epochs {@code gradFromEpoch} to the last.
   */
  static RunSummary summarize(
      List<EpochRecord> records, String status, int statusEpoch, int gradFromEpoch) {
    double[] g = new double[records.size()];
    for (int e = 0; e < g.length; e++) {
      g[e] = records.get(e).gradNormMean();
    }
    GradNormStats grad = GradNormStats.over(g, gradFromEpoch, g.length);
    EpochRecord last = records.get(records.size() - 1);
    return new RunSummary(
        status,
        last.trainAccuracy(),
        last.testAccuracy(),
        last.trainLoss(),
        last.testLoss(),
        grad,
        Arrays.copyOf(last.deadFraction(), last.deadFraction().length),
        statusEpoch);
  }
}
