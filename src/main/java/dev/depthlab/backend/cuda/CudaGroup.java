package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.common.UserError;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * R replicas on a {@link Device}: parameters, gradients, activations, data and diagnostics all live
 * in device memory, replica r's block of each buffer at r times the buffer's per-replica stride.
 *
 * <h2>Row-major on a column-major BLAS</h2>
 *
 * Every matrix here is row-major, as on the CPU: activations {@code [rows x units]}, weights {@code
 * [fanIn x fanOut]} ({@link Parameters}). cuBLAS is column-major. A row-major {@code [m x n]}
 * matrix with row length n is, byte for byte, the column-major {@code [n x m]} matrix (its
 * transpose) with leading dimension n. So each product {@code C = A B} is issued as {@code C^T =
 * B^T A^T}: operands swap places, and a transpose of a row-major operand becomes no transpose. The
 * three products of a layer (a = input, z = pre-activation, W = weights, rows = batch):
 *
 * <pre>
 *   forward   Z  = A  W    ->  gemm(N, N, m=out, n=rows, k=in,   W,  ld out;  A,  ld in;  Z,  ld out)
 *   weights   dW = A^T dZ  ->  gemm(N, T, m=out, n=in,   k=rows, dZ, ld out;  A,  ld in;  dW, ld out)
 *   inputs    dA = dZ W^T  ->  gemm(T, N, m=in,  n=rows, k=out,  W,  ld out;  dZ, ld out; dA, ld in)
 * </pre>
 *
 * each one strided-batched over the R replicas ({@link CudaKernelCalls#forward}, {@link
 * CudaKernelCalls#weightGradient}, {@link CudaKernelCalls#inputGradient}).
 *
 * <h2>Calls per training step</h2>
 *
 * With L = depth + 1 weight layers, a step enqueues 1 gather + L forward GEMMs + (L - 1)
 * bias/activation kernels + 1 output kernel (loss and dL/dz per sample) + L weight-gradient GEMMs +
 * (L - 1) input-gradient GEMMs + (L - 1) activation-backward/bias-gradient kernels + 3 kernels at
 * the end (squared-norm chunk partials; the diagnostics row, with the batch accuracy, and output
 * bias gradient; the SGD update, one thread per parameter) = <b>5 L + 2 = 5 * (depth + 1) + 2</b>
 * launches and cuBLAS calls, independent of R, and never waits for the device. A step that traces a
 * layer ({@link GroupSpec#traceLayer}) adds one launch, the layer's copy into the trace buffer.
 *
 * <h2>Copies per epoch</h2>
 *
 * An epoch copies between host and device a fixed number of times, whatever the depth and R: {@link
 * #beginEpoch} uploads every replica's order in one copy and {@link #endEpoch} reads the whole
 * epoch's step diagnostics in one; a diagnosed epoch adds {@link #evaluate}, which reads one result
 * buffer (loss and accuracy on both sets and the dead-unit flags of every replica), and {@link
 * #allParameters}, which reads the one parameter buffer: 4 copies (2 without diagnostics; one more
 * in {@code endEpoch} when the epoch traced a layer: its records). Only the first epoch allocates
 * (the order and evaluation buffers). An evaluation enqueues 5 L + 2 calls.
 *
 * <h2>Deterministic sums</h2>
 *
 * Kernels never use atomics or shared memory (the emulator runs threads one after another, without
 * barriers). A sum over many elements (a layer's squared gradient, a set's loss, accuracy and
 * active units) takes two launches: one thread per chunk of {@link #CHUNK} consecutive elements
 * sums its chunk in order into a partial, then one thread per result sums the partials in order.
 * Sums over a training batch's rows (bias gradients, the batch loss) stay one thread per replica
 * and unit, over at most maxBatch rows. The order depends only on the shapes, so the same inputs
 * give the same bits on every run.
 *
 * <h2>Graphs</h2>
 *
 * With graphs on ({@link CudaBackend.Graphs}), {@link #step} enqueues nothing: it checks its
 * arguments and notes (step, offset, count, learning rate, trace record). {@link #endEpoch} then
 * runs the epoch's steps as one CUDA graph ({@link Device#beginCapture}): the first epoch captures
 * them, exactly the calls the step-by-step path enqueues, in the same order, and every later epoch
 * whose steps match (the same offsets, counts, learning rates and trace records, the same order
 * buffer) launches the captured graph again: one host call per epoch instead of {@code (5 L + 2)}
 * per step. What varies between epochs, the sample order, is read from device memory (the order
 * buffer {@link #beginEpoch} fills) when the graph runs, never baked into it; the offsets,
 * diagnostic slots and learning rate are the same every epoch of a run (the learning rate is a
 * constant of the study; a different one only makes the next epoch capture anew). A call that needs
 * the epoch's steps done before it ({@link #gradients}, {@link #evaluate}, ... inside an epoch)
 * first enqueues the steps noted so far one by one. The same kernels run in the same order on the
 * same bytes, so both paths give the same bits.
 *
 * <h2>Lanes</h2>
 *
 * A group opens its own lane on the device ({@link Device#openLane}: on the GPU a non-blocking CUDA
 * stream with its own cuBLAS handle) and sends all its work there, so groups driven from different
 * threads run side by side on one GPU. A group is used by one thread at a time; {@link #close}
 * frees its memory and closes the lane.
 */
final class CudaGroup implements Group {
  /** Elements per chunk of the two-pass sums (see the class comment). */
  static final int CHUNK = 64;

  /** Points per pass of {@link #predict}; more points go through the same buffers in turns. */
  static final int PREDICT_CHUNK = 1024;

  /** evalOut's columns: train loss and accuracy, test loss and accuracy, then dead-unit flags. */
  private static final int EVAL_TRAIN = 0;

  private static final int EVAL_TEST = 2;
  private static final int EVAL_DEAD = 4;

  private final Device dev;

  /**
   * Whether an epoch's steps run as one graph (see the class comment). Turned off for the rest of
   * the group's life when a capture fails: the epoch then runs step by step, with a warning.
   */
  private boolean graphs;

  /**
   * Whether this group's lane has run its step's GEMMs uncaptured: cuBLAS initialises a handle
   * lazily on its first calls, which must not happen inside a capture (graphs only).
   */
  private boolean warmedUp;

  /** The epoch's steps noted by {@link #step} and not yet enqueued (graphs only). */
  private final List<NotedStep> noted = new ArrayList<>();

  /** The last epoch's captured graph and the steps it holds; null before the first. */
  private EpochGraph epochGraph;

  /** Graphs captured and graph launches over the group's life (tests and bench count them). */
  private int captures;

  private long graphLaunches;

  /** The kernels and GEMMs on this group's lane, in its precision. */
  private final CudaKernelCalls calls;

  private final GroupSpec spec;
  private final NetworkSpec net;
  private final int replicas;
  private final int layers;
  private final int[] sizes;
  private final boolean fp64;
  private final int elem;
  private final int act;
  private final double slope;
  private final double clipEps;
  private final int mean;
  private final int maxBatch;
  private final int maxSteps;
  private final int diagWidth;
  private final int hiddenUnits;

  private final int[] wOff;
  private final int[] bOff;
  private final int paramCount;
  private final int nTrain;
  private final int nTest;

  private final List<Long> owned = new ArrayList<>();

  /** Every replica's parameters (and, alike, gradients): per layer W of all R, then b of all R. */
  private final long params;

  private final long grads;

  /**
   * The squared-norm chunks: {@code normTable[4 l ..]} = layer l's first chunk, chunks per replica,
   * weight block offset, weights per replica; {@code normPartial[normChunks]} their sums.
   */
  private final long normTable;

  private final int normChunks;
  private final long normPartial;

  /** Training activations: a[l] input of layer l, z[l] its pre-activation, dz[l] dL/dz. */
  private final long[] a;

  private final long[] z;
  private final long[] dz;
  private final long yBatch;

  /** [R][maxBatch] doubles: each sample's loss in the last batch. */
  private final long lossRows;

  /** The kernels of a training batch, prepared once; see {@link BatchLaunches}. */
  private final BatchLaunches batchLaunches;

  private final long trainX;
  private final long trainY;
  private final long testX;
  private final long testY;

  /**
   * [R][maxSteps][diagWidth = 2 + layers]: loss, each layer's squared weight-gradient norm, then
   * the batch accuracy.
   */
  private final long diag;

  /** [R][diagWidth]: the same for {@link #gradients}. */
  private final long scratchDiag;

  /**
   * The traced layer's records of the epoch, [traceSlots][R][traceSize] (slot-major, so the epoch's
   * records are one prefix); 0 when the group traces no layer (see {@link GroupSpec}).
   */
  private final long trace;

  private final int traceSize;
  private final int[] traced;
  private int tracedCount;

  /** Steps taken over the group's life, for the trace interval. */
  private long lifeSteps;

  private long order;
  private int orderCapacity;
  private int orderStride;
  private int[] orderLengths;
  private int steps;
  private boolean inEpoch;

  /** Evaluation buffers, allocated by the first {@link #evaluate}. */
  private long[] evalZ;

  private long[] evalA;

  /** [R][2 chunks] of the set being evaluated: loss sum and correct count per chunk of rows. */
  private long evalPartial;

  /** [R][hidden units][train chunks] ints: 1 where the unit is active in the chunk. */
  private long alive;

  /** [R][evalWidth] doubles: everything {@link #evaluate} returns, read in one copy. */
  private long evalOut;

  private final int evalWidth;

  /**
   * Prediction buffers, allocated by the first {@link #predict}: one replica's inputs, its layers'
   * pre-activations and activations, and its outputs, for {@link #PREDICT_CHUNK} points.
   */
  private long predictX;

  private long[] predictZ;
  private long[] predictA;
  private long predictOut;

  private boolean closed;

  /** The fused path's epoch launch (see {@link FusedEpoch}); null on the layered path. */
  private final FusedEpoch fused;

  CudaGroup(Device device, GroupSpec spec, List<ReplicaSetup> setups) {
    this(device, spec, setups, false, false);
  }

  /**
   * With {@code fusedPath}, training epochs run as one fused launch (the shape must qualify);
   * otherwise, with {@code graphs}, as captured graphs (the device must support them).
   */
  CudaGroup(
      Device device, GroupSpec spec, List<ReplicaSetup> setups, boolean fusedPath, boolean graphs) {
    if (graphs && !fusedPath && !device.supportsGraphs()) {
      throw new IllegalArgumentException(device.name() + " cannot capture graphs");
    }
    this.graphs = graphs && !fusedPath; // the fused path launches once an epoch already
    this.spec = spec;
    this.net = spec.net();
    this.replicas = setups.size();
    if (replicas < 1) {
      throw new IllegalArgumentException("a group needs at least one replica");
    }
    this.layers = net.layers();
    this.sizes = net.sizes();
    this.fp64 = spec.precision() == Precision.FP64;
    this.elem = fp64 ? 8 : 4;
    this.act = net.activation().ordinal(); // DL_RELU 0, DL_LEAKY_RELU 1, DL_TANH 2
    this.slope = net.leakySlope();
    this.clipEps = net.clipEps();
    this.mean = net.reduction() == Reduction.MEAN ? 1 : 0;
    this.maxBatch = spec.maxBatch();
    this.maxSteps = spec.maxStepsPerEpoch();
    this.diagWidth = 2 + layers;
    this.traceSize = spec.traceSize();
    this.traced = new int[spec.traceSlots()];
    int hidden = 0;
    for (int h = 1; h < layers; h++) {
      hidden += sizes[h];
    }
    this.hiddenUnits = hidden;
    this.evalWidth = EVAL_DEAD + hiddenUnits;

    DataSet train0 = setups.get(0).train();
    DataSet test0 = setups.get(0).test();
    nTrain = train0.size();
    nTest = test0.size();
    for (int r = 0; r < replicas; r++) {
      DataSet tr = setups.get(r).train();
      DataSet te = setups.get(r).test();
      if (tr.size() != nTrain || te.size() != nTest) {
        throw new IllegalArgumentException(
            "cuda groups need equal train and test sizes across "
                + "replicas; replica "
                + r
                + " has "
                + tr.size()
                + "/"
                + te.size()
                + ", replica 0 "
                + nTrain
                + "/"
                + nTest);
      }
      if (tr.features() != net.inputs() || te.features() != net.inputs()) {
        throw new IllegalArgumentException(
            "replica "
                + r
                + ": data has "
                + tr.features()
                + " features, the network "
                + net.inputs()
                + " inputs");
      }
      checkShape(setups.get(r).initial());
    }

    // parameter blocks: for each layer, W of all replicas, then b of all replicas
    wOff = new int[layers];
    bOff = new int[layers];
    int[] table = new int[4 * layers];
    int off = 0;
    int chunks = 0;
    for (int l = 0; l < layers; l++) {
      int wn = elements("layer " + l + "'s weights", sizes[l], sizes[l + 1]);
      wOff[l] = off;
      off = elements("the parameters", 1, off + (long) elements("weights", replicas, wn));
      bOff[l] = off;
      off = elements("the parameters", 1, off + (long) elements("biases", replicas, sizes[l + 1]));
      int perReplica = (wn + CHUNK - 1) / CHUNK;
      table[4 * l] = chunks;
      table[4 * l + 1] = perReplica;
      table[4 * l + 2] = wOff[l];
      table[4 * l + 3] = wn;
      chunks += replicas * perReplica; // at most the parameters' count, checked above
    }
    paramCount = off;
    normChunks = chunks;

    // every buffer's elements fit the kernels' 32-bit indices (kernels/common.cuh), before any
    // allocation: the batch rows, the data sets, the diagnostics, the evaluation
    for (int l = 0; l < layers; l++) {
      elements("layer " + l + "'s batch activations", replicas, maxBatch, sizes[l]);
      elements("layer " + l + "'s batch outputs", replicas, maxBatch, sizes[l + 1]);
      elements(
          "layer " + l + "'s evaluation outputs", replicas, Math.max(nTrain, nTest), sizes[l + 1]);
    }
    elements("the training inputs", replicas, nTrain, sizes[0]);
    elements("the test inputs", replicas, Math.max(nTest, 1), sizes[0]);
    elements("the step diagnostics", replicas, maxSteps, diagWidth);

    this.dev = device.openLane();
    this.calls = new CudaKernelCalls(dev, spec.precision());
    try {
      if (this.graphs) {
        dev.useOwnGemmWorkspace(); // before any capture (Device#useOwnGemmWorkspace)
      }
      params = alloc((long) paramCount * elem);
      grads = alloc((long) paramCount * elem);
      normTable = alloc(4L * table.length);
      dev.copyIn(normTable, table);
      normPartial = alloc(8L * normChunks);

      a = new long[layers];
      z = new long[layers];
      dz = new long[layers];
      for (int l = 0; l < layers; l++) {
        a[l] = alloc((long) replicas * maxBatch * sizes[l] * elem);
        z[l] = alloc((long) replicas * maxBatch * sizes[l + 1] * elem);
        dz[l] = alloc((long) replicas * maxBatch * sizes[l + 1] * elem);
      }
      yBatch = alloc((long) replicas * maxBatch * elem);
      lossRows = alloc(8L * replicas * maxBatch);

      // every replica's data set, one copy per buffer (replica r's block at r * its size)
      int f = net.inputs();
      trainX = alloc((long) replicas * nTrain * f * elem);
      trainY = alloc((long) replicas * nTrain * elem);
      testX = alloc((long) replicas * Math.max(nTest, 1) * f * elem);
      testY = alloc((long) replicas * Math.max(nTest, 1) * elem);
      double[] trX = new double[replicas * nTrain * f];
      double[] trY = new double[replicas * nTrain];
      double[] teX = new double[replicas * nTest * f];
      double[] teY = new double[replicas * nTest];
      double[] p0 = new double[paramCount];
      for (int r = 0; r < replicas; r++) {
        ReplicaSetup s = setups.get(r);
        System.arraycopy(s.train().x(), 0, trX, r * nTrain * f, nTrain * f);
        System.arraycopy(s.train().y(), 0, trY, r * nTrain, nTrain);
        System.arraycopy(s.test().x(), 0, teX, r * nTest * f, nTest * f);
        System.arraycopy(s.test().y(), 0, teY, r * nTest, nTest);
        pack(s.initial(), r, p0);
      }
      upload(trainX, trX);
      upload(trainY, trY);
      upload(testX, teX);
      upload(testY, teY);
      upload(params, p0);
      diag = alloc(8L * replicas * maxSteps * diagWidth);
      scratchDiag = alloc(8L * replicas * diagWidth);
      trace = traceSize == 0 ? 0 : alloc((long) traced.length * replicas * traceSize * elem);
      batchLaunches = new BatchLaunches();
      fused =
          fusedPath
              ? new FusedEpoch(
                  dev,
                  spec,
                  replicas,
                  params,
                  wOff,
                  bOff,
                  trainX,
                  trainY,
                  nTrain,
                  testX,
                  testY,
                  nTest,
                  diag,
                  trace,
                  this::alloc)
              : null;
    } catch (RuntimeException | Error e) {
      try {
        release();
      } catch (RuntimeException | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The product of {@code factors}: the elements of a device buffer (or an index into one), in
   * exact arithmetic. The kernels index every buffer with 32-bit ints (kernels/common.cuh), so a
   * buffer of more than {@link Integer#MAX_VALUE} elements is refused here, by name, before
   * anything is allocated or launched, instead of wrapping into a wrong index.
   */
  static int elements(String what, long... factors) {
    long n = 1;
    for (long f : factors) {
      n = f < 0 ? -1 : Math.multiplyExact(n, f);
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw new UserError(
            "cuda: "
                + what
                + " would hold "
                + (n < 0 ? "a negative number of" : "more than " + Integer.MAX_VALUE)
                + " elements "
                + java.util.Arrays.toString(factors)
                + ", past the 32-bit indices of the CUDA kernels: use fewer replicas, a smaller"
                + " batch or data set, or narrower layers (or --backend cpu)");
      }
    }
    return (int) n;
  }

  private long alloc(long bytes) {
    long p = dev.alloc(Math.max(bytes, 8));
    owned.add(p);
    return p;
  }

  private void upload(long dst, double[] v) {
    if (v.length == 0) {
      return;
    }
    if (fp64) {
      dev.copyIn(dst, v);
    } else {
      float[] f = new float[v.length];
      for (int k = 0; k < v.length; k++) {
        f[k] = (float) v[k];
      }
      dev.copyIn(dst, f);
    }
  }

  private double[] download(long src, int n) {
    double[] out = new double[n];
    if (fp64) {
      dev.copyOut(src, out);
    } else {
      float[] f = new float[n];
      dev.copyOut(src, f);
      for (int k = 0; k < n; k++) {
        out[k] = f[k];
      }
    }
    return out;
  }

  private long el(long base, long elements) {
    return base + elements * elem;
  }

  @Override
  public void beginEpoch(int[][] orders) {
    checkOpen();
    enqueueNoted(); // the new order must not reach steps of an epoch never ended
    if (orders.length != replicas) {
      throw new IllegalArgumentException(
          "order has " + orders.length + " replicas, group has " + replicas);
    }
    int stride = 1;
    orderLengths = new int[replicas];
    for (int r = 0; r < replicas; r++) {
      for (int idx : orders[r]) {
        if (idx < 0 || idx >= nTrain) {
          throw new IllegalArgumentException(
              "replica " + r + ": sample index " + idx + " outside [0, " + nTrain + ")");
        }
      }
      orderLengths[r] = orders[r].length;
      stride = Math.max(stride, orders[r].length);
    }
    int[] packed = new int[replicas * stride];
    for (int r = 0; r < replicas; r++) {
      System.arraycopy(orders[r], 0, packed, r * stride, orders[r].length);
    }
    if (packed.length > orderCapacity) {
      if (order != 0) {
        dev.free(order);
        owned.remove(Long.valueOf(order));
      }
      order = alloc(4L * packed.length);
      orderCapacity = packed.length;
    }
    orderStride = stride;
    dev.copyIn(order, packed); // the epoch's only host-to-device copy
    steps = 0;
    tracedCount = 0;
    inEpoch = true;
    if (fused != null) {
      fused.begin();
    }
  }

  @Override
  public void step(int offset, int count, double lr) {
    checkOpen();
    if (!inEpoch) {
      throw new IllegalStateException("step outside beginEpoch .. endEpoch");
    }
    if (count < 1 || count > maxBatch || steps >= maxSteps) {
      throw new IllegalStateException("step exceeds the group's batch or steps-per-epoch size");
    }
    for (int r = 0; r < replicas; r++) {
      if (offset < 0 || offset + count > orderLengths[r]) {
        throw new IllegalArgumentException(
            "replica "
                + r
                + ": samples ["
                + offset
                + ", "
                + (offset + count)
                + ") outside its order of "
                + orderLengths[r]);
      }
    }
    if (fused != null) {
      fusedStep(offset, count, lr);
      return;
    }
    lifeSteps++;
    int record = -1;
    if (traceSize > 0 && lifeSteps % spec.traceEvery() == 0) {
      record = tracedCount;
      traced[tracedCount++] = steps;
    }
    NotedStep s = new NotedStep(steps, offset, count, Double.doubleToRawLongBits(lr), record);
    if (graphs) {
      noted.add(s);
    } else {
      enqueueStep(s);
    }
    steps++;
  }

  /**
   * One step as {@link #step} was asked for it: {@code index} within the epoch (its diagnostics
   * slot), the samples {@code order[r][offset, offset + count)}, the learning rate's bits, and the
   * trace record it writes (-1: none).
   */
  private record NotedStep(int index, int offset, int count, long lrBits, int record) {}

  /** A captured epoch and the steps (with the order buffer and its stride) it was captured from. */
  private record EpochGraph(
      long order, int orderStride, List<NotedStep> steps, Device.Graph graph) {
    boolean holds(long order, int orderStride, List<NotedStep> steps) {
      return this.order == order && this.orderStride == orderStride && this.steps.equals(steps);
    }
  }

  /** Enqueues one step's calls: its batch, the update and, if it traces, the copy of the layer. */
  private void enqueueStep(NotedStep s) {
    long slot = diag + 8L * s.index() * diagWidth;
    batch(order, orderStride, s.offset(), s.count(), slot, maxSteps * diagWidth);
    batchLaunches.update.run(Double.longBitsToDouble(s.lrBits()));
    if (s.record() >= 0) {
      batchLaunches.trace.run(el(trace, (long) s.record() * replicas * traceSize));
    }
  }

  /** Enqueues the noted steps one by one (a call inside an epoch needs them done before it). */
  private void enqueueNoted() {
    for (NotedStep s : noted) {
      enqueueStep(s);
    }
    noted.clear();
  }

  /**
   * Runs the noted steps as one graph launch: the last epoch's graph when it holds the same steps,
   * else a new capture of them (releasing the old graph).
   */
  private void launchNoted() {
    if (noted.isEmpty()) {
      return;
    }
    List<NotedStep> epoch = List.copyOf(noted);
    noted.clear();
    if (epochGraph == null || !epochGraph.holds(order, orderStride, epoch)) {
      if (epochGraph != null) {
        epochGraph.graph().close();
        epochGraph = null;
      }
      Device.Graph graph;
      try {
        graph = capture(epoch);
      } catch (RuntimeException e) {
        // captured work never runs, so the epoch is still to do: step by step from here on
        graphs = false;
        System.err.println(
            "depthlab: warning: CUDA graph capture failed ("
                + e.getMessage()
                + "); this group runs step by step (cuda.graphs: off avoids the attempt)");
        for (NotedStep s : epoch) {
          enqueueStep(s);
        }
        return;
      }
      epochGraph = new EpochGraph(order, orderStride, epoch, graph);
      captures++;
    }
    epochGraph.graph().launch();
    graphLaunches++;
  }

  /**
   * Captures the steps' calls as one graph; a failed capture is ended before it is thrown. Before
   * the lane's first capture, the first step's forward and backward pass runs once uncaptured into
   * scratch (its GEMMs and kernels write only buffers the graph rewrites before reading, and the
   * step diagnostics into the scratch row), so cuBLAS has initialised outside any capture.
   */
  private Device.Graph capture(List<NotedStep> epoch) {
    if (!warmedUp) {
      NotedStep s = epoch.get(0);
      batch(order, orderStride, s.offset(), s.count(), scratchDiag, diagWidth);
      warmedUp = true;
    }
    dev.beginCapture();
    try {
      for (NotedStep s : epoch) {
        enqueueStep(s);
      }
    } catch (RuntimeException | Error e) {
      try {
        dev.endCapture().close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return dev.endCapture();
  }

  /** Graphs captured so far (0 with graphs off). */
  int captures() {
    return captures;
  }

  /** Graph launches so far (0 with graphs off): one per epoch with steps. */
  long graphLaunches() {
    return graphLaunches;
  }

  /** Whether this group runs its epochs as graphs. */
  boolean usesGraphs() {
    return graphs;
  }

  /** A step on the fused path: recorded, run by {@link #endEpoch} (the trace slots as above). */
  private void fusedStep(int offset, int count, double lr) {
    lifeSteps++;
    boolean traceNow = traceSize > 0 && lifeSteps % spec.traceEvery() == 0;
    fused.record(offset, count, lr, traceNow ? tracedCount : -1);
    if (traceNow) {
      traced[tracedCount++] = steps;
    }
    steps++;
  }

  @Override
  public StepLog endEpoch() {
    checkOpen();
    if (fused != null && inEpoch) {
      fused.run(order, orderStride);
    }
    launchNoted();
    inEpoch = false;
    double[] all = new double[replicas * maxSteps * diagWidth];
    dev.copyOut(diag, all); // the epoch's only device-to-host copy (with no layer traced)
    double[] loss = new double[replicas * steps];
    double[] gradSq = new double[replicas * steps * layers];
    double[] accuracy = new double[replicas * steps];
    for (int r = 0; r < replicas; r++) {
      for (int s = 0; s < steps; s++) {
        int src = (r * maxSteps + s) * diagWidth;
        loss[r * steps + s] = all[src];
        System.arraycopy(all, src + 1, gradSq, (r * steps + s) * layers, layers);
        // computed on the device in any case (step_sums: free); reported as asked, as on the CPU
        accuracy[r * steps + s] = spec.stepAccuracy() ? all[src + 1 + layers] : Double.NaN;
      }
    }
    int n = tracedCount;
    double[] records = new double[replicas * n * traceSize];
    if (n > 0) {
      // one more copy, only when the epoch traced a layer: [slot][r][size] to [r][slot][size]
      double[] slotMajor = download(trace, n * replicas * traceSize);
      for (int k = 0; k < n; k++) {
        for (int r = 0; r < replicas; r++) {
          System.arraycopy(
              slotMajor,
              (k * replicas + r) * traceSize,
              records,
              (r * n + k) * traceSize,
              traceSize);
        }
      }
    }
    return new StepLog(
        replicas, steps, layers, loss, gradSq, accuracy, Arrays.copyOf(traced, n), records);
  }

  /**
   * Forward, loss and backward of one batch for all replicas, leaving the gradients in {@code
   * grads} and the diagnostics row (loss, squared weight-gradient norms) in {@code diagSlot}; the
   * caller adds the update. Only enqueues work; see the class comment for the count.
   */
  private void batch(
      long idx, int idxStride, int offset, int count, long diagSlot, int diagStride) {
    BatchLaunches k = batchLaunches;
    k.gather.run(idx, idxStride, offset, count);
    int top = layers - 1;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      calls.forward(
          weights(l), a[l], z[l], count, in, out, batchStride(in), batchStride(out), replicas);
      if (l < top) {
        k.biasAct[l].run(count);
      } else {
        k.output.run(count);
      }
    }
    for (int l = top; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      calls.weightGradient(
          dz[l],
          a[l],
          weightGradients(l),
          count,
          in,
          out,
          batchStride(out),
          batchStride(in),
          replicas);
      if (l > 0) {
        calls.inputGradient(
            weights(l),
            dz[l],
            dz[l - 1],
            count,
            in,
            out,
            batchStride(out),
            batchStride(in),
            replicas);
        k.actBackward[l].run(count);
      }
    }
    k.chunkNorms.run();
    k.stepSums.run(count, diagSlot, diagStride);
  }

  /** Layer l's weights of every replica (replica r's block at r * fanIn * fanOut). */
  private long weights(int l) {
    return el(params, wOff[l]);
  }

  /** Layer l's weight gradients of every replica, laid out as {@link #weights}. */
  private long weightGradients(int l) {
    return el(grads, wOff[l]);
  }

  /** Elements between replicas of a training activation buffer of {@code units} columns. */
  private long batchStride(int units) {
    return (long) maxBatch * units;
  }

  /**
   * The kernels of a training batch, each prepared once per group with the arguments that never
   * change (see {@link CudaKernelCalls}); a batch sets only the sample indices, the row count, the
   * diagnostics slot and the learning rate, so a step neither boxes nor marshals arguments.
   */
  private final class BatchLaunches {
    final CudaKernelCalls.Gather gather;
    final CudaKernelCalls.BiasAct[] biasAct = new CudaKernelCalls.BiasAct[layers - 1];
    final CudaKernelCalls.OutputGrad output;
    final CudaKernelCalls.ActBackwardDb[] actBackward = new CudaKernelCalls.ActBackwardDb[layers];
    final CudaKernelCalls.Launch chunkNorms;
    final CudaKernelCalls.StepSums stepSums;
    final CudaKernelCalls.SgdUpdate update;

    /** copy_layer of the traced layer; null when the group traces none. */
    final CudaKernelCalls.CopyLayer trace;

    BatchLaunches() {
      int f = sizes[0];
      int top = layers - 1;
      gather =
          calls.gather(
              trainX,
              trainY,
              f,
              nTrain * f,
              nTrain,
              a[0],
              maxBatch * f,
              yBatch,
              maxBatch,
              replicas);
      for (int l = 0; l < top; l++) {
        int out = sizes[l + 1];
        biasAct[l] =
            calls.biasAct(
                z[l],
                el(params, bOff[l]),
                a[l + 1],
                out,
                maxBatch * out,
                out,
                maxBatch * out,
                act,
                slope,
                replicas);
      }
      output =
          calls.outputGrad(
              z[top],
              el(params, bOff[top]),
              yBatch,
              dz[top],
              lossRows,
              maxBatch,
              1,
              clipEps,
              mean,
              replicas,
              net.outputGradient() == OutputGradient.CHAINED ? 1 : 0);
      for (int l = 1; l < layers; l++) {
        int in = sizes[l];
        actBackward[l] =
            calls.actBackwardDb(
                dz[l - 1],
                z[l - 1],
                a[l],
                el(grads, bOff[l - 1]),
                in,
                maxBatch * in,
                in,
                act,
                slope,
                replicas);
      }
      chunkNorms = calls.gradNormChunks(grads, normTable, layers, CHUNK, normPartial, normChunks);
      stepSums =
          calls.stepSums(
              lossRows,
              dz[top],
              maxBatch,
              el(grads, bOff[top]),
              sizes[layers],
              normPartial,
              normTable,
              layers,
              replicas,
              z[top],
              yBatch);
      update = calls.sgdUpdate(params, grads, paramCount);
      int tl = spec.traceLayer();
      trace =
          tl < 0
              ? null
              : calls.copyLayer(
                  params, wOff[tl], sizes[tl] * sizes[tl + 1], bOff[tl], sizes[tl + 1], replicas);
    }
  }

  @Override
  public Gradients gradients(int[][] indices) {
    checkOpen();
    enqueueNoted();
    int[] sizesTrain = new int[replicas];
    Arrays.fill(sizesTrain, nTrain);
    int count = Group.checkBatches(indices, maxBatch, sizesTrain);
    int[] packed = new int[replicas * count];
    for (int r = 0; r < replicas; r++) {
      System.arraycopy(indices[r], 0, packed, r * count, count);
    }
    long idx = dev.alloc(4L * packed.length);
    try {
      dev.copyIn(idx, packed);
      batch(idx, count, 0, count, scratchDiag, diagWidth);
      double[] g = download(grads, paramCount);
      double[] d = new double[replicas * diagWidth];
      dev.copyOut(scratchDiag, d);
      double[][][] gw = new double[replicas][layers][];
      double[][][] gb = new double[replicas][layers][];
      double[] loss = new double[replicas];
      for (int r = 0; r < replicas; r++) {
        for (int l = 0; l < layers; l++) {
          int wn = sizes[l] * sizes[l + 1];
          int bn = sizes[l + 1];
          gw[r][l] = Arrays.copyOfRange(g, wOff[l] + r * wn, wOff[l] + (r + 1) * wn);
          gb[r][l] = Arrays.copyOfRange(g, bOff[l] + r * bn, bOff[l] + (r + 1) * bn);
        }
        loss[r] = d[r * diagWidth];
      }
      return new Gradients(gw, gb, loss);
    } finally {
      dev.free(idx);
    }
  }

  @Override
  public Evaluation evaluate() {
    checkOpen();
    enqueueNoted();
    ensureEvalBuffers();
    if (fused != null) {
      fused.evaluate(evalOut, evalWidth); // one launch, the same columns
    } else {
      evalSet(testX, testY, nTest, EVAL_TEST, false);
      evalSet(trainX, trainY, nTrain, EVAL_TRAIN, true);
      if (hiddenUnits > 0) {
        calls.deadFlags(
            alive, nTrain, CHUNK, hiddenUnits, evalOut + 8L * EVAL_DEAD, evalWidth, replicas);
      }
    }
    double[] all = new double[replicas * evalWidth];
    dev.copyOut(evalOut, all); // the evaluation's only copy
    double[] trL = new double[replicas];
    double[] trA = new double[replicas];
    double[] teL = new double[replicas];
    double[] teA = new double[replicas];
    double[][] deadFraction = new double[replicas][net.depth()];
    for (int r = 0; r < replicas; r++) {
      int row = r * evalWidth;
      trL[r] = all[row + EVAL_TRAIN];
      trA[r] = all[row + EVAL_TRAIN + 1];
      teL[r] = all[row + EVAL_TEST];
      teA[r] = all[row + EVAL_TEST + 1];
      int u0 = row + EVAL_DEAD;
      for (int h = 0; h < net.depth(); h++) {
        int units = sizes[h + 1];
        double n = 0;
        for (int u = 0; u < units; u++) {
          n += all[u0 + u];
        }
        deadFraction[r][h] = n / units;
        u0 += units;
      }
    }
    return new Evaluation(trL, trA, teL, teA, deadFraction);
  }

  private static int chunks(int rows) {
    return (rows + CHUNK - 1) / CHUNK;
  }

  private void ensureEvalBuffers() {
    if (evalZ != null) {
      return;
    }
    int rows = Math.max(1, Math.max(nTrain, nTest));
    evalZ = new long[layers];
    evalA = new long[layers];
    for (int l = 0; l < layers; l++) {
      evalZ[l] = alloc((long) replicas * rows * sizes[l + 1] * elem);
      if (l > 0) {
        evalA[l] = alloc((long) replicas * rows * sizes[l] * elem);
      }
    }
    evalPartial = alloc(16L * replicas * chunks(rows));
    alive = alloc(4L * replicas * hiddenUnits * chunks(nTrain));
    evalOut = alloc(8L * replicas * evalWidth);
  }

  /**
   * Forward over a whole set (the data itself is layer 0's input); its mean loss and accuracy into
   * evalOut's columns {@code column} and {@code column + 1}, and with {@code deadUnits} each hidden
   * unit's per-chunk activity into {@code alive}.
   */
  private void evalSet(long x, long y, int n, int column, boolean deadUnits) {
    int rows = Math.max(1, Math.max(nTrain, nTest));
    int top = layers - 1;
    int deadOffset = 0;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int units = sizes[l + 1];
      long input = l == 0 ? x : evalA[l];
      long inputStride = l == 0 ? (long) n * in : (long) rows * in;
      if (n > 0) {
        calls.forward(
            weights(l), input, evalZ[l], n, in, units, inputStride, (long) rows * units, replicas);
      }
      if (l < top) {
        if (n > 0) {
          calls
              .biasAct(
                  evalZ[l],
                  el(params, bOff[l]),
                  evalA[l + 1],
                  units,
                  rows * units,
                  units,
                  rows * units,
                  act,
                  slope,
                  replicas)
              .run(n);
        }
        if (deadUnits) {
          calls.aliveChunks(
              evalZ[l],
              n,
              units,
              rows * units,
              act,
              CHUNK,
              alive + 4L * deadOffset * chunks(n),
              hiddenUnits * chunks(n),
              replicas);
        }
        deadOffset += units;
      } else {
        calls.evalOutputChunks(
            evalZ[l], el(params, bOff[l]), y, n, rows, n, 1, clipEps, CHUNK, evalPartial, replicas);
        calls.evalSums(evalPartial, n, CHUNK, evalOut + 8L * column, evalWidth, replicas);
      }
    }
  }

  @Override
  public List<Parameters> allParameters() {
    checkOpen();
    enqueueNoted();
    double[] all = download(params, paramCount); // one copy for every replica and layer
    List<Parameters> out = new ArrayList<>(replicas);
    for (int r = 0; r < replicas; r++) {
      Parameters p = Parameters.zeros(net);
      for (int l = 0; l < layers; l++) {
        int wn = sizes[l] * sizes[l + 1];
        int bn = sizes[l + 1];
        System.arraycopy(all, wOff[l] + r * wn, p.weights()[l], 0, wn);
        System.arraycopy(all, bOff[l] + r * bn, p.biases()[l], 0, bn);
      }
      out.add(p);
    }
    return out;
  }

  /** One upload of the whole parameter buffer, as at construction. */
  @Override
  public void setParameters(List<Parameters> all) {
    checkOpen();
    enqueueNoted();
    if (all.size() != replicas) {
      throw new IllegalArgumentException(
          all.size() + " parameter sets for a group of " + replicas + " replicas");
    }
    double[] image = new double[paramCount];
    for (int r = 0; r < replicas; r++) {
      checkShape(all.get(r));
      pack(all.get(r), r, image);
    }
    upload(params, image);
  }

  /**
   * Replica {@code replica}'s outputs, {@link #PREDICT_CHUNK} points at a time: the evaluation's
   * forward pass (the same GEMM layout and bias_act) on that replica's blocks of the parameters,
   * then predict_output; two copies per chunk (the points in, the outputs out).
   */
  @Override
  public double[] predict(int replica, double[] inputs) {
    checkOpen();
    enqueueNoted();
    int n = Group.checkPredict(replica, inputs, replicas, sizes[0]);
    double[] out = new double[n];
    if (n == 0) {
      return out;
    }
    ensurePredictBuffers();
    int f = sizes[0];
    int top = layers - 1;
    for (int start = 0; start < n; start += PREDICT_CHUNK) {
      int rows = Math.min(PREDICT_CHUNK, n - start);
      upload(predictX, Arrays.copyOfRange(inputs, start * f, (start + rows) * f));
      for (int l = 0; l < layers; l++) {
        int in = sizes[l];
        int units = sizes[l + 1];
        long w = el(params, wOff[l] + (long) replica * in * units);
        long b = el(params, bOff[l] + (long) replica * units);
        long input = l == 0 ? predictX : predictA[l];
        // one replica: a batch of one, so the strides between replicas never apply
        calls.forward(
            w, input, predictZ[l], rows, in, units, (long) rows * in, (long) rows * units, 1);
        if (l < top) {
          calls
              .biasAct(
                  predictZ[l],
                  b,
                  predictA[l + 1],
                  units,
                  rows * units,
                  units,
                  rows * units,
                  act,
                  slope,
                  1)
              .run(rows);
        } else {
          calls.predictOutput(predictZ[l], b, rows, rows, 1, predictOut, rows, 1);
        }
      }
      System.arraycopy(download(predictOut, rows), 0, out, start, rows);
    }
    return out;
  }

  private void ensurePredictBuffers() {
    if (predictZ != null) {
      return;
    }
    predictX = alloc((long) PREDICT_CHUNK * sizes[0] * elem);
    predictZ = new long[layers];
    predictA = new long[layers];
    for (int l = 0; l < layers; l++) {
      predictZ[l] = alloc((long) PREDICT_CHUNK * sizes[l + 1] * elem);
      if (l > 0) {
        predictA[l] = alloc((long) PREDICT_CHUNK * sizes[l] * elem);
      }
    }
    predictOut = alloc((long) PREDICT_CHUNK * elem);
  }

  /** Writes replica r's parameters into their places in a host image of {@code params}. */
  private void pack(Parameters p, int r, double[] image) {
    for (int l = 0; l < layers; l++) {
      int wn = sizes[l] * sizes[l + 1];
      int bn = sizes[l + 1];
      System.arraycopy(p.weights()[l], 0, image, wOff[l] + r * wn, wn);
      System.arraycopy(p.biases()[l], 0, image, bOff[l] + r * bn, bn);
    }
  }

  private void checkShape(Parameters p) {
    for (int l = 0; l < layers; l++) {
      if (p.weights()[l].length != sizes[l] * sizes[l + 1]
          || p.biases()[l].length != sizes[l + 1]) {
        throw new IllegalArgumentException("parameters of layer " + l + " do not fit " + net);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("group is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    release();
  }

  /** Frees the group's memory (after its lane's pending work) and closes the lane. */
  private void release() {
    // a fault of queued work surfaces at the synchronize: free everything all the same
    RuntimeException failure = null;
    noted.clear(); // steps of an epoch never ended: nothing will read what they write
    try {
      dev.synchronize();
    } catch (RuntimeException e) {
      failure = e;
    }
    if (epochGraph != null) {
      try {
        epochGraph.graph().close();
      } catch (RuntimeException e) {
        failure = keep(failure, e);
      }
      epochGraph = null;
    }
    for (long p : owned) {
      try {
        dev.free(p);
      } catch (RuntimeException e) {
        failure = keep(failure, e);
      }
    }
    owned.clear();
    try {
      dev.close();
    } catch (RuntimeException e) {
      failure = keep(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException keep(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
