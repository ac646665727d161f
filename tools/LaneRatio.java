import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.bench.StepBench;
import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.model.Precision;

/**
 * fp32 replicas in lanes against fp64 replicas in lanes, side by side in one JVM: for each depth
 * (width 16, batch 32, the seed's shapes), a group of one vector's fp64 lanes, one of fp32 lanes
 * and one fp32 replica alone, alternating, ROUNDS times; prints each one's step per replica (the
 * fastest round's wall time, and the thread's CPU time, which a busy shared core inflates less)
 * and the ratios. A busy machine preempts whole rounds, so the minimum over alternating rounds
 * is compared, not a median. Run it pinned, after building the jar:
 *
 * <pre>
 * taskset -c 0 java --add-modules jdk.incubator.vector -cp target/depthlab.jar tools/LaneRatio.java [ROUNDS] [SECONDS]
 * </pre>
 */
public class LaneRatio {
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
    CpuBackend cpu = new CpuBackend();
    String lanes = cpu.availability().details().get("lanes");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("replicas in (\\d+) fp64 / (\\d+) fp32 lanes").matcher(lanes);
    if (!m.find()) {
      System.err.println("lane-ratio: no lanes on this path: " + lanes);
      System.exit(2);
    }
    int l64 = Integer.parseInt(m.group(1));
    int l32 = Integer.parseInt(m.group(2));
    int[] depths = {4, 6, 8};
    System.out.println("| depth | fp64 lanes us/replica | fp32 lanes us/replica | fp64 / fp32 |"
        + " CPU time fp64 / fp32 | fp32 one replica us/step |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int d : depths) {
      Point p64 = new Point(d, 16, 32, l64, Precision.FP64);
      Point p32 = new Point(d, 16, 32, l32, Precision.FP32);
      Point one = new Point(d, 16, 32, 1, Precision.FP32);
      double[] wall = {1e300, 1e300, 1e300};
      double[] cpuT = {1e300, 1e300, 1e300};
      for (int k = -1; k < rounds; k++) {
        Point[] pts = {p64, p32, one};
        for (int i = 0; i < 3; i++) {
          // round -1 warms every point up (the JIT compiles each precision's code once)
          StepBench.Timing t = StepBench.time(cpu, pts[i], k < 0 ? 1.0 : seconds);
          if (k >= 0) {
            wall[i] = Math.min(wall[i], t.minMicros() / pts[i].replicas());
            cpuT[i] = Math.min(cpuT[i], t.cpuMicros() / pts[i].replicas());
          }
        }
      }
      System.out.printf(
          java.util.Locale.ROOT,
          "| %d | %.2f | %.2f | %.2fx | %.2fx | %.2f |%n",
          d, wall[0], wall[1], wall[0] / wall[1], cpuT[0] / cpuT[1], wall[2]);
    }
    System.out.println(
        "(" + lanes.substring(0, m.end()) + "; " + rounds + " alternating rounds of " + seconds
            + " s per point, the fastest each)");
  }
}
