package dev.depthlab.backend.registry;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.cuda.CudaBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.common.UserError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The known backends, and the choice behind {@code --backend auto|cpu|cuda|reference}. */
public final class BackendRegistry {
  private final List<Backend> backends;

  public BackendRegistry(List<Backend> backends) {
    this.backends = List.copyOf(backends);
  }

  /**
   * cuda first (preferred by {@code auto}), then cpu, then the plain reference: cpu is always
   * usable, so {@code auto} never reaches the reference, which only runs when named.
   */
  public static BackendRegistry standard() {
    return standard("auto", "auto");
  }

  /**
   * {@link #standard()} with the CUDA backend's graphs and kernel path as config's {@code
   * cuda.graphs} and {@code cuda.kernel} say.
   */
  public static BackendRegistry standard(String cudaGraphs, String cudaKernel) {
    return new BackendRegistry(
        List.of(
            new CudaBackend(
                CudaBackend.Graphs.of(cudaGraphs), CudaBackend.KernelPath.of(cudaKernel)),
            new CpuBackend(),
            new ReferenceBackend()));
  }

  public List<Backend> all() {
    return backends;
  }

  /**
   * The rows {@code bench} times for a backend: the CUDA backend once per GPU path ({@code
   * cuda-fused}, {@code cuda-layered} step by step, {@code cuda-graphs}: layered as one graph an
   * epoch), any other backend as itself.
   */
  public static List<Backend> benchRows(Backend b) {
    if (b instanceof CudaBackend c) {
      CudaBackend layered = c.onPath(CudaBackend.KernelPath.LAYERED);
      return List.of(
          c.onPath(CudaBackend.KernelPath.FUSED),
          layered.withGraphs(CudaBackend.Graphs.OFF),
          layered.withGraphs(CudaBackend.Graphs.ON));
    }
    return List.of(b);
  }

  /**
   * The backend {@code auto} chose after passing over a preferred one: the same backend, its
   * availability's details with {@link Availability#PASSED_OVER} added (which, and why), so that a
   * run's record says why it did not run on the GPU.
   */
  private record PassedOver(Backend chosen, String why) implements Backend {
    @Override
    public String name() {
      return chosen.name();
    }

    @Override
    public Availability availability() {
      Availability av = chosen.availability();
      Map<String, String> details = new LinkedHashMap<>(av.details());
      details.put(Availability.PASSED_OVER, why);
      return new Availability(av.usable(), av.reason(), details);
    }

    @Override
    public Traits traits() {
      return chosen.traits();
    }

    @Override
    public double slowdown() {
      return chosen.slowdown();
    }

    @Override
    public boolean seedsTogether(
        dev.depthlab.model.NetworkSpec net, dev.depthlab.model.Precision precision) {
      return chosen.seedsTogether(net, precision);
    }

    @Override
    public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
      return chosen.createGroup(spec, replicas);
    }

    @Override
    public double launchesPerStep(GroupSpec spec, int stepsPerEpoch) {
      return chosen.launchesPerStep(spec, stepsPerEpoch);
    }
  }

  /**
   * The values {@code --backend} and the config's {@code backend:} accept: {@code auto} and the
   * name of every backend of {@link #standard} (a test holds the two lists together).
   */
  public static List<String> names() {
    return List.of("auto", "cpu", "cuda", "reference");
  }

  /**
   * The backend for a name. {@code auto} takes the first usable one, telling {@code notice} in one
   * line why any preferred one was passed over; a named backend that cannot run here is a failure
   * (exit 1) carrying its reason.
   */
  public Backend select(String name, Consumer<String> notice) {
    if ("auto".equals(name)) {
      List<String> passedOver = new java.util.ArrayList<>();
      for (Backend b : backends) {
        Availability av = b.availability();
        if (av.usable()) {
          return passedOver.isEmpty() ? b : new PassedOver(b, String.join("; ", passedOver));
        }
        passedOver.add(b.name() + ": " + av.reason());
        notice.accept(
            b instanceof CudaBackend
                ? CudaBackend.fallbackNotice(av, CudaBackend.driverPresent())
                : b.name() + " unavailable (" + av.reason() + "); using the next backend");
      }
      throw new UserError("no usable backend", UserError.FAILURE);
    }
    for (Backend b : backends) {
      if (b.name().equals(name)) {
        Availability av = b.availability();
        if (!av.usable()) {
          throw new UserError(name + " backend unavailable: " + av.reason(), UserError.FAILURE);
        }
        return b;
      }
    }
    throw new UserError(
        "unknown backend '" + name + "' (known: " + String.join(", ", names()) + ")");
  }
}
