package dev.depthlab.config;

/**
 * How often the full diagnostic pass runs (every {@code every} epochs, and always after the last
 * epoch), whether per-step loss and gradient norm go to steps.csv, and over which epochs a run's
 * gradient statistics are taken ({@code gradStats}).
 */
public record DiagnosticsConfig(int every, boolean steps, GradStats gradStats) {

  /** Gradient statistics over every epoch, no published table beside them: the default. */
  public DiagnosticsConfig(int every, boolean steps) {
    this(every, steps, GradStats.ALL_EPOCHS);
  }

  /**
   * The window of a run's gradient statistics (grad_norm_mean, _std, _cv of run.json and
   * summary.csv): epochs {@code fromEpoch} to the last. {@code published} names a table of
   * published gradient statistics that the report sets beside the study's ({@code
   * config/published/<name>.csv}), or is empty.
   */
  public record GradStats(int fromEpoch, String published) {
    public static final GradStats ALL_EPOCHS = new GradStats(1, "");

    /** Where the published table {@code name} lives on the classpath (config/ is in the jar). */
    public static String publishedResource(String name) {
      return "/config/published/" + name + ".csv";
    }

    public boolean hasPublished() {
      return !published.isEmpty();
    }
  }
}
