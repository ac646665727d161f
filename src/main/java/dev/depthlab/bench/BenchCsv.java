package dev.depthlab.bench;

import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.common.CsvFiles;
import java.nio.file.Path;
import java.util.List;

/**
 * The CSV {@code depthlab bench} writes: one row per timed point, microseconds per step, achieved
 * GFLOP/s and the fraction of one core's peak (NaN for device backends or an unknown peak), and a
 * GPU path's device launches per step (NaN on the host).
 */
public final class BenchCsv {
  /** The columns, in order. */
  public static final List<String> HEADER =
      List.of(
          "backend",
          "precision",
          "depth",
          "width",
          "batch",
          "replicas",
          "us_per_step",
          "us_per_step_per_replica",
          "min_us_per_step",
          "cpu_us_per_step",
          "gflops",
          "peak_fraction",
          "launches_per_step");

  private BenchCsv() {}

  /**
   * Writes {@code timings} to {@code file} (whole or not at all), in their order, host timings held
   * to {@code peak}.
   */
  public static void write(Path file, List<Timing> timings, CorePeak peak) {
    CsvFiles.write(
        file,
        HEADER,
        p -> {
          for (Timing t : timings) {
            Point pt = t.point();
            p.printRecord(
                t.backend(),
                pt.precision().key(),
                pt.depth(),
                pt.width(),
                pt.batch(),
                pt.replicas(),
                CsvFiles.num(t.medianMicros()),
                CsvFiles.num(t.microsPerReplica()),
                CsvFiles.num(t.minMicros()),
                CsvFiles.num(t.cpuMicros()),
                CsvFiles.num(t.gflops()),
                CsvFiles.num(peak.fraction(t)),
                CsvFiles.num(t.launchesPerStep()));
          }
        });
  }
}
