package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import java.util.Map;

/**
 * The narrow interface between {@link CudaBackend} and a CUDA device: memory, copies, one
 * strided-batched GEMM with cuBLAS's column-major contract, and kernel launches by name. {@link
 * JCudaDevice} is the real GPU; the tests' EmulatedDevice (src/test) runs the same kernels on the
 * CPU.
 *
 * <p>Device memory is addressed by {@code long} handles: {@link #alloc} returns one, and a handle
 * plus a byte offset inside the same allocation names a sub-buffer. Work is enqueued in order on
 * one queue (a CUDA stream); only {@code copyIn}, {@code copyOut}, {@code alloc}, {@code free} and
 * {@link #synchronize} wait for it, and only for that queue.
 *
 * <h2>Lanes: several groups at once</h2>
 *
 * {@link #openLane} returns a <em>lane</em>: a view of the same device, sharing its memory, kernels
 * and allocation table, whose copies, GEMMs and launches go to a queue of its own. On the GPU
 * ({@link JCudaDevice}) a lane is one CUDA stream created with {@code CU_STREAM_NON_BLOCKING} (so
 * it never serialises with the legacy default stream or with other lanes) plus one cuBLAS handle
 * bound to that stream. The tests' EmulatedDevice emulates that: a lane's GEMMs and launches run in
 * order on a worker thread of its own, and only when the lane reaches a sync point, so a missing
 * synchronisation reads stale bytes every time. Each {@link CudaGroup} opens one lane and closes it
 * in its own {@code close()}.
 *
 * <p>Threading contract: one lane is used by one thread at a time; different lanes may be used from
 * different threads at the same time. Memory allocated through a lane is zeroed before {@code
 * alloc} returns and may be used from any lane; memory written by one lane and read by another
 * needs the writer's {@link #synchronize} first (groups never share memory). Closing a lane waits
 * for its queue and releases it; it frees no memory (whoever allocated frees).
 */
public interface Device extends AutoCloseable {
  /** A short name, e.g. the GPU's name or "emulated". */
  String name();

  /** What is known about the device: name, memory, versions, compute capability. */
  Map<String, String> details();

  /** Allocates {@code bytes} of device memory, zero-filled. */
  long alloc(long bytes);

  void free(long ptr);

  /** Allocations of the device (all lanes) not yet freed; tests check that groups free theirs. */
  int liveAllocations();

  void copyIn(long dst, double[] src);

  void copyIn(long dst, float[] src);

  void copyIn(long dst, int[] src);

  /** Copies device memory into {@code dst} after all enqueued work has finished. */
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
   * device arranges. A device without dynamic shared memory supports only 0.
   */
  default Launcher prepareWithSharedMemory(
      String name, int block, int sharedBytes, Object... args) {
    if (sharedBytes == 0) {
      return prepare(name, block, args);
    }
    throw new UnsupportedOperationException(name() + ": no dynamic shared memory for " + name);
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

  /** Waits for all work enqueued on this lane (on the device itself: on every lane). */
  void synchronize();

  /**
   * A new lane on this device (see the class comment): its own in-order queue, the device's memory.
   * Close it when done; closing the device closes lanes still open.
   */
  Device openLane();

  // ---- graphs: capture a lane's work once, replay it many times -------------------------------

  /**
   * Whether {@link #beginCapture} works here (CUDA graphs). The default, for devices that cannot,
   * is false; groups then enqueue every call themselves.
   */
  default boolean supportsGraphs() {
    return false;
  }

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
   * cuStreamBeginCapture}): each is recorded with its argument values at this moment, and none runs
   * until the graph {@link #endCapture} returns is launched. Until {@code endCapture}, a sync point
   * of the lane ({@code copyIn}, {@code copyOut}, {@code alloc}, {@code free}, {@link
   * #synchronize}, {@code close}) is an {@link IllegalStateException}, as a real capture forbids
   * it.
   */
  default void beginCapture() {
    throw new UnsupportedOperationException(name() + " cannot capture graphs");
  }

  /**
   * Ends the capture begun by {@link #beginCapture} and returns its work as a graph ready to launch
   * (on the GPU {@code cuStreamEndCapture} and {@code cuGraphInstantiate}). Ends the capture even
   * when instantiation fails, so the lane is usable again either way.
   */
  default Graph endCapture() {
    throw new UnsupportedOperationException(name() + " cannot capture graphs");
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

  /**
   * The device: frees everything it allocated and closes its lanes. A lane: waits for its queue and
   * releases it, freeing no memory.
   */
  @Override
  void close();
}
