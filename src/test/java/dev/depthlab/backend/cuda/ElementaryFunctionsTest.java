package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernels' exp, log, expm1 and tanh ({@code dl_exp}, {@code dl_log}, {@code dl_expm1}, {@code
 * dl_tanh} in kernels/common.cuh, ports of fdlibm) give StrictMath's bits (docs/arithmetic.md):
 * native/check-elementary.cpp, compiled with the emulator's flags, evaluates them on arguments
 * drawn here (the sigmoid's, the BCE's and the tanh activation's ranges, the whole exponent range,
 * raw random bit patterns, the edge cases of each algorithm) and compares with StrictMath, value by
 * value.
 */
class ElementaryFunctionsTest {
  static final int DRAWS = 200_000;

  @Test
  void theKernelsElementaryFunctionsAreStrictMathBitForBit(@TempDir Path tmp) throws Exception {
    NativeTools.require("g++");
    Path exe = tmp.resolve("check-elementary");
    StringBuilder build = new StringBuilder();
    int rc =
        NativeTools.run(
            build,
            "g++",
            "-std=c++17",
            "-O2",
            "-ffp-contract=off",
            "-Inative",
            "-Ikernels",
            "native/check-elementary.cpp",
            "-o",
            exe.toString());
    assertEquals(0, rc, "g++ native/check-elementary.cpp:\n" + build);

    StringBuilder in = new StringBuilder();
    double[] edges = {
      0.0,
      -0.0,
      1.0,
      -1.0,
      0.5,
      2.0,
      1e-8,
      1 - 1e-8,
      Double.MIN_VALUE,
      Double.MIN_NORMAL,
      Double.MAX_VALUE,
      -Double.MAX_VALUE,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.NaN,
      709.782712893384,
      709.79,
      -745.1332191019411,
      -745.14,
      -708.5,
      -740.0,
      0.34657359027997264,
      1.0397207708399179,
      0x1p-28,
      -0x1p-28,
      0x1p-1074,
      1 + 0x1p-52,
      1 - 0x1p-53,
      // expm1's and tanh's branch points: 2^-54, 2^-55, 0.5 ln2, 1.5 ln2, 56 ln2, |x| = 1, 22
      0x1p-54,
      -0x1p-54,
      0x1p-55,
      -0x1p-55,
      0x1p-56,
      0.5 * Math.log(2),
      -0.5 * Math.log(2),
      1.5 * Math.log(2),
      -1.5 * Math.log(2),
      56 * Math.log(2),
      -56 * Math.log(2),
      -38.9,
      -0.25,
      Math.nextDown(1.0),
      Math.nextDown(22.0),
      22.0,
      -22.0,
      Math.nextUp(22.0),
      -Math.nextUp(22.0),
      13.5,
      14.5,
      40.0,
      -40.0,
      1e300
    };
    for (double x : edges) {
      line(in, "exp", x, StrictMath.exp(x));
      line(in, "log", x, StrictMath.log(x));
      line(in, "expm1", x, StrictMath.expm1(x));
      line(in, "tanh", x, StrictMath.tanh(x));
    }
    SplittableRandom r = new SplittableRandom(24);
    for (int i = 0; i < DRAWS; i++) {
      double x =
          switch (i % 4) {
            case 0 -> r.nextDouble(-40, 40);
            case 1 -> r.nextDouble(-750, 750);
            case 2 -> r.nextDouble(-1, 1) * Math.scalb(1.0, -r.nextInt(60));
            default -> Double.longBitsToDouble(r.nextLong());
          };
      line(in, "exp", x, StrictMath.exp(x));
      double y =
          switch (i % 4) {
            case 0 -> r.nextDouble(1e-8, 1.0);
            case 1 -> r.nextDouble(0.9, 1.1);
            case 2 -> 1.0 + r.nextDouble(-1, 1) * Math.scalb(1.0, -r.nextInt(53));
            default -> Double.longBitsToDouble(r.nextLong() & Long.MAX_VALUE);
          };
      line(in, "log", y, StrictMath.log(y));
      double u =
          switch (i % 4) {
            case 0 -> r.nextDouble(-2, 2);
            case 1 -> r.nextDouble(-720, 720);
            case 2 -> r.nextDouble(-1, 1) * Math.scalb(1.0, -r.nextInt(60));
            default -> Double.longBitsToDouble(r.nextLong());
          };
      line(in, "expm1", u, StrictMath.expm1(u));
      double v =
          switch (i % 4) {
            case 0 -> r.nextDouble(-1, 1);
            case 1 -> r.nextDouble(-25, 25);
            case 2 -> r.nextDouble(-1, 1) * Math.scalb(1.0, -r.nextInt(60));
            default -> Double.longBitsToDouble(r.nextLong());
          };
      line(in, "tanh", v, StrictMath.tanh(v));
    }
    Path input = tmp.resolve("in.txt");
    Files.writeString(input, in);
    Process p =
        new ProcessBuilder(exe.toString())
            .redirectInput(input.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check-elementary did not finish");
    int n = 4 * (edges.length + DRAWS);
    System.out.print("dl_exp, dl_log, dl_expm1, dl_tanh vs StrictMath: " + out);
    assertEquals(
        n + " compared, 0 differ", out.strip().lines().reduce((a, b) -> b).orElse(""), out);
    assertEquals(0, p.exitValue(), out);
  }

  private static void line(StringBuilder sb, String f, double x, double y) {
    sb.append(f)
        .append(' ')
        .append(String.format("%016x", Double.doubleToRawLongBits(x)))
        .append(' ')
        .append(String.format("%016x", Double.doubleToRawLongBits(y)))
        .append('\n');
  }
}
