package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API dense layer against its plain twin {@link Dense64#multAddBias} (zero-skipping,
 * with its non-zero lists), bit for bit, over shapes that hit every block and tail: rows not a
 * multiple of four, outputs below, at and between multiples of the lane count.
 */
class VectorDense64Test {
  static Stream<Arguments> shapes() {
    List<Arguments> out = new ArrayList<>();
    for (int rows : new int[] {1, 5, 32, 256}) {
      for (int in : new int[] {1, 2, 16, 33}) {
        for (int o : new int[] {1, 3, 8, 16, 17, 64, 256}) {
          out.add(Arguments.of(rows, in, o));
        }
      }
    }
    return out.stream();
  }

  @Test
  void theBuildRunsTestsOnTheVectorPath() {
    // surefire's argLine adds the module; without it the test below would not reach this kernel's
    // caller in CpuNet64, and ReferenceParityTest would prove nothing about it.
    assertTrue(CpuKernels.vectorFp64(), CpuKernels.name());
  }

  @ParameterizedTest(name = "rows {0}, in {1}, out {2}")
  @MethodSource("shapes")
  void sameBitsAsTheScalarKernel(int rows, int in, int out) {
    Random r = new Random(31L * rows + 7L * in + out);
    double[] a = new double[rows * in];
    for (int k = 0; k < a.length; k++) {
      // ReLU-like: about half exact zeros, and some negatives as a leaky or raw input has
      a[k] = r.nextBoolean() ? 0.0 : r.nextGaussian();
    }
    double[] w = new double[in * out];
    for (int k = 0; k < w.length; k++) {
      w[k] = r.nextGaussian();
    }
    double[] b = new double[out];
    for (int j = 0; j < out; j++) {
      b[j] = j % 5 == 0 ? 0.0 : r.nextGaussian();
    }
    int[] idx = new int[rows * in];
    int[] cnt = new int[rows];
    Dense64.nonZeros(a, rows, in, idx, cnt);
    double[] want = new double[rows * out];
    Dense64.multAddBias(a, rows, in, idx, cnt, w, out, b, want);
    double[] got = new double[rows * out];
    java.util.Arrays.fill(got, Double.NaN); // every element must be written
    VectorDense64.multAddBias(a, rows, in, w, out, b, got);
    for (int k = 0; k < want.length; k++) {
      if (Double.doubleToRawLongBits(got[k]) != Double.doubleToRawLongBits(want[k])) {
        fail(
            String.format(
                "row %d, output %d: vector %s, scalar %s (differ by %s)",
                k / out, k % out, got[k], want[k], got[k] - want[k]));
      }
    }
  }
}
