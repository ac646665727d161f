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
 * The kernels' exp and log ({@code dl_exp}, {@code dl_log} in kernels/common.cuh, ports of fdlibm)
 * give StrictMath's bits (docs/arithmetic.md): native/check-elementary.cpp, compiled with the
 * emulator's flags, evaluates them on arguments drawn here (the sigmoid's and the BCE's ranges, the
 * whole exponent range, raw random bit patterns, the edge cases of both algorithms) and compares
 * with StrictMath, value by value.
 */
class ElementaryFunctionsTest {
  static final int DRAWS = 200_000;

  @Test
  void theKernelsExpAndLogAreStrictMathBitForBit(@TempDir Path tmp) throws Exception {
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
      1 - 0x1p-53
    };
    for (double x : edges) {
      line(in, "exp", x, StrictMath.exp(x));
      line(in, "log", x, StrictMath.log(x));
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
    int n = 2 * (edges.length + DRAWS);
    System.out.print("dl_exp, dl_log vs StrictMath: " + out);
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
