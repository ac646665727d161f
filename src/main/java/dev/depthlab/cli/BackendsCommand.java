package dev.depthlab.cli;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Traits;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.BackendOption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code depthlab backends}: which backends can run here, and why not. */
@Command(
    name = "backends",
    mixinStandardHelpOptions = true,
    description = {
      "List the backends: usable or not (and why, with the fix), device, memory, versions.",
      "For cuda this opens the GPU as a run would: loads the CUDA 12 libraries, compiles (or",
      "loads the cached) kernels with NVRTC, loads them and creates a cuBLAS handle."
    })
final class BackendsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    list(BackendRegistry.standard(), spec.commandLine().getOut());
    return 0;
  }

  /**
   * Each backend of {@code reg}: usable or not and why, its details, how a sweep schedules it and
   * the settings it declares; then what {@code auto} picks.
   */
  static void list(BackendRegistry reg, PrintWriter out) {
    String auto = null;
    for (Backend b : reg.all()) {
      Availability av = b.availability();
      out.printf("%-9s %s%n", b.name(), av.usable() ? "available" : "unavailable: " + av.reason());
      av.details().forEach((k, v) -> out.printf("      %-16s %s%n", k, v));
      out.printf("      %-16s %s%n", "sweeps", sweeps(b.traits()));
      if (!b.options().isEmpty()) {
        out.printf("      %-16s %s%n", "settings", settings(b.options()));
      }
      if (auto == null && av.usable()) {
        auto = b.name();
      }
    }
    out.println("auto  -> " + (auto == null ? "none" : auto));
  }

  /** A backend's config settings, e.g. {@code cuda.graphs auto|on|off (default auto)}. */
  static String settings(List<BackendOption> options) {
    List<String> each = new ArrayList<>();
    for (BackendOption o : options) {
      each.add(
          o.path() + " " + String.join("|", o.values()) + " (default " + o.defaultValue() + ")");
    }
    return String.join("; ", each);
  }

  /** How a sweep groups and schedules runs on a backend, in words. */
  static String sweeps(Traits t) {
    String groups =
        t.seedsTogether()
            ? "the seeds of a data set and depth train as one replica group"
            : "every run is its own group";
    String jobs =
        t.maxDefaultJobs() == Integer.MAX_VALUE
            ? "one group per core by default"
            : "at most " + t.maxDefaultJobs() + " groups at once by default";
    return groups + "; " + jobs + (t.onHost() ? "; computes on the host's cores" : "");
  }
}
