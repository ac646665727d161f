package dev.depthlab.backend.reference;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The plain fp64 reference network as a backend ({@code --backend reference}): what every other
 * backend is checked against, usable anywhere, slower than {@code cpu} and never chosen by {@code
 * auto}. See {@link ReferenceNet} and docs/reference.md.
 */
public final class ReferenceBackend implements Backend {
  /** The one precision it computes in: the reference is what fp32 paths are measured against. */
  private static final Set<Precision> PRECISIONS = Set.of(Precision.FP64);

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public Availability availability() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(
        "device",
        "host, one thread: the plain fp64 reference (scalar loops, one sample at a time)");
    d.put("precision", "fp64 only");
    d.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    return Availability.usable(d);
  }

  @Override
  public Traits traits() {
    return Traits.host().withPrecisions(PRECISIONS);
  }

  @Override
  public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
    if (!traits().supports(spec.precision())) {
      throw new UserError("the reference backend computes in fp64 only; use --precision fp64");
    }
    return new ReferenceGroup(spec, replicas);
  }
}
