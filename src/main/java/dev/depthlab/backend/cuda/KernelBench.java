package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * A micro-benchmark of each kernel of kernels/train.cu and kernels/eval.cu alone ({@code depthlab
 * bench --kernels}), in the manner of llm.c's dev/cuda: one kernel at a time on a seed-study shape
 * (R = 10 replicas, a batch of 32, hidden layers 16 wide, 2000 training points), launched again and
 * again on one lane for its share of the time, then the lane synchronised; a row gives the kernel,
 * its precision, its threads and the wall-clock microseconds per launch (launch overhead included:
 * these kernels are small). The inputs are zeros: every kernel does the same work on any values (no
 * data-dependent branch changes its loop counts). KernelChecks (tests) holds each kernel's results
 * to a Java version.
 */
public final class KernelBench {
  static final int R = 10;
  static final int BATCH = 32;
  static final int UNITS = 16;
  static final int N = 2000;

  /** Launches between two synchronisations of the lane (one wait amortised over them). */
  static final int BURST = 16;

  /** One row: a kernel's name (with its precision suffix), threads per launch, microseconds. */
  public record Row(String kernel, int threads, int launches, double micros) {
    /** The row as bench prints it. */
    public String line() {
      return String.format(
          Locale.ROOT,
          "%-22s %9d threads %9.2f us/launch (%d launches)",
          kernel,
          threads,
          micros,
          launches);
    }
  }

  private KernelBench() {}

  /**
   * Times every kernel in both precisions on a lane of {@code device}, about {@code seconds} in all
   * (at least 3 launches each), freeing what it allocated.
   */
  public static List<Row> run(Device device, double seconds) {
    List<Row> rows = new ArrayList<>();
    try (Lane lane = device.openLane()) {
      List<Long> owned = new ArrayList<>();
      try {
        for (Precision p : List.of(Precision.FP64, Precision.FP32)) {
          rows.addAll(run(device, lane, p, seconds / 2, owned));
        }
      } finally {
        lane.synchronize();
        for (long ptr : owned) {
          device.free(ptr);
        }
      }
    }
    return rows;
  }

  private static List<Row> run(
      Device device, Lane lane, Precision p, double seconds, List<Long> owned) {
    int elem = p == Precision.FP64 ? 8 : 4;
    String sfx = p == Precision.FP64 ? "_f64" : "_f32";
    BiFunction<Long, Integer, Long> alloc =
        (count, size) -> {
          long ptr = device.alloc(Math.max(8, count * size));
          owned.add(ptr);
          return ptr;
        };
    long x = alloc.apply((long) R * N * 2, elem);
    long y = alloc.apply((long) R * N, elem);
    long order = alloc.apply((long) R * N, 4);
    long a = alloc.apply((long) R * N * UNITS, elem);
    long z = alloc.apply((long) R * N * UNITS, elem);
    long dz = alloc.apply((long) R * N * UNITS, elem);
    long rz = alloc.apply((long) R * N * UNITS, elem);
    long b = alloc.apply((long) R * UNITS, elem);
    long loss = alloc.apply((long) R * N, 8);
    int chunk = CudaGroup.CHUNK;
    int weights = UNITS * UNITS;
    int perReplica = (weights + chunk - 1) / chunk;
    int normChunks = R * perReplica;
    long table = alloc.apply(4L, 4);
    lane.copyIn(table, new int[] {0, perReplica, 0, weights});
    long partial = alloc.apply((long) Math.max(normChunks, 2 * R * (N / chunk + 1)), 8);
    long diag = alloc.apply((long) R * 4, 8);
    long params = alloc.apply((long) R * (weights + UNITS), elem);
    long alive = alloc.apply((long) R * UNITS * (N / chunk + 1), 4);
    long out = alloc.apply((long) R * Math.max(N, UNITS + 4), 8);
    int evalChunks = (N + chunk - 1) / chunk;
    int bu = BATCH * UNITS;
    List<Object[]> launches = new ArrayList<>();
    launches.add(
        new Object[] {
          "gather", R * BATCH, x, y, order, N, 0, BATCH, 2, N * 2, N, a, BATCH * 2, dz, BATCH, R
        });
    launches.add(
        new Object[] {"bias_act", R * bu, z, b, a, BATCH, UNITS, bu, UNITS, bu, 0, 0.01, R});
    launches.add(
        new Object[] {"output_grad", R * BATCH, z, b, y, dz, loss, BATCH, BATCH, 1, 1e-8, 0, R, 0});
    launches.add(
        new Object[] {
          "act_backward_db", R * UNITS, dz, z, a, b, BATCH, UNITS, bu, UNITS, 0, 0.01, R
        });
    launches.add(
        new Object[] {"grad_norm_chunks", normChunks, dz, table, 1, chunk, partial, normChunks});
    launches.add(
        new Object[] {
          "step_sums", R * 2, loss, dz, BATCH, BATCH, b, 1, partial, table, 1, diag, 4, R, z, y
        });
    launches.add(
        new Object[] {
          "sgd_update", R * (weights + UNITS), params, a, R * (weights + UNITS), 0.001
        });
    launches.add(
        new Object[] {
          "copy_layer", R * (weights + UNITS), params, 0, weights, R * weights, UNITS, a, R
        });
    launches.add(
        new Object[] {
          "eval_output_chunks", R * evalChunks, z, b, y, N, N, N, 1, 1e-8, chunk, partial, R
        });
    launches.add(new Object[] {"eval_sums", R, partial, N, chunk, out, 4, R});
    launches.add(
        new Object[] {
          "alive_chunks",
          R * evalChunks * UNITS,
          z,
          N,
          UNITS,
          N * UNITS,
          0,
          chunk,
          alive,
          UNITS * evalChunks,
          R
        });
    launches.add(new Object[] {"dead_flags", R * UNITS, alive, N, chunk, UNITS, out, UNITS, R});
    launches.add(new Object[] {"predict_output", R * N, z, b, N, N, 1, dz, N, R});
    launches.add(
        new Object[] {
          "r_bias_act", R * bu, rz, b, z, a, dz, BATCH, UNITS, bu, UNITS, bu, 0, 0.01, R
        });
    launches.add(
        new Object[] {"r_output", R * BATCH, rz, b, z, y, dz, BATCH, BATCH, 1, 1e-8, 0, R, 0});
    launches.add(
        new Object[] {
          "r_act_backward_db", R * UNITS, dz, rz, z, a, rz, b, BATCH, UNITS, bu, UNITS, 2, 0.01, R
        });
    launches.add(new Object[] {"r_column_sums", R * UNITS, dz, b, BATCH, UNITS, bu, UNITS, R});
    List<Row> rows = new ArrayList<>();
    double each = seconds / launches.size();
    for (Object[] l : launches) {
      String kernel = (String) l[0] + sfx;
      int threads = (Integer) l[1];
      Object[] args = java.util.Arrays.copyOfRange(l, 2, l.length);
      Lane.Launcher launcher = lane.prepare(kernel, CudaKernelCalls.BLOCK, args);
      int grid = CudaKernelCalls.grid(threads);
      launcher.enqueue(grid); // warm-up (the first launch loads the function)
      lane.synchronize();
      int n = 0;
      long start = System.nanoTime();
      long until = start + (long) (each * 1e9);
      do {
        for (int k = 0; k < BURST; k++) {
          launcher.enqueue(grid);
        }
        n += BURST;
        lane.synchronize(); // bounds the queue (the emulator queues without limit)
      } while (System.nanoTime() < until);
      double micros = (System.nanoTime() - start) / 1e3 / n;
      rows.add(new Row(kernel, threads, n, micros));
    }
    return rows;
  }
}
