package dev.depthlab.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Precision;
import org.junit.jupiter.api.Test;

/** The core peak: /proc/cpuinfo samples, the FMA assumption, the override and the fraction. */
class CorePeakTest {
  private static final String ZEN4 =
      """
      processor\t: 0
      vendor_id\t: AuthenticAMD
      cpu family\t: 25
      model name\t: AMD EPYC
      cpu MHz\t\t: 2596.130
      flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 avx512f avx512dq avx512_bf16
      bogomips\t: 5192.26

      processor\t: 1
      vendor_id\t: AuthenticAMD
      model name\t: AMD EPYC
      cpu MHz\t\t: 2596.130
      flags\t\t: fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx f16c avx2 bmi2 avx512f avx512dq avx512_bf16
      """;

  // an Intel server part whose cores report different clocks: the largest counts
  private static final String INTEL_AVX512 =
      """
      processor\t: 0
      vendor_id\t: GenuineIntel
      model name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
      cpu MHz\t\t: 1200.000
      flags\t\t: fpu sse sse2 fma avx avx2 avx512f avx512cd avx512bw avx512vl
      processor\t: 1
      vendor_id\t: GenuineIntel
      cpu MHz\t\t: 3500.000
      flags\t\t: fpu sse sse2 fma avx avx2 avx512f avx512cd avx512bw avx512vl
      """;

  private static final String ARM =
      """
      processor\t: 0
      BogoMIPS\t: 50.00
      Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid
      CPU implementer\t: 0x41
      CPU part\t: 0xd0c
      """;

  private static final String SSE_ONLY =
      """
      processor\t: 0
      cpu MHz\t\t: 2400.000
      flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx
      """;

  @Test
  void zen4IsClockTimesSixteenFp64FlopsPerCycle() {
    CorePeak p = CorePeak.fromCpuinfo(ZEN4);
    assertAll(
        () -> assertEquals(2.59613 * 16, p.fp64Gflops(), 1e-9, "2.596 GHz x 2 pipes x 4 x 2"),
        () -> assertEquals(2 * 2.59613 * 16, p.gflops(Precision.FP32), 1e-9, "fp32: 8 lanes"),
        () -> assertEquals(p.fp64Gflops(), p.gflops(Precision.FP64)),
        () -> assertTrue(p.explanation().contains("2.60 GHz"), p.explanation()),
        () -> assertTrue(p.explanation().contains("x 16 flops/cycle"), p.explanation()),
        () -> assertTrue(p.explanation().contains("41.5 GFLOP/s fp64"), p.explanation()),
        () -> assertTrue(p.explanation().contains("83.1 GFLOP/s fp32"), p.explanation()),
        () -> assertTrue(p.explanation().contains("2 x 256"), p.explanation()));
  }

  @Test
  void zen5CountsTwo512BitPipes() {
    CorePeak p = CorePeak.fromCpuinfo(ZEN4.replace("cpu family\t: 25", "cpu family\t: 26"));
    assertEquals(2.59613 * 32, p.fp64Gflops(), 1e-9, "2 pipes x 8 lanes x 2 flops");
    assertTrue(p.explanation().contains("Zen 5"), p.explanation());
    CorePeak noAvx512 =
        CorePeak.fromCpuinfo(
            ZEN4.replace("cpu family\t: 25", "cpu family\t: 26").replace(" avx512f", ""));
    assertEquals(2.59613 * 16, noAvx512.fp64Gflops(), 1e-9, "AVX2 only: 256-bit count");
  }

  @Test
  void aMeasuredClockAboveCpuinfosReplacesIt() {
    CorePeak boosted = CorePeak.fromCpuinfo(ZEN4, 4.5);
    CorePeak slower = CorePeak.fromCpuinfo(ZEN4, 1.0);
    assertAll(
        () -> assertEquals(4.5 * 16, boosted.fp64Gflops(), 1e-9, "4.5 GHz x 16"),
        () ->
            assertTrue(boosted.explanation().contains("4.50 GHz (measured"), boosted.explanation()),
        () -> assertTrue(boosted.explanation().contains("says 2.60"), boosted.explanation()),
        () -> assertEquals(2.59613 * 16, slower.fp64Gflops(), 1e-9, "cpuinfo's clock is higher"),
        () ->
            assertEquals(
                2.59613 * 16, CorePeak.fromCpuinfo(ZEN4, Double.NaN).fp64Gflops(), 1e-9, "none"));
  }

  @Test
  void intelTakesTheFastestCoreAndTheSameTwoPipes() {
    CorePeak p = CorePeak.fromCpuinfo(INTEL_AVX512);
    assertEquals(3.5 * 16, p.fp64Gflops(), 1e-9, "3500 MHz is the max over cores, not 1200");
    assertTrue(p.known());
  }

  @Test
  void avx2WithoutAvx512CountsTheSame() {
    CorePeak p = CorePeak.fromCpuinfo(ZEN4.replace(" avx512f", ""));
    assertEquals(2.59613 * 16, p.fp64Gflops(), 1e-9);
    assertTrue(p.explanation().contains("(AVX2:"), p.explanation());
  }

  @Test
  void armWithoutFlagsOrSseOnlyIsUnknown() {
    for (String text : new String[] {ARM, SSE_ONLY, "", ZEN4.replaceAll("cpu MHz.*", "")}) {
      CorePeak p = CorePeak.fromCpuinfo(text);
      assertAll(
          () -> assertFalse(p.known(), p.explanation()),
          () -> assertTrue(Double.isNaN(p.gflops(Precision.FP32)), p.explanation()),
          () -> assertTrue(p.explanation().contains("unknown"), p.explanation()),
          () -> assertTrue(p.explanation().contains("--peak-gflops"), p.explanation()));
    }
  }

  @Test
  void overrideIsFp64AndTwiceThatInFp32() {
    CorePeak p = CorePeak.given(50);
    assertAll(
        () -> assertEquals(50, p.gflops(Precision.FP64)),
        () -> assertEquals(100, p.gflops(Precision.FP32)),
        () -> assertTrue(p.explanation().contains("--peak-gflops"), p.explanation()));
    assertThrows(UserError.class, () -> CorePeak.given(0));
    assertThrows(UserError.class, () -> CorePeak.given(Double.NaN));
  }

  @Test
  void fractionIsAchievedOverPeakOnHostOnly() {
    // depth 1, width 16, batch 32: sizes 2,16,1 -> 48 MACs x 6 x 32 = 9216 flops; 1 us -> 9.216
    Point pt = new Point(1, 16, 32, 1, Precision.FP32);
    assertEquals(9216, pt.flops());
    CorePeak peak = CorePeak.given(10);
    Timing host = new Timing("cpu", true, pt, 1.0, 1.0, 1.0);
    Timing device = new Timing("cuda", false, pt, 1.0, 1.0, 1.0);
    assertEquals(9.216, host.gflops(), 1e-12);
    assertEquals(9.216 / 20, peak.fraction(host), 1e-12, "fp32 peak is 2 x 10");
    assertTrue(Double.isNaN(peak.fraction(device)), "no device peak known");
    assertTrue(Double.isNaN(CorePeak.fromCpuinfo(ARM).fraction(host)), "unknown peak");
  }

  @Test
  void detectNeverThrows() {
    CorePeak p = CorePeak.detect();
    assertTrue(p.explanation().startsWith("core peak: "), p.explanation());
  }
}
