package dev.depthlab.backend;

import dev.depthlab.model.Precision;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the code above {@code backend} needs to know about a backend, so that nothing there tests a
 * backend's name: how it wants a sweep's runs grouped, how many groups it runs at once by default,
 * whether it computes on the host's cores (a benchmark skips shapes too slow for one core), and
 * which precisions it computes in.
 *
 * @param seedsTogether the seeds of one (variant, data set, depth) train as one group of R
 *     replicas; otherwise every run is its own group (R = 1)
 * @param maxDefaultJobs the most groups a sweep runs at once by default (it also never uses more
 *     than the cores)
 * @param onHost the arithmetic runs on the calling thread's core
 * @param precisions the precisions {@link Backend#createGroup} accepts; always fp64, the precision
 *     every backend is checked in against the plain reference (gradcheck and bench skip the others)
 */
public record Traits(
    boolean seedsTogether, int maxDefaultJobs, boolean onHost, Set<Precision> precisions) {
  public Traits {
    if (maxDefaultJobs < 1) {
      throw new IllegalArgumentException("maxDefaultJobs must be >= 1, got " + maxDefaultJobs);
    }
    if (!precisions.contains(Precision.FP64)) {
      throw new IllegalArgumentException("every backend computes in fp64, got " + precisions);
    }
    precisions = Set.copyOf(precisions);
  }

  /** A backend that computes in every precision. */
  public Traits(boolean seedsTogether, int maxDefaultJobs, boolean onHost) {
    this(seedsTogether, maxDefaultJobs, onHost, EnumSet.allOf(Precision.class));
  }

  /** A backend that computes on the calling thread, one run a group, one group per core. */
  public static Traits host() {
    return new Traits(false, Integer.MAX_VALUE, true);
  }

  /** These traits, computing in {@code only} (which must hold fp64) instead. */
  public Traits withPrecisions(Set<Precision> only) {
    return new Traits(seedsTogether, maxDefaultJobs, onHost, only);
  }

  /** Whether {@link Backend#createGroup} accepts {@code precision}. */
  public boolean supports(Precision precision) {
    return precisions.contains(precision);
  }
}
