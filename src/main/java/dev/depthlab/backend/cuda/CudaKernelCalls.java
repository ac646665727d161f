package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;

/**
 * The kernels of {@code kernels/*.cu} and the three GEMMs of a layer as typed Java calls on one
 * lane, in one precision: one method per kernel, its parameters named and ordered as in the
 * kernel's {@code DL_ENTRY} (pointers {@code long}, device element offsets already applied), and
 * each launch's grid (one thread per output element, {@link #BLOCK} per block) worked out here,
 * next to its argument list, rather than at every call.
 *
 * <p>The kernels of a training step are <em>prepared</em> once per group ({@link Lane#prepare}):
 * their methods bind every argument that stays fixed and return a small handle whose {@code run}
 * sets only what changes from step to step (rows, sample indices, a diagnostics slot, the learning
 * rate) and enqueues, with no boxing or marshalling per step. The evaluation's kernels are plain
 * calls that enqueue at once.
 *
 * <h2>Row-major on a column-major BLAS</h2>
 *
 * Every matrix here is row-major, as on the CPU: activations {@code [rows x units]}, weights {@code
 * [fanIn x fanOut]} ({@link dev.depthlab.model.Parameters}). cuBLAS is column-major. A row-major
 * {@code [m x n]} matrix with row length n is, byte for byte, the column-major {@code [n x m]}
 * matrix (its transpose) with leading dimension n. So each product {@code C = A B} is issued as
 * {@code C^T = B^T A^T}: operands swap places, and a transpose of a row-major operand becomes no
 * transpose. The three products of a layer (a = input, z = pre-activation, W = weights, rows =
 * batch):
 *
 * <pre>
 *   forward   Z  = A  W    ->  gemm(N, N, m=out, n=rows, k=in,   W,  ld out;  A,  ld in;  Z,  ld out)
 *   weights   dW = A^T dZ  ->  gemm(N, T, m=out, n=in,   k=rows, dZ, ld out;  A,  ld in;  dW, ld out)
 *   inputs    dA = dZ W^T  ->  gemm(T, N, m=in,  n=rows, k=out,  W,  ld out;  dZ, ld out; dA, ld in)
 * </pre>
 *
 * each one strided-batched over the R replicas ({@link #forward}, {@link #weightGradient}, {@link
 * #inputGradient}).
 *
 * <h2>Deterministic sums</h2>
 *
 * The layered kernels use no atomics or shared memory (shared memory is FusedEpoch's, with its
 * barriers). A sum over many elements (a layer's squared gradient, a set's loss, accuracy and
 * active units) takes two launches: one thread per chunk of {@link CudaGroup#CHUNK} consecutive
 * elements sums its chunk in order into a partial, then one thread per result sums the partials in
 * order. Sums over a training batch's rows (bias gradients, the batch loss) stay one thread per
 * replica and unit, over at most maxBatch rows. The order depends only on the shapes, so the same
 * inputs give the same bits on every run.
 */
final class CudaKernelCalls {
  /** Threads per block of every launch. */
  static final int BLOCK = 128;

  private final Lane lane;
  private final Precision precision;
  private final String suffix;

  CudaKernelCalls(Lane lane, Precision precision) {
    this.lane = lane;
    this.precision = precision;
    this.suffix = precision == Precision.FP64 ? "_f64" : "_f32";
  }

  /**
   * Blocks of a 1-D grid with at least {@code threads} threads (at least one block), in exact
   * arithmetic: {@code threads} comes from {@link #threads}, so it is never negative.
   */
  static int grid(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("a launch of " + threads + " threads");
    }
    return (int) Math.max(1, ((long) threads + BLOCK - 1) / BLOCK);
  }

  /**
   * The threads of a launch, the product of {@code factors} (replicas, rows, units...) in exact
   * arithmetic: a product past {@link Integer#MAX_VALUE} is refused, since the kernels number their
   * threads with a 32-bit int ({@code dl_thread_index}), never wrapped into a small or negative
   * grid.
   */
  static int threads(int... factors) {
    long n = 1;
    for (int f : factors) {
      if (f < 0) {
        throw new IllegalArgumentException("a launch dimension of " + f);
      }
      n = Math.multiplyExact(n, f);
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "a launch of more than "
                + Integer.MAX_VALUE
                + " threads ("
                + java.util.Arrays.toString(factors)
                + "): the kernels number threads with 32-bit ints");
      }
    }
    return (int) n;
  }

  private static int chunks(int rows, int chunk) {
    return (int) (((long) rows + chunk - 1) / chunk);
  }

  private Lane.Launcher prepare(String kernel, Object... args) {
    return lane.prepare(kernel + suffix, BLOCK, args);
  }

  // ---- the GEMMs of a layer: row-major products on cuBLAS's column-major contract -------------
  // A row-major [r x c] matrix is the column-major [c x r] one with leading dimension c, so C = A B
  // is issued as C^T = B^T A^T (see CudaGroup's class comment). Each is batched over `replicas`
  // blocks: weights at in * out elements apart, activations at the strides given.

  private void gemm(Gemm layout, long a, long b, long c) {
    lane.gemm(layout, 1.0, a, b, 0.0, c, precision);
  }

  /** Forward, Z = A W: A [rows x in], W [in x out], into Z [rows x out]. */
  void forward(long w, Strided a, Strided z, int rows, int in, int out, int replicas) {
    gemm(
        new Gemm(
            false,
            false,
            out,
            rows,
            in,
            out,
            (long) in * out,
            in,
            a.stride(),
            out,
            z.stride(),
            replicas),
        w,
        a.base(),
        z.base());
  }

  /** Weight gradient, dW = A^T dZ: dZ [rows x out], A [rows x in], into dW [in x out]. */
  void weightGradient(Strided dz, Strided a, long dw, int rows, int in, int out, int replicas) {
    gemm(
        new Gemm(
            false,
            true,
            out,
            in,
            rows,
            out,
            dz.stride(),
            in,
            a.stride(),
            out,
            (long) in * out,
            replicas),
        dz.base(),
        a.base(),
        dw);
  }

  /** Input gradient, dA = dZ W^T: W [in x out], dZ [rows x out], into dA [rows x in]. */
  void inputGradient(long w, Strided dz, Strided da, int rows, int in, int out, int replicas) {
    gemm(
        new Gemm(
            true,
            false,
            in,
            rows,
            out,
            out,
            (long) in * out,
            out,
            dz.stride(),
            in,
            da.stride(),
            replicas),
        w,
        dz.base(),
        da.base());
  }

  /** A hidden activation as the kernels take it: its code (DL_RELU 0, ...) and leaky slope. */
  record Act(int code, double slope) {}

  /**
   * The output layer's loss rule: predictions clipped to [clipEps, 1 - clipEps], a mean (gradients
   * scaled by 1 / rows) or a sum, and the seed's chained gradient or p - y.
   */
  record Loss(double clipEps, boolean mean, boolean chained) {}

  /** A stride the kernels take as a 32-bit int (GroupLayout checked every buffer fits). */
  private static int ints(Strided v) {
    return Math.toIntExact(v.stride());
  }

  // ---- train.cu ---------------------------------------------------------------------------------

  /**
   * gather: a batch's inputs and labels from the sample indices; see {@link
   * PreparedLaunches.Gather#run}.
   */
  PreparedLaunches.Gather gather(
      Strided x, Strided y, int features, Strided a0, Strided yb, int replicas) {
    return new PreparedLaunches.Gather(
        prepare(
            "gather", x.base(), y.base(), 0L, 0, 0, 0, features, ints(x), ints(y), a0.base(),
            ints(a0), yb.base(), ints(yb), replicas),
        replicas);
  }

  /**
   * bias_act: z += b, a = act(z) over a hidden layer's rows; see {@link
   * PreparedLaunches.BiasAct#run}.
   */
  PreparedLaunches.BiasAct biasAct(
      Strided z, Strided b, Strided a, int units, Act act, int replicas) {
    return new PreparedLaunches.BiasAct(
        prepare(
            "bias_act",
            z.base(),
            b.base(),
            a.base(),
            0,
            units,
            ints(z),
            ints(b),
            ints(a),
            act.code(),
            act.slope(),
            replicas),
        threads(replicas, units));
  }

  /**
   * output_grad: the output layer of a batch (bias, sigmoid, each sample's loss, dL/dz); see {@link
   * OutputGrad#run}. y, dz and loss are strided as z.
   */
  PreparedLaunches.OutputGrad outputGrad(
      Strided z, Strided b, long y, long dz, long loss, Loss rule, int replicas) {
    return new PreparedLaunches.OutputGrad(
        prepare(
            "output_grad",
            z.base(),
            b.base(),
            y,
            dz,
            loss,
            0,
            ints(z),
            ints(b),
            rule.clipEps(),
            rule.mean() ? 1 : 0,
            replicas,
            rule.chained() ? 1 : 0),
        replicas);
  }

  /**
   * act_backward_db: dz *= act'(z) of a hidden layer and its bias gradient db (z and a strided as
   * dz); see {@link PreparedLaunches.ActBackwardDb#run}.
   */
  PreparedLaunches.ActBackwardDb actBackwardDb(
      Strided dz, long z, long a, Strided db, int units, Act act, int replicas) {
    return new PreparedLaunches.ActBackwardDb(
        prepare(
            "act_backward_db",
            dz.base(),
            z,
            a,
            db.base(),
            0,
            units,
            ints(dz),
            ints(db),
            act.code(),
            act.slope(),
            replicas),
        threads(replicas, units));
  }

  /**
   * grad_norm_chunks: pass 1 of the squared weight-gradient norms, one thread per chunk of {@code
   * table} (see train.cu); nothing changes between steps, so {@link PreparedLaunches.Launch#run}
   * takes nothing.
   */
  PreparedLaunches.Launch gradNormChunks(
      long g, long table, int layers, int chunk, long partial, int chunks) {
    return new PreparedLaunches.Launch(
        prepare("grad_norm_chunks", g, table, layers, chunk, partial, chunks), chunks);
  }

  /**
   * step_sums: pass 2, a step's diagnostics row per replica (loss, squared norms, batch accuracy)
   * and the output bias gradient; see {@link PreparedLaunches.StepSums#run}. dzOut, zOut and yb are
   * strided as loss.
   */
  PreparedLaunches.StepSums stepSums(
      Strided loss,
      long dzOut,
      long zOut,
      long yb,
      Strided dbOut,
      long partial,
      long table,
      int layers,
      int replicas) {
    return new PreparedLaunches.StepSums(
        prepare(
            "step_sums",
            loss.base(),
            dzOut,
            ints(loss),
            0,
            dbOut.base(),
            ints(dbOut),
            partial,
            table,
            layers,
            0L,
            0,
            replicas,
            zOut,
            yb),
        threads(replicas, 1 + layers));
  }

  /** sgd_update: p -= lr g over {@code n} elements; see {@link PreparedLaunches.SgdUpdate#run}. */
  PreparedLaunches.SgdUpdate sgdUpdate(long p, long g, int n) {
    return new PreparedLaunches.SgdUpdate(prepare("sgd_update", p, g, n, 0.0), n);
  }

  /**
   * copy_layer: every replica's weights and biases of one layer (offsets in elements of {@code p})
   * into a trace record; see {@link PreparedLaunches.CopyLayer#run}.
   */
  PreparedLaunches.CopyLayer copyLayer(long p, int wOff, int wn, int bOff, int bn, int replicas) {
    return new PreparedLaunches.CopyLayer(
        prepare("copy_layer", p, wOff, wn, bOff, bn, 0L, replicas),
        threads(replicas, Math.addExact(wn, bn)));
  }

  // ---- eval.cu ----------------------------------------------------------------------------------

  /**
   * eval_output_chunks: pass 1 of a set's loss and accuracy, one thread per (r, chunk of {@code
   * chunk} rows).
   */
  void evalOutputChunks(
      Strided z,
      Strided b,
      Strided y,
      int rows,
      double clipEps,
      int chunk,
      long partial,
      int replicas) {
    prepare(
            "eval_output_chunks",
            z.base(),
            b.base(),
            y.base(),
            rows,
            ints(z),
            ints(y),
            ints(b),
            clipEps,
            chunk,
            partial,
            replicas)
        .enqueue(grid(threads(replicas, chunks(rows, chunk))));
  }

  /** eval_sums: pass 2, each replica's mean loss and accuracy; one thread per replica. */
  void evalSums(long partial, int rows, int chunk, long out, int outStride, int replicas) {
    prepare("eval_sums", partial, rows, chunk, out, outStride, replicas).enqueue(grid(replicas));
  }

  /**
   * alive_chunks: pass 1 of one hidden layer's dead units, one thread per (r, chunk of rows, unit).
   */
  void aliveChunks(
      Strided z, int rows, int units, int act, int chunk, Strided alive, int replicas) {
    prepare(
            "alive_chunks",
            z.base(),
            rows,
            units,
            ints(z),
            act,
            chunk,
            alive.base(),
            ints(alive),
            replicas)
        .enqueue(grid(threads(replicas, chunks(rows, chunk), units)));
  }

  /** dead_flags: pass 2, 1.0 for each hidden unit active on no row; one thread per (r, unit). */
  void deadFlags(
      long alive, int rows, int chunk, int units, long out, int outStride, int replicas) {
    prepare("dead_flags", alive, rows, chunk, units, out, outStride, replicas)
        .enqueue(grid(threads(replicas, units)));
  }

  /**
   * predict_output: the network's outputs sigmoid(z + b) of the first {@code rows} rows; one thread
   * per (r, row).
   */
  void predictOutput(
      long z, long b, int rows, int zStride, int bStride, long out, int outStride, int replicas) {
    prepare("predict_output", z, b, rows, zStride, bStride, out, outStride, replicas)
        .enqueue(grid(threads(replicas, rows)));
  }
}
