package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.StepLog;
import dev.depthlab.common.Rng;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a CUDA group produces over a few epochs of ParityChecks' data (every epoch ends on a
 * partial batch), one labelled line of raw bits per result: step logs, evaluations, parameters,
 * then gradients. Two traces are equal exactly when the runs agree bit for bit.
 */
final class GroupTrace {
  private GroupTrace() {}

  /**
   * Trains {@code replicas} replicas (seeds from {@code from}, random biases) on {@code dev} for
   * {@code epochs} epochs at lr 0.01, shuffled by {@code shuffleSeed}, evaluating every epoch.
   */
  static List<String> of(
      Device dev,
      NetworkSpec spec,
      Precision p,
      int from,
      int replicas,
      int epochs,
      long shuffleSeed) {
    int n = ParityChecks.N_TRAIN;
    int batch = ParityChecks.BATCH;
    int steps = (n + batch - 1) / batch;
    List<String> out = new ArrayList<>();
    try (Group g =
        new CudaBackend(dev)
            .createGroup(
                new GroupSpec(spec, p, batch, steps),
                ParityChecks.setups(spec, from, replicas, true))) {
      Rng shuffle = new Rng(shuffleSeed);
      for (int e = 0; e < epochs; e++) {
        int[][] order = new int[replicas][n];
        for (int[] o : order) {
          for (int k = 0; k < n; k++) {
            o[k] = k;
          }
          shuffle.shuffle(o);
        }
        g.beginEpoch(order);
        for (int off = 0; off < n; off += batch) {
          g.step(off, Math.min(batch, n - off), 0.01);
        }
        StepLog log = g.endEpoch();
        assertEquals(steps, log.steps());
        add(out, "epoch " + e + " step losses", log.loss());
        add(out, "epoch " + e + " squared gradient norms", log.gradSq());
        Evaluation ev = g.evaluate();
        add(out, "epoch " + e + " train loss", ev.trainLoss());
        add(out, "epoch " + e + " train accuracy", ev.trainAccuracy());
        add(out, "epoch " + e + " test loss", ev.testLoss());
        add(out, "epoch " + e + " test accuracy", ev.testAccuracy());
        for (int r = 0; r < replicas; r++) {
          add(out, "epoch " + e + " replica " + r + " dead fractions", ev.deadFraction()[r]);
        }
      }
      List<Parameters> all = g.allParameters();
      for (int r = 0; r < replicas; r++) {
        for (int l = 0; l < spec.layers(); l++) {
          add(out, "replica " + r + " layer " + l + " weights", all.get(r).weights()[l]);
          add(out, "replica " + r + " layer " + l + " biases", all.get(r).biases()[l]);
        }
      }
      Gradients gr = g.gradients(ParityChecks.batchIndices(replicas, Rng.mix(9L + from)));
      add(out, "gradient losses", gr.loss());
      for (int r = 0; r < replicas; r++) {
        for (int l = 0; l < spec.layers(); l++) {
          add(out, "replica " + r + " layer " + l + " weight gradient", gr.weights()[r][l]);
          add(out, "replica " + r + " layer " + l + " bias gradient", gr.biases()[r][l]);
        }
      }
    }
    return out;
  }

  private static void add(List<String> out, String label, double[] v) {
    StringBuilder sb = new StringBuilder(label).append(':');
    for (double x : v) {
      sb.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(x)));
    }
    out.add(sb.toString());
  }
}
