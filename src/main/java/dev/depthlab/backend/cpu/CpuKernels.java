package dev.depthlab.backend.cpu;

/**
 * Chooses the CPU forward kernel: the Vector API path ({@link VectorDense64}) when the JVM was
 * started with {@code --add-modules jdk.incubator.vector}, the scalar {@link Dense64} path
 * otherwise. Every reference to {@code jdk.incubator.vector} stays inside VectorDense64, which is
 * only loaded when the module is present, so the jar runs either way.
 */
final class CpuKernels {
  private CpuKernels() {}

  private static final boolean VECTOR =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /** Whether the fp64 forward pass uses {@link VectorDense64}. */
  static boolean vectorFp64() {
    return VECTOR;
  }

  /** The active path in words, for {@code depthlab backends}. */
  static String name() {
    return VECTOR
        ? "vector (" + VectorDense64.lanes() + " fp64 lanes; fp64 forward only)"
        : "scalar (start java with --add-modules jdk.incubator.vector)";
  }

  /**
   * {@code z[rows x out] = b + a[rows x in] * w[in x out]} on the vector path, with the sums of
   * {@link Dense64#multAddBias}; call only when {@link #vectorFp64()}.
   */
  static void multAddBias(
      double[] a, int rows, int in, double[] w, int out, double[] b, double[] z) {
    VectorDense64.multAddBias(a, rows, in, w, out, b, z);
  }

  /**
   * The fp32 twin's counterpart, which it never calls: CpuNet32 is generated from CpuNet64 with its
   * vector switch set to false, and there is no float vector kernel yet.
   */
  static void multAddBias(float[] a, int rows, int in, float[] w, int out, float[] b, float[] z) {
    throw new IllegalStateException("no fp32 vector kernel yet");
  }
}
