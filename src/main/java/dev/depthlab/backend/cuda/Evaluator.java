package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Evaluation;

/**
 * A group's evaluation ({@link CudaGroup#evaluate}): the forward pass over both whole sets (the
 * data itself is layer 0's input), each set's mean loss and accuracy by two-pass chunk sums, and
 * the dead units of every hidden layer on the training set; everything lands in one result buffer,
 * read in one copy. Its buffers are allocated by the first evaluation. An evaluation enqueues 5 L +
 * 2 calls; on the fused path one launch ({@link FusedEpoch#evaluate}: the training step's forward
 * code, the CPU's sums in order) fills the same result columns.
 */
final class Evaluator {
  /** evalOut's columns: train loss and accuracy, test loss and accuracy, then dead-unit flags. */
  private static final int EVAL_TRAIN = 0;

  private static final int EVAL_TEST = 2;
  private static final int EVAL_DEAD = 4;

  private final CudaKernelCalls calls;
  private final GroupLayout layout;
  private final GroupBuffers buf;
  private final GroupMemory mem;
  private final int width;

  /** The fused path's evaluation (one launch, the same columns), or null: the layered calls. */
  private final FusedEpoch fused;

  /** The sets' pre-activations and activations, for max(nTrain, nTest) rows per replica. */
  private long[] evalZ;

  private long[] evalA;

  /** [R][2 chunks] of the set being evaluated: loss sum and correct count per chunk of rows. */
  private long partial;

  /** [R][hidden units][train chunks] ints: 1 where the unit is active in the chunk. */
  private long alive;

  /** [R][width] doubles: everything {@link #evaluate} returns, read in one copy. */
  private long out;

  Evaluator(
      CudaKernelCalls calls,
      GroupLayout layout,
      GroupBuffers buf,
      GroupMemory mem,
      FusedEpoch fused) {
    this.calls = calls;
    this.fused = fused;
    this.layout = layout;
    this.buf = buf;
    this.mem = mem;
    this.width = width(layout);
  }

  private static int chunks(int rows) {
    return (rows + CudaGroup.CHUNK - 1) / CudaGroup.CHUNK;
  }

  /** Rows per replica of the evaluation buffers. */
  private int rows() {
    return Math.max(1, Math.max(layout.nTrain, layout.nTest));
  }

  Evaluation evaluate() {
    ensureBuffers();
    int replicas = layout.replicas;
    if (fused != null) {
      fused.evaluate(out, width); // one launch, the same columns
    } else {
      evalSet(buf.testX, buf.testY, layout.nTest, EVAL_TEST, false);
      evalSet(buf.trainX, buf.trainY, layout.nTrain, EVAL_TRAIN, true);
      if (layout.hiddenUnits > 0) {
        calls.deadFlags(
            alive,
            layout.nTrain,
            CudaGroup.CHUNK,
            layout.hiddenUnits,
            out + 8L * EVAL_DEAD,
            width,
            replicas);
      }
    }
    double[] all = new double[replicas * width];
    mem.lane().copyOut(out, all); // the evaluation's only copy
    return read(all, 0, layout);
  }

  /** Columns of the result rows for {@code layout}: 4, then one per hidden unit. */
  static int width(GroupLayout layout) {
    return EVAL_DEAD + layout.hiddenUnits;
  }

  /** The evaluation in result rows of {@link #width} columns, replica r's at {@code from + r w}. */
  static Evaluation read(double[] all, int from, GroupLayout layout) {
    int replicas = layout.replicas;
    int width = width(layout);
    double[] trL = new double[replicas];
    double[] trA = new double[replicas];
    double[] teL = new double[replicas];
    double[] teA = new double[replicas];
    int depth = layout.net.depth();
    double[][] deadFraction = new double[replicas][depth];
    for (int r = 0; r < replicas; r++) {
      int row = from + r * width;
      trL[r] = all[row + EVAL_TRAIN];
      trA[r] = all[row + EVAL_TRAIN + 1];
      teL[r] = all[row + EVAL_TEST];
      teA[r] = all[row + EVAL_TEST + 1];
      int u0 = row + EVAL_DEAD;
      for (int h = 0; h < depth; h++) {
        int units = layout.sizes[h + 1];
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

  private void ensureBuffers() {
    if (evalZ != null) {
      return;
    }
    int rows = rows();
    int[] sizes = layout.sizes;
    int replicas = layout.replicas;
    evalZ = new long[layout.layers];
    evalA = new long[layout.layers];
    for (int l = 0; l < layout.layers; l++) {
      evalZ[l] = mem.alloc((long) replicas * rows * sizes[l + 1] * mem.elem);
      if (l > 0) {
        evalA[l] = mem.alloc((long) replicas * rows * sizes[l] * mem.elem);
      }
    }
    partial = mem.alloc(16L * replicas * chunks(rows));
    alive = mem.alloc(4L * replicas * layout.hiddenUnits * chunks(layout.nTrain));
    out = mem.alloc(8L * replicas * width);
  }

  /**
   * The forward pass over a whole set of {@code n} rows; its mean loss and accuracy into out's
   * columns {@code column} and {@code column + 1}, and with {@code deadUnits} each hidden unit's
   * per-chunk activity into {@code alive}.
   */
  private void evalSet(long x, long y, int n, int column, boolean deadUnits) {
    int rows = rows();
    int[] sizes = layout.sizes;
    int replicas = layout.replicas;
    Forward.Views views =
        new Forward.Views() {
          @Override
          public Strided input(int l) {
            return l == 0
                ? new Strided(x, (long) n * sizes[0])
                : new Strided(evalA[l], (long) rows * sizes[l]);
          }

          @Override
          public Strided z(int l) {
            return new Strided(evalZ[l], (long) rows * sizes[l + 1]);
          }

          @Override
          public long weights(int l) {
            return buf.weights(l);
          }
        };
    Forward.run(
        calls,
        sizes,
        n,
        replicas,
        views,
        (l, top) -> {
          int units = sizes[l + 1];
          if (top) {
            calls.evalOutputChunks(
                new Strided(evalZ[l], rows),
                new Strided(buf.biases(l), 1),
                new Strided(y, n),
                n,
                layout.clipEps,
                CudaGroup.CHUNK,
                partial,
                replicas);
            calls.evalSums(partial, n, CudaGroup.CHUNK, out + 8L * column, width, replicas);
            return;
          }
          if (n > 0) {
            calls
                .biasAct(
                    new Strided(evalZ[l], (long) rows * units),
                    new Strided(buf.biases(l), units),
                    new Strided(evalA[l + 1], (long) rows * units),
                    units,
                    layout.activation(),
                    replicas)
                .run(n);
          }
          if (deadUnits) {
            int deadOffset = 0; // the units of the hidden layers before this one
            for (int h = 1; h <= l; h++) {
              deadOffset += sizes[h];
            }
            calls.aliveChunks(
                new Strided(evalZ[l], (long) rows * units),
                n,
                units,
                layout.act,
                CudaGroup.CHUNK,
                new Strided(alive + 4L * deadOffset * chunks(n), layout.hiddenUnits * chunks(n)),
                replicas);
          }
        });
  }
}
