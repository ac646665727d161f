package dev.depthlab.train;

import java.util.List;

/**
 * The one table of every column and metric a run's files and a study's summary.csv hold: its key,
 * the file, where it is computed, its unit, how it is written and what it means. Writers ({@link
 * RunFolder}, report's SummaryCsv) and readers (report's RunReader, SeedMetric, Observations) take
 * the keys from here; {@code RunSchemaDocsTest} holds docs/metrics.md's and docs/report.md's tables
 * to it. A key with {@code {k}} is one column per weight layer (1-based, {@code l{L}} the output
 * layer), with {@code {h}} one per hidden layer.
 */
public final class RunSchema {
  private RunSchema() {}

  /** How a value is written. */
  public static final String DECIMAL =
      "shortest round-trip decimal (Double.toString), NaN where undefined";

  public static final String INTEGER = "integer";
  public static final String TEXT = "text";

  /** Of epochs.csv: written only on diagnostic epochs (docs/metrics.md), empty otherwise. */
  private static final String DIAGNOSTIC = "; empty on epochs without a diagnostic pass";

  /**
   * One column or metric.
   *
   * @param file the file it lives in ({@code epochs.csv}, {@code steps.csv}, {@code run.json} (its
   *     {@code summary}), {@code summary.csv})
   * @param key the column or JSON key; {@code {k}}/{@code {h}}: one per weight / hidden layer
   * @param computedIn the class that computes the value
   * @param unit its unit, or what kind of number it is
   * @param format how it is written
   * @param meaning one line; the docs hold the full definition
   */
  public record Column(
      String file, String key, String computedIn, String unit, String format, String meaning) {
    /** Whether this is one column per layer ({@code {k}} or {@code {h}} in the key). */
    public boolean perLayer() {
      return key.contains("{k}") || key.contains("{h}");
    }

    /** The key of layer {@code n} (1-based) of a per-layer column. */
    public String of(int n) {
      if (!perLayer()) {
        throw new IllegalStateException(key + " is not per layer");
      }
      return key.replace("{k}", Integer.toString(n)).replace("{h}", Integer.toString(n));
    }

    /**
     * Whether {@code name} is this column's key: equal to it, or for a per-layer column its key
     * with a layer number in place of {@code {k}} or {@code {h}}.
     */
    public boolean matches(String name) {
      if (!perLayer()) {
        return key.equals(name);
      }
      int at = Math.max(key.indexOf("{k}"), key.indexOf("{h}"));
      String pre = key.substring(0, at);
      String post = key.substring(at + 3);
      if (!name.startsWith(pre)
          || !name.endsWith(post)
          || name.length() <= pre.length() + post.length()) {
        return false;
      }
      String layer = name.substring(pre.length(), name.length() - post.length());
      return layer.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    /** The same value under the same key in another file (summary.csv copies run.json's). */
    Column in(String otherFile) {
      return new Column(otherFile, key, computedIn, unit, format, meaning);
    }
  }

  /** The columns of epochs.csv, in file order (per-layer ones layer by layer, see RunFolder). */
  public static final class Epochs {
    private Epochs() {}

    private static Column c(String key, String in, String unit, String format, String meaning) {
      return new Column(RunFolder.EPOCHS_CSV, key, in, unit, format, meaning);
    }

    public static final Column EPOCH = c("epoch", "train.Trainer", "epoch", INTEGER, "1-based");
    public static final Column BATCH_LOSS =
        c(
            "batch_loss",
            "train.Diagnostics",
            "nats (mean per-sample BCE)",
            DECIMAL,
            "mean over the epoch's steps of each batch's loss before its update");
    public static final Column GRAD_NORM_MEAN =
        c(
            "grad_norm_mean",
            "train.Diagnostics",
            "L2 norm of the weight gradient",
            DECIMAL,
            "mean over the epoch's steps of the global weight-gradient norm (biases excluded)");
    public static final Column GRAD_NORM_STD =
        c(
            "grad_norm_std",
            "train.Diagnostics",
            "L2 norm of the weight gradient",
            DECIMAL,
            "population std over the epoch's steps of the global weight-gradient norm");
    public static final Column TRAIN_LOSS =
        c(
            "train_loss",
            "train.Diagnostics (Group.evaluate)",
            "nats (mean clipped BCE)",
            DECIMAL,
            "full pass over the training set after the epoch" + DIAGNOSTIC);
    public static final Column TRAIN_ACC =
        c(
            "train_acc",
            "train.Diagnostics (Group.evaluate)",
            "fraction 0..1",
            DECIMAL,
            "accuracy at threshold 0.5 over the training set after the epoch" + DIAGNOSTIC);
    public static final Column TEST_LOSS =
        c(
            "test_loss",
            "train.Diagnostics (Group.evaluate)",
            "nats (mean clipped BCE)",
            DECIMAL,
            "full pass over the test set after the epoch" + DIAGNOSTIC);
    public static final Column TEST_ACC =
        c(
            "test_acc",
            "train.Diagnostics (Group.evaluate)",
            "fraction 0..1",
            DECIMAL,
            "accuracy at threshold 0.5 over the test set after the epoch" + DIAGNOSTIC);
    public static final Column LAYER_GRAD_NORM_MEAN =
        c(
            "grad_norm_l{k}_mean",
            "train.Diagnostics",
            "L2 norm of the layer's weight gradient",
            DECIMAL,
            "mean over the epoch's steps of layer k's weight-gradient norm");
    public static final Column LAYER_GRAD_NORM_STD =
        c(
            "grad_norm_l{k}_std",
            "train.Diagnostics",
            "L2 norm of the layer's weight gradient",
            DECIMAL,
            "population std over the epoch's steps of layer k's weight-gradient norm");
    public static final Column WEIGHT_NORM =
        c(
            "weight_norm_l{k}",
            "train.Diagnostics",
            "Frobenius norm",
            DECIMAL,
            "layer k's weights after the epoch" + DIAGNOSTIC);
    public static final Column UPDATE_RATIO =
        c(
            "update_ratio_l{k}",
            "train.Diagnostics",
            "ratio",
            DECIMAL,
            "|W_now - W_prev| / |W_prev| since the previous diagnostic pass" + DIAGNOSTIC);
    public static final Column DEAD =
        c(
            "dead_h{h}",
            "the backend's evaluation (model.Rules' thresholds), train.Diagnostics",
            "fraction 0..1",
            DECIMAL,
            "hidden layer h's units inactive on every training sample" + DIAGNOSTIC);
    public static final Column SHARPNESS =
        c(
            "sharpness",
            "train.Sharpness",
            "curvature (top Hessian eigenvalue)",
            DECIMAL,
            "only with diagnostics.sharpness (the last three columns); empty on epochs without an"
                + " estimate");
    public static final Column SHARPNESS_RESIDUAL =
        c(
            "sharpness_residual",
            "train.Sharpness (Lanczos)",
            "curvature (|H y - lambda y|, |y| = 1)",
            DECIMAL,
            "the Lanczos residual of sharpness; same epochs");
    public static final Column BATCH_SHARPNESS =
        c(
            "batch_sharpness",
            "train.Sharpness",
            "curvature (mean minibatch g.Hg/|g|^2)",
            DECIMAL,
            "the SGD gauge beside sharpness (Andreyev and Beneventano 2024); same epochs");

    /** The columns before the per-layer ones, in file order. */
    public static final List<Column> LEADING =
        List.of(
            EPOCH,
            BATCH_LOSS,
            GRAD_NORM_MEAN,
            GRAD_NORM_STD,
            TRAIN_LOSS,
            TRAIN_ACC,
            TEST_LOSS,
            TEST_ACC);

    /** The columns of each weight layer, in file order (layer 1's, then layer 2's, ...). */
    public static final List<Column> PER_WEIGHT_LAYER =
        List.of(LAYER_GRAD_NORM_MEAN, LAYER_GRAD_NORM_STD, WEIGHT_NORM, UPDATE_RATIO);

    /** Every column of epochs.csv. */
    public static final List<Column> ALL =
        List.of(
            EPOCH,
            BATCH_LOSS,
            GRAD_NORM_MEAN,
            GRAD_NORM_STD,
            TRAIN_LOSS,
            TRAIN_ACC,
            TEST_LOSS,
            TEST_ACC,
            LAYER_GRAD_NORM_MEAN,
            LAYER_GRAD_NORM_STD,
            WEIGHT_NORM,
            UPDATE_RATIO,
            DEAD,
            SHARPNESS,
            SHARPNESS_RESIDUAL,
            BATCH_SHARPNESS);
  }

  /** The columns of steps.csv ({@code diagnostics.steps}), in file order. */
  public static final class Steps {
    private Steps() {}

    private static Column c(String key, String in, String unit, String format, String meaning) {
      return new Column(RunFolder.STEPS_CSV, key, in, unit, format, meaning);
    }

    public static final Column EPOCH = c("epoch", "train.Trainer", "epoch", INTEGER, "1-based");
    public static final Column STEP =
        c("step", "train.Trainer", "step", INTEGER, "1-based, within the epoch");
    public static final Column LOSS =
        c(
            "loss",
            "the backend's step (StepLog)",
            "nats (mean per-sample BCE)",
            DECIMAL,
            "the batch's loss before the step's update");
    public static final Column GRAD_NORM =
        c(
            "grad_norm",
            "the backend's step (StepLog)",
            "L2 norm of the weight gradient",
            DECIMAL,
            "the step's global weight-gradient norm");
    public static final Column ACCURACY =
        c(
            "accuracy",
            "the backend's step (StepLog, model.Rules' decision rule)",
            "fraction 0..1",
            DECIMAL,
            "the batch's accuracy before the update");

    public static final List<Column> ALL = List.of(EPOCH, STEP, LOSS, GRAD_NORM, ACCURACY);
  }

  /** The columns of step_weights.csv ({@code diagnostics.step_weights}), in file order. */
  public static final class StepWeights {
    private StepWeights() {}

    private static Column c(String key, String unit, String format, String meaning) {
      return new Column(RunFolder.STEP_WEIGHTS_CSV, key, "train.Trainer", unit, format, meaning);
    }

    public static final Column STEP =
        c(
            "step",
            "step",
            INTEGER,
            "the run's steps after which the layer was recorded; 0: initial");
    public static final Column EPOCH = c("epoch", "epoch", INTEGER, "the step's epoch; 0: initial");
    public static final Column EPOCH_STEP =
        c("epoch_step", "step", INTEGER, "the step within its epoch; 0: initial");
    public static final Column LAYER = c("layer", "weight layer", INTEGER, "the traced layer L");
    public static final Column PARAM = c("param", "w or b", TEXT, "weight or bias");
    public static final Column ROW =
        c("row", "input unit", INTEGER, "a weight's row; 0 for a bias");
    public static final Column COL = c("col", "unit", INTEGER, "the layer's unit");
    public static final Column VALUE =
        c("value", "parameter", DECIMAL, "the parameter, in the run's precision");

    public static final List<Column> ALL =
        List.of(STEP, EPOCH, EPOCH_STEP, LAYER, PARAM, ROW, COL, VALUE);
  }

  /** The columns of jacobian.csv ({@code diagnostics.jacobian}; {@link JacobianCsv}), in order. */
  public static final class Jacobian {
    private Jacobian() {}

    private static Column c(String key, String unit, String format, String meaning) {
      return new Column(
          RunFolder.JACOBIAN_CSV, key, "train.JacobianSnapshot", unit, format, meaning);
    }

    public static final Column EPOCH =
        c("epoch", "epoch", INTEGER, "after this epoch; 0: at initialisation");
    public static final Column PROBE =
        c("probe", "training point", INTEGER, "the probe: the run's p-th training point, 1-based");
    public static final Column RANK =
        c("rank", "index", INTEGER, "1 is the largest singular value");
    public static final Column SV =
        c(
            "sv",
            "singular value of d a_L / d a_1",
            DECIMAL,
            "the hidden stack's input-output Jacobian at the probe, fp64 on the host");

    public static final List<Column> ALL = List.of(EPOCH, PROBE, RANK, SV);
  }

  /** The keys of run.json's {@code summary} object. */
  public static final class Run {
    private Run() {}

    private static final String FILE = RunFolder.RUN_JSON;

    private static Column c(String key, String in, String unit, String format, String meaning) {
      return new Column(FILE, key, in, unit, format, meaning);
    }

    public static final Column TRAIN_ACC =
        c(
            "train_acc",
            "train.Diagnostics.summarize",
            "fraction 0..1",
            DECIMAL,
            "after the last epoch");
    public static final Column TEST_ACC =
        c(
            "test_acc",
            "train.Diagnostics.summarize",
            "fraction 0..1",
            DECIMAL,
            "after the last epoch");
    public static final Column TRAIN_LOSS =
        c(
            "train_loss",
            "train.Diagnostics.summarize",
            "nats (mean clipped BCE)",
            DECIMAL,
            "after the last epoch");
    public static final Column TEST_LOSS =
        c(
            "test_loss",
            "train.Diagnostics.summarize",
            "nats (mean clipped BCE)",
            DECIMAL,
            "after the last epoch");
    public static final Column GRAD_NORM_MEAN =
        c(
            "grad_norm_mean",
            "train.GradNormStats (Diagnostics.summarize)",
            "L2 norm of the weight gradient",
            DECIMAL,
            "mean over the window's epochs of epochs.csv's grad_norm_mean");
    public static final Column GRAD_NORM_STD =
        c(
            "grad_norm_std",
            "train.GradNormStats (Diagnostics.summarize)",
            "L2 norm of the weight gradient",
            DECIMAL,
            "population std over the window's epochs of epochs.csv's grad_norm_mean");
    public static final Column GRAD_NORM_CV =
        c(
            "grad_norm_cv",
            "train.GradNormStats (Diagnostics.summarize)",
            "ratio",
            DECIMAL,
            "grad_norm_std / grad_norm_mean");
    public static final Column GRAD_NORM_EPOCHS =
        c(
            "grad_norm_epochs",
            "train.GradNormStats (diagnostics.grad_stats)",
            "epochs",
            "{from, to}",
            "the window the three gradient statistics are over");
    public static final Column DEAD_FRACTION =
        c(
            "dead_fraction",
            "train.Diagnostics.summarize",
            "fraction 0..1",
            "list, hidden layer 1 first",
            "each hidden layer's dead fraction after the last epoch");

    public static final List<Column> ALL =
        List.of(
            TRAIN_ACC,
            TEST_ACC,
            TRAIN_LOSS,
            TEST_LOSS,
            GRAD_NORM_MEAN,
            GRAD_NORM_STD,
            GRAD_NORM_CV,
            GRAD_NORM_EPOCHS,
            DEAD_FRACTION);
  }

  /** The columns of a study's summary.csv (one row per run; report.SummaryCsv), in file order. */
  public static final class Summary {
    private Summary() {}

    private static final String FILE = "summary.csv";

    private static Column c(String key, String in, String unit, String format, String meaning) {
      return new Column(FILE, key, in, unit, format, meaning);
    }

    private static final String CURVE = "report.CurveMetrics (from epochs.csv's batch_loss)";

    public static final Column DATASET = c("dataset", "run.json", "label", TEXT, "data set");
    public static final Column DEPTH = c("depth", "run.json", "hidden layers", INTEGER, "depth");
    public static final Column SEED = c("seed", "run.json", "seed", INTEGER, "run seed");
    public static final Column BACKEND =
        c("backend", "run.json", "name", TEXT, "the backend the run trained on");
    public static final Column PRECISION =
        c("precision", "run.json", "fp32 or fp64", TEXT, "the run's precision");
    public static final Column STATUS =
        c("status", "train.RunHealth", "ok, diverged, exploded, collapsed", TEXT, "run status");
    public static final Column EPOCHS =
        c("epochs", "run.json", "epochs", INTEGER, "epochs trained");
    public static final Column TRAIN_ACC = Run.TRAIN_ACC.in(FILE);
    public static final Column TEST_ACC = Run.TEST_ACC.in(FILE);
    public static final Column TRAIN_LOSS = Run.TRAIN_LOSS.in(FILE);
    public static final Column TEST_LOSS = Run.TEST_LOSS.in(FILE);
    public static final Column GRAD_NORM_MEAN = Run.GRAD_NORM_MEAN.in(FILE);
    public static final Column GRAD_NORM_STD = Run.GRAD_NORM_STD.in(FILE);
    public static final Column GRAD_NORM_CV = Run.GRAD_NORM_CV.in(FILE);
    public static final Column LOSS_FIRST =
        c("loss_first", CURVE, "nats", DECIMAL, "the first epoch's batch_loss");
    public static final Column LOSS_LAST =
        c("loss_last", CURVE, "nats", DECIMAL, "the last epoch's batch_loss");
    public static final Column LOSS_TREND =
        c("loss_trend", CURVE, "ratio", DECIMAL, "the loss curve's global trend");
    public static final Column LOSS_OSCILLATION =
        c("loss_oscillation", CURVE, "ratio", DECIMAL, "the loss curve's oscillation");
    public static final Column PLATEAU_EPOCH =
        c("plateau_epoch", CURVE, "epoch", INTEGER, "where the loss curve levels off");
    public static final Column LATE_GAIN =
        c("late_gain", CURVE, "ratio", DECIMAL, "the loss curve's late-stage gain");
    public static final Column SPIKES =
        c("spikes", CURVE, "count", INTEGER, "upward jumps of the loss curve");
    public static final Column DEAD =
        c(
            "dead_h{h}",
            "run.json's dead_fraction",
            "fraction 0..1",
            DECIMAL,
            "hidden layer h's dead fraction after the last epoch; empty past a run's depth");
    public static final Column WALL_S =
        c("wall_s", "train.Trainer (run.json timings)", "seconds", DECIMAL, "training wall time");
    public static final Column SHARPNESS_LAST =
        c(
            "sharpness_last",
            "epochs.csv's sharpness",
            "curvature",
            DECIMAL,
            "only when some run estimated it: the run's last estimate");
    public static final Column STATUS_EPOCH =
        c(
            "status_epoch",
            "train.RunHealth (run.json)",
            "epoch",
            INTEGER,
            "only when some run has a status epoch: the first epoch its status showed");

    /** The columns before the per-layer ones, in file order. */
    public static final List<Column> LEADING =
        List.of(
            DATASET,
            DEPTH,
            SEED,
            BACKEND,
            PRECISION,
            STATUS,
            EPOCHS,
            TRAIN_ACC,
            TEST_ACC,
            TRAIN_LOSS,
            TEST_LOSS,
            GRAD_NORM_MEAN,
            GRAD_NORM_STD,
            GRAD_NORM_CV,
            LOSS_FIRST,
            LOSS_LAST,
            LOSS_TREND,
            LOSS_OSCILLATION,
            PLATEAU_EPOCH,
            LATE_GAIN,
            SPIKES);

    /** Every column of summary.csv. */
    public static final List<Column> ALL =
        List.of(
            DATASET,
            DEPTH,
            SEED,
            BACKEND,
            PRECISION,
            STATUS,
            EPOCHS,
            TRAIN_ACC,
            TEST_ACC,
            TRAIN_LOSS,
            TEST_LOSS,
            GRAD_NORM_MEAN,
            GRAD_NORM_STD,
            GRAD_NORM_CV,
            LOSS_FIRST,
            LOSS_LAST,
            LOSS_TREND,
            LOSS_OSCILLATION,
            PLATEAU_EPOCH,
            LATE_GAIN,
            SPIKES,
            DEAD,
            WALL_S,
            SHARPNESS_LAST,
            STATUS_EPOCH);
  }

  /**
   * The long-format tables at a study's root, written by the report: every run's epochs.csv rows
   * ({@code epochs_long.csv}) and steps.csv rows ({@code steps_long.csv}, when some run has one),
   * each row led by these columns; the rest are the run file's own columns by the names above.
   */
  public static final class Tidy {
    private Tidy() {}

    public static final String EPOCHS_FILE = "epochs_long.csv";
    public static final String STEPS_FILE = "steps_long.csv";

    private static Column c(String key, String unit, String format, String meaning) {
      return new Column(EPOCHS_FILE, key, "report.LongTables (run.json)", unit, format, meaning);
    }

    public static final Column DATASET = c("dataset", "label", TEXT, "the run's data set");
    public static final Column DEPTH = c("depth", "hidden layers", INTEGER, "the run's depth");
    public static final Column SEED = c("seed", "seed", INTEGER, "the run's seed");
    public static final Column VARIANT =
        c(
            "variant",
            "key=value,...",
            TEXT,
            "only in a multirun's variant: its values, as its folder is named");

    /**
     * The columns before the run file's own, in file order ({@code variant} only for a variant).
     */
    public static final List<Column> ALL = List.of(DATASET, DEPTH, SEED, VARIANT);
  }

  /** Every column and metric of the table, file by file. */
  public static List<Column> all() {
    List<Column> all = new java.util.ArrayList<>();
    all.addAll(Epochs.ALL);
    all.addAll(Steps.ALL);
    all.addAll(StepWeights.ALL);
    all.addAll(Jacobian.ALL);
    all.addAll(Run.ALL);
    all.addAll(Summary.ALL);
    all.addAll(Tidy.ALL);
    return all;
  }
}
