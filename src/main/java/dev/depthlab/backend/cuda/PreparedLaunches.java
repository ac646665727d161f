package dev.depthlab.backend.cuda;

/**
 * The prepared launches of a training step ({@link CudaKernelCalls}' gather, bias_act, output_grad,
 * act_backward_db, grad_norm_chunks, step_sums, sgd_update, copy_layer): each holds a {@link
 * Lane.Launcher} bound once with the arguments that never change, and its {@code run} sets only
 * what changes from step to step and enqueues.
 */
final class PreparedLaunches {
  private PreparedLaunches() {}

  /** A prepared gather. */
  static final class Gather {
    private static final int ORDER = 2;
    private static final int ORDER_STRIDE = 3;
    private static final int OFFSET = 4;
    private static final int COUNT = 5;
    private final Lane.Launcher launch;
    private final int replicas;

    Gather(Lane.Launcher launch, int replicas) {
      this.launch = launch;
      this.replicas = replicas;
    }

    /** Samples {@code order[r * orderStride + offset ..][0, count)}; one thread per (r, sample). */
    void run(long order, int orderStride, int offset, int count) {
      launch.setPointer(ORDER, order);
      launch.setInt(ORDER_STRIDE, orderStride);
      launch.setInt(OFFSET, offset);
      launch.setInt(COUNT, count);
      launch.enqueue(CudaKernelCalls.grid(CudaKernelCalls.threads(replicas, count)));
    }
  }

  /** A prepared bias_act. */
  static final class BiasAct {
    private static final int ROWS = 3;
    private final Lane.Launcher launch;
    private final int threadsPerRow;

    BiasAct(Lane.Launcher launch, int threadsPerRow) {
      this.launch = launch;
      this.threadsPerRow = threadsPerRow;
    }

    /** The first {@code rows} rows; one thread per (r, row, unit). */
    void run(int rows) {
      launch.setInt(ROWS, rows);
      launch.enqueue(CudaKernelCalls.grid(CudaKernelCalls.threads(threadsPerRow, rows)));
    }
  }

  /** A prepared output_grad. */
  static final class OutputGrad {
    private static final int ROWS = 5;
    private final Lane.Launcher launch;
    private final int replicas;

    OutputGrad(Lane.Launcher launch, int replicas) {
      this.launch = launch;
      this.replicas = replicas;
    }

    /** The first {@code rows} rows; one thread per (r, row). */
    void run(int rows) {
      launch.setInt(ROWS, rows);
      launch.enqueue(CudaKernelCalls.grid(CudaKernelCalls.threads(replicas, rows)));
    }
  }

  /** A prepared act_backward_db. */
  static final class ActBackwardDb {
    private static final int ROWS = 4;
    private final Lane.Launcher launch;
    private final int threads;

    ActBackwardDb(Lane.Launcher launch, int threads) {
      this.launch = launch;
      this.threads = threads;
    }

    /** Over the first {@code rows} rows; one thread per (r, unit). */
    void run(int rows) {
      launch.setInt(ROWS, rows);
      launch.enqueue(CudaKernelCalls.grid(threads));
    }
  }

  /** A prepared launch whose arguments never change. */
  static final class Launch {
    private final Lane.Launcher launch;
    private final int threads;

    Launch(Lane.Launcher launch, int threads) {
      this.launch = launch;
      this.threads = threads;
    }

    void run() {
      launch.enqueue(CudaKernelCalls.grid(threads));
    }
  }

  /** A prepared step_sums. */
  static final class StepSums {
    private static final int ROWS = 3;
    private static final int DIAG = 9;
    private static final int DIAG_STRIDE = 10;
    private final Lane.Launcher launch;
    private final int threads;

    StepSums(Lane.Launcher launch, int threads) {
      this.launch = launch;
      this.threads = threads;
    }

    /**
     * Over the first {@code rows} rows, into replica r's row at {@code diag + r * diagStride}
     * doubles; one thread per (r, column).
     */
    void run(int rows, long diag, int diagStride) {
      launch.setInt(ROWS, rows);
      launch.setPointer(DIAG, diag);
      launch.setInt(DIAG_STRIDE, diagStride);
      launch.enqueue(CudaKernelCalls.grid(threads));
    }
  }

  /** A prepared sgd_update. */
  static final class SgdUpdate {
    private static final int LR = 3;
    private final Lane.Launcher launch;
    private final int n;

    SgdUpdate(Lane.Launcher launch, int n) {
      this.launch = launch;
      this.n = n;
    }

    /** One thread per element. */
    void run(double lr) {
      launch.setDouble(LR, lr);
      launch.enqueue(CudaKernelCalls.grid(n));
    }
  }

  /** A prepared copy_layer. */
  static final class CopyLayer {
    private static final int DST = 5;
    private final Lane.Launcher launch;
    private final int threads;

    CopyLayer(Lane.Launcher launch, int threads) {
      this.launch = launch;
      this.threads = threads;
    }

    /** Into {@code dst}, [R][wn + bn]; one thread per (r, element). */
    void run(long dst) {
      launch.setPointer(DST, dst);
      launch.enqueue(CudaKernelCalls.grid(threads));
    }
  }
}
