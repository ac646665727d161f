package dev.depthlab.backend.reference;

import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;

/**
 * A small case both backends run: a network of 2 inputs and hidden layers alternately 16 and 3 wide
 * (so no layer is square and an index slip shows), two replicas with their own parameters (He
 * normal, biases 0.05 so deep ReLU layers keep some units alive) and their own random data (points
 * uniform in [-1,1]^2, label 1 inside the circle of radius 0.5), and 20 steps in two epochs: an
 * epoch-shuffled permutation cut into batches of 8 with a partial last batch of 2, then 13 random
 * batches (indices drawn with repeats) whose last holds 5.
 */
record ParityCase(NetworkSpec net, List<ReplicaSetup> setups, long seed) {
  static final int REPLICAS = 2;
  static final int N_TRAIN = 50;
  static final int N_TEST = 23;
  static final int BATCH = 8;
  static final int TRACE_EVERY = 3;

  /** Large enough that 20 steps move the parameters well past their rounding. */
  static final double LR = 0.02;

  /** One epoch: each replica's index order and the (offset, count) of each step. */
  record Epoch(int[][] order, List<int[]> steps) {}

  static NetworkSpec network(Activation act, Reduction red, OutputGradient rule, int depth) {
    int[] sizes = new int[depth + 2];
    sizes[0] = 2;
    for (int h = 1; h <= depth; h++) {
      // 16: two fp64 vectors (the CPU's narrow product, in place); 3: scalar columns only; 40: the
      // wide product (packed panels, a one-vector strip and scalar tails in fp64 and fp32)
      sizes[h] = h % 3 == 1 ? 16 : h % 3 == 2 ? 3 : 40;
    }
    sizes[depth + 1] = 1;
    return new NetworkSpec(sizes, act, 0.01, red, 1e-8, rule);
  }

  static ParityCase make(Activation act, Reduction red, OutputGradient rule, int depth, long salt) {
    return make(act, red, rule, depth, salt, Init.HE_NORMAL);
  }

  /**
   * A narrow case for the CPU's replicas in lanes: hidden layers cycling 16, 3, 32 and 5 wide (two
   * vectors, scalars, the widest lane network, an odd tail), {@code replicas} replicas.
   */
  static ParityCase narrow(
      Activation act, Reduction red, OutputGradient rule, int depth, long salt, int replicas) {
    int[] sizes = new int[depth + 2];
    sizes[0] = 2;
    int[] widths = {16, 3, 32, 5};
    for (int h = 1; h <= depth; h++) {
      sizes[h] = widths[(h - 1) % widths.length];
    }
    sizes[depth + 1] = 1;
    NetworkSpec net = new NetworkSpec(sizes, act, 0.01, red, 1e-8, rule);
    return make(net, salt, Init.HE_NORMAL, replicas);
  }

  /**
   * A wide case: every hidden layer 40 wide (the packed product), so that consecutive hidden layers
   * share a shape and the CPU's SGD update runs them in pairs ({@code Dense64.sgdUpdatePair}).
   */
  static ParityCase wide(Activation act, Reduction red, OutputGradient rule, int depth, long salt) {
    int[] sizes = new int[depth + 2];
    sizes[0] = 2;
    for (int h = 1; h <= depth; h++) {
      sizes[h] = 40;
    }
    sizes[depth + 1] = 1;
    NetworkSpec net = new NetworkSpec(sizes, act, 0.01, red, 1e-8, rule);
    return make(net, salt, Init.HE_NORMAL, REPLICAS);
  }

  /** With weights drawn by {@code init} instead of He normal. */
  static ParityCase make(
      Activation act, Reduction red, OutputGradient rule, int depth, long salt, Init init) {
    return make(network(act, red, rule, depth), salt, init, REPLICAS);
  }

  private static ParityCase make(NetworkSpec net, long salt, Init init, int replicas) {
    long seed =
        salt * 1000
            + net.activation().ordinal() * 100
            + net.reduction().ordinal() * 20
            + net.outputGradient().ordinal() * 10
            + net.depth();
    Rng rng = new Rng(seed);
    List<ReplicaSetup> setups = new ArrayList<>();
    for (int r = 0; r < replicas; r++) {
      setups.add(
          new ReplicaSetup(
              Initializer.draw(net, init, 0.05, rng),
              randomData(N_TRAIN, rng),
              randomData(N_TEST, rng)));
    }
    return new ParityCase(net, setups, seed);
  }

  @Override
  public String toString() {
    return net.activation().key()
        + " "
        + net.reduction().key()
        + " "
        + net.outputGradient().key()
        + " sizes "
        + java.util.Arrays.toString(net.sizes())
        + " seed "
        + seed;
  }

  /** Every step's accuracy recorded, the middle weight layer traced every third step. */
  GroupSpec spec(Precision precision) {
    int maxSteps = 13;
    return new GroupSpec(net, precision, BATCH, maxSteps, true, net.layers() / 2, TRACE_EVERY);
  }

  /** A batch of 8 per replica with repeated samples. */
  int[][] batchWithRepeats() {
    Rng rng = new Rng(seed + 7);
    int[][] batch = new int[setups.size()][BATCH];
    for (int[] b : batch) {
      for (int k = 0; k < BATCH; k++) {
        b[k] = rng.nextInt(N_TRAIN);
      }
      b[BATCH - 1] = b[0];
    }
    return batch;
  }

  /** The two epochs: 7 steps over a permutation (last batch 2), 13 random batches (last 5). */
  List<Epoch> epochs() {
    Rng rng = new Rng(seed + 11);
    int[][] perm = new int[setups.size()][N_TRAIN];
    for (int[] p : perm) {
      for (int i = 0; i < N_TRAIN; i++) {
        p[i] = i;
      }
      rng.shuffle(p);
    }
    List<int[]> permSteps = new ArrayList<>();
    for (int off = 0; off < N_TRAIN; off += BATCH) {
      permSteps.add(new int[] {off, Math.min(BATCH, N_TRAIN - off)});
    }
    int randomLength = 12 * BATCH + 5;
    int[][] random = new int[setups.size()][randomLength];
    for (int[] o : random) {
      for (int i = 0; i < randomLength; i++) {
        o[i] = rng.nextInt(N_TRAIN);
      }
    }
    List<int[]> randomSteps = new ArrayList<>();
    for (int off = 0; off < randomLength; off += BATCH) {
      randomSteps.add(new int[] {off, Math.min(BATCH, randomLength - off)});
    }
    return List.of(new Epoch(perm, permSteps), new Epoch(random, randomSteps));
  }

  /** A 21 x 21 grid over [-1.5, 1.5]^2, row-major points: beyond the data's square. */
  static double[] grid() {
    int side = 21;
    double[] x = new double[2 * side * side];
    for (int i = 0; i < side; i++) {
      for (int j = 0; j < side; j++) {
        int p = i * side + j;
        x[2 * p] = -1.5 + 3.0 * i / (side - 1);
        x[2 * p + 1] = -1.5 + 3.0 * j / (side - 1);
      }
    }
    return x;
  }

  static DataSet randomData(int n, Rng rng) {
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = rng.uniform(-1, 1);
      x[2 * i + 1] = rng.uniform(-1, 1);
      y[i] = x[2 * i] * x[2 * i] + x[2 * i + 1] * x[2 * i + 1] < 0.25 ? 1 : 0;
    }
    return new DataSet("parity", 2, x, y);
  }
}
