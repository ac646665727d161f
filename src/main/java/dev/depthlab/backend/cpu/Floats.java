package dev.depthlab.backend.cpu;

/**
 * {@link System#arraycopy} between the engine's double arrays and the float twin's buffers: where
 * {@link CpuNet64} copies, the generated {@link CpuNet32} calls these instead.
 */
final class Floats {
  private Floats() {}

  /** Copies {@code length} values, each rounded to the nearest float. */
  static void arraycopy(double[] src, int srcPos, float[] dest, int destPos, int length) {
    for (int k = 0; k < length; k++) {
      dest[destPos + k] = (float) src[srcPos + k];
    }
  }

  /** Copies {@code length} values; widening a float to double is exact. */
  static void arraycopy(float[] src, int srcPos, double[] dest, int destPos, int length) {
    for (int k = 0; k < length; k++) {
      dest[destPos + k] = src[srcPos + k];
    }
  }
}
