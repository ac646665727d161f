package dev.depthlab.backend.cpu;

import dev.depthlab.model.Parameters;
import dev.depthlab.model.Rules;

/** One replica's numbers on the CPU, in one precision. */
interface CpuNet {
  /** Samples per chunk of a full-data evaluation pass. */
  int EVAL_CHUNK = 256;

  /** The accuracy rule: {@link Rules#correct}. */
  static int correct(double p, double label) {
    return Rules.correct(p, label);
  }

  /**
   * One SGD step on samples order[offset .. offset+count); writes each layer's squared
   * weight-gradient norm at gradSq[gOff + l]; returns the batch's mean loss before the update.
   */
  double step(int[] order, int offset, int count, double lr, double[] gradSq, int gOff);

  /** Gradients on the given samples into gw/gb without updating; returns the mean loss. */
  double gradients(int[] indices, double[][] gw, double[][] gb);

  /**
   * out = [trainLoss, trainAcc, testLoss, testAcc]; deadFraction[h] per hidden layer over the
   * training set.
   */
  void evaluate(double[] out, double[] deadFraction);

  void parameters(Parameters out);

  /** Replaces the parameters with {@code p}, rounded to this net's precision. */
  void load(Parameters p);

  /**
   * The last step's batch accuracy: the fraction of its {@code count} samples whose prediction
   * (sigmoid of the output before that step's update, threshold 0.5 as in {@link #evaluate})
   * matches the label.
   */
  double batchAccuracy(int count);

  /** Layer l's weights (row-major [fanIn x fanOut]) then biases, into out[off ..]. */
  void copyLayer(int l, double[] out, int off);

  /**
   * The network's outputs (sigmoid probabilities) for the {@code n} points of {@code x}
   * (row-major), into {@code out[0 .. n)}, in this net's precision.
   */
  void predict(double[] x, int n, double[] out);
}
