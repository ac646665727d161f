package dev.depthlab.config;

/**
 * How often the full diagnostic pass runs (every {@code every} epochs, and always after the last
 * epoch), whether per-step loss, accuracy and gradient norm go to steps.csv, and which layer's
 * parameters go to step_weights.csv, how often ({@link StepWeights#OFF}: none).
 */
public record DiagnosticsConfig(int every, boolean steps, StepWeights stepWeights) {

  /** Without a step-weights trace. */
  public DiagnosticsConfig(int every, boolean steps) {
    this(every, steps, StepWeights.OFF);
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
