package dev.depthlab.backend.cuda;

import dev.depthlab.backend.EpochRun;
import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import java.util.Arrays;
import java.util.List;

/**
 * R replicas on a {@link Device}: parameters, gradients, activations, data and diagnostics all live
 * in device memory, replica r's block of each buffer at r times the buffer's per-replica stride.
 * Every matrix is row-major, as on the CPU, on cuBLAS's column-major contract (see {@link
 * CudaKernelCalls}).
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
 * (the order and evaluation buffers). An evaluation enqueues 5 L + 2 calls. The fused path's {@link
 * #trainEpochs} copies once in and once out per launch of several epochs ({@link FusedEpochs}).
 *
 * <h2>Lanes</h2>
 *
 * A group opens its own lane on the device ({@link Device#openLane}: on the GPU a non-blocking CUDA
 * stream with its own cuBLAS handle) and sends all its work there, so groups driven from different
 * threads run side by side on one GPU. A group is used by one thread at a time; {@link #close}
 * frees its memory and closes the lane.
 *
 * <h2>Rooms</h2>
 *
 * {@link GroupLayout} (the host-side shape and the parameter layout), {@link GroupMemory} (its
 * allocations and copies), {@link GroupBuffers} (the training buffers), {@link LayeredStep} (a
 * step's kernels and GEMMs), {@link EpochGraphs} (with graphs on, {@link #step} only notes its
 * arguments and {@link #endEpoch} runs the epoch's steps as one CUDA graph, captured once), {@link
 * Evaluator}, {@link Predictor}, {@link FusedEpoch} (the fused path), {@link FusedEpochs} (its
 * launches of several epochs) and {@link DeviceRPass} (Hessian-vector products); the forward pass
 * over the layers is written once, in {@link Forward}. This class holds the epoch's state and the
 * {@link Group} contract.
 */
final class CudaGroup implements Group {
  /** Elements per chunk of the two-pass sums (see the class comment). */
  static final int CHUNK = 64;

  /** Points per pass of {@link #predict}; more points go through the same buffers in turns. */
  static final int PREDICT_CHUNK = 1024;

  private final GroupSpec spec;

  private final GroupLayout layout;
  private final int replicas;

  /** The group's own queue on the device: every copy, GEMM, launch and graph. */
  private final Lane lane;

  private final GroupMemory mem;
  private GroupBuffers buf;
  private LayeredStep layered;
  private EpochGraphs epochs;
  private Evaluator evaluator;
  private Predictor predictor;
  private DeviceRPass rpass;

  /** The fused path's epoch launch (see {@link FusedEpoch}); null on the layered path. */
  private FusedEpoch fused;

  /** The fused path's launches of several epochs; null on the layered path or with a trace. */
  private FusedEpochs multi;

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
  private boolean closed;

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
    boolean useGraphs = graphs && !fusedPath; // the fused path launches once an epoch already
    this.spec = spec;
    this.layout = new GroupLayout(spec, setups);
    this.replicas = layout.replicas;
    this.traceSize = spec.traceSize();
    this.traced = new int[spec.traceSlots()];
    this.lane = device.openLane();
    this.mem = new GroupMemory(device, lane, spec.precision() == Precision.FP64);
    CudaKernelCalls calls = new CudaKernelCalls(lane, spec.precision());
    try {
      if (useGraphs) {
        lane.useOwnGemmWorkspace(); // before any capture (Lane#useOwnGemmWorkspace)
      }
      buf = new GroupBuffers(mem, layout, spec, setups);
      layered = new LayeredStep(calls, layout, buf, mem, spec);
      epochs = new EpochGraphs(lane, layered, buf.scratchDiag, layout.diagWidth, useGraphs);
      predictor = new Predictor(calls, layout, buf, mem);
      fused = fusedPath ? new FusedEpoch(lane, spec, layout, buf, mem::alloc) : null;
      evaluator = new Evaluator(calls, layout, buf, mem, fused);
      multi =
          fused != null && traceSize == 0
              ? new FusedEpochs(fused, layout, mem, spec.stepAccuracy())
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
        if (idx < 0 || idx >= layout.nTrain) {
          throw new IllegalArgumentException(
              "replica " + r + ": sample index " + idx + " outside [0, " + layout.nTrain + ")");
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
        lane.synchronize(); // steps of an epoch never ended may still read it (enqueueNoted)
        mem.free(order);
      }
      order = mem.alloc(4L * packed.length);
      orderCapacity = packed.length;
    }
    orderStride = stride;
    lane.copyIn(order, packed); // the epoch's only host-to-device copy
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
    if (count < 1 || count > layout.maxBatch || steps >= layout.maxSteps) {
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
    LayeredStep.Noted s =
        new LayeredStep.Noted(steps, offset, count, Double.doubleToRawLongBits(lr), record);
    if (epochs.on()) {
      epochs.note(s);
    } else {
      layered.enqueue(order, orderStride, s);
    }
    steps++;
  }

  /** Enqueues the noted steps one by one (a call inside an epoch needs them done before it). */
  private void enqueueNoted() {
    epochs.enqueueNoted(order, orderStride);
  }

  /** Graphs captured so far (0 with graphs off). */
  int captures() {
    return epochs.captures();
  }

  /** Graph launches so far (0 with graphs off): one per epoch with steps. */
  long graphLaunches() {
    return epochs.launches();
  }

  /** Whether this group runs its epochs as graphs. */
  boolean usesGraphs() {
    return epochs.on();
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
    epochs.launchNoted(order, orderStride);
    inEpoch = false;
    double[] all = new double[replicas * layout.maxSteps * layout.diagWidth];
    lane.copyOut(buf.diag, all); // the epoch's only device-to-host copy (with no layer traced)
    return DiagRow.read(
        all,
        0,
        layout.maxSteps,
        replicas,
        steps,
        layout.layers,
        spec.stepAccuracy(),
        Arrays.copyOf(traced, tracedCount),
        buf.traceRecords(tracedCount, traceSize));
  }

  /** Without a traced layer the fused path runs several epochs a launch ({@link FusedEpochs}). */
  @Override
  public int epochsPerLaunch() {
    return multi == null ? 1 : FusedEpochs.MAX_EPOCHS;
  }

  @Override
  public List<EpochRun> trainEpochs(int[][][] orders, int batch, double lr, boolean[] diagnose) {
    checkOpen();
    if (multi == null || orders.length < 2) {
      return Group.super.trainEpochs(orders, batch, lr, diagnose);
    }
    enqueueNoted();
    inEpoch = false;
    return multi.run(orders, batch, lr, diagnose);
  }

  @Override
  public Gradients gradients(int[][] indices) {
    checkOpen();
    enqueueNoted();
    return layered.gradients(indices);
  }

  /** On the device, the layered path's R-operator ({@link DeviceRPass}), on either path. */
  @Override
  public Gradients hessianTimes(int[][] indices, List<Parameters> v) {
    checkOpen();
    enqueueNoted();
    if (rpass == null) {
      CudaKernelCalls calls = new CudaKernelCalls(lane, spec.precision());
      rpass = new DeviceRPass(calls, layered, layout, buf, mem, spec.precision());
    }
    return rpass.times(indices, v);
  }

  @Override
  public Evaluation evaluate() {
    checkOpen();
    enqueueNoted();
    return evaluator.evaluate();
  }

  @Override
  public List<Parameters> allParameters() {
    checkOpen();
    enqueueNoted();
    // one copy for every replica and layer
    return layout.unpack(mem.download(buf.params, layout.paramCount));
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
    double[] image = new double[layout.paramCount];
    for (int r = 0; r < replicas; r++) {
      layout.checkShape(all.get(r));
      layout.pack(all.get(r), r, image);
    }
    mem.upload(buf.params, image);
  }

  /** Replica {@code replica}'s outputs at {@code inputs}; see {@link Predictor}. */
  @Override
  public double[] predict(int replica, double[] inputs) {
    checkOpen();
    enqueueNoted();
    int n = Group.checkPredict(replica, inputs, replicas, layout.sizes[0]);
    return n == 0 ? new double[0] : predictor.predict(replica, inputs, n);
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
    if (epochs != null) {
      epochs.dropNoted(); // steps of an epoch never ended: nothing will read what they write
    }
    try {
      lane.synchronize();
    } catch (RuntimeException e) {
      failure = e;
    }
    if (epochs != null) {
      try {
        epochs.close();
      } catch (RuntimeException e) {
        failure = keep(failure, e);
      }
    }
    failure = mem.release(failure);
    try {
      lane.close();
    } catch (RuntimeException e) {
      failure = keep(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  static RuntimeException keep(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
