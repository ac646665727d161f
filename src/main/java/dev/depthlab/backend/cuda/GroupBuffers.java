package dev.depthlab.backend.cuda;

import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import java.util.List;

/**
 * The device buffers a group trains with, allocated (and the data and initial parameters uploaded)
 * once, at creation: replica r's block of each at r times the buffer's per-replica stride.
 */
final class GroupBuffers {
  private final GroupMemory mem;
  private final GroupLayout layout;

  /** Every replica's parameters (and, alike, gradients): per layer W of all R, then b of all R. */
  final long params;

  final long grads;

  /** The squared-norm chunk table ({@link GroupLayout#normTable}) and its chunks' sums. */
  final long normTable;

  final long normPartial;

  /** Training activations: a[l] input of layer l, z[l] its pre-activation, dz[l] dL/dz. */
  final long[] a;

  final long[] z;
  final long[] dz;
  final long yBatch;

  /** [R][maxBatch] doubles: each sample's loss in the last batch. */
  final long lossRows;

  final long trainX;
  final long trainY;
  final long testX;
  final long testY;

  /**
   * [R][maxSteps][diagWidth]: loss, each layer's squared weight-gradient norm, then the batch
   * accuracy ({@link DiagRow}).
   */
  final long diag;

  /** [R][diagWidth]: the same for {@link CudaGroup#gradients}. */
  final long scratchDiag;

  /**
   * The traced layer's records of the epoch, [traceSlots][R][traceSize] (slot-major, so the epoch's
   * records are one prefix); 0 when the group traces no layer (see {@link GroupSpec}).
   */
  final long trace;

  GroupBuffers(GroupMemory mem, GroupLayout layout, GroupSpec spec, List<ReplicaSetup> setups) {
    this.mem = mem;
    this.layout = layout;
    int replicas = layout.replicas;
    int maxBatch = layout.maxBatch;
    int[] sizes = layout.sizes;
    int elem = mem.elem;
    params = mem.alloc((long) layout.paramCount * elem);
    grads = mem.alloc((long) layout.paramCount * elem);
    normTable = mem.alloc(4L * layout.normTable.length);
    mem.lane().copyIn(normTable, layout.normTable);
    normPartial = mem.alloc(8L * layout.normChunks);

    a = new long[layout.layers];
    z = new long[layout.layers];
    dz = new long[layout.layers];
    for (int l = 0; l < layout.layers; l++) {
      a[l] = mem.alloc((long) replicas * maxBatch * sizes[l] * elem);
      z[l] = mem.alloc((long) replicas * maxBatch * sizes[l + 1] * elem);
      dz[l] = mem.alloc((long) replicas * maxBatch * sizes[l + 1] * elem);
    }
    yBatch = mem.alloc((long) replicas * maxBatch * elem);
    lossRows = mem.alloc(8L * replicas * maxBatch);

    // every replica's data set, one copy per buffer (replica r's block at r * its size)
    int f = sizes[0];
    int nTrain = layout.nTrain;
    int nTest = layout.nTest;
    trainX = mem.alloc((long) replicas * nTrain * f * elem);
    trainY = mem.alloc((long) replicas * nTrain * elem);
    testX = mem.alloc((long) replicas * Math.max(nTest, 1) * f * elem);
    testY = mem.alloc((long) replicas * Math.max(nTest, 1) * elem);
    double[] trX = new double[replicas * nTrain * f];
    double[] trY = new double[replicas * nTrain];
    double[] teX = new double[replicas * nTest * f];
    double[] teY = new double[replicas * nTest];
    double[] p0 = new double[layout.paramCount];
    for (int r = 0; r < replicas; r++) {
      ReplicaSetup s = setups.get(r);
      System.arraycopy(s.train().x(), 0, trX, r * nTrain * f, nTrain * f);
      System.arraycopy(s.train().y(), 0, trY, r * nTrain, nTrain);
      System.arraycopy(s.test().x(), 0, teX, r * nTest * f, nTest * f);
      System.arraycopy(s.test().y(), 0, teY, r * nTest, nTest);
      layout.pack(s.initial(), r, p0);
    }
    mem.upload(trainX, trX);
    mem.upload(trainY, trY);
    mem.upload(testX, teX);
    mem.upload(testY, teY);
    mem.upload(params, p0);
    diag = mem.alloc(8L * replicas * layout.maxSteps * layout.diagWidth);
    scratchDiag = mem.alloc(8L * replicas * layout.diagWidth);
    int traceSize = spec.traceSize();
    trace = traceSize == 0 ? 0 : mem.alloc((long) spec.traceSlots() * replicas * traceSize * elem);
  }

  /** Layer l's weights of every replica (replica r's block at r * fanIn * fanOut). */
  long weights(int l) {
    return mem.el(params, layout.wOff[l]);
  }

  /** Layer l's biases of every replica (replica r's block at r * fanOut). */
  long biases(int l) {
    return mem.el(params, layout.bOff[l]);
  }

  /** Layer l's weight gradients of every replica, laid out as {@link #weights}. */
  long weightGradients(int l) {
    return mem.el(grads, layout.wOff[l]);
  }

  /** Layer l's bias gradients of every replica, laid out as {@link #biases}. */
  long biasGradients(int l) {
    return mem.el(grads, layout.bOff[l]);
  }

  /** A training activation buffer of {@code units} columns, maxBatch rows per replica. */
  Strided batch(long base, int units) {
    return new Strided(base, (long) layout.maxBatch * units);
  }

  /**
   * The epoch's {@code n} trace records of {@code size} elements, as [R][n][size] (stored
   * [n][R][size]): one copy, only when the epoch traced a layer.
   */
  double[] traceRecords(int n, int size) {
    int replicas = layout.replicas;
    double[] records = new double[replicas * n * size];
    if (n > 0) {
      double[] slotMajor = mem.download(trace, n * replicas * size);
      for (int k = 0; k < n; k++) {
        for (int r = 0; r < replicas; r++) {
          System.arraycopy(slotMajor, (k * replicas + r) * size, records, (r * n + k) * size, size);
        }
      }
    }
    return records;
  }
}
