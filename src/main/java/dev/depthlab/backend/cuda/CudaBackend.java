package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.common.BackendOption;
import dev.depthlab.common.BackendOptions;
import dev.depthlab.common.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The NVIDIA GPU backend: groups of replicas trained in lockstep on a {@link Device}, one
 * strided-batched cuBLAS GEMM per layer product for all replicas (see {@link CudaGroup}), or, for
 * small networks, one fused kernel launch per epoch ({@link FusedEpoch}). With no arguments it uses
 * the real GPU ({@link JCudaProbe#shared}, opened by the availability probe); tests pass a device
 * of their own (the emulated device of src/test), or a probe of their own.
 */
public final class CudaBackend implements Backend {
  /** The most groups (so lanes) a sweep runs at once by default; see {@link #traits}. */
  public static final int MAX_DEFAULT_JOBS = 16;

  /**
   * Whether a group runs each epoch's per-layer calls as one captured CUDA graph ({@code
   * cuda.graphs} in docs/config.md; see {@link CudaGroup}'s "Graphs"). The results are the same
   * bits either way. The fused path launches once an epoch already and takes no graph.
   */
  public enum Graphs {
    /** On where the device supports graphs (every CUDA 12 GPU; the emulated device). */
    AUTO,
    /** Always; a device without graphs is an error. */
    ON,
    /** Never: every call enqueued by the host, step by step. */
    OFF;

    /** The config value: auto, on or off. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The mode of a config value (auto, on, off); anything else is an IllegalArgumentException. */
    public static Graphs of(String key) {
      for (Graphs g : values()) {
        if (g.key().equals(key)) {
          return g;
        }
      }
      throw new IllegalArgumentException("graphs must be auto, on or off, got '" + key + "'");
    }
  }

  /**
   * Which kernels train a group's epochs ({@code cuda.kernel} in docs/config.md): {@code auto}
   * (fused when the shape qualifies, see {@link FusedEpoch}), {@code fused} or {@code layered}.
   */
  public enum KernelPath {
    AUTO,
    FUSED,
    LAYERED;

    /** The config value. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The path of a config value; anything else is an IllegalArgumentException. */
    public static KernelPath of(String key) {
      for (KernelPath k : values()) {
        if (k.key().equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "kernel must be auto, fused or layered, got '" + key + "'");
    }
  }

  private final Supplier<Availability> probe;
  private final Supplier<Device> device;
  private final Graphs graphs;

  private final KernelPath kernel;

  /** Whether {@link #name} names the path (the rows of {@code bench}, {@link #onPath}). */
  private final boolean named;

  /** The real GPU, if this machine has a usable one (see {@link #availability}). */
  public CudaBackend() {
    this(Graphs.AUTO);
  }

  /** The real GPU, its groups running epochs as graphs as {@code graphs} says. */
  public CudaBackend(Graphs graphs) {
    this(graphs, KernelPath.AUTO);
  }

  /**
   * The real GPU, with graphs and the kernel path as {@code cuda.graphs}, {@code cuda.kernel} say.
   */
  public CudaBackend(Graphs graphs, KernelPath kernel) {
    this(JCudaProbe::probe, JCudaProbe::shared, graphs, kernel, false);
  }

  /**
   * Runs on the given device, the emulated device of the tests (which live in this package), on the
   * layered path: the tests of the layered kernels stay on them whatever the shape.
   */
  CudaBackend(Device device) {
    this(device, Graphs.AUTO);
  }

  /** Runs on the given device on the layered path, with graphs as {@code graphs} says. */
  CudaBackend(Device device, Graphs graphs) {
    this(
        () -> Availability.usable(device.details()),
        () -> device,
        graphs,
        KernelPath.LAYERED,
        false);
  }

  /** Runs on the given device with the kernel path {@code kernel} (tests), graphs auto. */
  CudaBackend(Device device, KernelPath kernel) {
    this(() -> Availability.usable(device.details()), () -> device, Graphs.AUTO, kernel, false);
  }

  /**
   * A backend whose availability is {@code probe}'s answer and whose groups run on {@code device}
   * once the probe says usable (tests: a probe that fails at a chosen step).
   */
  CudaBackend(Supplier<Availability> probe, Supplier<Device> device) {
    this(probe, device, Graphs.AUTO, KernelPath.AUTO, false);
  }

  private CudaBackend(
      Supplier<Availability> probe,
      Supplier<Device> device,
      Graphs graphs,
      KernelPath kernel,
      boolean named) {
    this.probe = probe;
    this.device = device;
    this.graphs = graphs;
    this.kernel = kernel;
    this.named = named;
  }

  /** {@code cuda.graphs}: whether a group runs each epoch's per-layer calls as one CUDA graph. */
  public static final BackendOption GRAPHS =
      new BackendOption(
          "cuda",
          "graphs",
          "auto",
          List.of("auto", "on", "off"),
          "run each epoch's per-layer calls as one captured CUDA graph (the same bits)");

  /** {@code cuda.kernel}: the fused small-network kernel or the per-layer path. */
  public static final BackendOption KERNEL =
      new BackendOption(
          "cuda",
          "kernel",
          "auto",
          List.of("auto", "fused", "layered"),
          "the fused small-network kernel or the per-layer path (the same sums up to rounding)");

  @Override
  public List<BackendOption> options() {
    return List.of(GRAPHS, KERNEL);
  }

  /** This backend with {@code cuda.graphs} and {@code cuda.kernel} as {@code options} say. */
  @Override
  public CudaBackend configured(BackendOptions options) {
    return new CudaBackend(
        probe,
        device,
        Graphs.of(options.value(GRAPHS)),
        KernelPath.of(options.value(KERNEL)),
        named);
  }

  /**
   * {@code bench}'s rows: once per GPU path ({@code cuda-fused}, {@code cuda-layered} step by step,
   * {@code cuda-graphs}: layered as one graph an epoch).
   */
  @Override
  public List<Backend> benchRows() {
    CudaBackend layered = onPath(KernelPath.LAYERED);
    return List.of(
        onPath(KernelPath.FUSED), layered.withGraphs(Graphs.OFF), layered.withGraphs(Graphs.ON));
  }

  @Override
  public String fallbackNotice(Availability av) {
    return fallbackNotice(av, driverPresent());
  }

  /** This backend with graphs as {@code mode} says (same probe, device and kernel path). */
  public CudaBackend withGraphs(Graphs mode) {
    return new CudaBackend(probe, device, mode, kernel, named);
  }

  /** The graphs setting of this backend. */
  public Graphs graphs() {
    return graphs;
  }

  /**
   * This backend on the kernel path {@code path}, named for {@code bench}'s rows: {@code
   * cuda-fused}, {@code cuda-layered}, or {@code cuda-graphs} (layered with graphs on).
   */
  public CudaBackend onPath(KernelPath path) {
    return new CudaBackend(probe, device, graphs, path, true);
  }

  @Override
  public String name() {
    if (!named) {
      return "cuda";
    }
    return kernel == KernelPath.LAYERED && graphs == Graphs.ON
        ? "cuda-graphs"
        : "cuda-" + kernel.key();
  }

  /**
   * The layered path enqueues 5 (depth + 1) + 2 launches and cuBLAS calls a step (see {@link
   * CudaGroup}); the fused path one launch an epoch.
   */
  @Override
  public double launchesPerStep(GroupSpec spec, int stepsPerEpoch) {
    boolean fused = kernel != KernelPath.LAYERED && FusedEpoch.qualifies(spec);
    // graphs on: one graph launch an epoch (auto depends on the device; counted as step by step)
    boolean oneLaunch = fused || graphs == Graphs.ON;
    return oneLaunch ? 1.0 / stepsPerEpoch : 5.0 * spec.net().layers() + 2;
  }

  /** On the fused path at a counted shape, the emulator's counts ({@link FusedCounts}). */
  @Override
  public String countsPerStep(GroupSpec spec) {
    if (kernel == KernelPath.LAYERED || !FusedEpoch.qualifies(spec)) {
      return null;
    }
    FusedCounts.Row r = FusedCounts.at(spec);
    return r == null ? null : r.line();
  }

  /** The probe's answer: usable only when every step a run needs has succeeded. */
  @Override
  public Availability availability() {
    try {
      return probe.get();
    } catch (RuntimeException | LinkageError e) {
      return Availability.unusable("CUDA probe failed: " + JCudaProbe.firstLine(e));
    }
  }

  /**
   * Whether an NVIDIA driver is installed here: {@code /dev/nvidia0} exists or {@code libcuda.so.1}
   * lies in a folder of the library search path (then a failed probe is a setup problem worth a
   * loud warning, not a machine without a GPU).
   */
  public static boolean driverPresent() {
    List<Path> dirs = new java.util.ArrayList<>(CudaLibraries.searchPath());
    dirs.add(Path.of("/usr/lib/wsl/lib"));
    return Files.exists(Path.of("/dev/nvidia0"))
        || CudaLibraries.find("libcuda.so.1", dirs).isPresent();
  }

  /**
   * What {@code --backend auto} tells the user when it passes over this backend ({@code av} not
   * usable): one quiet line on a machine without an NVIDIA driver; where a driver is present (the
   * GPU could be used and is not) a block of lines that stands out, with the fix command.
   */
  public static String fallbackNotice(Availability av, boolean driverPresent) {
    String line = "cuda unavailable (" + av.reason() + "); using the next backend";
    if (!driverPresent) {
      return line;
    }
    String rule = "depthlab: WARNING " + "=".repeat(70);
    return rule
        + "\ndepthlab: WARNING: an NVIDIA driver is present, but the GPU is NOT used: "
        + line
        + "\ndepthlab: WARNING: fix: run "
        + CudaLibraries.SETUP_COMMAND
        + " (the CUDA 12 libraries), then ./depthlab backends to see every step"
        + "\n"
        + rule;
  }

  /**
   * The seeds of one (variant, data set, depth) train as one group: one strided-batched GEMM then
   * serves every replica of a layer. A sweep runs at most {@link #MAX_DEFAULT_JOBS} groups at once
   * by default: past the GPU's hardware work queues (CUDA_DEVICE_MAX_CONNECTIONS, 8 by default, at
   * most 32) more streams only share queues, and every lane holds a cuBLAS handle and workspace.
   */
  @Override
  public Traits traits() {
    return new Traits(true, MAX_DEFAULT_JOBS, false);
  }

  @Override
  public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
    Device d = device();
    boolean fused = usesFused(kernel, spec, d.details());
    boolean useGraphs =
        !fused
            && switch (graphs) {
              case AUTO -> d.supportsGraphs();
              case ON -> {
                if (!d.supportsGraphs()) {
                  throw new UserError(
                      "cuda: cuda.graphs is on, but " + d.name() + " cannot capture graphs");
                }
                yield true;
              }
              case OFF -> false;
            };
    return new CudaGroup(d, spec, replicas, fused, useGraphs);
  }

  /**
   * Whether a group of {@code spec} trains on the fused path under {@code path}: auto takes it when
   * the shape qualifies ({@link FusedEpoch#qualifies}); fused insists (a shape that does not
   * qualify is a user error, exit 2); layered never takes it.
   */
  static boolean usesFused(KernelPath path, GroupSpec spec) {
    return usesFused(path, spec, Map.of());
  }

  /**
   * As above on a device with {@code details} ({@link Device#details}): one whose compute
   * capability is below {@link FusedEpoch#MIN_COMPUTE_MAJOR}.0 allows a block less shared memory
   * than the fused path's budget, so auto takes the layered path there and fused is refused.
   */
  static boolean usesFused(KernelPath path, GroupSpec spec, Map<String, String> details) {
    return switch (path) {
      case LAYERED -> false;
      case AUTO -> FusedEpoch.qualifies(spec) && FusedEpoch.deviceTooOld(details) == null;
      case FUSED -> {
        String why = FusedEpoch.whyNot(spec);
        if (why == null) {
          why = FusedEpoch.deviceTooOld(details);
        }
        if (why != null) {
          throw new UserError(
              "cuda: cuda.kernel is fused, but this network does not fit it: " + why,
              UserError.USAGE);
        }
        yield true;
      }
    };
  }

  /** The device groups run on; a failure (exit 1) with the probe's reason when unusable. */
  public Device device() {
    Availability av = availability();
    if (!av.usable()) {
      throw new UserError("cuda: " + av.reason(), UserError.FAILURE);
    }
    return device.get();
  }

  /** Each kernel of train.cu and eval.cu alone, both precisions ({@link KernelBench}). */
  @Override
  public boolean hasKernels() {
    return true;
  }

  @Override
  public List<String> kernelBench(double seconds) {
    List<String> rows = new java.util.ArrayList<>();
    KernelBench.run(device(), seconds).forEach(r -> rows.add(r.line()));
    rows.add("fused_epoch, counted on the emulator per step and replica (2-16xd-1, batch 32):");
    FusedCounts.all().forEach(r -> rows.add("  " + r.line()));
    return rows;
  }
}
