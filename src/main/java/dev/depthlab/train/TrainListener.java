package dev.depthlab.train;

/** Receives a group's progress as it trains (progress bars, file writers, preflight checks). */
public interface TrainListener {
  /** After each epoch, for each replica r. */
  default void onEpoch(int replica, EpochRecord record) {}

  /** After each epoch, the epoch's steps of replica r (only called when steps are logged). */
  default void onSteps(int replica, java.util.List<StepRecord> steps) {}

  /**
   * The traced layer's records of replica r (only called when {@code diagnostics.step_weights} is
   * on): once before the first epoch with the initial parameters, then after each epoch.
   */
  default void onStepWeights(int replica, java.util.List<WeightRecord> records) {}

  /**
   * A decision-boundary snapshot of replica r ({@code diagnostics.snapshots}; only for 2-D data):
   * before the first epoch when snapshots have an interval, after every interval, and after the
   * last epoch.
   */
  default void onBoundary(int replica, BoundarySnapshot snapshot) {}

  /**
   * The hidden stack's Jacobian spectra of replica r ({@code diagnostics.jacobian}, networks of two
   * hidden layers or more): before the first epoch, after every interval and after the last.
   */
  default void onJacobian(int replica, JacobianSnapshot snapshot) {}

  /** Once per epoch after every replica's onEpoch; {@code epoch} is 1-based. */
  default void onEpochDone(int epoch, int epochs) {}

  TrainListener NONE = new TrainListener() {};
}
