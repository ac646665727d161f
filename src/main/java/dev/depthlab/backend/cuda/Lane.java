package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;

/**
 * One in-order queue of work on a {@link Device} ({@link Device#openLane}): copies between host and
 * device memory, one strided-batched GEMM with cuBLAS's column-major contract, kernel launches by
 * name, and graphs (work captured once, replayed many times). On the GPU ({@link JCudaLane}) a lane
 * is one CUDA stream created with {@code CU_STREAM_NON_BLOCKING} (so it never serialises with the
 * legacy default stream or with other lanes) plus one cuBLAS handle bound to that stream. The
 * tests' EmulatedDevice emulates that: a lane's GEMMs and launches run in order on a worker thread
 * of its own, and only when the lane reaches a sync point, so a missing synchronisation reads stale
 * bytes every time. Each {@link CudaGroup} opens one lane and closes it in its own {@code close()}.
 *
 * <p>Work is enqueued in order; only {@code copyIn}, {@code copyOut} and {@link #synchronize} wait
 * for it, and only for this lane. Threading contract: one lane is used by one thread at a time;
 * different lanes may be used from different threads at the same time. Memory written by one lane
 * and read by another needs the writer's {@link #synchronize} first (groups never share memory).
 * Closing a lane waits for its queue and releases it; it frees no memory.
 */
public interface Lane extends AutoCloseable {
  void copyIn(long dst, double[] src);

  void copyIn(long dst, float[] src);

  void copyIn(long dst, int[] src);

  /** Copies device memory into {@code dst} after all work enqueued on this lane has finished. */
  void copyOut(long src, double[] dst);

  void copyOut(long src, float[] dst);

  /**
   * cuBLAS {@code <t>gemmStridedBatched} of {@code layout} (see {@link Gemm}) on operands {@code
   * a}, {@code b} and {@code c}: for each p, {@code C_p = alpha op(A_p) op(B_p) + beta C_p}. When
   * beta is 0, C is not read. Precision picks D (double) or S (float); no TF32 or other reduced
   * precision.
   */
  void gemm(Gemm layout, double alpha, long a, long b, double beta, long c, Precision precision);

  /**
   * Launches kernel {@code name} (an extern "C" entry point of {@code kernels/*.cu}) on a 1-D grid.
   * Arguments in order: a {@link Long} is a device pointer, an {@link Integer} an int, a {@link
   * Double} a double.
   */
  default void launch(String name, int grid, int block, Object... args) {
    prepare(name, block, args).enqueue(grid);
  }

  /**
   * Binds kernel {@code name}, a block size and its argument list (typed as for {@link #launch},
   * the values the first ones) once, for launches repeated many times on this lane: a training step
   * changes a few arguments and enqueues, with no boxing or argument marshalling per launch.
   */
  Launcher prepare(String name, int block, Object... args);

  /**
   * {@link #prepare} for a kernel that uses {@code sharedBytes} of dynamic shared memory per block
   * (the fused kernel, kernels/fused.cu); more than 48 KiB needs the device's opt-in, which the
   * lane arranges. A lane without dynamic shared memory supports only 0.
   */
  default Launcher prepareWithSharedMemory(
      String name, int block, int sharedBytes, Object... args) {
    if (sharedBytes == 0) {
      return prepare(name, block, args);
    }
    throw new UnsupportedOperationException("no dynamic shared memory for " + name);
  }

  /**
   * A kernel launch prepared by {@link #prepare}. Setters change one argument (its type fixed at
   * preparation); {@link #enqueue} enqueues the kernel with the current values, which are read at
   * that moment, so later sets never change work already enqueued. Used by one thread at a time.
   */
  interface Launcher {
    void setInt(int slot, int value);

    void setPointer(int slot, long pointer);

    void setDouble(int slot, double value);

    /** Enqueues the kernel on a 1-D grid of {@code grid} blocks, asynchronously like launch. */
    void enqueue(int grid);
  }

  /** Waits for all work enqueued on this lane. */
  void synchronize();

  // ---- graphs: capture a lane's work once, replay it many times -------------------------------

  /**
   * Gives this lane's GEMMs a workspace of their own (on the GPU: memory the lane owns, handed to
   * its cuBLAS handle with {@code cublasSetWorkspace} after {@code cublasSetStream}), so that
   * cuBLAS never allocates its own while the lane captures a graph (cuBLAS 12.0/12.1 grow a
   * workspace per capture; an allocation inside a capture is not captured). A lane that captures
   * GEMMs calls it first, and runs one GEMM uncaptured before its first capture (cuBLAS initialises
   * a handle lazily on its first calls). Freed with the lane. Idempotent; the default does nothing.
   */
  default void useOwnGemmWorkspace() {}

  /**
   * Starts recording this lane's GEMMs and launches instead of running them (on the GPU {@code
   * cuStreamBeginCapture}), where the device {@link Device#supportsGraphs supports graphs}: each is
   * recorded with its argument values at this moment, and none runs until the graph {@link
   * #endCapture} returns is launched. Until {@code endCapture}, a sync point of the lane ({@code
   * copyIn}, {@code copyOut}, {@link #synchronize}, {@code close}) is an {@link
   * IllegalStateException}, as a real capture forbids it; so is a device allocation or free made
   * through the capturing thread on the GPU.
   */
  default void beginCapture() {
    throw new UnsupportedOperationException("this device cannot capture graphs");
  }

  /**
   * Ends the capture begun by {@link #beginCapture} and returns its work as a graph ready to launch
   * (on the GPU {@code cuStreamEndCapture} and {@code cuGraphInstantiate}). Ends the capture even
   * when instantiation fails, so the lane is usable again either way.
   */
  default Graph endCapture() {
    throw new UnsupportedOperationException("this device cannot capture graphs");
  }

  /**
   * Captured work of one lane. Pointers and scalars are those of capture time; what memory holds is
   * read when the graph runs, so inputs that vary (a new epoch's sample order) go through device
   * memory.
   */
  interface Graph extends AutoCloseable {
    /**
     * Enqueues the whole captured work on the lane that captured it, in capture order, as one call
     * (on the GPU {@code cuGraphLaunch}); asynchronous like a launch.
     */
    void launch();

    /** GEMMs and kernel launches the graph holds (what one {@link #launch} replaces). */
    int nodes();

    /** Releases it ({@code cuGraphExecDestroy}, {@code cuGraphDestroy}); idempotent. */
    @Override
    void close();
  }

  /** Waits for the queue and releases the lane, freeing no memory. */
  @Override
  void close();
}
