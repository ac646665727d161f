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
import dev.depthlab.common.BackendCatalog;
import dev.depthlab.common.BackendOption;
import dev.depthlab.common.BackendOptions;
import dev.depthlab.common.UserError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The known backends, and the choice behind {@code --backend auto|cpu|cuda|reference}: the only
 * place that names them.
 */
public final class BackendRegistry {
  private final List<Backend> backends;

  public BackendRegistry(List<Backend> backends) {
    this.backends = List.copyOf(backends);
  }

  /**
   * cuda first (preferred by {@code auto}), then cpu, then the plain reference: cpu is always
   * usable, so {@code auto} never reaches the reference, which only runs when named. The one place
   * that names the backends.
   */
  public static BackendRegistry standard() {
    return new BackendRegistry(
        List.of(new CudaBackend(), new CpuBackend(), new ReferenceBackend()));
  }

  /** {@link #standard()} with each backend's settings as a config's {@code options} say. */
  public static BackendRegistry standard(BackendOptions options) {
    return standard().configured(options);
  }

  /** These backends, each with its settings as {@code options} say ({@link Backend#configured}). */
  public BackendRegistry configured(BackendOptions options) {
    return new BackendRegistry(backends.stream().map(b -> b.configured(options)).toList());
  }

  public List<Backend> all() {
    return backends;
  }

  /** What the study config must know of these backends: their names and declared settings. */
  public BackendCatalog catalog() {
    List<BackendOption> options = new ArrayList<>();
    backends.forEach(b -> options.addAll(b.options()));
    return new BackendCatalog(backends.stream().map(Backend::name).toList(), options);
  }

  /**
   * The backend a group that failed on {@code failed} is retried on ({@code on_failure: cpu}): the
   * CPU backend, always usable; null when {@code failed} is the CPU backend itself.
   */
  public Backend retryBackend(Backend failed) {
    return failed.name().equals(RETRY) ? null : select(RETRY, s -> {});
  }

  private static final String RETRY = "cpu";

  /** The standard catalog for config ({@link BackendCatalog#standard}, via META-INF/services). */
  public static final class StandardCatalog implements BackendCatalog.Source {
    @Override
    public BackendCatalog catalog() {
      return standard().catalog();
    }
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

    @Override
    public List<BackendOption> options() {
      return chosen.options();
    }
  }

  /**
   * The values {@code --backend} and the config's {@code backend:} accept: {@code auto} and the
   * name of every backend of {@link #standard}, sorted.
   */
  public static List<String> names() {
    return standard().catalog().choices();
  }

  /**
   * The backend for a name. {@code auto} takes the first usable one, telling {@code notice} in one
   * line why any preferred one was passed over; a named backend that cannot run here is a failure
   * (exit 1) carrying its reason.
   */
  public Backend select(String name, Consumer<String> notice) {
    if ("auto".equals(name)) {
      List<String> passedOver = new ArrayList<>();
      for (Backend b : backends) {
        Availability av = b.availability();
        if (av.usable()) {
          return passedOver.isEmpty() ? b : new PassedOver(b, String.join("; ", passedOver));
        }
        passedOver.add(b.name() + ": " + av.reason());
        notice.accept(b.fallbackNotice(av));
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
        "unknown backend '" + name + "' (known: " + String.join(", ", catalog().choices()) + ")");
  }
}
