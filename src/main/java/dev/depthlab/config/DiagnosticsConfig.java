package dev.depthlab.config;

/**
 * How often the full diagnostic pass runs (every {@code every} epochs, and always after the last
 * epoch), whether per-step loss, accuracy and gradient norm go to steps.csv, over which epochs a
 * run's gradient statistics are taken ({@code gradStats}), and which layer's parameters go to
 * step_weights.csv, how often ({@link StepWeights#OFF}: none), and when the decision boundary is
 * recorded to boundary.csv ({@code snapshots}), and how often the sharpness (the top eigenvalue of
 * the training loss's Hessian) is estimated ({@code sharpness}), and whether the sweep measures
 * signal propagation at initialisation for the report ({@code signal}), and how often the singular
 * values of the hidden stack's input-output Jacobian are recorded ({@code jacobian}).
 */
public record DiagnosticsConfig(
    int every,
    boolean steps,
    GradStats gradStats,
    StepWeights stepWeights,
    Snapshots snapshots,
    Sharpness sharpness,
    Signal signal,
    Jacobian jacobian) {

  /** Without the Jacobian spectra. */
  public DiagnosticsConfig(
      int every,
      boolean steps,
      GradStats gradStats,
      StepWeights stepWeights,
      Snapshots snapshots,
      Sharpness sharpness,
      Signal signal) {
    this(every, steps, gradStats, stepWeights, snapshots, sharpness, signal, Jacobian.OFF);
  }

  /** Without the signal-propagation analysis. */
  public DiagnosticsConfig(
      int every,
      boolean steps,
      GradStats gradStats,
      StepWeights stepWeights,
      Snapshots snapshots,
      Sharpness sharpness) {
    this(every, steps, gradStats, stepWeights, snapshots, sharpness, Signal.OFF);
  }

  /** Without the sharpness estimate. */
  public DiagnosticsConfig(
      int every, boolean steps, GradStats gradStats, StepWeights stepWeights, Snapshots snapshots) {
    this(every, steps, gradStats, stepWeights, snapshots, Sharpness.OFF);
  }

  /** Gradient statistics over every epoch, no published table, no step-weights trace. */
  public DiagnosticsConfig(int every, boolean steps) {
    this(every, steps, GradStats.ALL_EPOCHS, StepWeights.OFF, Snapshots.FINAL);
  }

  /** With the default boundary snapshots (the final epoch only). */
  public DiagnosticsConfig(int every, boolean steps, GradStats gradStats, StepWeights stepWeights) {
    this(every, steps, gradStats, stepWeights, Snapshots.FINAL);
  }

  /**
   * {@code diagnostics.snapshots}: the predicted probability on a {@code grid} x {@code grid} grid
   * over the data's input square, after every {@code every}-th epoch (and before the first when
   * {@code every} > 0), and always after the last; {@code every} 0: after the last epoch only.
   */
  public record Snapshots(int every, int grid) {
    public static final int DEFAULT_GRID = 41;
    public static final Snapshots FINAL = new Snapshots(0, DEFAULT_GRID);

    /** True when {@code epoch} (0 = before training) gets a snapshot in a run of {@code epochs}. */
    public boolean at(int epoch, int epochs) {
      return epoch == epochs || (every > 0 && epoch % every == 0);
    }
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

  /**
   * {@code diagnostics.sharpness}: the top Hessian eigenvalue of the training objective after every
   * {@code every}-th epoch (and after the last), by at most {@code iterations} Lanczos steps on
   * exact Hessian-vector products, with the batch sharpness beside it ({@code every} 0: off).
   */
  public record Sharpness(int every, int iterations) {
    public static final Sharpness OFF = new Sharpness(0, 0);
    public static final int DEFAULT_ITERATIONS = 20;

    public boolean on() {
      return every > 0;
    }

    /** True when the estimate runs after {@code epoch} of a run of {@code epochs}. */
    public boolean at(int epoch, int epochs) {
      return on() && (epoch % every == 0 || epoch == epochs);
    }
  }

  /**
   * {@code diagnostics.signal}: the report's signal propagation at initialisation, over {@code
   * draws} initialisations of every data set and depth, pushing the first {@code batch} training
   * points ({@code draws} 0: off). Training is unaffected.
   */
  public record Signal(int draws, int batch) {
    public static final Signal OFF = new Signal(0, 0);
    public static final int DEFAULT_DRAWS = 50;
    public static final int DEFAULT_BATCH = 256;

    public boolean on() {
      return draws > 0;
    }
  }

  /**
   * {@code diagnostics.jacobian}: the singular values of the hidden stack's input-output Jacobian
   * at the first {@code probes} training points, before the first epoch and after every {@code
   * every}-th epoch and the last ({@code every} 0: off). Training is unaffected.
   */
  public record Jacobian(int every, int probes) {
    public static final Jacobian OFF = new Jacobian(0, 0);
    public static final int DEFAULT_PROBES = 16;

    public boolean on() {
      return every > 0;
    }

    /** True when the spectra are recorded after {@code epoch} (0: before training). */
    public boolean at(int epoch, int epochs) {
      return on() && (epoch % every == 0 || epoch == epochs);
    }
  }
}
