package dev.depthlab.bench;

import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One core's peak floating-point rate, the yardstick {@code depthlab bench} holds its host timings
 * to, with the napkin math that gave it: clock x flops per cycle (FMA = 2 flops x SIMD lanes x FMA
 * pipes). fp32 is twice fp64 (twice the lanes per register).
 *
 * @param fp64Gflops the peak in fp64, GFLOP/s; NaN when unknown
 * @param explanation one line saying where the number comes from, or why it is unknown
 */
public record CorePeak(double fp64Gflops, String explanation) {
  /**
   * The assumed x86 FMA units: two pipes of 256 bits, i.e. 4 fp64 lanes x 2 flops x 2 pipes. Zen 4
   * runs AVX-512 as two 256-bit halves, so AVX-512 flags do not raise it.
   */
  static final int FP64_FLOPS_PER_CYCLE_AVX2 = 16;

  /**
   * AMD's Zen 5 (cpu family 26) with AVX-512: two FMA pipes of 512 bits, 8 fp64 lanes x 2 flops x 2
   * pipes. (Intel server parts with two 512-bit FMA units are not told apart by /proc/cpuinfo and
   * keep the two 256-bit pipes' count.)
   */
  static final int FP64_FLOPS_PER_CYCLE_ZEN5 = 32;

  /** The peak {@code --peak-gflops} names (fp64; fp32 is taken as twice it). */
  public static CorePeak given(double fp64Gflops) {
    if (!(fp64Gflops > 0) || Double.isInfinite(fp64Gflops)) {
      throw new UserError("--peak-gflops must be > 0, got " + fp64Gflops);
    }
    return new CorePeak(
        fp64Gflops,
        String.format(
            Locale.ROOT,
            "core peak: %.1f GFLOP/s fp64 (given by --peak-gflops), %.1f GFLOP/s fp32 (2x)",
            fp64Gflops,
            2 * fp64Gflops));
  }

  /**
   * The peak of this machine's cores from {@code /proc/cpuinfo} and the clock {@link #fmaClockGhz}
   * measures, the higher of the two; unknown where /proc/cpuinfo is unread.
   */
  public static CorePeak detect() {
    Path info = Path.of("/proc/cpuinfo");
    try {
      return fromCpuinfo(Files.readString(info), fmaClockGhz());
    } catch (IOException | RuntimeException e) {
      return unknown("no readable /proc/cpuinfo");
    }
  }

  /** Cycles of one fused multiply-add's latency (AMD Zen, Intel since Skylake). */
  static final int FMA_LATENCY_CYCLES = 4;

  /**
   * The clock this core runs a chain of dependent {@code Math.fma} at, in GHz: {@link
   * #FMA_LATENCY_CYCLES} cycles per link, the fastest of 30 rounds of 2^18 links (about 8 ms in
   * all; the fastest round is the one least disturbed by other work). In a VM {@code /proc/cpuinfo}
   * often reports the nominal clock while the core boosts well above it; where the latency is
   * longer (5 cycles on Haswell) this overstates the clock by that ratio. NaN if the chain ran too
   * fast to time.
   */
  static double fmaClockGhz() {
    int links = 1 << 18;
    double x = 1.0;
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 30; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < links; i++) {
        x = Math.fma(x, 0.999999, 1e-7);
      }
      best = Math.min(best, System.nanoTime() - t0);
    }
    // x stays near 1 and is used, so the chain cannot be removed
    return best > 0 && x > 0 ? (double) FMA_LATENCY_CYCLES * links / best : Double.NaN;
  }

  /**
   * The peak from the text of a {@code /proc/cpuinfo}: the clock is the largest {@code cpu MHz}
   * over the cores (the clock the kernel reports; in a VM often the nominal one, boost can be
   * higher), the flops per cycle are {@link #FP64_FLOPS_PER_CYCLE_AVX2} when the flags show AVX2 or
   * AVX-512, and unknown otherwise (no flags, as on ARM, or SSE only).
   */
  public static CorePeak fromCpuinfo(String cpuinfo) {
    return fromCpuinfo(cpuinfo, Double.NaN);
  }

  /**
   * {@link #fromCpuinfo(String)} with the clock {@code measuredGhz} (from {@link #fmaClockGhz}) in
   * place of /proc/cpuinfo's where it is higher; NaN for none.
   */
  static CorePeak fromCpuinfo(String cpuinfo, double measuredGhz) {
    double mhz = 0;
    String flags = null;
    int family = -1;
    boolean amd = false;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (key.equals("cpu MHz")) {
        try {
          mhz = Math.max(mhz, Double.parseDouble(value));
        } catch (NumberFormatException e) {
          // a malformed clock counts as none
        }
      } else if (key.equals("vendor_id")) {
        amd = value.equals("AuthenticAMD");
      } else if (key.equals("cpu family") && family < 0) {
        try {
          family = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          // unknown family: the two 256-bit pipes' count
        }
      } else if (key.equals("flags") && flags == null) {
        flags = " " + value + " ";
      }
    }
    if (flags == null) {
      return unknown("no x86 flags in /proc/cpuinfo, SIMD width not known");
    }
    boolean avx512 = flags.contains(" avx512f ");
    if (!avx512 && !flags.contains(" avx2 ")) {
      return unknown("no AVX2 in /proc/cpuinfo flags, FMA width not known");
    }
    if (!(mhz > 0)) {
      return unknown("no cpu MHz in /proc/cpuinfo");
    }
    double ghz = mhz / 1000;
    String clock = "max cpu MHz in /proc/cpuinfo";
    if (measuredGhz > ghz) {
      clock =
          String.format(
              Locale.ROOT,
              "measured: dependent FMAs at %d cycles each; /proc/cpuinfo says %.2f",
              FMA_LATENCY_CYCLES,
              ghz);
      ghz = measuredGhz;
    }
    boolean zen5 = avx512 && amd && family >= 26;
    int perCycle = zen5 ? FP64_FLOPS_PER_CYCLE_ZEN5 : FP64_FLOPS_PER_CYCLE_AVX2;
    double fp64 = ghz * perCycle;
    String pipes =
        zen5
            ? "AVX-512 on Zen 5 (cpu family 26): 2 FMA pipes x 512 bits = 2 x 8 fp64 lanes x 2"
                + " flops"
            : (avx512 ? "AVX-512, run as 2 x 256 as on Zen 4" : "AVX2")
                + ": assumed 2 FMA pipes x 256 bits = 2 x 4 fp64 lanes x 2 flops";
    return new CorePeak(
        fp64,
        String.format(
            Locale.ROOT,
            "core peak: %.2f GHz (%s) x %d flops/cycle (%s) = %.1f GFLOP/s fp64, %.1f GFLOP/s"
                + " fp32; boost clocks above the one used lower the true fraction, --peak-gflops"
                + " overrides",
            ghz,
            clock,
            perCycle,
            pipes,
            fp64,
            2 * fp64));
  }

  private static CorePeak unknown(String why) {
    return new CorePeak(
        Double.NaN, "core peak: unknown (" + why + "); give it with --peak-gflops X (fp64)");
  }

  /** Whether the peak is known. */
  public boolean known() {
    return !Double.isNaN(fp64Gflops);
  }

  /** The peak in {@code precision}, GFLOP/s: fp32 is twice fp64; NaN when unknown. */
  public double gflops(Precision precision) {
    return precision == Precision.FP32 ? 2 * fp64Gflops : fp64Gflops;
  }

  /**
   * The fraction of this peak {@code t} reached: host backends only (they run a group on one core);
   * NaN for a device backend, whose peak is not known here, or when this peak is unknown.
   */
  public double fraction(Timing t) {
    return t.onHost() ? t.gflops() / gflops(t.point().precision()) : Double.NaN;
  }
}
