package dev.depthlab.backend.cpu;

/**
 * Chooses the CPU kernels: the Vector API path ({@link VectorGemm64}, {@link VectorGemm32}) when
 * the JVM was started with {@code --add-modules jdk.incubator.vector}, the scalar {@link Dense64}
 * and {@link Dense32} path otherwise. Both give the same bits (VectorGemmTest,
 * ReferenceParityTest). Every reference to {@code jdk.incubator.vector} stays inside the VectorGemm
 * classes, which the JVM loads only when the vector path runs, so the jar runs either way. The
 * property {@code depthlab.cpu.kernels=scalar} forces the scalar path (for tests and benchmarks).
 */
final class CpuKernels {
  private CpuKernels() {}

  private static final boolean MODULE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private static final boolean VECTOR =
      MODULE && !"scalar".equals(System.getProperty("depthlab.cpu.kernels"));

  /** Whether the training step uses the VectorGemm kernels. */
  static boolean vector() {
    return VECTOR;
  }

  /** The replicas-in-lanes path in words, for {@code depthlab backends} and {@code bench}. */
  static String lanesName() {
    if (!VECTOR) {
      return "off (needs the vector path): replicas step one by one";
    }
    return "replicas in "
        + LaneNet64.lanes()
        + " fp64 / "
        + LaneNet32.lanes()
        + " fp32 lanes: where every layer is at most "
        + LaneNet64.MAX_WIDTH
        + " wide, a sweep trains the seeds of a data set and depth as one group (else as below)";
  }

  /** The active path in words, for {@code depthlab backends}. */
  static String name() {
    if (VECTOR) {
      return "vector (Vector API, "
          + VectorGemm64.lanes()
          + " fp64 / "
          + VectorGemm32.lanes()
          + " fp32 lanes)";
    }
    return MODULE
        ? "scalar (forced by -Ddepthlab.cpu.kernels=scalar)"
        : "scalar (start java with --add-modules jdk.incubator.vector for the vector path)";
  }
}
