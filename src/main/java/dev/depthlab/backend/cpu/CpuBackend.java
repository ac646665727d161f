package dev.depthlab.backend.cpu;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure-Java reference backend: every replica trains on the calling thread, one after the other,
 * so a run's numbers never depend on how many threads a sweep uses.
 */
public final class CpuBackend implements Backend {
  private final Fma fma;

  public CpuBackend() {
    this(Fma.here());
  }

  /** With {@code fma} as this JVM's answer (tests inject one). */
  CpuBackend(Fma fma) {
    this.fma = fma;
  }

  /**
   * A software {@code Math.fma} (no FMA in hardware) makes every step thousands of times slower;
   * the estimates of a study's time include it.
   */
  @Override
  public double slowdown() {
    return fma.slowdown();
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public Availability availability() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(
        "device",
        System.getProperty("os.arch")
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores");
    d.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    d.put("memory", (Runtime.getRuntime().maxMemory() >> 20) + " MiB heap");
    d.put("path", CpuKernels.name());
    d.put("lanes", CpuKernels.lanesName());
    d.put("fma", fma.describe());
    return Availability.usable(d);
  }

  @Override
  public Traits traits() {
    return Traits.host();
  }

  /**
   * Narrow networks on the vector path, fp64 or fp32: their seeds train in SIMD lanes ({@link
   * LaneNet64}, {@link LaneNet32}).
   */
  @Override
  public boolean seedsTogether(NetworkSpec net, Precision precision) {
    return CpuGroup.lanes(net, precision, 2);
  }

  @Override
  public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
    return new CpuGroup(spec, replicas);
  }
}
