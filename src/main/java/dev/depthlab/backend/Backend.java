package dev.depthlab.backend;

import dev.depthlab.common.BackendOption;
import dev.depthlab.common.BackendOptions;
import java.util.List;

/**
 * A place where networks train: the CPU reference or a CUDA device. A backend creates {@link
 * Group}s; nothing above this package knows which device runs them.
 */
public interface Backend {
  /** The name used on the command line: {@code cpu}, {@code cuda}, {@code reference}. */
  String name();

  /** Whether this backend can run here, and if not, exactly why. Never throws. */
  Availability availability();

  /** How this backend wants runs grouped and scheduled; see {@link Traits}. */
  Traits traits();

  /**
   * Whether the seeds of one (variant, data set, depth) of network {@code net} in {@code precision}
   * train as one group: {@link Traits#seedsTogether}, unless the backend groups some shapes only
   * (the CPU backend: narrow fp64 networks, whose replicas train in SIMD lanes).
   */
  default boolean seedsTogether(
      dev.depthlab.model.NetworkSpec net, dev.depthlab.model.Precision precision) {
    return traits().seedsTogether();
  }

  /**
   * Creates a group of replicas of one architecture and precision, uploads their data sets and
   * initial parameters; the data then stays where the backend computes.
   */
  Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas);

  /**
   * How many times slower than the assumed rate of its kind (host or device) this backend runs
   * here, for time estimates: 1, or more where it knows (the CPU backend without FMA in hardware).
   */
  default double slowdown() {
    return 1.0;
  }

  /**
   * Device launches (kernels and library calls) per training step of a group of {@code spec} in
   * epochs of {@code stepsPerEpoch} steps, for {@code bench}; NaN for a backend that launches
   * nothing (the host backends).
   */
  default double launchesPerStep(GroupSpec spec, int stepsPerEpoch) {
    return Double.NaN;
  }

  /**
   * What an emulator counted per training step and replica of this backend's kernel for a group of
   * {@code spec} (shared-memory requests and wavefronts, FMA warp instructions, barriers), one line
   * for {@code bench}; null where nothing was counted.
   */
  default String countsPerStep(GroupSpec spec) {
    return null;
  }

  /**
   * The settings this backend declares for the study config, under the section named after it
   * ({@code cuda.graphs}, ...): keys, values, defaults. Config validates them and carries them
   * without knowing what they mean; {@link #configured} reads them. None by default.
   */
  default List<BackendOption> options() {
    return List.of();
  }

  /** This backend with its settings as {@code options} says (values it declared, or defaults). */
  default Backend configured(BackendOptions options) {
    return this;
  }

  /**
   * The rows {@code bench} times for this backend: itself by default; a backend with several paths
   * worth comparing (CUDA: fused, layered, graphs) gives one backend per path, each named for it.
   */
  default List<Backend> benchRows() {
    return List.of(this);
  }

  /**
   * What {@code --backend auto} tells the user when it passes over this backend ({@code av} not
   * usable) for the next one.
   */
  default String fallbackNotice(Availability av) {
    return name() + " unavailable (" + av.reason() + "); using the next backend";
  }

  /**
   * Whether the backend has device kernels of its own for {@code bench --kernels} to time ({@link
   * #kernelBench}); false for the host backends.
   */
  default boolean hasKernels() {
    return false;
  }

  /**
   * The rows of {@code bench --kernels}: each of the backend's own device kernels timed alone,
   * about {@code seconds} in all. Called only when the backend is available and {@link
   * #hasKernels}.
   */
  default java.util.List<String> kernelBench(double seconds) {
    return java.util.List.of();
  }
}
