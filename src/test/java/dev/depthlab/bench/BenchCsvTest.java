package dev.depthlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.model.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench CSV: its columns, numbers that read back as the very doubles measured, GFLOP/s and the
 * fraction of the core's peak.
 */
class BenchCsvTest {
  @Test
  void oneRowPerTimingThatReadsBackExactly(@TempDir Path tmp) throws Exception {
    Timing a =
        new Timing("cpu", true, new Point(2, 16, 32, 1, Precision.FP64), 0.1 + 0.2, 1.0 / 3, 7);
    Timing b =
        new Timing("cuda", false, new Point(8, 64, 256, 10, Precision.FP32), 125.5, 99, 3e-3, 0.02);
    Path csv = tmp.resolve("sub").resolve("bench.csv");
    BenchCsv.write(csv, List.of(a, b), CorePeak.given(40));
    List<String> lines = Files.readAllLines(csv);
    assertEquals(
        "backend,precision,depth,width,batch,replicas,us_per_step,us_per_step_per_replica,"
            + "min_us_per_step,cpu_us_per_step,gflops,peak_fraction,launches_per_step",
        lines.get(0));
    assertEquals(3, lines.size());
    assertEquals(
        "cpu,fp64,2,16,32,1", String.join(",", List.of(lines.get(1).split(",")).subList(0, 6)));
    String[] r = lines.get(2).split(",");
    assertEquals("cuda,fp32,8,64,256,10", String.join(",", List.of(r).subList(0, 6)));
    assertEquals(125.5, Double.parseDouble(r[6]));
    assertEquals(12.55, Double.parseDouble(r[7]), "per replica: 125.5 / 10");
    assertEquals(99.0, Double.parseDouble(r[8]));
    assertEquals(3e-3, Double.parseDouble(r[9]));
    // sizes 2,64,...,64,1 over 8 hidden layers: 2*64 + 7*64*64 + 64 = 28864 MACs
    double flopsB = 6.0 * 28864 * 256 * 10;
    assertEquals(flopsB, b.point().flops(), "the point's flops, counted by hand");
    assertEquals(flopsB / 125.5e-6 / 1e9, Double.parseDouble(r[10]), 1e-9, "flops / median time");
    assertEquals("NaN", r[11], "no device peak");
    assertEquals(0.02, Double.parseDouble(r[12]), "the GPU path's launches per step");
    assertEquals("NaN", lines.get(1).split(",")[12], "no launches on the host");
    String[] ra = lines.get(1).split(",");
    double gflopsA = a.point().flops() / ((0.1 + 0.2) * 1e-6) / 1e9;
    assertEquals(gflopsA, Double.parseDouble(ra[10]), 1e-9);
    assertEquals(gflopsA / 40, Double.parseDouble(ra[11]), 1e-12, "host fp64: of 40 GFLOP/s");
    assertEquals(
        0.1 + 0.2, Double.parseDouble(lines.get(1).split(",")[6]), "shortest exact decimal");
  }
}
