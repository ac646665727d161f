package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depthlab.common.Rng;
import dev.depthlab.model.Precision;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The emulated GEMM against an independent reference of cuBLAS's documented contract: column-major
 * operands with padded leading dimensions, every op-flag combination, batch strides, alpha and
 * beta. The parity tests rely on this contract; this pins it down on its own.
 */
class EmulatedGemmTest {
  @Test
  void stridedBatchedGemmFollowsTheCublasContract() {
    EmulatedDevice dev = NativeTools.emulatedDevice();
    Rng rng = new Rng(42);
    int m = 3;
    int n = 4;
    int k = 5;
    int batch = 3;
    List<Executable> checks = new ArrayList<>();
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        int rowsA = ta ? k : m; // stored A is rowsA x colsA, column-major
        int colsA = ta ? m : k;
        int rowsB = tb ? n : k;
        int colsB = tb ? k : n;
        int lda = rowsA + 2;
        int ldb = rowsB + 1;
        int ldc = m + 3;
        long sa = (long) lda * colsA + 5;
        long sb = (long) ldb * colsB + 7;
        long sc = (long) ldc * n + 1;
        double[] a = random(rng, (int) (sa * batch));
        double[] b = random(rng, (int) (sb * batch));
        double[] c = random(rng, (int) (sc * batch));
        double alpha = 1.5;
        double beta = -0.5;
        double[] expected = c.clone();
        for (int p = 0; p < batch; p++) {
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              double sum = 0;
              for (int l = 0; l < k; l++) {
                // op(A)[i][l], op(B)[l][j] straight from the column-major definition
                double x = ta ? a[(int) (p * sa) + l + i * lda] : a[(int) (p * sa) + i + l * lda];
                double y = tb ? b[(int) (p * sb) + j + l * ldb] : b[(int) (p * sb) + l + j * ldb];
                sum += x * y;
              }
              int ci = (int) (p * sc) + i + j * ldc;
              expected[ci] = alpha * sum + beta * c[ci];
            }
          }
        }
        long pa = dev.alloc(8L * a.length);
        long pb = dev.alloc(8L * b.length);
        long pc = dev.alloc(8L * c.length);
        dev.root().copyIn(pa, a);
        dev.root().copyIn(pb, b);
        dev.root().copyIn(pc, c);
        dev.root()
            .gemm(
                new Gemm(ta, tb, m, n, k, lda, sa, ldb, sb, ldc, sc, batch),
                alpha,
                pa,
                pb,
                beta,
                pc,
                Precision.FP64);
        double[] got = new double[c.length];
        dev.root().copyOut(pc, got);
        for (long ptr : new long[] {pa, pb, pc}) {
          dev.free(ptr);
        }
        String label = "op(A)=" + (ta ? "T" : "N") + " op(B)=" + (tb ? "T" : "N");
        for (int e = 0; e < got.length; e++) {
          int at = e;
          // elements outside C_p (padding between columns and batches) must stay untouched
          checks.add(() -> assertEquals(expected[at], got[at], 1e-12, label + " element " + at));
        }
      }
    }
    assertAll(checks);
  }

  @Test
  void betaZeroDoesNotReadC() {
    EmulatedDevice dev = NativeTools.emulatedDevice();
    long a = dev.alloc(8);
    long b = dev.alloc(8);
    long c = dev.alloc(8);
    dev.root().copyIn(a, new double[] {2});
    dev.root().copyIn(b, new double[] {3});
    dev.root().copyIn(c, new double[] {Double.NaN});
    dev.root()
        .gemm(
            new Gemm(false, false, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
            1.0,
            a,
            b,
            0.0,
            c,
            Precision.FP64);
    double[] out = new double[1];
    dev.root().copyOut(c, out);
    assertEquals(6.0, out[0]);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            dev.root()
                .gemm(
                    new Gemm(false, false, 2, 1, 1, 1, 1, 1, 1, 2, 2, 1),
                    1.0,
                    a,
                    b,
                    0.0,
                    c,
                    Precision.FP64),
        "lda < m must be rejected");
    dev.free(a);
    dev.free(b);
    dev.free(c);
  }

  private static double[] random(Rng rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.uniform(-1, 1);
    }
    return v;
  }
}
