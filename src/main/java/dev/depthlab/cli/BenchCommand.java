package dev.depthlab.cli;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.bench.BenchCsv;
import dev.depthlab.bench.BenchFigure;
import dev.depthlab.bench.BenchGrid;
import dev.depthlab.bench.CorePeak;
import dev.depthlab.bench.Crossover;
import dev.depthlab.bench.GpuPaths;
import dev.depthlab.bench.StepBench;
import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Precision;
import dev.depthlab.plot.Figure;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code depthlab bench}: times a training step on each usable backend over a grid of shapes. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Time one lockstep SGD step (all replicas) on each usable backend over depths, "
          + "widths, batches, replica counts and precisions; print a table and write CSV.",
      "The default grid is the seed study's shapes; --grid full sweeps width 16..1024, batch "
          + "32..4096 and replicas 1, 10, 50."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--backend",
      paramLabel = "BACKEND",
      description = "all (default), or one backend of `depthlab backends`.")
  String backend = "all";

  @Option(names = "--grid", description = "seed (default) or full.")
  String grid = "seed";

  @Option(names = "--depths", split = ",", description = "Hidden layers (overrides the grid).")
  List<Integer> depths;

  @Option(names = "--widths", split = ",", description = "Hidden widths (overrides the grid).")
  List<Integer> widths;

  @Option(names = "--batches", split = ",", description = "Batch sizes (overrides the grid).")
  List<Integer> batches;

  @Option(names = "--replicas", split = ",", description = "Replicas per group (overrides).")
  List<Integer> replicas;

  @Option(names = "--precision", split = ",", description = "fp64, fp32 or both (default both).")
  List<String> precisions;

  @Option(names = "--seconds", description = "Timed seconds per point (default 1.0).")
  double seconds = 1.0;

  @Option(
      names = "--cpu-max-gflop",
      description =
          "Skip CPU points whose step exceeds this many GFLOP (default 8: about a quarter "
              + "second a step on one core; width 1024, batch 256, depth 4 is 4.8).")
  double cpuMaxGflop = 8.0;

  @Option(
      names = "--peak-gflops",
      description =
          "One core's fp64 peak in GFLOP/s (fp32: twice it), in place of the one estimated from "
              + "/proc/cpuinfo.")
  Double peakGflops;

  @Option(
      names = "--kernels",
      description =
          "Time each device kernel alone (a row per kernel and precision) instead of the step"
              + " grid; skipped, with the reason, where no backend with kernels is available.")
  boolean kernels;

  @Option(names = "--csv", description = "CSV output (default results/bench/bench.csv).")
  Path csv = Path.of("results", "bench", "bench.csv");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    BenchGrid base = BenchGrid.named(grid);
    List<Precision> ps = null;
    if (precisions != null) {
      ps = new ArrayList<>();
      for (String p : precisions) {
        ps.add(
            switch (p.toLowerCase(Locale.ROOT)) {
              case "fp64" -> Precision.FP64;
              case "fp32" -> Precision.FP32;
              default -> throw new UserError("--precision must be fp32 or fp64, got '" + p + "'");
            });
      }
    }
    BenchGrid shapes = base.withOverrides(depths, widths, batches, replicas, ps);
    if (seconds <= 0) {
      throw new UserError("--seconds must be > 0, got " + seconds);
    }
    if (kernels) {
      return kernelRows(out);
    }
    CorePeak peak = peakGflops == null ? CorePeak.detect() : CorePeak.given(peakGflops);
    List<Backend> chosen = chooseBackends(out);
    out.printf(
        "%-12s %-5s %5s %5s %5s %4s %12s %12s %12s %12s %8s %6s %11s%n",
        "back",
        "prec",
        "depth",
        "width",
        "batch",
        "R",
        "us/step",
        "us/step/rep",
        "min us/step",
        "cpu us/step",
        "GFLOP/s",
        "%peak",
        "launch/step");
    List<Timing> all =
        StepBench.timeGrid(
            chosen,
            shapes,
            seconds,
            cpuMaxGflop,
            new StepBench.GridListener() {
              @Override
              public void onTimed(Timing t) {
                Point pt = t.point();
                out.printf(
                    Locale.ROOT,
                    "%-12s %-5s %5d %5d %5d %4d %12.2f %12.2f %12.2f %12.2f %8.2f %6s %11s%n",
                    t.backend(),
                    pt.precision().key(),
                    pt.depth(),
                    pt.width(),
                    pt.batch(),
                    pt.replicas(),
                    t.medianMicros(),
                    t.microsPerReplica(),
                    t.minMicros(),
                    t.cpuMicros(),
                    t.gflops(),
                    percent(peak.fraction(t)),
                    Double.isNaN(t.launchesPerStep())
                        ? "-"
                        : String.format(Locale.ROOT, "%.2f", t.launchesPerStep()));
                out.flush();
              }

              @Override
              public void onUnsteady(Timing t, double slowest) {
                out.printf(
                    Locale.ROOT,
                    "  warning: the rounds of this point disagree by %.0f%% (%.2f to %.2f us/step):"
                        + " the machine was busy or the code not warm; rerun it, or raise"
                        + " --seconds%n",
                    100 * (slowest / t.minMicros() - 1),
                    t.minMicros(),
                    slowest);
                out.flush();
              }

              @Override
              public void onSkipped(String backend, Point pt, String why) {
                out.printf(
                    Locale.ROOT,
                    "%-12s %-5s %5d %5d %5d %4d   skipped: %s%n",
                    backend,
                    pt.precision().key(),
                    pt.depth(),
                    pt.width(),
                    pt.batch(),
                    pt.replicas(),
                    why);
              }
            });
    BenchCsv.write(csv, all, peak);
    List<String> gpu = GpuPaths.lines(all);
    if (!gpu.isEmpty()) {
      out.println(
          "GPU paths: host calls per step (kernels, cuBLAS calls, graph launches) and the host's"
              + " CPU us per step");
      gpu.forEach(out::println);
    }
    out.println(peak.explanation());
    out.println(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + System.getProperty("os.arch")
            + ", java "
            + System.getProperty("java.version")
            + "; the CPU backend runs each group on one thread");
    for (Backend b : chosen) {
      // the host paths that ran (the CPU's kernels, replicas in lanes, hardware FMA), as backends
      // prints them
      var d = b.availability().details();
      for (String key : List.of("path", "lanes", "fma")) {
        if (d.containsKey(key)) {
          out.println("host " + key + " (" + b.name() + "): " + d.get(key));
        }
      }
    }
    Crossover c = Crossover.of(all);
    switch (c.outcome()) {
      case NOT_COMPARED ->
          out.println("GPU vs CPU: not both measured at one point, no crossover to report");
      case HOST_ALWAYS_FASTER ->
          out.println("GPU vs CPU: the CPU was faster at every measured point");
      case DEVICE_WINS -> {
        Point p = c.point();
        out.printf(
            "GPU starts to win at depth %d, width %d, batch %d, R %d (%s)%n",
            p.depth(), p.width(), p.batch(), p.replicas(), p.precision().key());
      }
    }
    out.println("wrote " + csv);
    for (Figure f : BenchFigure.draw(csv, all)) {
      out.println(
          "wrote " + csv.toAbsolutePath().getParent().resolve(f.name() + ".png") + " (and .svg)");
    }
    return 0;
  }

  /** A fraction as a percentage, or "-" where there is none (a device, an unknown peak). */
  private static String percent(double fraction) {
    return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }

  /**
   * The backends {@code --backend} names ({@code all}: every usable one), each as its bench rows.
   */
  private List<Backend> chooseBackends(PrintWriter out) {
    List<Backend> chosen = new ArrayList<>();
    for (Backend b : BackendRegistry.standard().all()) {
      if (!backend.equals("all") && !backend.equals(b.name())) {
        continue;
      }
      Availability av = b.availability();
      if (av.usable()) {
        // cuda: a row per GPU path (fused, layered step by step, layered as graphs)
        chosen.addAll(b.benchRows());
      } else if (backend.equals(b.name())) {
        throw new UserError(b.name() + " backend unavailable: " + av.reason(), UserError.FAILURE);
      } else {
        out.println(b.name() + " left out: " + av.reason());
      }
    }
    if (chosen.isEmpty()) {
      List<String> names = new ArrayList<>(BackendRegistry.names());
      names.set(0, "all"); // bench times every backend, not auto's choice
      throw new UserError(
          "--backend must be one of " + String.join(", ", names) + ", got '" + backend + "'");
    }
    return chosen;
  }

  /** {@code --kernels}: each available backend's kernels alone, or why there are none. */
  private int kernelRows(PrintWriter out) {
    boolean any = false;
    for (Backend b : BackendRegistry.standard().all()) {
      if (!b.hasKernels() || (!backend.equals("all") && !backend.equals(b.name()))) {
        continue;
      }
      any = true;
      Availability av = b.availability();
      if (!av.usable()) {
        out.println(b.name() + " kernels: skipped: " + av.reason());
        continue;
      }
      out.println(b.name() + " kernels, each alone (" + seconds + " s in all):");
      b.kernelBench(seconds).forEach(out::println);
    }
    if (!any) {
      out.println("bench --kernels: no backend with device kernels among '" + backend + "'");
    }
    return 0;
  }
}
