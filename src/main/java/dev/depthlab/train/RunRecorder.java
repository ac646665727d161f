package dev.depthlab.train;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.common.Version;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains a group of runs on one backend and writes each run's folder ({@link RunFolder}): the one
 * path from training to files, shared by {@code depthlab train} and the sweep, so a run folder is
 * the same whichever command made it. Holds no state but the backend and its device's name, so one
 * recorder serves any number of groups, also at once from several threads.
 */
public final class RunRecorder {
  /** The training's progress ({@link TrainListener}), and each run once its folder is complete. */
  public interface Listener extends TrainListener {
    /**
     * After replica r's folder is written, run.json last (so {@link RunFolder#isFinished} holds);
     * called in replica order after the last epoch.
     */
    default void onRunWritten(int replica, RunResult result) {}
  }

  private final Backend backend;
  private final String device;

  /** Why {@code --backend auto} passed over a preferred backend (the GPU), or null. */
  private final String passedOver;

  public RunRecorder(Backend backend) {
    this.backend = backend;
    // read once: a device backend's availability is a probe, and it is the same for every run
    Map<String, String> details = backend.availability().details();
    this.device = details.getOrDefault("device", backend.name());
    this.passedOver = details.get(Availability.PASSED_OVER);
  }

  /**
   * Trains {@code runs} as one group ({@link Trainer#train}) and writes run r's folder to {@code
   * dirs.get(r)}, with boundary.csv (2-D data), steps.csv, step_weights.csv and jacobian.csv when
   * the runs' diagnostics ask for them; results in the order of {@code runs}.
   */
  public List<RunResult> trainAndRecord(List<RunSpec> runs, List<Path> dirs, Listener listener) {
    if (runs.size() != dirs.size()) {
      throw new IllegalArgumentException(runs.size() + " runs but " + dirs.size() + " folders");
    }
    if (runs.isEmpty()) {
      return List.of();
    }
    // the first run's diagnostics, as the Trainer: they decide what it reports for the whole group
    StudyConfig cfg = runs.get(0).config();
    boolean logSteps = cfg.diagnostics().steps();
    boolean logWeights = cfg.diagnostics().stepWeights().on();
    List<List<StepRecord>> steps = new ArrayList<>();
    List<List<WeightRecord>> weights = new ArrayList<>();
    List<List<BoundarySnapshot>> boundaries = new ArrayList<>();
    List<List<JacobianSnapshot>> jacobians = new ArrayList<>();
    for (int r = 0; r < runs.size(); r++) {
      boundaries.add(new ArrayList<>());
      jacobians.add(new ArrayList<>());
      steps.add(logSteps ? new ArrayList<>() : null);
      weights.add(logWeights ? new ArrayList<>() : null);
    }
    List<RunResult> results =
        Trainer.train(
            backend,
            runs,
            new TrainListener() {
              @Override
              public void onEpoch(int replica, EpochRecord record) {
                listener.onEpoch(replica, record);
              }

              @Override
              public void onSteps(int replica, List<StepRecord> s) {
                steps.get(replica).addAll(s);
                listener.onSteps(replica, s);
              }

              @Override
              public void onStepWeights(int replica, List<WeightRecord> w) {
                weights.get(replica).addAll(w);
                listener.onStepWeights(replica, w);
              }

              @Override
              public void onBoundary(int replica, BoundarySnapshot snapshot) {
                boundaries.get(replica).add(snapshot);
                listener.onBoundary(replica, snapshot);
              }

              @Override
              public void onJacobian(int replica, JacobianSnapshot snapshot) {
                jacobians.get(replica).add(snapshot);
                listener.onJacobian(replica, snapshot);
              }

              @Override
              public void onEpochDone(int epoch, int epochs) {
                listener.onEpochDone(epoch, epochs);
              }
            });
    for (int r = 0; r < runs.size(); r++) {
      RunResult result = results.get(r);
      RunFolder.write(
          dirs.get(r),
          result,
          steps.get(r),
          weights.get(r),
          boundaries.get(r),
          jacobians.get(r),
          new RunFolder.Provenance(
              ConfigYaml.hash(runs.get(r).config()),
              backend.name(),
              device,
              Version.STRING,
              passedOver));
      listener.onRunWritten(r, result);
    }
    return results;
  }

  /**
   * Marks {@code runs} failed ({@link RunFolder#writeFailed}) with {@code reason}: their group's
   * backend failed before they finished. A rerun of the sweep retries them.
   */
  public void recordFailure(List<RunSpec> runs, List<Path> dirs, String reason) {
    for (int r = 0; r < runs.size(); r++) {
      RunFolder.writeFailed(
          dirs.get(r),
          runs.get(r),
          reason,
          new RunFolder.Provenance(
              ConfigYaml.hash(runs.get(r).config()),
              backend.name(),
              device,
              Version.STRING,
              passedOver));
    }
  }

  /** The backend this recorder trains on. */
  public Backend backend() {
    return backend;
  }
}
