package dev.depthlab.backend.cuda;

import dev.depthlab.backend.GroupSpec;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * The fused path of a {@link CudaGroup}: the epoch's steps are recorded on the host and run at
 * {@link CudaGroup#endEpoch} as one launch of {@code fused_epoch} (kernels/fused.cu), one thread
 * block of {@link #THREADS} threads per replica, on the group's own buffers (parameters, data,
 * sample order, diagnostics and trace records keep the layered path's layouts, so gradients,
 * predictions and parameter copies stay the layered path's code). The evaluation is one launch of
 * {@code fused_eval} ({@link #evaluate}), on the same layout.
 *
 * <p>A shape qualifies ({@link #qualifies}) when every hidden layer has at most {@link #MAX_WIDTH}
 * units, there are at most {@link #MAX_LAYERS} weight layers, and one replica's activations and
 * gradients fit in {@link #SHARED_BUDGET} bytes of shared memory; its parameters go there too when
 * they also fit, else they stay in global memory. See docs/gpu.md, "The fused path".
 */
final class FusedEpoch {
  /** Widest hidden layer of a qualifying shape. */
  static final int MAX_WIDTH = 64;

  /** Most weight layers (depth + 1): DL_FUSED_MAX_LAYERS of kernels/fused.cu. */
  static final int MAX_LAYERS = 32;

  /**
   * Dynamic shared memory a block may use: 99 KiB, the opt-in maximum of compute capability 8.6 and
   * 8.9 (8.0 allows 163 KiB, 9.0 227 KiB), so every GPU from the A100 on runs every shape that
   * qualifies.
   */
  static final int SHARED_BUDGET = 99 * 1024;

  /** Threads of a block: strided loops, so any multiple of 32 gives the same bits. */
  static final int THREADS = 128;

  private static final int ARG_ORDER = 6;
  private static final int ARG_ORDER_STRIDE = 7;
  private static final int ARG_STEPS = 8;
  private static final int ARG_DIAG = 10;
  private static final int ARG_MAX_STEPS = 11;
  private static final int ARG_EPOCH_EVAL = 25;
  private static final int ARG_EPOCH_EVAL_STRIDE = 26;
  private static final int ARG_SNAPSHOT = 27;
  private static final int ARG_EVAL_OUT = 9;
  private static final int ARG_EVAL_STRIDE = 10;

  private final Lane dev;
  private final int replicas;
  private final Lane.Launcher launch;
  private final Lane.Launcher evalLaunch;
  private final long stepTable;
  private final long diag;
  private final int maxSteps;
  private final double[] steps;
  private int count;

  /**
   * Prepares the launch of a group of this layout over its buffers; {@code alloc} allocates
   * group-owned device memory.
   */
  FusedEpoch(
      Lane dev, GroupSpec spec, GroupLayout group, GroupBuffers buf, LongUnaryOperator alloc) {
    int replicas = group.replicas;
    long params = buf.params;
    int[] wOff = group.wOff;
    int[] bOff = group.bOff;
    long trainX = buf.trainX;
    long trainY = buf.trainY;
    int nTrain = group.nTrain;
    long testX = buf.testX;
    long testY = buf.testY;
    int nTest = group.nTest;
    long diag = buf.diag;
    long trace = buf.trace;
    int paramCount = group.paramCount;
    String why = whyNot(spec);
    if (why != null) {
      throw new IllegalArgumentException("the fused path does not fit " + spec.net() + ": " + why);
    }
    NetworkSpec net = spec.net();
    int layers = net.layers();
    int[] sizes = net.sizes();
    this.dev = dev;
    this.replicas = replicas;
    this.maxSteps = spec.maxStepsPerEpoch();
    this.diag = diag;
    boolean weightsShared = weightsFit(spec);
    FusedLayout layout =
        FusedLayout.of(sizes, spec.maxBatch(), spec.precision(), weightsShared, wOff, bOff);
    int[] table = layout.table();
    long tableBuf = alloc.applyAsLong(4L * table.length);
    dev.copyIn(tableBuf, table);
    steps = new double[4 * maxSteps];
    stepTable = alloc.applyAsLong(8L * steps.length);
    int shared = layout.bytes();
    String kernel = spec.precision() == Precision.FP64 ? "fused_epoch_f64" : "fused_epoch_f32";
    launch =
        dev.prepareWithSharedMemory(
            kernel,
            THREADS,
            shared,
            params,
            tableBuf,
            layers,
            trainX,
            trainY,
            nTrain,
            stepTable, // order: set per launch
            1,
            stepTable,
            0,
            diag,
            maxSteps,
            spec.maxBatch(),
            net.activation().ordinal(),
            net.leakySlope(),
            net.clipEps(),
            net.reduction() == Reduction.MEAN ? 1 : 0,
            net.outputGradient() == OutputGradient.CHAINED ? 1 : 0,
            weightsShared ? 1 : 0,
            trace == 0 ? diag : trace, // never written without a traced layer
            Math.max(spec.traceLayer(), 0),
            replicas,
            testX,
            testY,
            nTest,
            diag, // evaluations and parameter copies: set per launch of several epochs
            0,
            diag,
            paramCount);
    evalLaunch =
        dev.prepareWithSharedMemory(
            spec.precision() == Precision.FP64 ? "fused_eval_f64" : "fused_eval_f32",
            THREADS,
            shared,
            params,
            tableBuf,
            layers,
            trainX,
            trainY,
            nTrain,
            testX,
            testY,
            nTest,
            diag, // out: set per evaluation
            1,
            spec.maxBatch(),
            net.activation().ordinal(),
            net.leakySlope(),
            net.clipEps());
  }

  /**
   * The oldest compute capability (major) whose blocks may opt in to {@link #SHARED_BUDGET} of
   * shared memory: 7.5 allows 64 KiB, 7.0 96 KiB.
   */
  static final int MIN_COMPUTE_MAJOR = 8;

  /**
   * Why a device with {@code details} ({@link Device#details}) cannot run the fused path, or null:
   * a compute capability below {@link #MIN_COMPUTE_MAJOR}.0. A device that does not report one (the
   * emulated device) can.
   */
  static String deviceTooOld(Map<String, String> details) {
    String cc = details.get("compute capability");
    if (cc == null) {
      return null;
    }
    int major;
    try {
      major =
          Integer.parseInt(cc.substring(0, cc.indexOf('.') < 0 ? cc.length() : cc.indexOf('.')));
    } catch (NumberFormatException e) {
      return null;
    }
    return major >= MIN_COMPUTE_MAJOR
        ? null
        : "compute capability "
            + cc
            + " allows a block less than "
            + SHARED_BUDGET / 1024
            + " KiB of shared memory (the fused path needs "
            + MIN_COMPUTE_MAJOR
            + ".0 or later)";
  }

  /** Whether {@code spec}'s shape runs on the fused path (see the class comment). */
  static boolean qualifies(GroupSpec spec) {
    return whyNot(spec) == null;
  }

  /** Why {@code spec}'s shape does not qualify, or null when it does. */
  static String whyNot(GroupSpec spec) {
    NetworkSpec net = spec.net();
    int[] sizes = net.sizes();
    for (int h = 1; h < sizes.length - 1; h++) {
      if (sizes[h] > MAX_WIDTH) {
        return "hidden layer " + h + " has " + sizes[h] + " units (at most " + MAX_WIDTH + ")";
      }
    }
    if (net.layers() > MAX_LAYERS) {
      return net.layers() + " weight layers (at most " + MAX_LAYERS + ")";
    }
    int bytes = sharedBytes(spec, false);
    if (bytes > SHARED_BUDGET) {
      return "a replica's activations and gradients take "
          + bytes
          + " bytes of shared memory (at most "
          + SHARED_BUDGET
          + ")";
    }
    return null;
  }

  /** Whether the parameters fit in shared memory beside the activations and gradients. */
  static boolean weightsFit(GroupSpec spec) {
    return sharedBytes(spec, true) <= SHARED_BUDGET;
  }

  /**
   * Bytes of shared memory of one block, the layout of kernels/fused.cu ({@link FusedLayout}): 2
   * doubles per batch row (loss and correctness), the layout table, then in the precision's type
   * the parameters (with {@code weights}, rows padded), the gradients, each layer's input and
   * pre-activation rows, and the labels.
   */
  static int sharedBytes(GroupSpec spec, boolean weights) {
    return FusedLayout.of(
            spec.net().sizes(), spec.maxBatch(), spec.precision(), weights, null, null)
        .bytes();
  }

  /**
   * Enqueues the evaluation ({@link dev.depthlab.backend.Group#evaluate}) as one launch of {@code
   * fused_eval}: per replica r, at {@code out + 8 * r * width}: the training set's mean loss and
   * accuracy, the test set's, then 1 or 0 per hidden unit (inactive on every training row or not),
   * the layered path's evaluation layout, computed as the CPU computes it.
   */
  void evaluate(long out, int width) {
    evalLaunch.setPointer(ARG_EVAL_OUT, out);
    evalLaunch.setInt(ARG_EVAL_STRIDE, width);
    evalLaunch.enqueue(replicas);
  }

  /** Starts an epoch's record. */
  void begin() {
    count = 0;
  }

  /** Records one step: its rows of the order, learning rate and trace slot (-1: none). */
  void record(int offset, int rows, double lr, int traceSlot) {
    int k = 4 * count++;
    steps[k] = offset;
    steps[k + 1] = rows;
    steps[k + 2] = traceSlot;
    steps[k + 3] = lr;
  }

  /** Uploads the recorded steps (one copy) and enqueues the epoch's one launch. */
  void run(long order, int orderStride) {
    if (count == 0) {
      return;
    }
    dev.copyIn(stepTable, steps);
    launch.setPointer(ARG_DIAG, diag);
    launch.setInt(ARG_MAX_STEPS, maxSteps);
    launch.setPointer(ARG_ORDER, order);
    launch.setInt(ARG_ORDER_STRIDE, orderStride);
    launch.setInt(ARG_STEPS + 1, count);
    launch.setPointer(ARG_STEPS, stepTable);
    launch.enqueue(replicas);
    count = 0;
  }

  /**
   * Enqueues one launch of several epochs ({@link FusedEpochs}): {@code rows} rows of the step
   * table at {@code table} (already uploaded), over the orders at {@code order}; the k-th training
   * step's diagnostics row at {@code diagOut + 8 * (r * diagRows + k) * width}, evaluation slot q
   * at {@code evalOut + 8 * (q * R + r) * evalWidth}, parameter copy q at {@code snapshots + 8 * q
   * * paramCount}.
   */
  void runEpochs(
      long order,
      int orderStride,
      long table,
      int rows,
      long diagOut,
      int diagRows,
      long evalOut,
      int evalWidth,
      long snapshots) {
    launch.setPointer(ARG_ORDER, order);
    launch.setInt(ARG_ORDER_STRIDE, orderStride);
    launch.setPointer(ARG_STEPS, table);
    launch.setInt(ARG_STEPS + 1, rows);
    launch.setPointer(ARG_DIAG, diagOut);
    launch.setInt(ARG_MAX_STEPS, diagRows);
    launch.setPointer(ARG_EPOCH_EVAL, evalOut);
    launch.setInt(ARG_EPOCH_EVAL_STRIDE, evalWidth);
    launch.setPointer(ARG_SNAPSHOT, snapshots);
    launch.enqueue(replicas);
  }
}
