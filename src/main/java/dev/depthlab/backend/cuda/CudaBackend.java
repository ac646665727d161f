package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.common.UserError;
import java.util.List;
import java.util.function.Supplier;

/**
 * The NVIDIA GPU backend: groups of replicas trained in lockstep on a {@link Device}, one
 * strided-batched cuBLAS GEMM per layer product for all replicas (see {@link CudaGroup}). With no
 * arguments it uses the real GPU ({@link JCudaDevice#shared}, opened by the availability probe);
 * tests pass a device of their own (the emulated device of src/test), or a probe of their own.
 */
public final class CudaBackend implements Backend {
  /** The most groups (so lanes) a sweep runs at once by default; see {@link #traits}. */
  public static final int MAX_DEFAULT_JOBS = 16;

  /**
   * The JVM system property choosing the training kernel path: {@code auto} (default; fused when
   * the shape qualifies, see {@link FusedEpoch}), {@code fused} or {@code layered}.
   */
  public static final String KERNEL_PROPERTY = "depthlab.cuda.kernel";

  /** Which kernels train a group's epochs (see {@link #KERNEL_PROPERTY}). */
  public enum KernelPath {
    AUTO,
    FUSED,
    LAYERED;

    /** The key as written in the property. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@link #KERNEL_PROPERTY}'s value; a bad one is a user error (exit 2). */
    public static KernelPath fromProperty() {
      String v = System.getProperty(KERNEL_PROPERTY, "auto").trim();
      for (KernelPath k : values()) {
        if (k.key().equals(v)) {
          return k;
        }
      }
      throw new UserError(
          KERNEL_PROPERTY + " must be auto, fused or layered, not '" + v + "'", UserError.USAGE);
    }
  }

  private final Supplier<Availability> probe;
  private final Supplier<Device> device;

  /** Null: read {@link #KERNEL_PROPERTY} at each group's creation. */
  private final KernelPath kernel;

  /** Whether {@link #name} names the kernel path (the rows of {@code bench}, {@link #onPath}). */
  private boolean named;

  /** The real GPU, if this machine has a usable one (see {@link #availability}). */
  public CudaBackend() {
    this(JCudaDevice::probe, JCudaDevice::shared);
  }

  /**
   * Runs on the given device, the emulated device of the tests (which live in this package), on the
   * layered path: the tests of the layered kernels stay on them whatever the shape.
   */
  CudaBackend(Device device) {
    this(device, KernelPath.LAYERED);
  }

  /** Runs on the given device with the kernel path {@code kernel} (tests). */
  CudaBackend(Device device, KernelPath kernel) {
    this(() -> Availability.usable(device.details()), () -> device, kernel);
  }

  /**
   * A backend whose availability is {@code probe}'s answer and whose groups run on {@code device}
   * once the probe says usable (tests: a probe that fails at a chosen step).
   */
  CudaBackend(Supplier<Availability> probe, Supplier<Device> device) {
    this(probe, device, null);
  }

  private CudaBackend(Supplier<Availability> probe, Supplier<Device> device, KernelPath kernel) {
    this.probe = probe;
    this.device = device;
    this.kernel = kernel;
  }

  @Override
  public String name() {
    return kernel == null || !named ? "cuda" : "cuda-" + kernel.key();
  }

  /**
   * This backend on the kernel path {@code path}, named {@code cuda-fused} or {@code cuda-layered}:
   * {@code bench} times the two GPU paths as rows of their own.
   */
  public CudaBackend onPath(KernelPath path) {
    CudaBackend b = new CudaBackend(probe, device, path);
    b.named = true;
    return b;
  }

  /**
   * The layered path enqueues 5 (depth + 1) + 2 launches and cuBLAS calls a step (see {@link
   * CudaGroup}); the fused path one launch an epoch.
   */
  @Override
  public double launchesPerStep(GroupSpec spec, int stepsPerEpoch) {
    KernelPath path = kernel == null ? KernelPath.fromProperty() : kernel;
    boolean fused = path != KernelPath.LAYERED && FusedEpoch.qualifies(spec);
    return fused ? 1.0 / stepsPerEpoch : 5.0 * spec.net().layers() + 2;
  }

  /** The probe's answer: usable only when every step a run needs has succeeded. */
  @Override
  public Availability availability() {
    try {
      return probe.get();
    } catch (RuntimeException | LinkageError e) {
      return Availability.unusable("CUDA probe failed: " + JCudaDevice.firstLine(e));
    }
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
    boolean fused = usesFused(kernel == null ? KernelPath.fromProperty() : kernel, spec);
    return new CudaGroup(device(), spec, replicas, fused);
  }

  /**
   * Whether a group of {@code spec} trains on the fused path under {@code path}: auto takes it when
   * the shape qualifies ({@link FusedEpoch#qualifies}); fused insists (a shape that does not
   * qualify is a user error, exit 2); layered never takes it.
   */
  static boolean usesFused(KernelPath path, GroupSpec spec) {
    return switch (path) {
      case LAYERED -> false;
      case AUTO -> FusedEpoch.qualifies(spec);
      case FUSED -> {
        String why = FusedEpoch.whyNot(spec);
        if (why != null) {
          throw new UserError(
              "cuda: " + KERNEL_PROPERTY + "=fused does not fit this network: " + why,
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
}
