package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code depthlab backends} says whether {@code Math.fma} runs in hardware, and a software one
 * slows the time estimates: the notice is checked with an injected answer (no timing), the
 * detection against the CPU's own flags where Linux lists them.
 */
class FmaNoticeTest {
  @Test
  void aSoftwareFmaIsSaidAndSlowsTheEstimates() {
    CpuBackend soft = new CpuBackend(Fma.SOFTWARE);
    String line = soft.availability().details().get("fma");
    assertAll(
        () -> assertTrue(line.startsWith("SOFTWARE"), line),
        () -> assertTrue(line.contains("2500x slower"), line),
        () -> assertTrue(line.contains("same bits"), line),
        () -> assertEquals(Fma.SOFTWARE_SLOWDOWN, soft.slowdown()),
        () -> assertTrue(soft.availability().usable(), "still usable"));
  }

  @Test
  void aHardwareFmaIsSaidAndCostsNothing() {
    CpuBackend hard = new CpuBackend(Fma.HARDWARE);
    assertAll(
        () -> assertTrue(hard.availability().details().get("fma").startsWith("hardware")),
        () -> assertEquals(1.0, hard.slowdown()),
        () -> assertEquals(1.0, new CpuBackend(Fma.UNKNOWN).slowdown()));
  }

  /** On Linux x86, /proc/cpuinfo's flags say whether the CPU has FMA; HotSpot must agree. */
  @Test
  void theDetectionAgreesWithTheCpuFlags() throws Exception {
    Path info = Path.of("/proc/cpuinfo");
    String arch = System.getProperty("os.arch");
    boolean checkable = Files.isReadable(info) && (arch.equals("amd64") || arch.equals("x86_64"));
    if (!checkable) {
      System.out.println("FmaNoticeTest: flag check skipped: no /proc/cpuinfo on x86 here");
    }
    Assumptions.assumeTrue(checkable, "no /proc/cpuinfo on x86 here");
    boolean listed =
        Files.readAllLines(info).stream()
            .filter(l -> l.startsWith("flags"))
            .findFirst()
            .map(l -> Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
            .orElseThrow()
            .contains("fma");
    boolean flagOff =
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .anyMatch(a -> a.equals("-XX:-UseFMA"));
    assertEquals(listed && !flagOff ? Fma.HARDWARE : Fma.SOFTWARE, Fma.here());
  }
}
