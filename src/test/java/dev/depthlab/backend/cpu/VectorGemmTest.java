package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API kernels against the scalar kernels they replace, bit for bit, in both precisions:
 * the forward product against {@link Dense64#multAddBias}, the weight and bias gradients against
 * {@link Dense64#multTransA}, the ReLU-masked input gradient against {@link
 * Dense64#multTransBMasked} (and the float twins against Dense32). The scalar kernels skip exact
 * zeros, which the vector kernels do not, so the inputs are half exact zeros. Shapes hit every
 * block and tail: rows not a multiple of four, columns below, at and between multiples of the lane
 * counts, and inner lengths over {@link VectorGemm64#KC} (blocks of k); 45 inputs make the weight
 * gradient's transposing copy of A end on a part of its 16-row run.
 */
class VectorGemmTest {
  static Stream<Arguments> shapes() {
    List<Arguments> out = new ArrayList<>();
    for (int rows : new int[] {1, 5, 32, 300}) {
      for (int in : new int[] {1, 2, 16, 33, 45, 257}) {
        for (int o : new int[] {1, 3, 8, 16, 17, 40, 256}) {
          out.add(Arguments.of(rows, in, o));
        }
      }
    }
    return out.stream();
  }

  @Test
  void theBuildRunsTestsOnTheVectorPath() {
    // surefire's argLine adds the module; without it CpuNet's parity tests would prove nothing
    // about these kernels
    assertTrue(CpuKernels.vector(), CpuKernels.name());
  }

  @Test
  void shapesOutsideTheArraysAreRefusedBeforeAnyAccess() {
    // the per-access checks are off (surefire's argLine, the launcher), so this is the only guard
    double[] a = new double[32 * 16];
    double[] w = new double[16 * 16];
    double[] b = new double[16];
    double[] z = new double[32 * 16];
    VectorGemm64.gemm(a, 16, 1, w, 16, 1, b, z, 32, 16, 16); // fits exactly
    assertAll(
        () -> assertThrows(IllegalArgumentException.class, () -> gemm(a, w, b, z, 33, 16, 16)),
        () -> assertThrows(IllegalArgumentException.class, () -> gemm(a, w, b, z, 32, 17, 16)),
        () -> assertThrows(IllegalArgumentException.class, () -> gemm(a, w, b, z, 32, 16, 17)),
        () -> assertThrows(IllegalArgumentException.class, () -> gemm(a, w, b, z, 32, -1, 16)),
        () ->
            assertThrows(
                IllegalArgumentException.class,
                () -> VectorGemm64.gemm(a, 1, 34, w, 16, 1, null, z, 16, 16, 16)),
        () ->
            assertThrows(
                IllegalArgumentException.class,
                () -> VectorGemm64.gemm(a, 16, 1, w, 1, 17, null, z, 32, 16, 16)),
        () ->
            assertThrows(
                IllegalArgumentException.class,
                () -> VectorGemm64.keepWhereNonZero(z, a, z.length + 1)),
        () ->
            assertThrows(
                IllegalArgumentException.class, () -> VectorGemm64.columnSums(z, 33, 16, b)));
  }

  private static void gemm(double[] a, double[] w, double[] b, double[] z, int m, int n, int k) {
    VectorGemm64.gemm(a, k, 1, w, n, 1, b, z, m, n, k);
  }

  /** ReLU-like values: about half exact zeros, the rest Gaussian (some negative). */
  private static double[] sparse(Random r, int n) {
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = r.nextBoolean() ? 0.0 : r.nextGaussian();
    }
    return v;
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      f[k] = (float) v[k];
    }
    return f;
  }

  @ParameterizedTest(name = "rows {0}, in {1}, out {2}")
  @MethodSource("shapes")
  void sameBitsAsTheScalarKernelsInDouble(int rows, int in, int out) {
    Random r = new Random(31L * rows + 7L * in + out);
    double[] a = sparse(r, rows * in);
    double[] w = sparse(r, in * out);
    double[] b = sparse(r, out);
    double[] dz = sparse(r, rows * out);
    int[] aIdx = new int[rows * in];
    int[] aCnt = new int[rows];
    int[] gIdx = new int[rows * out];
    int[] gCnt = new int[rows];
    Dense64.nonZeros(a, rows, in, aIdx, aCnt);
    Dense64.nonZeros(dz, rows, out, gIdx, gCnt);

    double[] z = new double[rows * out];
    Dense64.multAddBias(a, rows, in, aIdx, aCnt, w, out, b, z);
    double[] zv = nan(rows * out);
    VectorGemm64.gemm(a, in, 1, w, out, 1, b, zv, rows, out, in);
    same("forward", z, zv, out);

    double[] dw = new double[in * out];
    double[] db = new double[out];
    Dense64.multTransA(a, aIdx, aCnt, dz, gIdx, gCnt, rows, in, out, dw, db);
    double[] dwv = nan(in * out);
    double[] dbv = nan(out);
    VectorGemm64.gemm(a, 1, in, dz, out, 1, null, dwv, in, out, rows);
    VectorGemm64.columnSums(dz, rows, out, dbv);
    same("weight gradient", dw, dwv, out);
    same("bias gradient", db, dbv, out);

    double[] da = new double[rows * in];
    Dense64.multTransBMasked(dz, rows, out, gIdx, gCnt, w, in, aIdx, aCnt, da);
    double[] dav = nan(rows * in);
    VectorGemm64.gemm(dz, out, 1, w, 1, out, null, dav, rows, in, out);
    VectorGemm64.keepWhereNonZero(dav, a, rows * in);
    same("input gradient", da, dav, in);
  }

  @ParameterizedTest(name = "rows {0}, in {1}, out {2}")
  @MethodSource("shapes")
  void sameBitsAsTheScalarKernelsInFloat(int rows, int in, int out) {
    Random r = new Random(17L * rows + 5L * in + out);
    float[] a = toFloat(sparse(r, rows * in));
    float[] w = toFloat(sparse(r, in * out));
    float[] b = toFloat(sparse(r, out));
    float[] dz = toFloat(sparse(r, rows * out));
    int[] aIdx = new int[rows * in];
    int[] aCnt = new int[rows];
    int[] gIdx = new int[rows * out];
    int[] gCnt = new int[rows];
    Dense32.nonZeros(a, rows, in, aIdx, aCnt);
    Dense32.nonZeros(dz, rows, out, gIdx, gCnt);

    float[] z = new float[rows * out];
    Dense32.multAddBias(a, rows, in, aIdx, aCnt, w, out, b, z);
    float[] zv = nanF(rows * out);
    VectorGemm32.gemm(a, in, 1, w, out, 1, b, zv, rows, out, in);
    same("forward", z, zv, out);

    float[] dw = new float[in * out];
    float[] db = new float[out];
    Dense32.multTransA(a, aIdx, aCnt, dz, gIdx, gCnt, rows, in, out, dw, db);
    float[] dwv = nanF(in * out);
    float[] dbv = nanF(out);
    VectorGemm32.gemm(a, 1, in, dz, out, 1, null, dwv, in, out, rows);
    VectorGemm32.columnSums(dz, rows, out, dbv);
    same("weight gradient", dw, dwv, out);
    same("bias gradient", db, dbv, out);

    float[] da = new float[rows * in];
    Dense32.multTransB(dz, rows, out, gIdx, gCnt, w, in, da);
    float[] dav = nanF(rows * in);
    VectorGemm32.gemm(dz, out, 1, w, 1, out, null, dav, rows, in, out);
    same("input gradient (unmasked)", da, dav, in);
  }

  private static double[] nan(int n) {
    double[] v = new double[n];
    Arrays.fill(v, Double.NaN); // every element must be written
    return v;
  }

  private static float[] nanF(int n) {
    float[] v = new float[n];
    Arrays.fill(v, Float.NaN);
    return v;
  }

  private static void same(String what, double[] want, double[] got, int cols) {
    for (int k = 0; k < want.length; k++) {
      if (Double.doubleToRawLongBits(got[k]) != Double.doubleToRawLongBits(want[k])) {
        fail(
            String.format(
                "%s, row %d, column %d: vector %s, scalar %s",
                what, k / cols, k % cols, got[k], want[k]));
      }
    }
  }

  private static void same(String what, float[] want, float[] got, int cols) {
    for (int k = 0; k < want.length; k++) {
      if (Float.floatToRawIntBits(got[k]) != Float.floatToRawIntBits(want[k])) {
        fail(
            String.format(
                "%s, row %d, column %d: vector %s, scalar %s",
                what, k / cols, k % cols, got[k], want[k]));
      }
    }
  }
}
