package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one binning of Jacobian singular values: half-decades of log10 from 1e-4 to 1e2, tails. */
class JacobianFiguresTest {
  @Test
  void binsAreHalfDecadesWithTails() {
    assertAll(
        () -> assertEquals(14, JacobianFigures.BINS, "12 half-decades and two tails"),
        () -> assertEquals(0, JacobianFigures.bin(0.0), "an exact zero: the lower tail"),
        () -> assertEquals(0, JacobianFigures.bin(9.9e-5)),
        () -> assertEquals(1, JacobianFigures.bin(1e-4), "[1e-4, 10^-3.5)"),
        () -> assertEquals(8, JacobianFigures.bin(0.5), "[10^-0.5, 1)"),
        () -> assertEquals(9, JacobianFigures.bin(1.0), "[1, 10^0.5)"),
        () -> assertEquals(12, JacobianFigures.bin(99.0), "[10^1.5, 100)"),
        () -> assertEquals(13, JacobianFigures.bin(100.0), "the upper tail"),
        () -> assertEquals(13, JacobianFigures.bin(Double.POSITIVE_INFINITY)),
        () -> assertEquals(-0.25, JacobianFigures.centres()[8], 1e-15, "bin 8's centre"),
        () -> assertEquals(-4.25, JacobianFigures.centres()[0], 1e-15));
  }

  @Test
  void theHistogramIsTheFractionPerBin() {
    double[] h = JacobianFigures.histogram(List.of(0.0, 1.0, 2.0, 3.5, 1e3));
    double[] want = new double[14];
    want[0] = 0.2;
    want[9] = 0.4; // 1 and 2 lie in [1, 3.16)
    want[10] = 0.2; // 3.5 in [3.16, 10)
    want[13] = 0.2;
    assertArrayEquals(want, h, 1e-15);
  }
}
