package dev.depthlab.backend.cuda;

import java.util.Arrays;

/**
 * One replica's outputs at any points ({@link CudaGroup#predict}), {@link CudaGroup#PREDICT_CHUNK}
 * points at a time: the evaluation's forward pass (the same GEMM layout and bias_act) on that
 * replica's blocks of the parameters, then predict_output; two copies per chunk (the points in, the
 * outputs out). Its buffers are allocated by the first prediction.
 */
final class Predictor {
  private static final int CHUNK = CudaGroup.PREDICT_CHUNK;

  private final CudaKernelCalls calls;
  private final GroupLayout layout;
  private final GroupMemory mem;
  private final GroupBuffers buf;

  /** One replica's inputs, its layers' pre-activations and activations, and its outputs. */
  private long x;

  private long[] z;
  private long[] a;
  private long out;

  Predictor(CudaKernelCalls calls, GroupLayout layout, GroupBuffers buf, GroupMemory mem) {
    this.calls = calls;
    this.layout = layout;
    this.buf = buf;
    this.mem = mem;
  }

  /** Replica {@code replica}'s outputs at the {@code n} points of {@code inputs} (n >= 1). */
  double[] predict(int replica, double[] inputs, int n) {
    double[] result = new double[n];
    ensureBuffers();
    int[] sizes = layout.sizes;
    int f = sizes[0];
    for (int start = 0; start < n; start += CHUNK) {
      int rows = Math.min(CHUNK, n - start);
      mem.upload(x, Arrays.copyOfRange(inputs, start * f, (start + rows) * f));
      // one replica: a batch of one, so the strides between replicas never apply
      Forward.Views views =
          new Forward.Views() {
            @Override
            public Strided input(int l) {
              return new Strided(l == 0 ? x : a[l], (long) rows * sizes[l]);
            }

            @Override
            public Strided z(int l) {
              return new Strided(z[l], (long) rows * sizes[l + 1]);
            }

            @Override
            public long weights(int l) {
              return mem.el(buf.params, layout.wOff[l] + (long) replica * sizes[l] * sizes[l + 1]);
            }
          };
      Forward.run(
          calls,
          sizes,
          rows,
          1,
          views,
          (l, top) -> {
            int units = sizes[l + 1];
            long b = mem.el(buf.params, layout.bOff[l] + (long) replica * units);
            if (top) {
              calls.predictOutput(z[l], b, rows, rows, 1, out, rows, 1);
            } else {
              calls
                  .biasAct(
                      new Strided(z[l], (long) rows * units),
                      new Strided(b, units),
                      new Strided(a[l + 1], (long) rows * units),
                      units,
                      layout.activation(),
                      1)
                  .run(rows);
            }
          });
      System.arraycopy(mem.download(out, rows), 0, result, start, rows);
    }
    return result;
  }

  private void ensureBuffers() {
    if (z != null) {
      return;
    }
    int[] sizes = layout.sizes;
    x = mem.alloc((long) CHUNK * sizes[0] * mem.elem);
    z = new long[layout.layers];
    a = new long[layout.layers];
    for (int l = 0; l < layout.layers; l++) {
      z[l] = mem.alloc((long) CHUNK * sizes[l + 1] * mem.elem);
      if (l > 0) {
        a[l] = mem.alloc((long) CHUNK * sizes[l] * mem.elem);
      }
    }
    out = mem.alloc((long) CHUNK * mem.elem);
  }
}
