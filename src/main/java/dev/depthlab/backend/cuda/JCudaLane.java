package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * The real {@link Lane}: a CUDA stream created with {@code cuStreamCreate(CU_STREAM_NON_BLOCKING)},
 * so it never waits for the legacy default stream nor for other lanes, and a cuBLAS handle of its
 * own bound to it ({@code cublasSetStream}); one handle per stream is also what cuBLAS requires for
 * bit-reproducible GEMMs when several streams are active. On a lane:
 *
 * <ul>
 *   <li>kernels: {@code cuLaunchKernel(..., hStream = the lane's stream, ...)};
 *   <li>GEMMs: {@code cublas<D|S>gemmStridedBatched} on the lane's handle;
 *   <li>copies: {@code cuMemcpyHtoDAsync} / {@code cuMemcpyDtoHAsync} on the lane's stream, each
 *       followed by {@code cuStreamSynchronize} of that stream only (the source and target are Java
 *       arrays, pageable and only pinned by JCuda for the duration of the call, so the copy must be
 *       complete before returning). The synchronous {@code cuMemcpy*} would run on the legacy
 *       stream, which does not order with a non-blocking stream: it could overtake the lane's
 *       pending kernels.
 * </ul>
 *
 * Every call first makes the device's (primary) context current on the calling thread ({@code
 * cuCtxSetCurrent}, once per thread), so groups may be driven from any thread. Used by one thread
 * at a time.
 */
final class JCudaLane implements Lane {
  private final JCudaDevice device;
  final CUstream stream = new CUstream();
  final cublasHandle cublas = new cublasHandle();
  private volatile boolean closed;

  /** The lane's own cuBLAS workspace ({@link #useOwnGemmWorkspace}); null until then. */
  private CUdeviceptr workspace;

  /** GEMMs and launches recorded since {@link #beginCapture}; -1 when not capturing. */
  private int captured = -1;

  JCudaLane(JCudaDevice device) {
    this.device = device;
    device.makeCurrent();
    JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
    try {
      JCublas2.cublasCreate(cublas);
      try {
        // full-precision arithmetic only: no TF32 or other reduced-precision tensor-core paths
        JCublas2.cublasSetMathMode(cublas, cublasMath.CUBLAS_DEFAULT_MATH);
        JCublas2.cublasSetStream(cublas, new cudaStream_t(stream));
      } catch (RuntimeException e) {
        JCublas2.cublasDestroy(cublas);
        throw e;
      }
    } catch (RuntimeException e) {
      JCudaDriver.cuStreamDestroy(stream);
      throw e;
    }
  }

  /** Checks the lane is open and binds the context to the calling thread. */
  void enter() {
    if (closed) {
      throw new IllegalStateException("lane is closed");
    }
    device.makeCurrent();
  }

  private void sync() {
    JCudaDriver.cuStreamSynchronize(stream);
  }

  /**
   * Refuses a sync point while the stream captures: the driver would invalidate the capture
   * (cudaErrorStreamCaptureUnsupported), so it fails here, by name, instead.
   */
  private void notCapturing(String what) {
    if (captured >= 0) {
      throw new IllegalStateException(what + " inside a stream capture (a sync point)");
    }
  }

  void enqueued() {
    if (captured >= 0) {
      captured++;
    }
  }

  /**
   * Zeroes fresh device memory ({@code cuMemsetD8Async} on this lane's stream, then {@code
   * cuStreamSynchronize}): the device's allocations go through its root lane.
   */
  void zero(CUdeviceptr p, long bytes) {
    enter();
    notCapturing("alloc");
    JCudaDriver.cuMemsetD8Async(p, (byte) 0, bytes, stream);
    sync(); // zeroed before any lane (or the host) can use it
  }

  /**
   * {@code cuMemAlloc} of {@link JCudaDevice#gemmWorkspaceBytes} owned by the lane, then {@code
   * cublasSetWorkspace} on its handle; the handle's stream was set in the constructor ({@code
   * cublasSetStream} resets a handle's workspace to cuBLAS's own pool, so it comes first).
   */
  @Override
  public void useOwnGemmWorkspace() {
    enter();
    notCapturing("useOwnGemmWorkspace");
    if (workspace != null) {
      return;
    }
    long bytes = device.gemmWorkspaceBytes();
    CUdeviceptr p = new CUdeviceptr();
    JCudaDriver.cuMemAlloc(p, bytes);
    int rc = JCublas2.cublasSetWorkspace(cublas, p, bytes);
    if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      JCudaDriver.cuMemFree(p);
      throw new IllegalStateException("cublasSetWorkspace failed: " + cublasStatus.stringFor(rc));
    }
    workspace = p;
  }

  /**
   * {@code cuStreamBeginCapture} in thread-local mode: only this thread's unsafe calls break the
   * capture, so other lanes' threads may allocate and copy meanwhile.
   */
  @Override
  public void beginCapture() {
    enter();
    if (captured >= 0) {
      throw new IllegalStateException("lane is already capturing");
    }
    JCudaDriver.cuStreamBeginCapture(
        stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
    captured = 0;
  }

  /** {@code cuStreamEndCapture}, then {@code cuGraphInstantiate} with no flags. */
  @Override
  public Graph endCapture() {
    enter();
    if (captured < 0) {
      throw new IllegalStateException("lane is not capturing");
    }
    int nodes = captured;
    captured = -1;
    device.capturingHere.remove();
    CUgraph graph = new CUgraph();
    JCudaDriver.cuStreamEndCapture(stream, graph);
    try {
      CUgraphExec exec = new CUgraphExec();
      JCudaDriver.cuGraphInstantiate(exec, graph, 0L);
      return new LaneGraph(graph, exec, nodes);
    } catch (RuntimeException e) {
      JCudaDriver.cuGraphDestroy(graph);
      throw e;
    }
  }

  /** An instantiated graph of this lane, launched on its stream. */
  private final class LaneGraph implements Graph {
    private final CUgraph graph;
    private final CUgraphExec exec;
    private final int nodes;
    private boolean released;

    LaneGraph(CUgraph graph, CUgraphExec exec, int nodes) {
      this.graph = graph;
      this.exec = exec;
      this.nodes = nodes;
    }

    @Override
    public void launch() {
      enter();
      if (released) {
        throw new IllegalStateException("graph is released");
      }
      JCudaDriver.cuGraphLaunch(exec, stream);
    }

    @Override
    public int nodes() {
      return nodes;
    }

    @Override
    public void close() {
      if (released) {
        return;
      }
      released = true;
      device.makeCurrent();
      try {
        JCudaDriver.cuGraphExecDestroy(exec);
      } finally {
        JCudaDriver.cuGraphDestroy(graph);
      }
    }
  }

  /**
   * Every copy: {@code cuMemcpyHtoDAsync} ({@code in}) or {@code cuMemcpyDtoHAsync} of {@code
   * bytes} between the handle {@code device} and the Java array behind {@code host}, on this lane's
   * stream, then waits for the stream (see the class comment).
   */
  private void copy(boolean in, long handle, Pointer host, long bytes) {
    enter();
    notCapturing(in ? "copyIn" : "copyOut");
    if (in) {
      JCudaDriver.cuMemcpyHtoDAsync(device.pointer(handle), host, bytes, stream);
    } else {
      JCudaDriver.cuMemcpyDtoHAsync(host, device.pointer(handle), bytes, stream);
    }
    sync();
  }

  @Override
  public void copyIn(long dst, double[] src) {
    copy(true, dst, Pointer.to(src), 8L * src.length);
  }

  @Override
  public void copyIn(long dst, float[] src) {
    copy(true, dst, Pointer.to(src), 4L * src.length);
  }

  @Override
  public void copyIn(long dst, int[] src) {
    copy(true, dst, Pointer.to(src), 4L * src.length);
  }

  @Override
  public void copyOut(long src, double[] dst) {
    copy(false, src, Pointer.to(dst), 8L * dst.length);
  }

  @Override
  public void copyOut(long src, float[] dst) {
    copy(false, src, Pointer.to(dst), 4L * dst.length);
  }

  @Override
  public void gemm(Gemm g, double alpha, long a, long b, double beta, long c, Precision precision) {
    enter();
    int opA = g.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    int opB = g.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
    boolean fp64 = precision == Precision.FP64;
    // alpha and beta are host scalars (CUBLAS_POINTER_MODE_HOST), read before the call returns
    Pointer al = fp64 ? Pointer.to(new double[] {alpha}) : Pointer.to(new float[] {(float) alpha});
    Pointer be = fp64 ? Pointer.to(new double[] {beta}) : Pointer.to(new float[] {(float) beta});
    CUdeviceptr pa = device.pointer(a);
    CUdeviceptr pb = device.pointer(b);
    CUdeviceptr pc = device.pointer(c);
    int rc =
        fp64
            ? JCublas2.cublasDgemmStridedBatched(
                cublas,
                opA,
                opB,
                g.m(),
                g.n(),
                g.k(),
                al,
                pa,
                g.lda(),
                g.strideA(),
                pb,
                g.ldb(),
                g.strideB(),
                be,
                pc,
                g.ldc(),
                g.strideC(),
                g.batch())
            : JCublas2.cublasSgemmStridedBatched(
                cublas,
                opA,
                opB,
                g.m(),
                g.n(),
                g.k(),
                al,
                pa,
                g.lda(),
                g.strideA(),
                pb,
                g.ldb(),
                g.strideB(),
                be,
                pc,
                g.ldc(),
                g.strideC(),
                g.batch());
    if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
      throw new IllegalStateException("cuBLAS gemm failed: " + cublasStatus.stringFor(rc));
    }
    enqueued();
  }

  @Override
  public Launcher prepare(String kernel, int block, Object... args) {
    return prepareWithSharedMemory(kernel, block, 0, args);
  }

  /**
   * Past 48 KiB, the function's opt-in attribute first: raised (never lowered) to what this and
   * every earlier group need, see {@link SharedMemoryOptIn}.
   */
  @Override
  public Launcher prepareWithSharedMemory(
      String kernel, int block, int sharedBytes, Object... args) {
    enter();
    CUfunction fn = device.function(kernel);
    if (sharedBytes > SharedMemoryOptIn.WITHOUT_OPT_IN) {
      device.optIn(kernel, sharedBytes);
    }
    return new JCudaLauncher(this, kernel, fn, block, sharedBytes, args);
  }

  @Override
  public void synchronize() {
    enter();
    notCapturing("synchronize");
    sync();
  }

  /** Waits for the stream, then destroys the cuBLAS handle and the stream. No memory freed. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    notCapturing("close");
    device.makeCurrent();
    closed = true;
    device.closed(this);
    try {
      sync();
    } finally {
      try {
        JCublas2.cublasDestroy(cublas);
      } finally {
        try {
          JCudaDriver.cuStreamDestroy(stream);
        } finally {
          if (workspace != null) {
            JCudaDriver.cuMemFree(workspace);
            workspace = null;
          }
        }
      }
    }
  }
}
