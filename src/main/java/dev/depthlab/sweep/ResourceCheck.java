package dev.depthlab.sweep;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ResourceEstimate;
import dev.depthlab.config.StudyConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource preflight: refuses, before anything runs or is written, a study whose largest group
 * does not fit this JVM's heap or the device's memory, or whose compute is beyond {@link #MAX_DAYS}
 * at an assumed rate ({@link ResourceEstimate} counts; docs/config.md, "Limits").
 */
public final class ResourceCheck {
  /** Assumed fp64 rate of one host core, FLOP/s: scalar loops, roughly what the CPU path does. */
  public static final double HOST_FLOPS = 1e9;

  /** Assumed rate of a CUDA device, FLOP/s: small GEMMs on a data-centre GPU. */
  public static final double DEVICE_FLOPS = 1e12;

  /** The most days of estimated compute a study may take. */
  public static final double MAX_DAYS = 365;

  private static final Pattern MIB = Pattern.compile("(\\d+) MiB");

  private ResourceCheck() {}

  /** One run of {@code c} must fit in this JVM's free heap (every command that loads a study). */
  public static void requireHost(StudyConfig c) {
    requireHost(c, ResourceEstimate.forRun(c), availableHeap());
  }

  /**
   * The largest group of {@code c} on {@code backend} (the seeds together where the backend trains
   * them so) must fit the heap and, on a device, its memory; a whole study ({@code wholeStudy},
   * else one run) must take at most {@link #MAX_DAYS} at the assumed rate.
   */
  public static void requireFits(Backend backend, StudyConfig c, boolean wholeStudy) {
    int replicas = backend.traits().seedsTogether() ? c.seeds().size() : 1;
    ResourceEstimate e = ResourceEstimate.forGroup(c, replicas);
    requireHost(c, e, availableHeap());
    if (!backend.traits().onHost()) {
      long device = deviceMemory(backend.availability());
      if (device > 0 && e.deviceBytes() > device) {
        throw new UserError(
            String.format(
                Locale.ROOT,
                "%s needs %s of %s device memory for a group of %d replicas; the device has %s;"
                    + " lower %s (or seeds per study)",
                subject(c, e),
                ResourceEstimate.bytes(e.deviceBytes()),
                backend.name(),
                replicas,
                ResourceEstimate.bytes(device),
                e.keyToLower(c)));
      }
    }
    double rate =
        backend.traits().onHost()
            ? HOST_FLOPS
                * Math.min(
                    Runtime.getRuntime().availableProcessors(), backend.traits().maxDefaultJobs())
            : DEVICE_FLOPS;
    double flops = wholeStudy ? e.studyFlops() : e.runFlops();
    rate /= backend.slowdown(); // a CPU without FMA in hardware, for example
    double seconds = flops / rate;
    if (seconds > MAX_DAYS * 86400) {
      throw new UserError(
          String.format(
              Locale.ROOT,
              "%s would take about %s (%.2g FLOP at an assumed %s GFLOP/s on %s), beyond"
                  + " depthlab's limit of %.0f days; lower training.epochs, data.n_train or %s",
              wholeStudy ? "the study" : "the run",
              ResourceEstimate.duration(seconds),
              flops,
              String.format(Locale.ROOT, rate >= 1e9 ? "%.0f" : "%.2g", rate / 1e9),
              backend.name(),
              MAX_DAYS,
              e.keyToLower(c).startsWith("model.") ? e.keyToLower(c) : "model.width"));
    }
  }

  /**
   * A sweep of {@code configs} (its variants) on {@code backend} with {@code jobs} groups at once
   * must fit as a whole: each group must fit ({@link #requireFits}), and so must the {@code jobs}
   * largest groups of the study together, on the heap and, on a device, in its memory (each CUDA
   * group runs on its own lane of the one device); so must the report stage that follows (every
   * run's curves and the figure buffers of its drawing threads).
   */
  public static void requireSweepFits(Backend backend, List<StudyConfig> configs, int jobs) {
    for (StudyConfig c : configs) {
      requireFits(backend, c, true);
    }
    long device = backend.traits().onHost() ? 0 : deviceMemory(backend.availability());
    requireConcurrent(backend, configs, jobs, availableHeap(), device);
    for (StudyConfig c : configs) {
      double report = ResourceEstimate.reportBytes(c, Runtime.getRuntime().availableProcessors());
      long available = availableHeap();
      if (report > available) {
        throw new UserError(
            String.format(
                Locale.ROOT,
                "the report of %s needs %s (every run's curves and the figure buffers); this JVM"
                    + " has %s free (-Xmx); lower training.epochs or seeds, or raise -Xmx",
                c.name(),
                ResourceEstimate.bytes(report),
                ResourceEstimate.bytes(available)));
      }
    }
  }

  /** A group size of the study and how many groups of the study have it. */
  record Groups(StudyConfig config, ResourceEstimate estimate, long count) {}

  /**
   * Refuses the {@code jobs} largest groups of {@code configs} when together they need more host
   * bytes than {@code available}, or more device bytes than {@code device} (0: unknown or none).
   * Each group alone is assumed to fit (checked before).
   */
  static void requireConcurrent(
      Backend backend, List<StudyConfig> configs, int jobs, long available, long device) {
    boolean together = backend.traits().seedsTogether();
    List<Groups> sizes = new ArrayList<>();
    long groups = 0;
    for (StudyConfig c : configs) {
      int replicas = together ? c.seeds().size() : 1;
      long perDepth = (long) c.data().sets().size() * (together ? 1 : c.seeds().size());
      List<Integer> depths =
          c.model().explicitLayers() ? List.of(c.model().layers().size() - 2) : c.model().depths();
      for (int depth : new java.util.LinkedHashSet<>(depths)) {
        sizes.add(new Groups(c, ResourceEstimate.forGroup(c, replicas, depth), perDepth));
        groups += perDepth;
      }
    }
    int atOnce = (int) Math.min(jobs, groups);
    if (atOnce <= 1) {
      return;
    }
    sizes.sort(Comparator.comparingDouble((Groups g) -> g.estimate().hostBytes()).reversed());
    double host = sum(sizes, atOnce, ResourceEstimate::hostBytes);
    Groups largest = sizes.get(0);
    if (host > available) {
      throw new UserError(
          String.format(
              Locale.ROOT,
              "%s needs %s for %d %s at once (--jobs %d; mostly %s); this JVM has %s free"
                  + " (-Xmx); lower --jobs or %s",
              subject(largest.config(), largest.estimate()),
              ResourceEstimate.bytes(host),
              atOnce,
              together ? "replica groups" : "runs",
              jobs,
              largest.estimate().largestPart(),
              ResourceEstimate.bytes(available),
              largest.estimate().keyToLower(largest.config())));
    }
    if (device > 0) {
      sizes.sort(Comparator.comparingDouble((Groups g) -> g.estimate().deviceBytes()).reversed());
      double need = sum(sizes, atOnce, ResourceEstimate::deviceBytes);
      if (need > device) {
        throw new UserError(
            String.format(
                Locale.ROOT,
                "%s needs %s of %s device memory for %d replica groups at once (--jobs %d); the"
                    + " device has %s; lower --jobs or %s",
                subject(sizes.get(0).config(), sizes.get(0).estimate()),
                ResourceEstimate.bytes(need),
                backend.name(),
                atOnce,
                jobs,
                ResourceEstimate.bytes(device),
                sizes.get(0).estimate().keyToLower(sizes.get(0).config())));
      }
    }
  }

  /** The sum of {@code part} over the first {@code n} groups of {@code sizes}, by count. */
  private static double sum(
      List<Groups> sizes, int n, java.util.function.ToDoubleFunction<ResourceEstimate> part) {
    double total = 0;
    long left = n;
    for (Groups g : sizes) {
      long take = Math.min(left, g.count());
      total += take * part.applyAsDouble(g.estimate());
      left -= take;
      if (left == 0) {
        break;
      }
    }
    return total;
  }

  /** Refuses {@code e} when its host bytes exceed {@code available}. */
  static void requireHost(StudyConfig c, ResourceEstimate e, long available) {
    if (e.hostBytes() > available) {
      throw new UserError(
          String.format(
              Locale.ROOT,
              "%s needs %s for %s (mostly %s); this JVM has %s free (-Xmx); lower %s",
              subject(c, e),
              ResourceEstimate.bytes(e.hostBytes()),
              e.replicas() == 1 ? "one run" : "a group of " + e.replicas() + " replicas",
              e.largestPart(),
              ResourceEstimate.bytes(available),
              e.keyToLower(c)));
    }
  }

  /** "model.width 100000000" or "data.n_train 9000000": the key to lower and its value. */
  private static String subject(StudyConfig c, ResourceEstimate e) {
    return ResourceEstimate.describe(c, e.keyToLower(c));
  }

  /** The heap this JVM may still take: its maximum less what is in use. */
  static long availableHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /**
   * The device's memory from the probe's details: what was free when the device was opened ("memory
   * free: 80011 MiB", other processes' allocations left out), else its total ("memory: 81559 MiB");
   * 0 when neither is known.
   */
  static long deviceMemory(Availability a) {
    String m = a.details().getOrDefault("memory free", a.details().get("memory"));
    Matcher x = m == null ? null : MIB.matcher(m);
    return x != null && x.matches() ? Long.parseLong(x.group(1)) << 20 : 0;
  }
}
