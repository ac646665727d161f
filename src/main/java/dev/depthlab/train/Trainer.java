package dev.depthlab.train;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.EpochRun;
import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.common.Rng;
import dev.depthlab.common.Seeds;
import dev.depthlab.config.DiagnosticsConfig;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.Datasets;
import dev.depthlab.data.Split;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training loop: mini-batch SGD over epochs for a group of runs that share one architecture and
 * schedule (typically the seeds of one data set and depth), driven in lockstep on a backend. The
 * host draws the data, the initial parameters and every epoch's sample order ({@link EpochOrders}),
 * so the work is the same on every backend; the backend reports per-step diagnostics once per
 * epoch, or once per launch where it runs several epochs at once ({@link Group#epochsPerLaunch},
 * {@link Group#trainEpochs}: the orders drawn ahead in the same sequence, the records the same).
 */
public final class Trainer {
  private Trainer() {}

  /** Trains {@code runs} as one group; results in the order of {@code runs}. */
  public static List<RunResult> train(Backend backend, List<RunSpec> runs, TrainListener listener) {
    if (runs.isEmpty()) {
      return List.of();
    }
    long start = System.nanoTime();
    RunSpec first = runs.get(0);
    StudyConfig cfg = first.config();
    NetworkSpec net = first.net();
    for (RunSpec r : runs) {
      if (!r.net().equals(net)
          || !r.config().training().equals(cfg.training())
          || r.config().data().nTrain() != cfg.data().nTrain()
          || r.config().precision() != cfg.precision()) {
        throw new IllegalArgumentException(
            "runs of one group must share architecture and schedule");
      }
    }
    List<ReplicaSetup> setups = new ArrayList<>();
    List<Parameters> previous = new ArrayList<>();
    for (RunSpec r : runs) {
      setups.add(setupFor(r));
      previous.add(setups.get(setups.size() - 1).initial().copy());
    }
    int n = setups.get(0).train().size();
    int batch = cfg.training().batchFor(n);
    int stepsPerEpoch = (n + batch - 1) / batch;
    int epochs = cfg.training().epochs();
    double lr = cfg.training().lr();
    int every = cfg.diagnostics().every();
    boolean logSteps = cfg.diagnostics().steps();
    DiagnosticsConfig.StepWeights traced = cfg.diagnostics().stepWeights();
    int traceLayer = traced.on() ? traced.layer() - 1 : -1;
    DiagnosticsConfig.Snapshots snapshots = cfg.diagnostics().snapshots();
    DiagnosticsConfig.Sharpness sharp = cfg.diagnostics().sharpness();
    DiagnosticsConfig.Jacobian jac =
        JacobianSnapshot.applies(net)
            ? cfg.diagnostics().jacobian()
            : DiagnosticsConfig.Jacobian.OFF;
    // a boundary is a picture of the input plane: only data with two features has one
    BoundaryGrid[] grids = new BoundaryGrid[runs.size()];
    for (int r = 0; r < runs.size(); r++) {
      var train = setups.get(r).train();
      grids[r] = train.features() == 2 ? BoundaryGrid.covering(train, snapshots.grid()) : null;
    }

    int rN = runs.size();
    EpochOrders[] orders = new EpochOrders[rN];
    for (int r = 0; r < rN; r++) {
      Rng shuffle = Seeds.SHUFFLE.rng(runs.get(r).seed());
      orders[r] = new EpochOrders(cfg.training().sampling(), shuffle, n, batch);
    }
    List<List<EpochRecord>> records = new ArrayList<>();
    for (int r = 0; r < rN; r++) {
      records.add(new ArrayList<>(epochs));
    }
    RunHealth[] health = new RunHealth[rN];
    for (int r = 0; r < rN; r++) {
      health[r] = new RunHealth();
    }
    double gradNormLimit = cfg.training().gradNormLimit();

    GroupSpec groupSpec =
        new GroupSpec(
            net,
            cfg.precision(),
            batch,
            stepsPerEpoch,
            logSteps,
            traceLayer,
            traced.on() ? traced.every() : 0);
    try (Group group = backend.createGroup(groupSpec, setups)) {
      if (traced.on()) {
        for (int r = 0; r < rN; r++) {
          Parameters init = setups.get(r).initial();
          listener.onStepWeights(r, List.of(initialRecord(init, traceLayer, cfg.precision())));
        }
      }
      if (snapshots.every() > 0) {
        snapshot(group, 0, grids, listener);
      }
      if (jac.on()) {
        for (int r = 0; r < rN; r++) {
          listener.onJacobian(
              r,
              JacobianSnapshot.of(
                  0, net, setups.get(r).initial(), setups.get(r).train(), jac.probes()));
        }
      }
      int perLaunch = Math.max(1, group.epochsPerLaunch());
      int[][][] ahead = new int[perLaunch][rN][n];
      List<EpochRun> launched = List.of();
      int launchStart = 1; // the first epoch of `launched`
      for (int epoch = 1; epoch <= epochs; epoch++) {
        if (epoch - launchStart >= launched.size()) {
          // the next launch: epochs up to the group's count per launch, ending where the host
          // must look at the trained network (sharpness, a snapshot, a Jacobian); orders drawn
          // ahead, in the
          // same sequence as one at a time
          int k =
              launchLength(epoch, Math.min(perLaunch, epochs - epoch + 1), sharp, snapshots, jac);
          boolean[] diagnose = new boolean[k];
          for (int e = 0; e < k; e++) {
            for (int r = 0; r < rN; r++) {
              if (cfg.training().fullBatch()) {
                for (int i = 0; i < n; i++) {
                  ahead[e][r][i] = i; // gradient descent: the whole set in index order, every step
                }
              } else {
                orders[r].next(ahead[e][r]);
              }
            }
            diagnose[e] = (epoch + e) % every == 0 || epoch + e == epochs;
          }
          launched = group.trainEpochs(Arrays.copyOf(ahead, k), batch, lr, diagnose);
          launchStart = epoch;
        }
        EpochRun run = launched.get(epoch - launchStart);
        StepLog log = run.log();
        boolean diagnose = epoch % every == 0 || epoch == epochs;
        Evaluation eval = run.evaluation();
        List<Parameters> params = run.parameters();
        Sharpness.Estimate curvature = null;
        if (sharp.at(epoch, epochs)) {
          // reads the trained point; moves nothing
          curvature =
              new Sharpness(group, rN, n, batch, batch, net.reduction())
                  .measure(sharp.iterations(), Sharpness.START_SEED);
        }
        for (int r = 0; r < rN; r++) {
          Parameters now = diagnose ? params.get(r) : null;
          EpochRecord rec =
              Diagnostics.epochRecord(epoch, log, r, eval, now, previous.get(r), curvature);
          if (diagnose) {
            previous.set(r, now);
          }
          checkHealth(health[r], epoch, rec, log, r, now, gradNormLimit, setups.get(r));
          records.get(r).add(rec);
          listener.onEpoch(r, rec);
          if (logSteps) {
            listener.onSteps(r, Diagnostics.stepRecords(epoch, log, r));
          }
          if (traced.on()) {
            listener.onStepWeights(r, Diagnostics.weightRecords(epoch, log, r, stepsPerEpoch));
          }
        }
        listener.onEpochDone(epoch, epochs);
        // after the epoch's own accounting: a snapshot is an observation of the trained network,
        // its predict copies are not the epoch's (CudaRoundTripsTest counts those)
        if (snapshots.at(epoch, epochs)) {
          snapshot(group, epoch, grids, listener);
        }
        if (jac.at(epoch, epochs)) { // an observation too: on the host, from the parameters
          List<Parameters> now = params != null ? params : group.allParameters();
          for (int r = 0; r < rN; r++) {
            listener.onJacobian(
                r,
                JacobianSnapshot.of(epoch, net, now.get(r), setups.get(r).train(), jac.probes()));
          }
        }
      }
      double wall = (System.nanoTime() - start) / 1e9;
      for (int r = 0; r < rN; r++) {
        checkConstantPrediction(health[r], group, r, setups.get(r));
      }
      List<RunResult> results = new ArrayList<>(rN);
      for (int r = 0; r < rN; r++) {
        RunSummary summary =
            Diagnostics.summarize(
                records.get(r),
                health[r].status(),
                health[r].epoch(),
                cfg.diagnostics().gradStats().fromEpoch());
        results.add(
            new RunResult(
                runs.get(r), List.copyOf(records.get(r)), summary, previous.get(r), wall));
      }
      return results;
    }
  }

  /**
   * Epochs of the launch that starts at {@code epoch}: at most {@code most}, and it ends at the
   * first epoch after which the host probes the sharpness, takes a snapshot or a Jacobian.
   */
  private static int launchLength(
      int epoch,
      int most,
      DiagnosticsConfig.Sharpness sharp,
      DiagnosticsConfig.Snapshots snapshots,
      DiagnosticsConfig.Jacobian jac) {
    int epochs = Integer.MAX_VALUE; // at(e, epochs) also asks for the last epoch: `most` ends there
    for (int k = 1; k < most; k++) {
      int e = epoch + k - 1;
      if (sharp.at(e, epochs) || snapshots.at(e, epochs) || jac.at(e, epochs)) {
        return k;
      }
    }
    return most;
  }

  /**
   * Replica r's health after an epoch: diverged (a non-finite loss, gradient norm or, at an
   * evaluation, parameter), exploded (a step's gradient norm above {@code limit}), collapsed (at an
   * evaluation, a hidden layer dead on the whole training set: no gradient reaches it again). Also
   * notes whether the training accuracy is one class's share, for {@link #checkConstantPrediction}.
   * Asks the backend for nothing.
   */
  private static void checkHealth(
      RunHealth health,
      int epoch,
      EpochRecord rec,
      StepLog log,
      int r,
      Parameters now,
      double limit,
      ReplicaSetup setup) {
    if (!Double.isFinite(rec.batchLoss())
        || !Double.isFinite(rec.gradNormMean())
        || (now != null && !RunHealth.finite(now))) {
      health.observe(RunSummary.DIVERGED, epoch);
    }
    if (RunHealth.maxStepGradNorm(log, r) > limit) {
      health.observe(RunSummary.EXPLODED, epoch);
    }
    if (!rec.diagnosed()) {
      return;
    }
    if (RunHealth.deadLayer(rec.deadFraction())) {
      health.observe(RunSummary.COLLAPSED, epoch);
    }
    var train = setup.train();
    health.constantAt(
        epoch, RunHealth.mayBeConstant(rec.trainAccuracy(), train.size(), train.positives()));
  }

  /**
   * After training: a run whose training accuracy stayed at one class's share from some evaluation
   * to the last, and whose trained network predicts one class for every training point, is
   * collapsed from that evaluation. A constant prediction early in training that goes away is
   * common and not a collapse. One prediction pass, after the last epoch's accounting (as a
   * snapshot), and only for such runs.
   */
  private static void checkConstantPrediction(
      RunHealth health, Group group, int r, ReplicaSetup setup) {
    if (health.constantSince() == 0 || health.atLeast(RunSummary.COLLAPSED)) {
      return;
    }
    if (RunHealth.constant(group.predict(r, setup.train().x()))) {
      health.observe(RunSummary.COLLAPSED, health.constantSince());
    }
  }

  /** Every replica's predicted probabilities on its grid (none without one) after {@code epoch}. */
  private static void snapshot(
      Group group, int epoch, BoundaryGrid[] grids, TrainListener listener) {
    for (int r = 0; r < grids.length; r++) {
      if (grids[r] == null) {
        continue;
      }
      long t0 = System.nanoTime();
      double[] p = group.predict(r, grids[r].points());
      double seconds = (System.nanoTime() - t0) / 1e9;
      listener.onBoundary(r, new BoundarySnapshot(epoch, grids[r], p, seconds));
    }
  }

  /** Step 0 of a layer trace: layer l's initial weights, then biases, as the backend holds them. */
  private static WeightRecord initialRecord(Parameters p, int l, Precision precision) {
    double[] w = p.weights()[l];
    double[] b = p.biases()[l];
    double[] v = new double[w.length + b.length];
    System.arraycopy(w, 0, v, 0, w.length);
    System.arraycopy(b, 0, v, w.length, b.length);
    if (precision == Precision.FP32) {
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) v[k];
      }
    }
    return new WeightRecord(0, 0, 0, v);
  }

  /** The data sets and initial parameters of a run, drawn from its seed streams. */
  public static ReplicaSetup setupFor(RunSpec run) {
    StudyConfig cfg = run.config();
    var data = cfg.data();
    Split split =
        Datasets.forRun(run.dataset(), data.nTrain(), data.test(), data.noise(), run.seed());
    var m = cfg.model();
    Parameters init = Initializer.draw(run.net(), m.initScheme(), Seeds.INIT.rng(run.seed()));
    return new ReplicaSetup(init, split.train(), split.test());
  }
}
