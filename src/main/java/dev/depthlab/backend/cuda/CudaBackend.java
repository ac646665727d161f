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
   * Whether a group runs each epoch's per-layer calls as one captured CUDA graph ({@code
   * backend.cuda.graphs} in docs/config.md; see {@link CudaGroup}'s "Graphs"). The results are the
   * same bits either way.
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

  private final Supplier<Availability> probe;
  private final Supplier<Device> device;
  private final Graphs graphs;

  /** The real GPU, if this machine has a usable one (see {@link #availability}). */
  public CudaBackend() {
    this(Graphs.AUTO);
  }

  /** The real GPU, its groups running epochs as graphs as {@code graphs} says. */
  public CudaBackend(Graphs graphs) {
    this(JCudaDevice::probe, JCudaDevice::shared, graphs);
  }

  /** Runs on the given device: the emulated device of the tests, which live in this package. */
  CudaBackend(Device device) {
    this(device, Graphs.AUTO);
  }

  /** Runs on the given device, with graphs as {@code graphs} says. */
  CudaBackend(Device device, Graphs graphs) {
    this(() -> Availability.usable(device.details()), () -> device, graphs);
  }

  /**
   * A backend whose availability is {@code probe}'s answer and whose groups run on {@code device}
   * once the probe says usable (tests: a probe that fails at a chosen step).
   */
  CudaBackend(Supplier<Availability> probe, Supplier<Device> device) {
    this(probe, device, Graphs.AUTO);
  }

  private CudaBackend(Supplier<Availability> probe, Supplier<Device> device, Graphs graphs) {
    this.probe = probe;
    this.device = device;
    this.graphs = graphs;
  }

  /** This backend with graphs as {@code mode} says (same probe and device). */
  public CudaBackend withGraphs(Graphs mode) {
    return new CudaBackend(probe, device, mode);
  }

  /** The graphs setting of this backend. */
  public Graphs graphs() {
    return graphs;
  }

  @Override
  public String name() {
    return "cuda";
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
    Device d = device();
    boolean useGraphs =
        switch (graphs) {
          case AUTO -> d.supportsGraphs();
          case ON -> {
            if (!d.supportsGraphs()) {
              throw new UserError(
                  "cuda: backend.cuda.graphs is on, but " + d.name() + " cannot capture graphs");
            }
            yield true;
          }
          case OFF -> false;
        };
    return new CudaGroup(d, spec, replicas, useGraphs);
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
