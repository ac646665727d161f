package dev.depthlab.cli;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.bench.StepBench;
import dev.depthlab.bench.StepBench.Point;
import dev.depthlab.bench.StepBench.Timing;
import dev.depthlab.common.CsvFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Precision;
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
  @Option(names = "--backend", description = "all (default), cpu, cuda or reference.")
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
          "Skip CPU points whose step exceeds this many GFLOP (default 2: about a second a step "
              + "on one core).")
  double cpuMaxGflop = 2.0;

  @Option(names = "--csv", description = "CSV output (default results/bench/bench.csv).")
  Path csv = Path.of("results", "bench", "bench.csv");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    boolean full =
        switch (grid) {
          case "seed" -> false;
          case "full" -> true;
          default -> throw new UserError("--grid must be seed or full, got '" + grid + "'");
        };
    List<Integer> ds = orDefault(depths, full ? List.of(1, 4, 8) : List.of(1, 2, 4, 6, 8));
    List<Integer> ws = orDefault(widths, full ? List.of(16, 64, 256, 1024) : List.of(16));
    List<Integer> bs = orDefault(batches, full ? List.of(32, 256, 4096) : List.of(32));
    List<Integer> rs = orDefault(replicas, full ? List.of(1, 10, 50) : List.of(1));
    List<Precision> ps = new ArrayList<>();
    for (String p : precisions == null ? List.of("fp64", "fp32") : precisions) {
      ps.add(
          switch (p.toLowerCase(Locale.ROOT)) {
            case "fp64" -> Precision.FP64;
            case "fp32" -> Precision.FP32;
            default -> throw new UserError("--precision must be fp32 or fp64, got '" + p + "'");
          });
    }
    checkPositive("--depths", ds, 0);
    checkPositive("--widths", ws, 1);
    checkPositive("--batches", bs, 1);
    checkPositive("--replicas", rs, 1);
    if (seconds <= 0) {
      throw new UserError("--seconds must be > 0, got " + seconds);
    }
    List<Backend> chosen = chooseBackends(out);
    out.printf(
        "%-5s %-5s %5s %5s %5s %4s %12s %12s %12s %12s%n",
        "back",
        "prec",
        "depth",
        "width",
        "batch",
        "R",
        "us/step",
        "us/step/rep",
        "min us/step",
        "cpu us/step");
    List<Timing> all = new ArrayList<>();
    for (Backend b : chosen) {
      for (Precision p : ps) {
        if (!b.traits().supports(p)) {
          out.printf(
              "%-5s %-5s   skipped: the backend does not compute in %s%n",
              b.name(), p.key(), p.key());
          continue;
        }
        for (int r : rs) {
          for (int bt : bs) {
            for (int w : ws) {
              for (int d : ds) {
                Point pt = new Point(d, w, bt, r, p);
                if (b.traits().onHost() && pt.flops() > cpuMaxGflop * 1e9) {
                  out.printf(
                      Locale.ROOT,
                      "%-5s %-5s %5d %5d %5d %4d   skipped: %.1f GFLOP per step > --cpu-max-gflop"
                          + " %.1f%n",
                      b.name(),
                      p.key(),
                      d,
                      w,
                      bt,
                      r,
                      pt.flops() / 1e9,
                      cpuMaxGflop);
                  continue;
                }
                Timing t = StepBench.time(b, pt, seconds);
                all.add(t);
                out.printf(
                    Locale.ROOT,
                    "%-5s %-5s %5d %5d %5d %4d %12.2f %12.2f %12.2f %12.2f%n",
                    b.name(),
                    p.key(),
                    d,
                    w,
                    bt,
                    r,
                    t.medianMicros(),
                    t.microsPerReplica(),
                    t.minMicros(),
                    t.cpuMicros());
                out.flush();
              }
            }
          }
        }
      }
    }
    writeCsv(all);
    out.println(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + System.getProperty("os.arch")
            + ", java "
            + System.getProperty("java.version")
            + "; the CPU backend runs each group on one thread");
    reportCrossover(out, all);
    out.println("wrote " + csv);
    return 0;
  }

  private List<Backend> chooseBackends(PrintWriter out) {
    List<Backend> chosen = new ArrayList<>();
    for (Backend b : BackendRegistry.standard().all()) {
      if (!backend.equals("all") && !backend.equals(b.name())) {
        continue;
      }
      Availability av = b.availability();
      if (av.usable()) {
        chosen.add(b);
      } else if (backend.equals(b.name())) {
        throw new UserError(b.name() + " backend unavailable: " + av.reason(), UserError.FAILURE);
      } else {
        out.println(b.name() + " left out: " + av.reason());
      }
    }
    if (chosen.isEmpty()) {
      throw new UserError("--backend must be all, cpu, cuda or reference, got '" + backend + "'");
    }
    return chosen;
  }

  /** Names the smallest work per step at which a device backend beats a host one. */
  private static void reportCrossover(PrintWriter out, List<Timing> all) {
    Timing best = null;
    boolean both = false;
    for (Timing g : all) {
      if (g.onHost()) {
        continue;
      }
      for (Timing c : all) {
        if (c.onHost() && c.point().equals(g.point())) {
          both = true;
          if (g.medianMicros() < c.medianMicros()
              && (best == null || work(g.point()) < work(best.point()))) {
            best = g;
          }
        }
      }
    }
    if (!both) {
      out.println("GPU vs CPU: only one backend measured, no crossover to report");
    } else if (best == null) {
      out.println("GPU vs CPU: the CPU was faster at every measured point");
    } else {
      Point p = best.point();
      out.printf(
          "GPU starts to win at depth %d, width %d, batch %d, R %d (%s)%n",
          p.depth(), p.width(), p.batch(), p.replicas(), p.precision().key());
    }
  }

  private static double work(Point p) {
    return (double) p.depth() * p.width() * p.width() * p.batch() * p.replicas();
  }

  private void writeCsv(List<Timing> all) {
    CsvFiles.write(
        csv,
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
            "cpu_us_per_step"),
        p -> {
          for (Timing t : all) {
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
                CsvFiles.num(t.cpuMicros()));
          }
        });
  }

  private static List<Integer> orDefault(List<Integer> v, List<Integer> d) {
    return v == null || v.isEmpty() ? d : v;
  }

  private static void checkPositive(String opt, List<Integer> v, int min) {
    for (int x : v) {
      if (x < min) {
        throw new UserError(opt + " values must be >= " + min + ", got " + x);
      }
    }
  }
}
