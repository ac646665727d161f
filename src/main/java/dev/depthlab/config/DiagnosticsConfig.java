package dev.depthlab.config;

/**
 * How often the full diagnostic pass runs (every {@code every} epochs, and always after the last
 * epoch), whether per-step loss, accuracy and gradient norm go to steps.csv, over which epochs a
 * run's gradient statistics are taken ({@code gradStats}), and which layer's parameters go to
 * step_weights.csv, how often ({@link StepWeights#OFF}: none).
 */
public record DiagnosticsConfig(
    int every, boolean steps, GradStats gradStats, StepWeights stepWeights) {

  /** Gradient statistics over every epoch, no published table, no step-weights trace. */
  public DiagnosticsConfig(int every, boolean steps) {
    this(every, steps, GradStats.ALL_EPOCHS, StepWeights.OFF);
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

  /**
   * {@code diagnostics.step_weights}: the weights and biases of weight layer {@code layer}
   * (1-based, as in epochs.csv: 1 is the first hidden layer's weights, the last is the output
   * layer), after every {@code every}-th step of the run.
   */
  public record StepWeights(int layer, int every) {
    public static final StepWeights OFF = new StepWeights(0, 0);

    public boolean on() {
      return layer > 0;
    }
  }
}
