package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.model.OutputGradient;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * A training step on the layered path: forward, loss and backward of one batch for all replicas
 * ({@link #batch}), the SGD update and the traced layer's copy, as kernel launches and GEMMs on the
 * group's lane (5 L + 2 calls a step, see {@link CudaGroup}). The step's kernels are prepared once
 * per group with the arguments that never change (see {@link CudaKernelCalls}); a batch sets only
 * the sample indices, the row count, the diagnostics slot and the learning rate, so a step neither
 * boxes nor marshals arguments.
 */
final class LayeredStep {
  private final CudaKernelCalls calls;
  private final GroupLayout layout;
  private final GroupBuffers buf;
  private final GroupMemory mem;
  private final int traceSize;

  private final PreparedLaunches.Gather gather;
  private final PreparedLaunches.BiasAct[] biasAct;
  private final PreparedLaunches.OutputGrad output;
  private final PreparedLaunches.ActBackwardDb[] actBackward;
  private final PreparedLaunches.Launch chunkNorms;
  private final PreparedLaunches.StepSums stepSums;
  private final PreparedLaunches.SgdUpdate update;

  /** copy_layer of the traced layer; null when the group traces none. */
  private final PreparedLaunches.CopyLayer trace;

  /** The training batch's views of the forward pass. */
  private final Forward.Views views;

  /**
   * One step as {@link CudaGroup#step} was asked for it: {@code index} within the epoch (its
   * diagnostics slot), the samples {@code order[r][offset, offset + count)}, the learning rate's
   * bits, and the trace record it writes (-1: none).
   */
  record Noted(int index, int offset, int count, long lrBits, int record) {}

  LayeredStep(
      CudaKernelCalls calls,
      GroupLayout layout,
      GroupBuffers buf,
      GroupMemory mem,
      GroupSpec spec) {
    this.calls = calls;
    this.layout = layout;
    this.buf = buf;
    this.mem = mem;
    this.traceSize = spec.traceSize();
    int[] sizes = layout.sizes;
    int layers = layout.layers;
    int replicas = layout.replicas;
    int maxBatch = layout.maxBatch;
    int f = sizes[0];
    int top = layers - 1;
    gather =
        calls.gather(
            new Strided(buf.trainX, layout.nTrain * f),
            new Strided(buf.trainY, layout.nTrain),
            f,
            buf.batch(buf.a[0], f),
            buf.batch(buf.yBatch, 1),
            replicas);
    biasAct = new PreparedLaunches.BiasAct[layers - 1];
    for (int l = 0; l < top; l++) {
      int out = sizes[l + 1];
      biasAct[l] =
          calls.biasAct(
              buf.batch(buf.z[l], out),
              new Strided(buf.biases(l), out),
              buf.batch(buf.a[l + 1], out),
              out,
              layout.activation(),
              replicas);
    }
    output =
        calls.outputGrad(
            buf.batch(buf.z[top], 1),
            new Strided(buf.biases(top), 1),
            buf.yBatch,
            buf.dz[top],
            buf.lossRows,
            new CudaKernelCalls.Loss(
                layout.clipEps,
                layout.mean == 1,
                layout.net.outputGradient() == OutputGradient.CHAINED),
            replicas);
    actBackward = new PreparedLaunches.ActBackwardDb[layers];
    for (int l = 1; l < layers; l++) {
      int in = sizes[l];
      actBackward[l] =
          calls.actBackwardDb(
              buf.batch(buf.dz[l - 1], in),
              buf.z[l - 1],
              buf.a[l],
              new Strided(buf.biasGradients(l - 1), in),
              in,
              layout.activation(),
              replicas);
    }
    chunkNorms =
        calls.gradNormChunks(
            buf.grads, buf.normTable, layers, CudaGroup.CHUNK, buf.normPartial, layout.normChunks);
    stepSums =
        calls.stepSums(
            buf.batch(buf.lossRows, 1),
            buf.dz[top],
            buf.z[top],
            buf.yBatch,
            new Strided(buf.biasGradients(top), sizes[layers]),
            buf.normPartial,
            buf.normTable,
            layers,
            replicas);
    update = calls.sgdUpdate(buf.params, buf.grads, layout.paramCount);
    int tl = spec.traceLayer();
    trace =
        tl < 0
            ? null
            : calls.copyLayer(
                buf.params,
                layout.wOff[tl],
                sizes[tl] * sizes[tl + 1],
                layout.bOff[tl],
                sizes[tl + 1],
                replicas);
    views =
        new Forward.Views() {
          @Override
          public Strided input(int l) {
            return buf.batch(buf.a[l], sizes[l]);
          }

          @Override
          public Strided z(int l) {
            return buf.batch(buf.z[l], sizes[l + 1]);
          }

          @Override
          public long weights(int l) {
            return buf.weights(l);
          }
        };
  }

  /**
   * Enqueues one step's calls on the samples of {@code order} (stride {@code orderStride}): its
   * batch with the diagnostics row in the step's slot, the update and, if it traces, the copy of
   * the layer.
   */
  void enqueue(long order, int orderStride, Noted s) {
    long slot = buf.diag + 8L * s.index() * layout.diagWidth;
    batch(order, orderStride, s.offset(), s.count(), slot, layout.maxSteps * layout.diagWidth);
    update.run(Double.longBitsToDouble(s.lrBits()));
    if (s.record() >= 0) {
      trace.run(mem.el(buf.trace, (long) s.record() * layout.replicas * traceSize));
    }
  }

  /**
   * Forward, loss and backward of one batch for all replicas, leaving the gradients in {@code
   * grads} and the diagnostics row (loss, squared weight-gradient norms) in {@code diagSlot}; the
   * caller adds the update. Only enqueues work; see {@link CudaGroup} for the count.
   */
  void batch(long idx, int idxStride, int offset, int count, long diagSlot, int diagStride) {
    gather.run(idx, idxStride, offset, count);
    int[] sizes = layout.sizes;
    int replicas = layout.replicas;
    Forward.run(
        calls,
        sizes,
        count,
        replicas,
        views,
        (l, top) -> {
          if (top) {
            output.run(count);
          } else {
            biasAct[l].run(count);
          }
        });
    for (int l = layout.layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      Strided dz = buf.batch(buf.dz[l], out);
      Strided a = buf.batch(buf.a[l], in);
      calls.weightGradient(dz, a, buf.weightGradients(l), count, in, out, replicas);
      if (l > 0) {
        calls.inputGradient(
            buf.weights(l), dz, buf.batch(buf.dz[l - 1], in), count, in, out, replicas);
        actBackward[l].run(count);
      }
    }
    chunkNorms.run();
    stepSums.run(count, diagSlot, diagStride);
  }

  /**
   * The gradient pass of one batch per replica ({@code indices[r]}, equal sizes) without an update,
   * then {@code then} given the batch size: the indices in a buffer of their own (one copy), the
   * batch into the scratch diagnostics row, the pass's activations, pre-activations and gradients
   * left in the group's buffers for {@code then} ({@link #gradients}, {@link DeviceRPass}). The
   * index buffer is freed after {@code then}, whose read-back waits for the queued work.
   */
  <T> T gradientPass(int[][] indices, IntFunction<T> then) {
    int replicas = layout.replicas;
    int[] sizesTrain = new int[replicas];
    Arrays.fill(sizesTrain, layout.nTrain);
    int count = Group.checkBatches(indices, layout.maxBatch, sizesTrain);
    int[] packed = new int[replicas * count];
    for (int r = 0; r < replicas; r++) {
      System.arraycopy(indices[r], 0, packed, r * count, count);
    }
    long idx = mem.alloc(4L * packed.length);
    try {
      mem.lane().copyIn(idx, packed);
      batch(idx, count, 0, count, buf.scratchDiag, layout.diagWidth);
      return then.apply(count);
    } finally {
      mem.free(idx);
    }
  }

  /**
   * The gradients of one batch per replica ({@code indices[r]}, equal sizes) without an update:
   * {@link #gradientPass}, then the gradient buffer and the scratch diagnostics row read back.
   */
  Gradients gradients(int[][] indices) {
    return gradientPass(indices, count -> readGradients());
  }

  private Gradients readGradients() {
    int replicas = layout.replicas;
    double[] g = mem.download(buf.grads, layout.paramCount);
    double[] d = new double[replicas * layout.diagWidth];
    mem.lane().copyOut(buf.scratchDiag, d);
    double[][][] gw = new double[replicas][layout.layers][];
    double[][][] gb = new double[replicas][layout.layers][];
    double[] loss = new double[replicas];
    for (int r = 0; r < replicas; r++) {
      for (int l = 0; l < layout.layers; l++) {
        int wn = layout.sizes[l] * layout.sizes[l + 1];
        int bn = layout.sizes[l + 1];
        gw[r][l] = Arrays.copyOfRange(g, layout.wOff[l] + r * wn, layout.wOff[l] + (r + 1) * wn);
        gb[r][l] = Arrays.copyOfRange(g, layout.bOff[l] + r * bn, layout.bOff[l] + (r + 1) * bn);
      }
      loss[r] = d[r * layout.diagWidth];
    }
    return new Gradients(gw, gb, loss);
  }
}
