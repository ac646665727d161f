package dev.depthlab.backend;

/**
 * What the code above {@code backend} needs to know about a backend, so that nothing there tests a
 * backend's name: how it wants a sweep's runs grouped, how many groups it runs at once by default,
 * and whether it computes on the host's cores (a benchmark skips shapes too slow for one core).
 *
 * @param seedsTogether the seeds of one (variant, data set, depth) train as one group of R
 *     replicas; otherwise every run is its own group (R = 1)
 * @param maxDefaultJobs the most groups a sweep runs at once by default (it also never uses more
 *     than the cores)
 * @param onHost the arithmetic runs on the calling thread's core
 */
public record Traits(boolean seedsTogether, int maxDefaultJobs, boolean onHost) {
  public Traits {
    if (maxDefaultJobs < 1) {
      throw new IllegalArgumentException("maxDefaultJobs must be >= 1, got " + maxDefaultJobs);
    }
  }

  /** A backend that computes on the calling thread, one run a group, one group per core. */
  public static Traits host() {
    return new Traits(false, Integer.MAX_VALUE, true);
  }
}
