package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.Sharpness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CudaBackend on a {@link Device} against {@link #COMPARAND}, the backend it is held to (the CPU
 * backend, "cpu"; every failure message starts "cuda vs cpu: "): per-step gradients, 20-epoch
 * trajectories and predictions. Subclasses choose the device (emulated, or a real GPU). Three
 * families:
 *
 * <ul>
 *   <li>the seed study's networks: 2 inputs, 16 wide, depths 1, 2, 4, 8, every activation, fp64 and
 *       fp32, seeds 0..9 as R = 10 and as R = 1;
 *   <li>{@link #SHAPES}: other widths (1 to 64, mixed within a net), 2 to 8 inputs, depths 1 to 5;
 *   <li>a 1024-wide net per precision (gradients only).
 * </ul>
 *
 * Every trajectory ends each epoch on a partial batch ({@link #N_TRAIN}), and every gradient check
 * also runs batches smaller than the group's maxBatch ({@link #GRAD_BATCHES}).
 *
 * <p>Relative error, everywhere below, is max-norm based per compared block (one replica's layer of
 * weights, its biases, one replica's step losses): {@code max_k |a_k - b_k| / max(max_k |a_k|,
 * max_k |b_k|, 1e-12)}. Element-wise relative error would be dominated by entries that cancel to
 * near zero, which say nothing about a backend's correctness.
 */
abstract class ParityChecks {
  static final int[] DEPTHS = {1, 2, 4, 8};
  static final int SEEDS = 10;
  static final int WIDTH = 16;

  /**
   * Training points per replica: 3 full batches of 16 and a last batch of 8 every epoch, as the
   * seed study's 2000 = 62 x 32 + 16 ends every epoch on a half batch. A partial batch is where a
   * backend can get the mean reduction's 1/count, the strides (rows of maxBatch, only count used)
   * or a loop bound wrong; and the full step that follows it runs over buffers whose last rows
   * still hold the previous epoch's numbers.
   */
  static final int N_TRAIN = 56;

  static final int N_TEST = 32;
  static final int BATCH = 16;
  static final int EPOCHS = 20;

  /**
   * Batch sizes of every gradient check, largest first, each on the same group: the full batch,
   * then 7 (odd, so no row count lines up with a power of two or the rows of a block) and 1 (the
   * edge). After the full batch every row of the group's buffers holds a number, so a kernel or
   * GEMM that reads past {@code count} picks up stale values, not harmless zeros.
   */
  static final int[] GRAD_BATCHES = {BATCH, 7, 1};

  /**
   * lr of the trajectories with reduction sum. With sum over 16 samples the effective step is 16
   * lr; at lr 0.01 a depth-8 tanh net is chaotic enough to amplify a 1-ulp difference a
   * million-fold in 80 steps, which would test the dynamics, not the backend.
   */
  static final double LR = 0.002;

  /** Reduction mean divides by the batch: BATCH times the lr gives a full batch the same step. */
  static double lr(Reduction red) {
    return red == Reduction.SUM ? LR : LR * BATCH;
  }

  /**
   * Gradient tolerance: both backends do the same sums; only the forward bias is added last. (The
   * 1024-wide case sums 1024 products per element; in fp32 a GPU's cuBLAS may sum them in another
   * order, an error of order sqrt(1024) x 6e-8 relative, well inside 1e-4.)
   */
  static double gradTol(Precision p) {
    return p == Precision.FP64 ? 1e-10 : 1e-4;
  }

  /**
   * Trajectory tolerance. The two backends differ per step only by rounding (the bias joins the
   * forward sum last on the device, first on the CPU; the GPU's cuBLAS may sum in another order):
   * about 1e-16 (fp64) or 1e-7 (fp32) relative. 80 SGD steps at lr 0.002 on these small nets
   * amplify such a perturbation by a modest factor. Measured max errors are printed; at the time of
   * writing, on the emulator: the seed study's nets at most 1.3e-14 (fp64, depth 8 tanh) and 8.8e-6
   * (fp32, depth 4 leaky ReLU); {@link #SHAPES} at most 2.8e-14 and 2.8e-5, both on the 2-33-1-7-1
   * bottleneck, where one unit carries the whole signal and amplifies most. So 1e-9 and 1e-3 leave
   * a margin of over 10^4 (fp64) and over 30 (fp32; over 100 outside the bottleneck) for a GPU's
   * cuBLAS summing in another order (and with FMA), while a real bug (a wrong layout, stride or
   * rule) gives errors of order 1e-2 to 1 (a partial batch that counts its stale rows: 5e-2 in the
   * step losses).
   */
  static double trajTol(Precision p) {
    return p == Precision.FP64 ? 1e-9 : 1e-3;
  }

  /**
   * The backend the CUDA path is held to here, in ChunkedSumsTest and in ScratchOnCudaTest: the one
   * place to change it. (The plain reference backend is fp64 only; switching to it means leaving
   * the fp32 cases to the CPU backend.)
   */
  static final Backend COMPARAND = new CpuBackend();

  /** {@code what}, prefixed with the two backends compared: how every failure message starts. */
  static String vs(String what) {
    return "cuda vs " + COMPARAND.name() + ": " + what;
  }

  abstract Device device();

  // ---------------------------------------------------------------------------------------------
  // Cases

  /** The seed study's networks: every precision x activation x depth, 2 inputs, 16 wide. */
  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Precision p : Precision.values()) {
      for (Activation a : Activation.values()) {
        for (int d : DEPTHS) {
          out.add(Arguments.of(p, a, d));
        }
      }
    }
    return out.stream();
  }

  /** A network of explicit layer sizes (inputs first, the one output last) and its activation. */
  record Shape(int[] sizes, Activation act) {
    NetworkSpec spec(Reduction red) {
      return new NetworkSpec(sizes, act, 0.01, red, 1e-8);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder();
      for (int k = 0; k < sizes.length; k++) {
        s.append(k == 0 ? "" : "-").append(sizes[k]);
      }
      return s + " " + act.key();
    }
  }

  /**
   * Shapes beyond the seed study's 2-16-..-16-1, chosen so that together they cover every input
   * count 2..8 (one each) and the hidden widths 1, 2, 3, 7, 16, 33, 64, with neighbouring layers of
   * different widths wherever the output's 1 allows (so a GEMM with m, n or k swapped, or a stride
   * taken from the wrong layer, reads the wrong numbers instead of coincidentally the right ones),
   * odd widths next to even ones, depths 1 to 5, and every activation. Width 1 appears as the only
   * hidden unit (3-1-1) and as a bottleneck inside a net (2-33-1-7-1); both use saturating or leaky
   * units, where a ReLU of one unit could die and carry no gradient at all.
   */
  static final List<Shape> SHAPES =
      List.of(
          new Shape(new int[] {2, 33, 1, 7, 1}, Activation.LEAKY_RELU),
          new Shape(new int[] {3, 1, 1}, Activation.TANH),
          new Shape(new int[] {4, 64, 2, 1}, Activation.RELU),
          new Shape(new int[] {5, 7, 16, 3, 1}, Activation.TANH),
          new Shape(new int[] {6, 3, 64, 33, 7, 2, 1}, Activation.LEAKY_RELU),
          new Shape(new int[] {7, 16, 1}, Activation.RELU),
          new Shape(new int[] {8, 64, 33, 1}, Activation.RELU));

  /**
   * Each shape on both precisions, the reduction alternating so that every shape runs under both
   * reductions (one per precision) and each precision runs both reductions over several shapes. The
   * reduction changes one scale in the output layer (1/count), which does not interact with the
   * hidden widths, so the full cross product would repeat checks at twice the cost.
   */
  static Stream<Arguments> shapeCases() {
    List<Arguments> out = new ArrayList<>();
    for (int i = 0; i < SHAPES.size(); i++) {
      for (Precision p : Precision.values()) {
        Reduction red = (i + p.ordinal()) % 2 == 0 ? Reduction.SUM : Reduction.MEAN;
        out.add(Arguments.of(SHAPES.get(i), p, red));
      }
    }
    return out.stream();
  }

  /**
   * A 1024-wide net per precision: 1024 x 1024 weights between two hidden layers, so each GEMM has
   * m, n or k of 1024 (long sums on the device), with 5 inputs. Gradients only, on batches of 8 and
   * 3: the emulator's Java GEMM does about 25 M multiply-adds per replica and batch of 8.
   */
  static Stream<Arguments> wideCases() {
    return Stream.of(
        Arguments.of(Precision.FP64, Activation.RELU),
        Arguments.of(Precision.FP32, Activation.TANH));
  }

  static final int[] WIDE_SIZES = {5, 1024, 1024, 1};

  // ---------------------------------------------------------------------------------------------
  // Data, parameters, indices

  static DataSet circle(String name, long seed, int n) {
    Rng rng = new Rng(seed);
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double x0 = rng.uniform(-1, 1);
      double x1 = rng.uniform(-1, 1);
      x[2 * i] = x0;
      x[2 * i + 1] = x1;
      y[i] = x0 * x0 + x1 * x1 < 0.25 ? 1.0 : 0.0;
    }
    return new DataSet(name, 2, x, y);
  }

  /**
   * {@code f} features uniform in [-1, 1], label 1 where the fixed indefinite quadratic form {@code
   * q(x) = sum_i (-1)^i x_i^2 + sum_i x_i x_(i+1) / 2} is positive: a curved boundary over every
   * feature, with both labels well represented for any f >= 2.
   */
  static DataSet quadric(String name, int f, long seed, int n) {
    Rng rng = new Rng(seed);
    double[] x = new double[f * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double q = 0;
      for (int k = 0; k < f; k++) {
        double v = rng.uniform(-1, 1);
        x[i * f + k] = v;
        q += (k % 2 == 0 ? v : -v) * v;
        if (k > 0) {
          q += 0.5 * x[i * f + k - 1] * v;
        }
      }
      y[i] = q > 0 ? 1.0 : 0.0;
    }
    return new DataSet(name, f, x, y);
  }

  /** The seed study's circle for 2 inputs, the quadric set otherwise. */
  static DataSet dataSet(int features, long seed, int n) {
    return features == 2 ? circle("circle", seed, n) : quadric("quadric", features, seed, n);
  }

  static ReplicaSetup setup(NetworkSpec spec, int seed) {
    return setup(spec, seed, false);
  }

  /**
   * Replica {@code seed}: its own train and test sets and He-normal weights with zero biases; with
   * {@code randomBiases} the biases are drawn N(0, 0.1^2) too, so that the gradient checks exercise
   * the bias path (zero biases add exactly whichever order the sums take).
   */
  static ReplicaSetup setup(NetworkSpec spec, int seed, boolean randomBiases) {
    DataSet train = dataSet(spec.inputs(), Rng.mix(1000L + seed), N_TRAIN);
    DataSet test = dataSet(spec.inputs(), Rng.mix(2000L + seed), N_TEST);
    Rng rng = new Rng(Rng.mix(3000L + seed));
    Parameters init = Initializer.draw(spec, Init.HE_NORMAL, 0.0, rng);
    if (randomBiases) {
      for (double[] b : init.biases()) {
        for (int k = 0; k < b.length; k++) {
          b[k] = 0.1 * rng.nextGaussian();
        }
      }
    }
    return new ReplicaSetup(init, train, test);
  }

  static NetworkSpec spec(Activation a, int depth, Reduction red) {
    return NetworkSpec.of(2, depth, WIDTH, a, 0.01, red, 1e-8);
  }

  static List<ReplicaSetup> setups(NetworkSpec spec, int from, int count) {
    return setups(spec, from, count, false);
  }

  static List<ReplicaSetup> setups(NetworkSpec spec, int from, int count, boolean randomBiases) {
    List<ReplicaSetup> s = new ArrayList<>();
    for (int r = from; r < from + count; r++) {
      s.add(setup(spec, r, randomBiases));
    }
    return s;
  }

  static int[][] batchIndices(int replicas, long seed) {
    return batchIndices(replicas, seed, BATCH);
  }

  /** {@code size} random training indices per replica (repeats allowed). */
  static int[][] batchIndices(int replicas, long seed, int size) {
    Rng rng = new Rng(seed);
    int[][] idx = new int[replicas][size];
    for (int[] row : idx) {
      for (int k = 0; k < size; k++) {
        row[k] = rng.nextInt(N_TRAIN);
      }
    }
    return idx;
  }

  /** The first {@code count} indices of every replica's row. */
  private static int[][] first(int[][] idx, int count) {
    int[][] out = new int[idx.length][];
    for (int r = 0; r < idx.length; r++) {
      out[r] = Arrays.copyOf(idx[r], count);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Comparisons

  /** Max-norm relative error (see the class comment) and where the largest difference is. */
  static double[] relErr(double[] got, double[] ref) {
    double maxDiff = 0;
    double scale = 1e-12;
    int at = -1;
    for (int k = 0; k < ref.length; k++) {
      double diff = Math.abs(got[k] - ref[k]);
      if (diff > maxDiff || Double.isNaN(diff)) {
        maxDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
        at = k;
      }
      scale = Math.max(scale, Math.max(Math.abs(got[k]), Math.abs(ref[k])));
    }
    return new double[] {maxDiff / scale, at};
  }

  /** Compares one block; adds a failure naming it when over tol; returns the error. */
  static double check(
      List<Executable> failures, String what, double[] got, double[] ref, double tol) {
    if (got.length != ref.length) {
      failures.add(() -> fail(vs(what) + ": length " + got.length + " vs " + ref.length));
      return Double.POSITIVE_INFINITY;
    }
    double[] e = relErr(got, ref);
    if (!(e[0] <= tol)) {
      int k = (int) e[1];
      failures.add(
          () ->
              fail(
                  String.format(
                      "%s element %d: cuda %.17g, %s %.17g, relative error %.3g > %.1g",
                      vs(what), k, got[k], COMPARAND.name(), ref[k], e[0], tol)));
    }
    return e[0];
  }

  /**
   * Compares a count expressed as a fraction of {@code n} (an accuracy over n samples, a dead-unit
   * fraction over n units): the two may differ by at most {@code allowed} of the n, absolutely. (A
   * relative bound would shrink the allowance below one count whenever the fraction is under 1.)
   */
  static void checkCount(
      List<Executable> failures, String what, double got, double ref, int n, int allowed) {
    double counts = Math.abs(got - ref) * n;
    if (!(counts <= allowed + 1e-9)) {
      failures.add(
          () ->
              fail(
                  String.format(
                      "%s: cuda %.17g, %s %.17g, %.3g of %d differ > %d allowed",
                      vs(what), got, COMPARAND.name(), ref, counts, n, allowed)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Gradients

  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("cases")
  void gradientsMatchTheComparand(Precision p, Activation act, int depth) {
    List<Executable> failures = new ArrayList<>();
    double worst = 0;
    for (Reduction red : Reduction.values()) {
      NetworkSpec spec = spec(act, depth, red);
      long idxSeed = Rng.mix(depth * 31L + act.ordinal());
      worst =
          Math.max(
              worst, gradientParity(failures, spec, p, SEEDS, true, BATCH, GRAD_BATCHES, idxSeed));
    }
    System.out.printf(
        "gradients %s %s depth %d on %s: max relative error %.3g%n",
        p.key(), act.key(), depth, device().name(), worst);
    assertAll(failures);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("shapeCases")
  void gradientsOfOtherShapesMatchTheComparand(Shape shape, Precision p, Reduction red) {
    List<Executable> failures = new ArrayList<>();
    long idxSeed = Rng.mix(7919L * shape.sizes()[0] + red.ordinal());
    double worst =
        gradientParity(failures, shape.spec(red), p, 4, false, BATCH, GRAD_BATCHES, idxSeed);
    System.out.printf(
        "gradients %s %s %s on %s: max relative error %.3g%n",
        p.key(), shape, red.key(), device().name(), worst);
    assertAll(failures);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("wideCases")
  void gradientsOfA1024WideNetMatchTheComparand(Precision p, Activation act) {
    List<Executable> failures = new ArrayList<>();
    double worst = 0;
    for (Reduction red : Reduction.values()) {
      NetworkSpec spec = new NetworkSpec(WIDE_SIZES, act, 0.01, red, 1e-8);
      worst =
          Math.max(
              worst,
              gradientParity(
                  failures, spec, p, 2, false, 8, new int[] {8, 3}, 1024L + red.ordinal()));
    }
    System.out.printf(
        "gradients %s %s %s on %s: max relative error %.3g%n",
        p.key(), new Shape(WIDE_SIZES, act), "sum+mean", device().name(), worst);
    assertAll(failures);
  }

  /**
   * Gradients of {@code replicas} replicas (seeds 0..) on the device against the comparand, for
   * each batch size of {@code counts} in turn on the same group of maxBatch {@code maxBatch}; with
   * {@code alone} also each replica as a group of its own (R = 1). Returns the largest error.
   */
  private double gradientParity(
      List<Executable> failures,
      NetworkSpec spec,
      Precision p,
      int replicas,
      boolean alone,
      int maxBatch,
      int[] counts,
      long idxSeed) {
    GroupSpec gs = new GroupSpec(spec, p, maxBatch, 8);
    int[][] idx = batchIndices(replicas, idxSeed, maxBatch);
    Gradients[] ref = new Gradients[counts.length];
    try (Group comparand = COMPARAND.createGroup(gs, setups(spec, 0, replicas, true))) {
      for (int i = 0; i < counts.length; i++) {
        ref[i] = comparand.gradients(first(idx, counts[i]));
      }
    }
    String red = spec.reduction().key();
    double worst = 0;
    try (Group g = new CudaBackend(device()).createGroup(gs, setups(spec, 0, replicas, true))) {
      for (int i = 0; i < counts.length; i++) {
        String label = "R=" + replicas + " " + red + " batch " + counts[i] + " of " + maxBatch;
        Gradients got = g.gradients(first(idx, counts[i]));
        worst = Math.max(worst, compare(failures, label, got, ref[i], 0, p));
      }
    }
    if (alone) {
      for (int s = 0; s < replicas; s++) {
        try (Group g = new CudaBackend(device()).createGroup(gs, setups(spec, s, 1, true))) {
          for (int i = 0; i < counts.length; i++) {
            String label = "R=1 " + red + " batch " + counts[i] + " of " + maxBatch;
            Gradients got = g.gradients(new int[][] {Arrays.copyOf(idx[s], counts[i])});
            worst = Math.max(worst, compare(failures, label, got, ref[i], s, p));
          }
        }
      }
    }
    return worst;
  }

  private static double compare(
      List<Executable> failures,
      String label,
      Gradients got,
      Gradients ref,
      int firstSeed,
      Precision p) {
    double worst = 0;
    double tol = gradTol(p);
    for (int r = 0; r < got.loss().length; r++) {
      int seed = firstSeed + r;
      String who = label + " replica " + r + " (seed " + seed + ")";
      for (int l = 0; l < got.weights()[r].length; l++) {
        worst =
            Math.max(
                worst,
                check(
                    failures,
                    who + " layer " + l + " weight gradient",
                    got.weights()[r][l],
                    ref.weights()[seed][l],
                    tol));
        worst =
            Math.max(
                worst,
                check(
                    failures,
                    who + " layer " + l + " bias gradient",
                    got.biases()[r][l],
                    ref.biases()[seed][l],
                    tol));
      }
      worst =
          Math.max(
              worst,
              check(
                  failures,
                  who + " batch loss",
                  new double[] {got.loss()[r]},
                  new double[] {ref.loss()[seed]},
                  tol));
    }
    return worst;
  }

  // ---------------------------------------------------------------------------------------------
  // Trajectories

  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("cases")
  void twentyEpochTrajectoriesMatchTheComparand(Precision p, Activation act, int depth) {
    List<Executable> failures = new ArrayList<>();
    double worst =
        trajectoryParity(failures, spec(act, depth, Reduction.SUM), p, SEEDS, Rng.mix(77L + depth));
    System.out.printf(
        "trajectory %s %s depth %d on %s: max relative error %.3g%n",
        p.key(), act.key(), depth, device().name(), worst);
    assertAll(failures);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("shapeCases")
  void twentyEpochTrajectoriesOfOtherShapesMatchTheComparand(
      Shape shape, Precision p, Reduction red) {
    List<Executable> failures = new ArrayList<>();
    double worst =
        trajectoryParity(failures, shape.spec(red), p, 4, Rng.mix(88L + shape.sizes()[0]));
    System.out.printf(
        "trajectory %s %s %s on %s: max relative error %.3g%n",
        p.key(), shape, red.key(), device().name(), worst);
    assertAll(failures);
  }

  /**
   * {@link #EPOCHS} epochs of {@code replicas} replicas (seeds 0..) on the device and the comparand
   * from the same start and the same shuffles, every epoch ending on a partial batch; compares
   * every step's loss and squared gradient norms, every epoch's evaluation, and the final
   * parameters. Returns the largest relative error.
   */
  private double trajectoryParity(
      List<Executable> failures, NetworkSpec spec, Precision p, int replicas, long shuffleSeed) {
    return trajectoryParity(failures, spec, p, replicas, shuffleSeed, (sp, n) -> setups(sp, 0, n));
  }

  /** The replicas' starts of a trajectory: the same list on each call. */
  interface Starts {
    List<ReplicaSetup> of(NetworkSpec spec, int replicas);
  }

  private double trajectoryParity(
      List<Executable> failures,
      NetworkSpec spec,
      Precision p,
      int replicas,
      long shuffleSeed,
      Starts starts) {
    int steps = (N_TRAIN + BATCH - 1) / BATCH;
    // batch accuracy on, and a middle layer traced every 3rd step: 1 or 2 records per epoch of 4
    GroupSpec gs = new GroupSpec(spec, p, BATCH, steps, true, spec.layers() / 2, 3);
    double lr = lr(spec.reduction());
    double tol = trajTol(p);
    double worst = 0;
    try (Group comparand = COMPARAND.createGroup(gs, starts.of(spec, replicas));
        Group gpu = new CudaBackend(device()).createGroup(gs, starts.of(spec, replicas))) {
      Rng shuffle = new Rng(shuffleSeed);
      for (int e = 0; e < EPOCHS; e++) {
        int[][] order = new int[replicas][N_TRAIN];
        for (int[] o : order) {
          for (int k = 0; k < N_TRAIN; k++) {
            o[k] = k;
          }
          shuffle.shuffle(o);
        }
        comparand.beginEpoch(order);
        gpu.beginEpoch(order);
        for (int off = 0; off < N_TRAIN; off += BATCH) {
          int count = Math.min(BATCH, N_TRAIN - off); // the last is N_TRAIN % BATCH
          comparand.step(off, count, lr);
          gpu.step(off, count, lr);
        }
        StepLog a = gpu.endEpoch();
        StepLog b = comparand.endEpoch();
        assertEquals(b.steps(), a.steps(), vs("epoch " + e + " steps"));
        String ep = "epoch " + e;
        for (int r = 0; r < replicas; r++) {
          double[] la = new double[steps];
          double[] lb = new double[steps];
          for (int s = 0; s < steps; s++) {
            la[s] = a.loss(r, s);
            lb[s] = b.loss(r, s);
          }
          String who = ep + " replica " + r;
          worst =
              Math.max(worst, check(failures, who + " step losses (element = step)", la, lb, tol));
          for (int s = 0; s < steps; s++) {
            int count = Math.min(BATCH, N_TRAIN - s * BATCH);
            checkCount(
                failures,
                who + " step " + s + " batch accuracy",
                a.accuracy(r, s),
                b.accuracy(r, s),
                count,
                p == Precision.FP64 ? 0 : 1);
          }
          assertArrayEquals(b.traced(), a.traced(), vs(who + " traced steps"));
          for (int k = 0; k < b.traced().length; k++) {
            worst =
                Math.max(
                    worst,
                    check(
                        failures, who + " trace record " + k, a.traced(r, k), b.traced(r, k), tol));
          }
          for (int l = 0; l < spec.layers(); l++) {
            double[] ga = new double[steps];
            double[] gb = new double[steps];
            for (int s = 0; s < steps; s++) {
              ga[s] = a.gradSq(r, s, l);
              gb[s] = b.gradSq(r, s, l);
            }
            worst =
                Math.max(
                    worst,
                    check(
                        failures,
                        who + " layer " + l + " squared gradient norms (element = step)",
                        ga,
                        gb,
                        tol));
          }
        }
        worst =
            Math.max(
                worst,
                checkEvaluation(failures, ep, spec, p, gpu.evaluate(), comparand.evaluate()));
      }
      for (int r = 0; r < replicas; r++) {
        Parameters pa = gpu.parameters(r);
        Parameters pb = comparand.parameters(r);
        for (int l = 0; l < spec.layers(); l++) {
          String who = "final replica " + r + " layer " + l;
          worst =
              Math.max(
                  worst, check(failures, who + " weights", pa.weights()[l], pb.weights()[l], tol));
          worst =
              Math.max(
                  worst, check(failures, who + " biases", pa.biases()[l], pb.biases()[l], tol));
        }
      }
    }
    return worst;
  }

  /**
   * One epoch's evaluation, replica by replica; returns the largest relative error of the losses.
   */
  private static double checkEvaluation(
      List<Executable> failures,
      String ep,
      NetworkSpec spec,
      Precision p,
      Evaluation ea,
      Evaluation eb) {
    double tol = trajTol(p);
    // a prediction within rounding of 0.5, or a unit within rounding of its threshold, may flip:
    // allow one sample (one unit) in fp32, nothing in fp64
    int flips = p == Precision.FP64 ? 0 : 1;
    double worst = 0;
    for (int r = 0; r < ea.trainLoss().length; r++) {
      String who = ep + " replica " + r;
      worst =
          Math.max(
              worst,
              check(
                  failures,
                  who + " train loss",
                  new double[] {ea.trainLoss()[r]},
                  new double[] {eb.trainLoss()[r]},
                  tol));
      worst =
          Math.max(
              worst,
              check(
                  failures,
                  who + " test loss",
                  new double[] {ea.testLoss()[r]},
                  new double[] {eb.testLoss()[r]},
                  tol));
      checkCount(
          failures,
          who + " train accuracy",
          ea.trainAccuracy()[r],
          eb.trainAccuracy()[r],
          N_TRAIN,
          flips);
      checkCount(
          failures,
          who + " test accuracy",
          ea.testAccuracy()[r],
          eb.testAccuracy()[r],
          N_TEST,
          flips);
      for (int h = 0; h < spec.depth(); h++) {
        checkCount(
            failures,
            who + " hidden layer " + h + " dead-unit fraction",
            ea.deadFraction()[r][h],
            eb.deadFraction()[r][h],
            spec.fanOut(h),
            flips);
      }
    }
    return worst;
  }

  // ---------------------------------------------------------------------------------------------
  // The output gradient rules (OutputGradient): the seed's chained rule, and outputs beyond the
  // clip, where the two rules part

  /**
   * Output bias of the clipped starts: -20 or +20, so that the outputs lie around the clip bound z
   * = -+18.4 (eps 1e-8), spread by the hidden layers over a few units: some clipped, confidently
   * right or wrong, some not. Far enough for the rules to part (chained damps a wrong output 0.5
   * beyond the bound to about 0.6 of fused, 2 beyond to 0.1), near enough that the damped gradients
   * are not down at their own rounding (an ulp of p over eps).
   */
  static final double CLIPPED_BIAS = 20;

  /**
   * Replicas {@code from..} as in {@link #setups}, with the output bias +{@link #CLIPPED_BIAS} (in
   * fp64, every other replica) or -{@link #CLIPPED_BIAS}, and labels such that most clipped outputs
   * are confidently wrong: +20 keeps the circle's labels (80% are 0), -20 inverts them. No +20 in
   * fp32: there 1 - 1e-8 rounds to 1, so the upper clip bound is p = 1, which p reaches at z =
   * 17.3, and the clipped BCE of a label 0 at p = 1 is infinite under either rule, on both
   * backends.
   */
  static List<ReplicaSetup> clippedSetups(
      NetworkSpec spec, Precision p, int from, int count, boolean randomBiases) {
    List<ReplicaSetup> s = new ArrayList<>();
    for (ReplicaSetup r : setups(spec, from, count, randomBiases)) {
      boolean upper = p == Precision.FP64 && (from + s.size()) % 2 == 1;
      r.initial().biases()[spec.layers() - 1][0] = upper ? CLIPPED_BIAS : -CLIPPED_BIAS;
      DoubleUnaryOperator label = upper ? y -> y : y -> 1 - y;
      s.add(new ReplicaSetup(r.initial(), relabel(r.train(), label), relabel(r.test(), label)));
    }
    return s;
  }

  private static DataSet relabel(DataSet d, DoubleUnaryOperator label) {
    double[] y = d.y().clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = label.applyAsDouble(y[i]);
    }
    return new DataSet(d.name(), d.features(), d.x(), y);
  }

  /**
   * Both rules from clipped starts, both reductions: each rule's gradients on the device against
   * the comparand's, for every batch size of {@link #GRAD_BATCHES}; and the two rules' gradients
   * apart from each other on each backend (relative difference above 1e-2 for every replica), so
   * that the option is seen to act on both.
   */
  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("cases")
  void bothOutputGradientRulesMatchTheComparandWithClippedOutputs(
      Precision p, Activation act, int depth) {
    List<Executable> failures = new ArrayList<>();
    double worst = 0;
    double leastApart = Double.POSITIVE_INFINITY;
    for (Reduction red : Reduction.values()) {
      int[][] idx = batchIndices(SEEDS, Rng.mix(depth * 37L + act.ordinal() + 5), BATCH);
      Gradients[][] ref = new Gradients[2][];
      Gradients[][] gpu = new Gradients[2][];
      for (OutputGradient rule : OutputGradient.values()) {
        NetworkSpec spec = spec(act, depth, red).withOutputGradient(rule);
        GroupSpec gs = new GroupSpec(spec, p, BATCH, 8);
        int i = rule.ordinal();
        ref[i] = new Gradients[GRAD_BATCHES.length];
        gpu[i] = new Gradients[GRAD_BATCHES.length];
        try (Group c = COMPARAND.createGroup(gs, clippedSetups(spec, p, 0, SEEDS, true));
            Group g =
                new CudaBackend(device()).createGroup(gs, clippedSetups(spec, p, 0, SEEDS, true))) {
          for (int k = 0; k < GRAD_BATCHES.length; k++) {
            ref[i][k] = c.gradients(first(idx, GRAD_BATCHES[k]));
            gpu[i][k] = g.gradients(first(idx, GRAD_BATCHES[k]));
            String label =
                rule.key() + " clipped R=" + SEEDS + " " + red.key() + " batch " + GRAD_BATCHES[k];
            worst = Math.max(worst, compare(failures, label, gpu[i][k], ref[i][k], 0, p));
          }
        }
      }
      for (int r = 0; r < SEEDS; r++) {
        for (String backend : List.of(COMPARAND.name(), "cuda")) {
          Gradients[][] g = backend.equals("cuda") ? gpu : ref;
          double apart = rulesApart(g[0][0], g[1][0], r);
          leastApart = Math.min(leastApart, apart);
          String who = backend + " " + red.key() + " replica " + r;
          failures.add(
              () ->
                  assertTrue(
                      apart > 1e-2, who + ": fused and chained gradients differ by only " + apart));
        }
      }
    }
    System.out.printf(
        "clipped outputs, both rules, gradients %s %s depth %d on %s: max relative error %.3g;"
            + " fused vs chained at least %.3g apart%n",
        p.key(), act.key(), depth, device().name(), worst, leastApart);
    assertAll(failures);
  }

  /** Max-norm relative difference of replica r's gradients under the two rules, over layers. */
  private static double rulesApart(Gradients a, Gradients b, int r) {
    double apart = 0;
    for (int l = 0; l < a.weights()[r].length; l++) {
      apart = Math.max(apart, relErr(a.weights()[r][l], b.weights()[r][l])[0]);
      apart = Math.max(apart, relErr(a.biases()[r][l], b.biases()[r][l])[0]);
    }
    return apart;
  }

  /**
   * Chained trajectories, both reductions, against the comparand as for fused above (every step's
   * loss and gradient norms, every epoch's evaluation, the final parameters): from the usual
   * starts, and at depths up to 4 from clipped starts. (At depth 8, ReLU nets stepping from outputs
   * 20 units out swing them past p = 1 in fp32, where the loss of a label 0 is infinite on both
   * backends.)
   */
  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("cases")
  void chainedTwentyEpochTrajectoriesMatchTheComparand(Precision p, Activation act, int depth) {
    List<Executable> failures = new ArrayList<>();
    double worst = 0;
    double worstClipped = 0;
    for (Reduction red : Reduction.values()) {
      NetworkSpec spec = spec(act, depth, red).withOutputGradient(OutputGradient.CHAINED);
      long shuffleSeed = Rng.mix(99L + depth);
      worst = Math.max(worst, trajectoryParity(failures, spec, p, SEEDS, shuffleSeed));
      if (depth <= 4) {
        worstClipped =
            Math.max(
                worstClipped,
                trajectoryParity(
                    failures,
                    spec,
                    p,
                    SEEDS,
                    shuffleSeed,
                    (sp, n) -> clippedSetups(sp, p, 0, n, false)));
      }
    }
    System.out.printf(
        "chained trajectory %s %s depth %d on %s: max relative error %.3g, from clipped outputs"
            + " %s%n",
        p.key(),
        act.key(),
        depth,
        device().name(),
        worst,
        depth <= 4 ? String.format("%.3g", worstClipped) : "(not run)");
    assertAll(failures);
  }

  // ---------------------------------------------------------------------------------------------
  // Predictions at any points (Group.predict)

  /** Points per side of the prediction grid: 41 x 41 = 1681, past one pass of the device's. */
  static final int GRID = 41;

  /**
   * A {@link #GRID} x {@link #GRID} grid over [-1.5, 1.5]^2, row-major points: beyond the data's
   * square, as a decision-boundary plot's margin is, so units switch on and off where no training
   * point reaches.
   */
  static double[] grid() {
    double[] x = new double[2 * GRID * GRID];
    for (int i = 0; i < GRID; i++) {
      for (int j = 0; j < GRID; j++) {
        x[2 * (i * GRID + j)] = -1.5 + 3.0 * i / (GRID - 1);
        x[2 * (i * GRID + j) + 1] = -1.5 + 3.0 * j / (GRID - 1);
      }
    }
    return x;
  }

  /** {@code n} points of {@code f} features uniform in [-1.5, 1.5]. */
  static double[] points(int f, int n, long seed) {
    Rng rng = new Rng(seed);
    double[] x = new double[f * n];
    for (int k = 0; k < x.length; k++) {
      x[k] = rng.uniform(-1.5, 1.5);
    }
    return x;
  }

  /**
   * The seed study's networks: the outputs at a grid of points, against the comparand's, with R = 1
   * and with the middle replica of R = {@link #SEEDS}, within the evaluation's bound ({@link
   * #trajTol}). The grid takes two passes through the device's prediction buffers, the second a
   * partial one ({@link CudaGroup#PREDICT_CHUNK} = 1024 points).
   */
  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("cases")
  void predictionsOnAGridMatchTheComparand(Precision p, Activation act, int depth) {
    assertTrue(GRID * GRID > CudaGroup.PREDICT_CHUNK, "the grid must take more than one pass");
    List<Executable> failures = new ArrayList<>();
    double worst = predictionParity(failures, spec(act, depth, Reduction.SUM), p, SEEDS, grid());
    System.out.printf(
        "predictions %s %s depth %d on %s: max relative error %.3g%n",
        p.key(), act.key(), depth, device().name(), worst);
    assertAll(failures);
  }

  /** {@link #SHAPES}: 1500 random points of each net's input count, as above. */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("shapeCases")
  void predictionsOfOtherShapesMatchTheComparand(Shape shape, Precision p, Reduction red) {
    List<Executable> failures = new ArrayList<>();
    int f = shape.sizes()[0];
    double worst =
        predictionParity(failures, shape.spec(red), p, 4, points(f, 1500, Rng.mix(61L + f)));
    System.out.printf(
        "predictions %s %s on %s: max relative error %.3g%n",
        p.key(), shape, device().name(), worst);
    assertAll(failures);
  }

  /**
   * Predictions at {@code x} with replica {@code replicas / 2} of a group of {@code replicas}
   * (seeds 0..) and with a group of that seed alone, on the device and the comparand, from the same
   * parameters (random biases, so the bias path counts); returns the largest relative error.
   */
  private double predictionParity(
      List<Executable> failures, NetworkSpec spec, Precision p, int replicas, double[] x) {
    GroupSpec gs = new GroupSpec(spec, p, BATCH, 8);
    int middle = replicas / 2;
    double tol = trajTol(p);
    double worst = 0;
    for (int r : new int[] {1, replicas}) {
      int from = r == 1 ? middle : 0;
      int replica = r == 1 ? 0 : middle;
      String who = "R=" + r + " replica " + replica + " (seed " + middle + ") predictions";
      try (Group comparand = COMPARAND.createGroup(gs, setups(spec, from, r, true));
          Group gpu = new CudaBackend(device()).createGroup(gs, setups(spec, from, r, true))) {
        double[] want = comparand.predict(replica, x);
        double[] got = gpu.predict(replica, x);
        worst = Math.max(worst, check(failures, who, got, want, tol));
        double[] none = gpu.predict(replica, new double[0]);
        failures.add(() -> assertEquals(0, none.length, vs(who + " of no points")));
      }
    }
    return worst;
  }

  // ---------------------------------------------------------------------------------------------
  // Sharpness and setParameters

  /**
   * Sharpness tolerance, relative. The comparand's Hessian-vector products run on the host (RPass,
   * fp64), the device's on the device (DeviceRPass, in the group's precision: fp32 rounding in
   * fp32), at the same parameters (nothing trained), so the two agree to that rounding and the
   * Lanczos combinations'; 1e-8 and 1e-3 leave room for a GPU, while a wrong batch weight or a
   * parameter not restored is off by percents.
   */
  static double sharpTol(Precision p) {
    return p == Precision.FP64 ? 1e-8 : 1e-3;
  }

  /**
   * {@link Sharpness} on the device against the comparand: 3 replicas of the seed study's nets,
   * both reductions, gradients over batches of 16 (56 = 3 x 16 + 8), 10 power iterations; and the
   * parameters are back bit for bit afterwards.
   */
  @ParameterizedTest(name = "{0} {1} depth {2}")
  @MethodSource("cases")
  void sharpnessMatchesTheComparand(Precision p, Activation act, int depth) {
    List<Executable> failures = new ArrayList<>();
    double worst = 0;
    int replicas = 3;
    for (Reduction red : Reduction.values()) {
      NetworkSpec spec = spec(act, depth, red);
      GroupSpec gs = new GroupSpec(spec, p, BATCH, 8);
      double[] ref;
      try (Group g = COMPARAND.createGroup(gs, setups(spec, 0, replicas, true))) {
        ref = new Sharpness(g, replicas, N_TRAIN, BATCH, BATCH, red).estimate(10, 3);
      }
      try (Group g = new CudaBackend(device()).createGroup(gs, setups(spec, 0, replicas, true))) {
        List<Parameters> before = g.allParameters();
        double[] got = new Sharpness(g, replicas, N_TRAIN, BATCH, BATCH, red).estimate(10, 3);
        List<Parameters> after = g.allParameters();
        for (int r = 0; r < replicas; r++) {
          double e = Math.abs(got[r] - ref[r]) / Math.max(Math.abs(ref[r]), 1e-12);
          worst = Math.max(worst, e);
          String label = red.key() + " replica " + r;
          double gr = got[r];
          double rr = ref[r];
          if (!(e <= sharpTol(p))) {
            failures.add(() -> fail(vs(label + ": sharpness " + gr + " vs " + rr + ", rel " + e)));
          }
          for (int l = 0; l < spec.layers(); l++) {
            int layer = l;
            int rep = r;
            failures.add(
                () ->
                    assertArrayEquals(
                        before.get(rep).weights()[layer],
                        after.get(rep).weights()[layer],
                        0.0,
                        vs(label + " layer " + layer + ": weights not restored")));
          }
        }
      }
    }
    System.out.printf(
        "sharpness %s %s depth %d on %s: max relative error %.3g%n",
        p.key(), act.key(), depth, device().name(), worst);
    assertAll(failures);
  }

  /**
   * setParameters then allParameters gives back the same bits (values rounded to the precision
   * first), and the gradients at the set point match the comparand's at the same point.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Precision.class)
  void setParametersRoundTrips(Precision p) {
    NetworkSpec spec = spec(Activation.TANH, 2, Reduction.MEAN);
    GroupSpec gs = new GroupSpec(spec, p, BATCH, 8);
    int replicas = 2;
    Rng rng = new Rng(77);
    List<Parameters> set = new ArrayList<>();
    for (int r = 0; r < replicas; r++) {
      Parameters q = Initializer.draw(spec, Init.XAVIER_NORMAL, 0.3, rng);
      if (p == Precision.FP32) {
        for (int l = 0; l < q.layers(); l++) {
          roundToFloat(q.weights()[l]);
          roundToFloat(q.biases()[l]);
        }
      }
      set.add(q);
    }
    int[][] idx = batchIndices(replicas, 5);
    Gradients ref;
    try (Group g = COMPARAND.createGroup(gs, setups(spec, 0, replicas, true))) {
      g.setParameters(set);
      ref = g.gradients(idx);
    }
    List<Executable> failures = new ArrayList<>();
    try (Group g = new CudaBackend(device()).createGroup(gs, setups(spec, 0, replicas, true))) {
      g.setParameters(set);
      List<Parameters> back = g.allParameters();
      for (int r = 0; r < replicas; r++) {
        for (int l = 0; l < spec.layers(); l++) {
          int rep = r;
          int layer = l;
          failures.add(
              () ->
                  assertArrayEquals(
                      set.get(rep).weights()[layer],
                      back.get(rep).weights()[layer],
                      0.0,
                      vs("replica " + rep + " layer " + layer + " weights")));
          failures.add(
              () ->
                  assertArrayEquals(
                      set.get(rep).biases()[layer],
                      back.get(rep).biases()[layer],
                      0.0,
                      vs("replica " + rep + " layer " + layer + " biases")));
        }
      }
      compare(failures, "after setParameters", g.gradients(idx), ref, 0, p);
    }
    assertAll(failures);
  }

  private static void roundToFloat(double[] v) {
    for (int k = 0; k < v.length; k++) {
      v[k] = (float) v[k];
    }
  }
}
