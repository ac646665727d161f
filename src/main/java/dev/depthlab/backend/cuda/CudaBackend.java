package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.common.UserError;
import java.util.List;

/**
 * The NVIDIA GPU backend: groups of replicas trained in lockstep on a {@link Device}, one
 * strided-batched cuBLAS GEMM per layer product for all replicas (see {@link CudaGroup}). With no
 * arguments it uses the real GPU ({@link JCudaDevice}, opened on first use); tests pass an {@link
 * EmulatedDevice}.
 */
public final class CudaBackend implements Backend {
  private final Device injected;
  private Device device;

  /** The real GPU, if this machine has a usable one (see {@link #availability}). */
  public CudaBackend() {
    this.injected = null;
  }

  /** Runs on the given device (tests: {@link EmulatedDevice}). */
  public CudaBackend(Device device) {
    this.injected = device;
  }

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public Availability availability() {
    if (injected != null) {
      return Availability.usable(injected.details());
    }
    try {
      return JCudaDevice.probe();
    } catch (Throwable t) {
      return Availability.unusable("CUDA probe failed: " + t);
    }
  }

  @Override
  public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
    return new CudaGroup(device(), spec, replicas);
  }

  /** The device groups run on; opens the real GPU on first use. */
  public synchronized Device device() {
    if (injected != null) {
      return injected;
    }
    if (device == null) {
      Availability av = availability();
      if (!av.usable()) {
        throw new UserError("cuda: " + av.reason(), UserError.FAILURE);
      }
      try {
        device = new JCudaDevice();
      } catch (RuntimeException | LinkageError e) {
        throw new UserError("cuda: cannot open the device: " + e.getMessage(), UserError.FAILURE);
      }
    }
    return device;
  }
}
