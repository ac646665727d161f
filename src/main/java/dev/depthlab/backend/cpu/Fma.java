package dev.depthlab.backend.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether this JVM runs {@code Math.fma} (and the Vector API's fused multiply-add) as one hardware
 * instruction. The arithmetic contract puts a fused multiply-add in every sum (docs/arithmetic.md);
 * on a CPU without FMA, HotSpot falls back to an exact software {@code Math.fma} (BigDecimal
 * arithmetic): the same bits, about 5 us a call instead of a fraction of a nanosecond. HotSpot
 * decides once at start-up and records it in its {@code UseFMA} flag (on when the CPU has the
 * instructions, turned off with a warning when it lacks them), which is what this reads; a JVM
 * without that flag is {@link #UNKNOWN}.
 */
enum Fma {
  HARDWARE,
  SOFTWARE,
  UNKNOWN;

  /**
   * How many times slower than {@code ResourceCheck}'s assumed host rate (1 GFLOP/s) the CPU path
   * runs with a software {@code Math.fma}: measured 5.1-5.4 us a call on the development machine
   * (AMD EPYC Zen 4, {@code -XX:-UseFMA}), two flops each, about 0.4 MFLOP/s.
   */
  static final double SOFTWARE_SLOWDOWN = 2500;

  private static final Fma HERE = detect();

  /** This JVM's answer, decided once. */
  static Fma here() {
    return HERE;
  }

  private static Fma detect() {
    try {
      HotSpotDiagnosticMXBean bean =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (bean == null) {
        return UNKNOWN;
      }
      return Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue()) ? HARDWARE : SOFTWARE;
    } catch (RuntimeException | LinkageError e) {
      return UNKNOWN; // not HotSpot, or a HotSpot without the flag
    }
  }

  /** The factor by which the CPU path runs slower than the assumed host rate. */
  double slowdown() {
    return this == SOFTWARE ? SOFTWARE_SLOWDOWN : 1.0;
  }

  /** One line for {@code depthlab backends}. */
  String describe() {
    switch (this) {
      case HARDWARE:
        return "hardware (HotSpot UseFMA)";
      case SOFTWARE:
        return "SOFTWARE: this CPU or JVM has no fused multiply-add (HotSpot UseFMA is off), so"
            + " Math.fma runs in software, about "
            + (int) SOFTWARE_SLOWDOWN
            + "x slower than assumed; results are the same bits, time estimates include the"
            + " factor";
      default:
        return "unknown (not a HotSpot JVM with a UseFMA flag): assumed hardware";
    }
  }
}
