package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The CUDA path's two-pass sums where they span many chunks of {@link CudaGroup#CHUNK} elements,
 * with a ragged last chunk: 2000 training rows (a full evaluation pass, its loss, accuracy and dead
 * units), 400 test rows, and layers of 90, 2025 and 6750 weights (the squared gradient norms).
 * ParityChecks' small sets fit in one chunk, so these sums are checked here: against {@link
 * ParityChecks#COMPARAND} with ParityChecks' trajectory tolerances, and bit for bit against a
 * second run.
 */
class ChunkedSumsTest {
  private static final int N_TRAIN = 2000;
  private static final int N_TEST = 400;
  private static final int BATCH = 32;
  private static final int STEPS = (N_TRAIN + BATCH - 1) / BATCH;
  private static final int EPOCHS = 1;
  private static final int REPLICAS = 3;
  private static final double LR = 0.0005;

  /** 2 -> 45 -> 45 -> 150 -> 1: weight blocks of 90, 2025, 6750 and 150 (2, 32, 106, 3 chunks). */
  private static NetworkSpec spec() {
    return new NetworkSpec(
        new int[] {2, 45, 45, 150, 1}, Activation.RELU, 0.01, Reduction.SUM, 1e-8);
  }

  /** Training rows of replica 0 that alone switch on one unit each (see {@link #setups}). */
  private static final int[] LONE_ROWS = {0, 1000, N_TRAIN - 1};

  /** The direction of each lone row's input, and of its unit's weights. */
  private static final double[][] LONE_INPUTS = {{1, 0}, {0, 1}, {-1, 0}};

  /**
   * Replica r: its own data and He-normal weights. In replica 0, units 0..4 of the first hidden
   * layer and unit 7 of the second are switched off by a large negative bias (so the dead-unit
   * count has something to find), and units 10, 11, 12 of the first are each active on one row
   * only, LONE_ROWS (first chunk, a middle one, the ragged last one): that row's input is 1.5 d,
   * the unit's weights d and its bias -1.2, for a unit vector d of LONE_INPUTS, while every other
   * row lies in [-1, 1]^2. A pass that misses any of those chunks counts one more dead unit.
   */
  private static List<ReplicaSetup> setups(NetworkSpec spec) {
    List<ReplicaSetup> out = new ArrayList<>();
    for (int r = 0; r < REPLICAS; r++) {
      DataSet train = ParityChecks.circle("circle", Rng.mix(4000L + r), N_TRAIN);
      DataSet test = ParityChecks.circle("circle", Rng.mix(5000L + r), N_TEST);
      Parameters init = Initializer.draw(spec, Init.HE_NORMAL, 0.0, new Rng(Rng.mix(6000L + r)));
      if (r == 0) {
        for (int u = 0; u < 5; u++) {
          init.biases()[0][u] = -50.0;
        }
        init.biases()[1][7] = -500.0;
        int width = spec.sizes()[1];
        for (int k = 0; k < LONE_ROWS.length; k++) {
          int u = 10 + k;
          for (int i = 0; i < 2; i++) {
            train.x()[2 * LONE_ROWS[k] + i] = 1.5 * LONE_INPUTS[k][i];
            init.weights()[0][i * width + u] = LONE_INPUTS[k][i];
          }
          init.biases()[0][u] = -1.2;
        }
      }
      out.add(new ReplicaSetup(init, train, test));
    }
    return out;
  }

  /** Everything a group reports over a short training, in a fixed order. */
  private record Run(List<String> labels, List<double[]> values) {
    void add(String label, double... v) {
      labels.add(label);
      values.add(v);
    }
  }

  private static Run train(Group g, int layers) {
    Run run = new Run(new ArrayList<>(), new ArrayList<>());
    Rng shuffle = new Rng(Rng.mix(99L));
    for (int e = 0; e < EPOCHS; e++) {
      int[][] order = new int[REPLICAS][N_TRAIN];
      for (int[] o : order) {
        for (int k = 0; k < N_TRAIN; k++) {
          o[k] = k;
        }
        shuffle.shuffle(o);
      }
      g.beginEpoch(order);
      for (int off = 0; off < N_TRAIN; off += BATCH) {
        g.step(off, Math.min(BATCH, N_TRAIN - off), LR);
      }
      StepLog log = g.endEpoch();
      Evaluation ev = g.evaluate();
      for (int r = 0; r < REPLICAS; r++) {
        String ep = "epoch " + e + " replica " + r;
        double[] loss = new double[log.steps()];
        for (int s = 0; s < log.steps(); s++) {
          loss[s] = log.loss(r, s);
        }
        run.add(ep + " step losses", loss);
        for (int l = 0; l < layers; l++) {
          double[] sq = new double[log.steps()];
          for (int s = 0; s < log.steps(); s++) {
            sq[s] = log.gradSq(r, s, l);
          }
          run.add(ep + " layer " + l + " squared gradient norms", sq);
        }
        run.add(ep + " train loss", ev.trainLoss()[r]);
        run.add(ep + " test loss", ev.testLoss()[r]);
        run.add(ep + " train accuracy", ev.trainAccuracy()[r]);
        run.add(ep + " test accuracy", ev.testAccuracy()[r]);
        run.add(ep + " dead fractions", ev.deadFraction()[r]);
      }
    }
    List<Parameters> params = g.allParameters();
    for (int r = 0; r < REPLICAS; r++) {
      for (int l = 0; l < layers; l++) {
        run.add("replica " + r + " layer " + l + " weights", params.get(r).weights()[l]);
        run.add("replica " + r + " layer " + l + " biases", params.get(r).biases()[l]);
      }
    }
    return run;
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void manyChunkSumsMatchTheComparandAndRepeatBitForBit(Precision p) {
    NetworkSpec spec = spec();
    GroupSpec gs = new GroupSpec(spec, p, BATCH, STEPS);
    Device dev = NativeTools.emulatedDevice();
    Run ref;
    Run cuda;
    Run again;
    try (Group g = ParityChecks.COMPARAND.createGroup(gs, setups(spec))) {
      ref = train(g, spec.layers());
    }
    try (Group g = new CudaBackend(dev).createGroup(gs, setups(spec))) {
      cuda = train(g, spec.layers());
    }
    try (Group g = new CudaBackend(dev).createGroup(gs, setups(spec))) {
      again = train(g, spec.layers());
    }
    double tol = ParityChecks.trajTol(p);
    List<Executable> failures = new ArrayList<>();
    double worst = 0;
    for (int k = 0; k < ref.labels().size(); k++) {
      String what = ref.labels().get(k);
      double t = tol;
      if (what.contains("accuracy")) {
        // a prediction within rounding of 0.5 may flip in fp32: one sample's worth
        t = p == Precision.FP64 ? 0.0 : 1.0 / N_TEST + 1e-12;
      } else if (what.contains("dead")) {
        t = p == Precision.FP64 ? 0.0 : 1.0 / 45 + 1e-12;
      }
      double e = ParityChecks.check(failures, what, cuda.values().get(k), ref.values().get(k), t);
      if (t == tol) {
        worst = Math.max(worst, e);
      }
      double[] a = cuda.values().get(k);
      double[] b = again.values().get(k);
      failures.add(
          () ->
              assertArrayEquals(
                  bits(a),
                  bits(b),
                  what + ": a second CUDA run gave other bits (not deterministic)"));
    }
    double[] dead =
        ref.values()
            .get(ref.labels().indexOf("epoch " + (EPOCHS - 1) + " replica 0 dead fractions"));
    failures.add(
        () ->
            assertTrue(
                dead[0] >= 5.0 / 45 && dead[1] >= 1.0 / 45,
                "replica 0 should have dead units: " + Arrays.toString(dead)));
    System.out.printf(
        "chunked sums %s on %s: max relative error %.3g%n", p.key(), dev.name(), worst);
    assertAll(failures);
  }

  private static long[] bits(double[] v) {
    long[] b = new long[v.length];
    for (int k = 0; k < v.length; k++) {
      b[k] = Double.doubleToRawLongBits(v[k]);
    }
    return b;
  }
}
