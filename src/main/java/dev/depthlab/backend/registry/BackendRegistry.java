package dev.depthlab.backend.registry;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.cuda.CudaBackend;
import dev.depthlab.common.UserError;
import java.util.List;
import java.util.function.Consumer;

/** The known backends, and the choice behind {@code --backend auto|cpu|cuda}. */
public final class BackendRegistry {
  private final List<Backend> backends;

  public BackendRegistry(List<Backend> backends) {
    this.backends = List.copyOf(backends);
  }

  /** cuda first (preferred by {@code auto}), then cpu. */
  public static BackendRegistry standard() {
    return new BackendRegistry(List.of(new CudaBackend(), new CpuBackend()));
  }

  public List<Backend> all() {
    return backends;
  }

  public static List<String> names() {
    return List.of("auto", "cpu", "cuda");
  }

  /**
   * The backend for a name. {@code auto} takes the first usable one, telling {@code notice} in one
   * line why any preferred one was passed over; a named backend that cannot run here is a failure
   * (exit 1) carrying its reason.
   */
  public Backend select(String name, Consumer<String> notice) {
    if ("auto".equals(name)) {
      for (Backend b : backends) {
        Availability av = b.availability();
        if (av.usable()) {
          return b;
        }
        notice.accept(b.name() + " unavailable (" + av.reason() + "); using the next backend");
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
    throw new UserError("unknown backend '" + name + "' (known: auto, cpu, cuda)");
  }
}
