package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.UserError;
import dev.depthlab.data.TestSplit;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every kind of refused config: a UserError (exit 2) whose one line is "source:line: message", with
 * the key path in the message. Each case puts the bad key on a line of its own so that a wrong line
 * number fails.
 */
class ConfigErrorsTest {
  private static final String SRC = "config/x.yaml";

  /** Parses {@code yaml} (with '|' for newlines) and returns the refusal's message. */
  static String refusal(String yaml) {
    UserError e =
        assertThrows(
            UserError.class, () -> ConfigLoader.parse(yaml.replace('|', '\n'), SRC, List.of()));
    assertEquals(2, e.exitCode());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  static void assertRefused(String yaml, int line, String message) {
    assertEquals(SRC + ":" + line + ": " + message, refusal(yaml));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        // unknown keys, at every level, with and without a suggestion
        "name: a|model:|  widht: 3; 3; unknown key 'model.widht' (did you mean 'width'?)",
        "trainig:|  lr: 0.1; 1; unknown key 'trainig' (did you mean 'training'?)",
        "data:|  test:|    seedoffset: 3; 3; unknown key 'data.test.seedoffset' (did you mean"
            + " 'seed_offset'?)",
        "model:|  colour: red; 2; unknown key 'model.colour'",
        "model:|  width: 3|  width: 4; 3; duplicate key 'model.width'",
        // training
        "training:|  epochs: 10|  lr: -0.1; 3; training.lr: must be > 0, got -0.1",
        "training:|  lr: 0; 2; training.lr: must be > 0, got 0",
        "training:|  lr: fast; 2; training.lr: expected a number, got 'fast'",
        "training:|  lr: NaN; 2; training.lr: expected a number, got 'NaN'",
        "training:|  epochs: 0; 2; training.epochs: must be >= 1, got 0",
        "training:|  epochs: 2.5; 2; training.epochs: expected an integer, got '2.5'",
        "training:|  batch_size: 0; 2; training.batch_size: must be >= 1, got 0",
        "training:|  batch_fraction: 0; 2; training.batch_fraction: must be in (0, 1], got 0",
        "training:|  batch_fraction: 1.5; 2; training.batch_fraction: must be in (0, 1], got 1.5",
        "training:|  batch_fraction: 0.5|  batch_size: 8; 3; training.batch_size: cannot be"
            + " combined with training.batch_fraction (give one)",
        "training:|  clip_eps: 0.5; 2; training.clip_eps: must be in [0, 0.5), got 0.5",
        "training:|  clip_eps: -1e-9; 2; training.clip_eps: must be in [0, 0.5), got -1e-9",
        "training:|  reduction: median; 2; training.reduction: must be one of sum, mean, got"
            + " 'median'",
        "training:|  sampling: bootstrap; 2; training.sampling: must be one of epoch_shuffle,"
            + " random_batches, got 'bootstrap'",
        "diagnostics:|  step_weights:|    every: 2; 3; diagnostics.step_weights.every: needs"
            + " diagnostics.step_weights.layer beside it",
        "diagnostics:|  step_weights:|    layer: 6; 3; diagnostics.step_weights.layer: must be a"
            + " weight layer of every network of the study, 1..2, got 6",
        "model: {depths: [3, 2]}|diagnostics:|  step_weights:|    layer: 4; 4;"
            + " diagnostics.step_weights.layer: must be a weight layer of every network of the"
            + " study, 1..3, got 4",
        "diagnostics:|  step_weights:|    layer: 1|    every: 0; 4; diagnostics.step_weights.every:"
            + " must be >= 1, got 0",
        "diagnostics:|  step_weights: 3; 2; diagnostics.step_weights: expected a map of keys, got"
            + " '3'",
        "training:|  output_gradient: clipped; 2; training.output_gradient: must be one of fused,"
            + " chained, got 'clipped'",
        // model
        "model:|  depths: [1,|    -2]; 3; model.depths: must be >= 0, got -2",
        "model:|  depths: abc; 2; model.depths: expected a list of integers, got 'abc'",
        "model:|  depths: [1, x]; 2; model.depths: expected a list of integers, got 'x'",
        "model:|  depths: [1, 2,|    1]; 3; model.depths: 1 is listed twice",
        "model:|  depths: []; 2; model.depths: must not be empty",
        "model:|  depths: [1]|  layers: [2, 1]; 2; model.depths: cannot be combined with"
            + " model.layers (give one)",
        "model:|  layers: [2, 1]|  width: 3; 3; model.width: cannot be combined with model.layers"
            + " (give one)",
        "model:|  width: 0; 2; model.width: must be >= 1, got 0",
        "model:|  width: 99999999999; 2; model.width: must be >= 1, got 99999999999",
        "model:|  layers: [3, 2, 1]; 2; model.layers: must start with 2 (every data set has 2"
            + " inputs), got [3, 2, 1]",
        "model:|  layers: [2, 2]; 2; model.layers: must end with 1 (one sigmoid output), got [2,"
            + " 2]",
        "model:|  layers: [2,|    0, 1]; 3; model.layers: every size must be >= 1, got 0",
        "model:|  layers: []; 2; model.layers: must start with 2 (every data set has 2 inputs), got"
            + " []",
        "model:|  leaky_slope: -0.01; 2; model.leaky_slope: must be >= 0, got -0.01",
        "model:|  activation: gelu; 2; model.activation: must be one of relu, leaky_relu, tanh, got"
            + " 'gelu'",
        "model:|  init: zeros; 2; model.init: must be one of he_normal, xavier_normal,"
            + " lecun_normal, gaussian, orthogonal, got 'zeros'",
        "model: 5; 1; model: expected a map of keys, got '5'",
        // data
        "data:|  n_train: 1; 2; data.n_train: must be >= 2, got 1",
        "data:|  test:|    n: 0; 3; data.test.n: must be >= 1, got 0",
        "data:|  test:|    fraction: 1.0; 3; data.test.fraction: must be in (0, 1), got 1.0",
        "data:|  test:|    fraction: 0; 3; data.test.fraction: must be in (0, 1), got 0",
        "data:|  test:|    fraction: 0.2|    n: 10; 4; data.test.n: cannot be combined with"
            + " data.test.fraction (give one)",
        "data:|  noise: -0.1; 2; data.noise: must be >= 0, got -0.1",
        "data:|  sets: []; 2; data.sets: must name at least one data set",
        "data:|  sets: circle; 2; data.sets: expected a list of data sets (names or {kind: ...}"
            + " maps), got 'circle'",
        "data:|  sets:|  - circle|  - {radius: 0.3}; 4; data.sets: a data set map needs kind:, e.g."
            + " {kind: circle}",
        "data:|  sets:|  - {kind: circle, radius: big}; 3; data.sets.radius: expected a number, got"
            + " 'big'",
        "data:|  sets:|  - circle|  - circle; 4; data.sets: data set 'circle' is listed twice",
        // top level
        "seeds: []; 1; seeds: must list at least one seed",
        "seeds:|- 0|- 1|- 0; 4; seeds: seed 0 is listed twice",
        "seeds: [-1]; 1; seeds: must be >= 0, got -1",
        "precision: fp16; 1; precision: must be one of fp32, fp64, got 'fp16'",
        "backend: tpu; 1; backend: must be one of auto, cpu, cuda, reference, got 'tpu'",
        "name: my study; 1; name: must match [A-Za-z0-9._-]+ (not only dots), got 'my study'",
        "name: '..'; 1; name: must match [A-Za-z0-9._-]+ (not only dots), got '..'",
        "name:; 1; name: expected a name, got nothing",
        "diagnostics:|  every: 0; 2; diagnostics.every: must be >= 1, got 0",
        "diagnostics:|  steps: maybe; 2; diagnostics.steps: expected true or false, got 'maybe'",
        "- name: a|- name: b; 1; the config must be a map of keys (name, data, model, ...), got a"
            + " list",
      })
  void refused(String yaml, int line, String message) {
    assertRefused(yaml, line, message);
  }

  @Test
  void depthZeroIsLogisticRegression() {
    StudyConfig c = ConfigLoader.parse("model:\n  depths: [0, 1]\n", SRC, List.of());
    assertEquals(List.of(0, 1), c.model().depths());
  }

  @Test
  void boundaryValuesAreAccepted() {
    StudyConfig c =
        ConfigLoader.parse(
            "training: {batch_fraction: 1, clip_eps: 0}\ndata: {n_train: 2, test: {n: 1}}\n",
            SRC,
            List.of());
    assertEquals(1.0, c.training().batchFraction());
    assertEquals(0, c.training().batchSize());
    assertEquals(TestSplit.drawn(1, 100), c.data().test());
  }

  @Test
  void yamlSyntaxErrorsGiveLineAndColumn() {
    assertEquals(
        SRC + ":3:11: YAML syntax error: mapping values are not allowed here",
        refusal("name: x|model:|  width: a: b|"));
    assertEquals(
        SRC
            + ":2:1: YAML syntax error: expected a single document in the stream but found"
            + " another document",
        refusal("name: x|---|name: y|"));
  }

  @Test
  void aNameFromAnUnfitFileNameIsRefused() {
    UserError e =
        assertThrows(UserError.class, () -> ConfigLoader.parse("", "my study.yaml", List.of()));
    assertEquals(
        "my study.yaml: name: 'my study' (from the file name) must match [A-Za-z0-9._-]+;"
            + " give name: in the config",
        e.getMessage());
    assertEquals("ok", ConfigLoader.parse("name: ok\n", "my study.yaml", List.of()).name());
  }

  @Test
  void missingFileIsAUserError(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(missing, List.of()));
    assertEquals("config file not found: " + missing, e.getMessage());
    assertEquals(2, e.exitCode());
  }

  @Test
  void loadNamesThePathInErrors(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yaml");
    java.nio.file.Files.writeString(f, "name: bad\ntraining:\n  lr: -1\n");
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.load(f, List.of()));
    assertTrue(e.getMessage().startsWith(f + ":3: training.lr:"), e.getMessage());
  }
}
