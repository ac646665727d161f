package dev.depthlab.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.CsvFiles;
import dev.depthlab.common.Invocation;
import dev.depthlab.common.Seeds;
import dev.depthlab.model.NetworkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's folder: run.json (identity, seeds, backend, timings, status, summary, and the size and
 * SHA-256 of every other file, {@link RunCheck}), epochs.csv (one row per epoch), boundary.csv
 * (decision-boundary snapshots, 2-D data) and, when asked, steps.csv, step_weights.csv and
 * jacobian.csv. Every file is written whole or not at all; run.json goes last, so a folder whose
 * run.json holds a final status ({@link RunSummary#STATUSES}) is complete. A run whose backend
 * failed gets a run.json with status {@code failed} and the reason ({@link #writeFailed}), and
 * counts as unfinished: a rerun retries it.
 */
public final class RunFolder {
  public static final String RUN_JSON = "run.json";
  public static final String EPOCHS_CSV = "epochs.csv";
  public static final String STEPS_CSV = "steps.csv";
  public static final String STEP_WEIGHTS_CSV = "step_weights.csv";
  public static final String BOUNDARY_CSV = "boundary.csv";
  public static final String JACOBIAN_CSV = "jacobian.csv";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RunFolder() {}

  /** Where and how a run was computed: for run.json. */
  /**
   * Who made a run. {@code passedOver}: why {@code --backend auto} did not use a preferred backend
   * (e.g. the GPU), or null; written to run.json as {@code passed_over} when present.
   */
  public record Provenance(
      String configHash, String backend, String device, String version, String passedOver) {}

  public static void write(Path dir, RunResult result, List<StepRecord> steps, Provenance prov) {
    write(dir, result, steps, null, prov);
  }

  /** With {@code weights} (null: none), the records of the run's traced layer. */
  public static void write(
      Path dir,
      RunResult result,
      List<StepRecord> steps,
      List<WeightRecord> weights,
      Provenance prov) {
    write(dir, result, steps, weights, null, prov);
  }

  /** With {@code boundary} (null or empty: none), the run's decision-boundary snapshots. */
  public static void write(
      Path dir,
      RunResult result,
      List<StepRecord> steps,
      List<WeightRecord> weights,
      List<BoundarySnapshot> boundary,
      Provenance prov) {
    write(dir, result, steps, weights, boundary, null, prov);
  }

  /**
   * With {@code jacobian} (null or empty: none), the run's Jacobian spectra ({@link JacobianCsv}).
   */
  public static void write(
      Path dir,
      RunResult result,
      List<StepRecord> steps,
      List<WeightRecord> weights,
      List<BoundarySnapshot> boundary,
      List<JacobianSnapshot> jacobian,
      Provenance prov) {
    boolean withJacobian = jacobian != null && !jacobian.isEmpty();
    if (withJacobian) {
      JacobianCsv.write(dir.resolve(JACOBIAN_CSV), jacobian);
    }
    NetworkSpec net = result.spec().net();
    writeEpochs(
        dir.resolve(EPOCHS_CSV),
        result.epochs(),
        net,
        result.spec().config().diagnostics().sharpness().on());
    if (steps != null) {
      writeSteps(dir.resolve(STEPS_CSV), steps);
    }
    if (weights != null) {
      int layer = result.spec().config().diagnostics().stepWeights().layer();
      writeStepWeights(dir.resolve(STEP_WEIGHTS_CSV), weights, layer, net.fanOut(layer - 1));
    }
    double boundarySeconds = 0;
    if (boundary != null && !boundary.isEmpty()) {
      writeBoundary(dir.resolve(BOUNDARY_CSV), boundary);
      for (BoundarySnapshot b : boundary) {
        boundarySeconds += b.seconds();
      }
    }
    ObjectNode json = runJson(result, prov);
    if (boundary != null && !boundary.isEmpty()) {
      ((ObjectNode) json.get("timings")).put("boundary_s", boundarySeconds);
    }
    // what a reader verifies before the run counts (RunCheck): each file's size and checksum
    ObjectNode files = json.putObject(RunCheck.FILES);
    for (String name :
        List.of(EPOCHS_CSV, STEPS_CSV, STEP_WEIGHTS_CSV, BOUNDARY_CSV, JACOBIAN_CSV)) {
      boolean written =
          name.equals(EPOCHS_CSV)
              || (name.equals(JACOBIAN_CSV) && withJacobian)
              || (name.equals(STEPS_CSV) && steps != null)
              || (name.equals(STEP_WEIGHTS_CSV) && weights != null)
              || (name.equals(BOUNDARY_CSV) && boundary != null && !boundary.isEmpty());
      if (written) {
        files.set(name, RunCheck.entry(dir.resolve(name)));
      }
    }
    AtomicFiles.writeString(dir.resolve(RUN_JSON), json.toPrettyString() + "\n");
  }

  /** True when the folder holds a finished run (run.json with a final status). */
  public static boolean isFinished(Path dir) {
    if (!Files.isRegularFile(dir.resolve(EPOCHS_CSV))) {
      return false;
    }
    return RunSummary.isFinal(status(dir));
  }

  /** The status run.json records, "" when there is none (or it cannot be read). */
  public static String status(Path dir) {
    Path json = dir.resolve(RUN_JSON);
    if (!Files.isRegularFile(json)) {
      return "";
    }
    try {
      return JSON.readTree(json.toFile()).path("status").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  /** The config hash run.json records, "" when there is none (or it cannot be read). */
  public static String configHash(Path dir) {
    try {
      return JSON.readTree(dir.resolve(RUN_JSON).toFile()).path("config_hash").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  /** The reason a failed run's run.json gives, "" when the folder holds no failed run. */
  public static String failureReason(Path dir) {
    if (!RunSummary.FAILED.equals(status(dir))) {
      return "";
    }
    try {
      return JSON.readTree(dir.resolve(RUN_JSON).toFile()).path("reason").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Marks a run whose backend failed: run.json with status {@code failed} and {@code reason}, over
   * whatever an earlier attempt left (never over a finished run: the sweep only retries unfinished
   * ones).
   */
  public static void writeFailed(Path dir, RunSpec spec, String reason, Provenance prov) {
    ObjectNode root = JSON.createObjectNode();
    root.put("study", spec.config().name());
    root.put("config_hash", prov.configHash());
    root.put("dataset", spec.dataset().label());
    root.put("depth", spec.depth());
    root.put("seed", spec.seed());
    root.put("backend", prov.backend());
    root.put("device", prov.device());
    if (prov.passedOver() != null) {
      root.put("passed_over", prov.passedOver()); // why auto did not use the GPU
    }
    root.putObject("versions").put("depthlab", prov.version());
    invocation(root);
    root.put("status", RunSummary.FAILED);
    root.put("reason", reason);
    AtomicFiles.writeString(dir.resolve(RUN_JSON), root.toPrettyString() + "\n");
  }

  /**
   * The command line and the source revision that made the run ({@link Invocation}): provenance
   * only, outside the config hash, so a resume or a rerun after a commit still counts.
   */
  static void invocation(ObjectNode root) {
    ObjectNode inv = root.putObject("invocation");
    inv.put("command_line", Invocation.commandLine());
    Invocation.Source src = Invocation.source();
    inv.put("source_revision", src.revision());
    if (src.localChanges() != null) {
      inv.put("local_changes", src.localChanges());
    }
  }

  static ObjectNode runJson(RunResult res, Provenance prov) {
    RunSpec spec = res.spec();
    ObjectNode root = JSON.createObjectNode();
    root.put("study", spec.config().name());
    root.put("config_hash", prov.configHash());
    root.put("dataset", spec.dataset().label());
    root.put("depth", spec.depth());
    root.put("seed", spec.seed());
    ArrayNode sizes = root.putArray("layer_sizes");
    for (int s : spec.net().sizes()) {
      sizes.add(s);
    }
    root.put("activation", spec.net().activation().key());
    root.put("precision", spec.config().precision().key());
    ObjectNode seeds = root.putObject("stream_seeds");
    seeds.put("train_data", Seeds.TRAIN_DATA.seedFor(spec.seed()));
    seeds.put(
        "test_data",
        Seeds.TEST_DATA.seedFor(spec.seed() + spec.config().data().test().seedOffset()));
    seeds.put("init", Seeds.INIT.seedFor(spec.seed()));
    seeds.put("shuffle", Seeds.SHUFFLE.seedFor(spec.seed()));
    root.put("backend", prov.backend());
    root.put("device", prov.device());
    if (prov.passedOver() != null) {
      root.put("passed_over", prov.passedOver()); // why auto did not use the GPU
    }
    ObjectNode versions = root.putObject("versions");
    versions.put("depthlab", prov.version());
    versions.put("java", System.getProperty("java.version"));
    invocation(root);
    root.put("epochs", res.epochs().size());
    root.putObject("timings").put("wall_s", res.wallSeconds());
    RunSummary s = res.summary();
    root.put("status", s.status());
    if (!s.status().equals(RunSummary.OK)) {
      // the first epoch the status showed; absent on ok runs, whose run.json stays as it was
      root.put("status_epoch", s.statusEpoch());
    }
    ObjectNode sum = root.putObject("summary");
    sum.put(RunSchema.Run.TRAIN_ACC.key(), s.trainAccuracy());
    sum.put(RunSchema.Run.TEST_ACC.key(), s.testAccuracy());
    sum.put(RunSchema.Run.TRAIN_LOSS.key(), s.trainLoss());
    sum.put(RunSchema.Run.TEST_LOSS.key(), s.testLoss());
    sum.put(RunSchema.Run.GRAD_NORM_MEAN.key(), s.gradNormMean());
    sum.put(RunSchema.Run.GRAD_NORM_STD.key(), s.gradNormStd());
    sum.put(RunSchema.Run.GRAD_NORM_CV.key(), s.gradNormCv());
    // the epochs the three gradient statistics are over (diagnostics.grad_stats)
    sum.putObject(RunSchema.Run.GRAD_NORM_EPOCHS.key())
        .put("from", s.gradNorm().fromEpoch())
        .put("to", s.gradNorm().toEpoch());
    ArrayNode dead = sum.putArray(RunSchema.Run.DEAD_FRACTION.key());
    for (double d : s.finalDeadFraction()) {
      dead.add(d);
    }
    return root;
  }

  /**
   * The epochs.csv header for a network ({@link RunSchema.Epochs}): layers are 1-based, l{L} is the
   * output layer; last columns {@code sharpness}, {@code sharpness_residual} and {@code
   * batch_sharpness} when the run estimates them.
   */
  public static List<String> epochHeader(NetworkSpec net, boolean sharpness) {
    List<String> h = new ArrayList<>();
    RunSchema.Epochs.LEADING.forEach(c -> h.add(c.key()));
    for (int l = 1; l <= net.layers(); l++) {
      for (RunSchema.Column c : RunSchema.Epochs.PER_WEIGHT_LAYER) {
        h.add(c.of(l));
      }
    }
    for (int hdn = 1; hdn <= net.depth(); hdn++) {
      h.add(RunSchema.Epochs.DEAD.of(hdn));
    }
    if (sharpness) {
      h.add(RunSchema.Epochs.SHARPNESS.key());
      h.add(RunSchema.Epochs.SHARPNESS_RESIDUAL.key());
      h.add(RunSchema.Epochs.BATCH_SHARPNESS.key());
    }
    return h;
  }

  private static void writeEpochs(
      Path file, List<EpochRecord> epochs, NetworkSpec net, boolean sharpness) {
    List<String> header = epochHeader(net, sharpness);
    CsvFiles.write(
        file,
        header,
        p -> {
          List<String> row = new ArrayList<>(header.size());
          for (EpochRecord e : epochs) {
            row.clear();
            row.add(Integer.toString(e.epoch()));
            row.add(num(e.batchLoss()));
            row.add(num(e.gradNormMean()));
            row.add(num(e.gradNormStd()));
            row.add(opt(e.diagnosed(), e.trainLoss()));
            row.add(opt(e.diagnosed(), e.trainAccuracy()));
            row.add(opt(e.diagnosed(), e.testLoss()));
            row.add(opt(e.diagnosed(), e.testAccuracy()));
            for (int l = 0; l < net.layers(); l++) {
              row.add(num(e.layerGradMean()[l]));
              row.add(num(e.layerGradStd()[l]));
              row.add(e.diagnosed() ? num(e.weightNorm()[l]) : "");
              row.add(e.diagnosed() ? num(e.updateRatio()[l]) : "");
            }
            for (int h = 0; h < net.depth(); h++) {
              row.add(e.diagnosed() ? num(e.deadFraction()[h]) : "");
            }
            if (sharpness) {
              row.add(Double.isNaN(e.sharpness()) ? "" : num(e.sharpness()));
              row.add(Double.isNaN(e.sharpnessResidual()) ? "" : num(e.sharpnessResidual()));
              row.add(Double.isNaN(e.batchSharpness()) ? "" : num(e.batchSharpness()));
            }
            p.printRecord(row);
          }
        });
  }

  private static void writeSteps(Path file, List<StepRecord> steps) {
    CsvFiles.write(
        file,
        RunSchema.Steps.ALL.stream().map(RunSchema.Column::key).toList(),
        p -> {
          for (StepRecord s : steps) {
            p.printRecord(s.epoch(), s.step(), num(s.loss()), num(s.gradNorm()), num(s.accuracy()));
          }
        });
  }

  /**
   * Long format, one row per parameter and record: weight {@code w} at (row, col) = (input unit,
   * unit) of the layer's [fanIn x fanOut] matrix, bias {@code b} at (0, unit), as a 1 x fanOut row.
   */
  private static void writeStepWeights(
      Path file, List<WeightRecord> records, int layer, int fanOut) {
    CsvFiles.write(
        file,
        RunSchema.StepWeights.ALL.stream().map(RunSchema.Column::key).toList(),
        p -> {
          for (WeightRecord w : records) {
            double[] v = w.values();
            int wn = v.length - fanOut;
            for (int k = 0; k < v.length; k++) {
              boolean bias = k >= wn;
              int e = bias ? k - wn : k;
              p.printRecord(
                  w.step(),
                  w.epoch(),
                  w.epochStep(),
                  layer,
                  bias ? "b" : "w",
                  bias ? 0 : e / fanOut,
                  e % fanOut,
                  num(v[k]));
            }
          }
        });
  }

  /**
   * One row per snapshot: the epoch (0: before training), the square [lo, hi]^2, then the G x G
   * probabilities row-major with row 0 at the top ({@code p_<row>_<col>}, see {@link
   * BoundaryGrid}), so a figure needs nothing but this file.
   */
  private static void writeBoundary(Path file, List<BoundarySnapshot> snaps) {
    BoundaryGrid g = snaps.get(0).grid();
    List<String> header = new ArrayList<>(List.of("epoch", "lo", "hi"));
    for (int r = 0; r < g.size(); r++) {
      for (int c = 0; c < g.size(); c++) {
        header.add("p_" + r + "_" + c);
      }
    }
    CsvFiles.write(
        file,
        header,
        p -> {
          List<String> row = new ArrayList<>(header.size());
          for (BoundarySnapshot s : snaps) {
            row.clear();
            row.add(Integer.toString(s.epoch()));
            row.add(num(s.grid().lo()));
            row.add(num(s.grid().hi()));
            for (double v : s.probabilities()) {
              row.add(num(v));
            }
            p.printRecord(row);
          }
        });
  }

  private static String opt(boolean present, double v) {
    return present ? num(v) : "";
  }

  /** Shortest decimal that reads back as the same double: files compare byte for byte. */
  public static String num(double v) {
    return CsvFiles.num(v);
  }
}
