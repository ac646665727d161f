package dev.depthlab.config;

import dev.depthlab.data.CsvSource;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.OutputGradient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a resolved {@link StudyConfig} back as YAML (every key, docs/config.md's names and order)
 * and hashes its protocol.
 *
 * <p>The hash is SHA-256 over the canonical YAML of everything except {@code backend} and the
 * backends' own sections ({@code cuda:}: how a backend runs, each written only when not its
 * default, {@link StudyConfig#backendOptions}): which machine runs a study is not part of its
 * protocol, so a study may be resumed or extended on another backend and its results still belong
 * together. {@code precision} is hashed: fp32 and fp64 runs are different experiments. The name is
 * hashed too. A {@code csv} data set is hashed by its content (the SHA-256 of each file's bytes),
 * its columns and name, not by its files' paths.
 *
 * <p>Keys added after results were first stored ({@code training.sampling}, {@code
 * training.output_gradient}, {@code diagnostics.grad_stats}, {@code diagnostics.step_weights},
 * {@code diagnostics.snapshots}) are options whose default is exactly what every run did before
 * they existed. They are written (to study.yaml and to the hashed text alike) only when they differ
 * from their default: a study that does not use them keeps its hash and its results, and one that
 * does gets a new hash.
 */
public final class ConfigYaml {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9._-]*");
  // words a YAML 1.1 reader (PyYAML, most tools) would read as booleans or null
  private static final Pattern RESERVED =
      Pattern.compile("(?i)y|n|yes|no|true|false|on|off|null|~");

  private ConfigYaml() {}

  /**
   * The fully resolved config as block-style YAML; {@code ConfigLoader.parse} reads it back equal.
   */
  public static String toYaml(StudyConfig c) {
    return write(c, true);
  }

  /** SHA-256 (hex) of the canonical YAML without {@code backend}; see the class comment. */
  public static String hash(StudyConfig c) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(write(c, false).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The text the hash is taken of: the protocol without backend (see the class comment). */
  public static String protocolYaml(StudyConfig c) {
    return write(c, false);
  }

  /** The first 16 hex characters of {@link #hash}: for folder names, tables and logs. */
  public static String shortHash(StudyConfig c) {
    return hash(c).substring(0, 16);
  }

  /**
   * {@code full}: every key (toYaml); else the hashed text, without backend (the class comment).
   */
  private static String write(StudyConfig c, boolean full) {
    StringBuilder y = new StringBuilder();
    line(y, 0, "name", str(c.name()));
    data(y, c.data(), full);
    model(y, c.model());
    training(y, c.training());
    line(y, 0, "seeds", c.seeds().toString());
    line(y, 0, "precision", c.precision().key());
    if (full) {
      line(y, 0, "backend", str(c.backend()));
      if (!c.onFailure().equals(StudyConfig.ON_FAILURE_FAIL)) { // a later key, not hashed
        line(y, 0, "on_failure", str(c.onFailure()));
      }
    }
    y.append("diagnostics:\n");
    line(y, 1, "every", Integer.toString(c.diagnostics().every()));
    line(y, 1, "steps", Boolean.toString(c.diagnostics().steps()));
    gradStats(y, c.diagnostics().gradStats());
    DiagnosticsConfig.StepWeights sw = c.diagnostics().stepWeights();
    if (sw.on()) { // a later key: written only when on
      y.append("  step_weights:\n");
      line(y, 2, "layer", Integer.toString(sw.layer()));
      line(y, 2, "every", Integer.toString(sw.every()));
    }
    DiagnosticsConfig.Snapshots snap = c.diagnostics().snapshots();
    if (!snap.equals(DiagnosticsConfig.Snapshots.FINAL)) { // a later key: written only when set
      y.append("  snapshots:\n");
      line(y, 2, "every", Integer.toString(snap.every()));
      line(y, 2, "grid", Integer.toString(snap.grid()));
    }
    DiagnosticsConfig.Sharpness sharp = c.diagnostics().sharpness();
    if (sharp.on()) { // a later key: written only when on
      y.append("  sharpness:\n");
      line(y, 2, "every", Integer.toString(sharp.every()));
      line(y, 2, "iterations", Integer.toString(sharp.iterations()));
    }
    DiagnosticsConfig.Signal signal = c.diagnostics().signal();
    if (signal.on()) { // a later key: written only when on
      y.append("  signal:\n");
      line(y, 2, "draws", Integer.toString(signal.draws()));
      line(y, 2, "batch", Integer.toString(signal.batch()));
    }
    DiagnosticsConfig.Jacobian jac = c.diagnostics().jacobian();
    if (jac.on()) { // a later key: written only when on
      y.append("  jacobian:\n");
      line(y, 2, "every", Integer.toString(jac.every()));
      line(y, 2, "probes", Integer.toString(jac.probes()));
    }
    if (full) { // how a backend runs, not what: never hashed; only sections off their defaults
      c.backendOptions()
          .sections()
          .forEach(
              (backend, keys) -> {
                y.append(backend).append(":\n");
                keys.forEach((k, v) -> line(y, 1, k, v));
              });
    }
    return y.toString();
  }

  /**
   * Written only when it is not the default (statistics over every epoch, nothing published beside
   * them): the default is what depthlab did before the key existed, so the studies made then keep
   * their hash.
   */
  private static void gradStats(StringBuilder y, DiagnosticsConfig.GradStats g) {
    if (g.equals(DiagnosticsConfig.GradStats.ALL_EPOCHS)) {
      return;
    }
    y.append("  grad_stats:\n");
    line(y, 2, "from_epoch", Integer.toString(g.fromEpoch()));
    if (g.hasPublished()) {
      line(y, 2, "published", str(g.published()));
    }
  }

  private static void data(StringBuilder y, DataConfig d, boolean full) {
    y.append("data:\n");
    List<String> sets = new ArrayList<>();
    d.sets().forEach(s -> sets.add(s.csv() != null ? csv(s.csv(), full) : dataset(s)));
    line(y, 1, "sets", "[" + String.join(", ", sets) + "]");
    line(y, 1, "n_train", Integer.toString(d.nTrain()));
    y.append("  test:\n");
    if (d.test().isSplit()) {
      line(y, 2, "fraction", num(d.test().fraction()));
    } else {
      line(y, 2, "n", Integer.toString(d.test().n()));
      line(y, 2, "seed_offset", Long.toString(d.test().seedOffset()));
    }
    line(y, 1, "noise", num(d.noise()));
  }

  /**
   * A csv set: its files' paths are written to study.yaml but not hashed; their content's SHA-256
   * is (moving a file keeps a study's hash, changing a byte of it does not).
   */
  private static String csv(CsvSource c, boolean full) {
    StringBuilder m = new StringBuilder("{kind: csv, name: ").append(str(c.name()));
    if (full) {
      m.append(", path: ").append(str(c.path()));
    }
    m.append(", label: ").append(str(c.labelColumn()));
    List<String> names = new ArrayList<>();
    c.features().forEach(f -> names.add(str(f)));
    m.append(", features: [").append(String.join(", ", names)).append(']');
    if (c.testPath() != null && full) {
      m.append(", test_path: ").append(str(c.testPath()));
    }
    m.append(", sha256: ").append(str(c.sha256()));
    if (c.testPath() != null) {
      m.append(", test_sha256: ").append(str(c.testSha256()));
    }
    return m.append('}').toString();
  }

  private static String dataset(DatasetSpec s) {
    if (s.params().isEmpty()) {
      return str(s.kind());
    }
    StringBuilder m = new StringBuilder("{kind: ").append(str(s.kind()));
    s.params().forEach((k, v) -> m.append(", ").append(str(k)).append(": ").append(num(v)));
    return m.append('}').toString();
  }

  private static void model(StringBuilder y, ModelConfig m) {
    y.append("model:\n");
    if (m.explicitLayers()) {
      line(y, 1, "layers", m.layers().toString());
    } else {
      line(y, 1, "depths", m.depths().toString());
      line(y, 1, "width", Integer.toString(m.width()));
    }
    line(y, 1, "activation", m.activation().key());
    line(y, 1, "leaky_slope", num(m.leakySlope()));
    line(y, 1, "init", m.init().key());
    line(y, 1, "bias_init", num(m.biasInit()));
    if (m.init().parametrised()) { // later keys, as sampling: the named inits keep their hashes
      line(y, 1, "sigma_w", num(m.sigmaW()));
      line(y, 1, "sigma_b", num(m.sigmaB()));
    }
  }

  private static void training(StringBuilder y, TrainingConfig t) {
    y.append("training:\n");
    line(y, 1, "epochs", Integer.toString(t.epochs()));
    if (t.fullBatch()) {
      line(y, 1, "full_batch", "true"); // a later key, as sampling: in place of the batch size
    } else if (t.batchSize() > 0) {
      line(y, 1, "batch_size", Integer.toString(t.batchSize()));
    } else {
      line(y, 1, "batch_fraction", num(t.batchFraction()));
    }
    if (t.sampling() != Sampling.EPOCH_SHUFFLE) {
      line(y, 1, "sampling", t.sampling().key()); // a later key: written only when not the default
    }
    line(y, 1, "lr", num(t.lr()));
    line(y, 1, "reduction", t.reduction().key());
    line(y, 1, "clip_eps", num(t.clipEps()));
    if (t.outputGradient() != OutputGradient.FUSED) {
      line(y, 1, "output_gradient", t.outputGradient().key()); // a later key, as sampling
    }
    if (t.gradNormLimit() != TrainingConfig.DEFAULT_GRAD_NORM_LIMIT) { // a later key, as sampling
      y.append("  health:\n");
      line(y, 2, "grad_norm_limit", num(t.gradNormLimit()));
    }
  }

  private static void line(StringBuilder y, int indent, String key, String value) {
    y.append("  ".repeat(indent)).append(key).append(": ").append(value).append('\n');
  }

  /** A string, quoted only where YAML would read it as something else (a number, a boolean). */
  static String str(String s) {
    if (PLAIN.matcher(s).matches() && !RESERVED.matcher(s).matches()) {
      return s;
    }
    return "'" + s.replace("'", "''") + "'";
  }

  /**
   * A double that reads back to the same bits and as a float in any YAML 1.1 reader: always a
   * decimal point, and an exponent with a sign ("1.0e-8", not "1.0E-8" or "1e-8").
   */
  static String num(double v) {
    if (v == 0) {
      return 1 / v < 0 ? "-0.0" : "0.0";
    }
    double a = Math.abs(v);
    if (a >= 1e-4 && a < 1e7) {
      String plain = BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    String s = Double.toString(v).replace('E', 'e');
    return s.contains("e-") ? s : s.replace("e", "e+");
  }
}
