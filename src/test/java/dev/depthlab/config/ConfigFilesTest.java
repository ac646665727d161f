package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.UserError;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.TestSplit;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configs in config/ load, say what the seeds' protocols say (docs/seeds.md), and survive
 * toYaml.
 */
class ConfigFilesTest {
  private static final List<String> NONE = List.of();

  static StudyConfig file(String name) {
    return ConfigLoader.load(Path.of("config", name + ".yaml"), NONE);
  }

  @Test
  void everyConfigInTheFolderLoads() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("config"))) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(files.size() >= 3, "config/ holds " + files);
    for (Path f : files) {
      StudyConfig c = ConfigLoader.load(f, NONE);
      String base = f.getFileName().toString().replace(".yaml", "");
      assertEquals(base, c.name(), f + ": name should match the file name");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"seed-study", "scratch", "quick"})
  void builtInMatchesTheFile(String name) {
    // the jar carries config/ (pom resource); a stale or missing copy would differ here
    assertEquals(file(name), ConfigLoader.builtIn(name, NONE));
  }

  @Test
  void unknownBuiltInIsAUserError() {
    UserError e = assertThrows(UserError.class, () -> ConfigLoader.builtIn("nope", NONE));
    assertEquals("no built-in config 'nope'", e.getMessage());
    assertThrows(UserError.class, () -> ConfigLoader.builtIn("../pom", NONE));
  }

  @Test
  void seedStudyIsTheDefaults() {
    assertEquals(ConfigLoader.defaults(), file("seed-study"));
  }

  @Test
  void defaultsAreTheNnDepthStudyProtocol() {
    StudyConfig d = ConfigLoader.defaults();
    assertAll(
        () -> assertEquals("seed-study", d.name()),
        () ->
            assertEquals(
                List.of(DatasetSpec.of("circle"), DatasetSpec.of("nested_rings")), d.data().sets()),
        () -> assertEquals(2000, d.data().nTrain()),
        () -> assertEquals(TestSplit.drawn(400, 100), d.data().test()),
        () -> assertEquals(0.0, d.data().noise()),
        () -> assertEquals(List.of(1, 2, 4, 6, 8), d.model().depths()),
        () -> assertEquals(16, d.model().width()),
        () -> assertFalse(d.model().explicitLayers()),
        () -> assertEquals(Activation.RELU, d.model().activation()),
        () -> assertEquals(0.01, d.model().leakySlope()),
        () -> assertEquals(Init.HE_NORMAL, d.model().init()),
        () -> assertEquals(0.0, d.model().biasInit()),
        () ->
            assertEquals(
                new TrainingConfig(1000, 32, 0.0, 0.001, Reduction.SUM, 1e-8), d.training()),
        () -> assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), d.seeds()),
        () -> assertEquals(Precision.FP64, d.precision()),
        () -> assertEquals("auto", d.backend()),
        () -> assertEquals(new DiagnosticsConfig(1, false), d.diagnostics()));
  }

  @Test
  void anEmptyFileIsTheSeedProtocolNamedAfterTheFile() {
    assertEquals(
        ConfigLoader.defaults().withName("mine"),
        ConfigLoader.parse("", "studies/mine.yaml", NONE));
    assertEquals(
        ConfigLoader.defaults().withName("other"),
        ConfigLoader.parse("# only a comment\n", "other.yml", NONE));
  }

  @Test
  void scratchIsTheNnScratchProtocol() {
    StudyConfig c = file("scratch");
    assertAll(
        () -> assertEquals(List.of(DatasetSpec.of("quadratic_noise")), c.data().sets()),
        () -> assertEquals(600, c.data().nTrain()),
        () -> assertEquals(TestSplit.split(0.2), c.data().test()),
        () -> assertEquals(0.1, c.data().noise()),
        () -> assertEquals(List.of(2, 3, 2, 1), c.model().layers()),
        () -> assertEquals(List.of(), c.model().depths()),
        () -> assertEquals(0, c.model().width()),
        () -> assertEquals(Activation.LEAKY_RELU, c.model().activation()),
        () -> assertEquals(0.01, c.model().leakySlope()),
        () -> assertEquals(Init.LECUN_NORMAL, c.model().init()),
        () -> assertEquals(1.0, c.model().biasInit()),
        () ->
            assertEquals(
                new TrainingConfig(
                    10,
                    0,
                    0.084,
                    0.0002,
                    Reduction.SUM,
                    1e-7,
                    Sampling.RANDOM_BATCHES,
                    OutputGradient.FUSED),
                c.training()),
        () -> assertEquals(40, c.training().batchFor(480)),
        () -> assertEquals(List.of(0L), c.seeds()),
        () -> assertEquals(Precision.FP32, c.precision()),
        () ->
            assertEquals(
                new DiagnosticsConfig(
                    1,
                    true,
                    DiagnosticsConfig.GradStats.ALL_EPOCHS,
                    new DiagnosticsConfig.StepWeights(1, 1),
                    new DiagnosticsConfig.Snapshots(1, 41)),
                c.diagnostics()));
  }

  @Test
  void quickIsASmallSeedStudy() {
    StudyConfig c = file("quick");
    StudyConfig d = ConfigLoader.defaults();
    assertAll(
        () -> assertEquals("quick", c.name()),
        () -> assertEquals(d.data().sets(), c.data().sets()),
        () -> assertEquals(500, c.data().nTrain()),
        () -> assertEquals(TestSplit.drawn(200, 100), c.data().test()),
        () -> assertEquals(List.of(1, 2, 4), c.model().depths()),
        () -> assertEquals(16, c.model().width()),
        () -> assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), c.seeds()),
        () ->
            assertEquals(new TrainingConfig(40, 32, 0.0, 0.01, Reduction.SUM, 1e-8), c.training()),
        () -> assertEquals(d.precision(), c.precision()),
        () -> assertEquals(d.diagnostics(), c.diagnostics()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"seed-study", "scratch", "quick"})
  void toYamlRoundTrips(String name) {
    StudyConfig c = file(name);
    String yaml = ConfigYaml.toYaml(c);
    assertEquals(c, ConfigLoader.parse(yaml, "study.yaml", NONE), yaml);
  }

  @Test
  void toYamlRoundTripsUnusualValues() {
    StudyConfig c =
        ConfigLoader.parse(
            """
            name: '1.5'
            data:
              sets: [{kind: circle, radius: 0.30000000000000004}, {kind: circle, radius: 1e-9}]
              noise: 12345678.9
            model:
              depths: [0, 3]
              bias_init: -0.0
              leaky_slope: 1.0e+300
            training: {lr: 2.5e-05, clip_eps: 0.0, output_gradient: chained}
            seeds: [9223372036854775807]
            backend: cuda
            diagnostics: {every: 7, steps: true}
            """,
            "x.yaml",
            NONE);
    String yaml = ConfigYaml.toYaml(c);
    assertEquals(c, ConfigLoader.parse(yaml, "y.yaml", NONE), yaml);
    assertEquals("1.5", c.name());
    assertEquals(new DatasetSpec("circle", Map.of("radius", 1e-9)), c.data().sets().get(1));
  }

  @Test
  void toYamlUsesTheDesignKeysInOrder() {
    String yaml = ConfigYaml.toYaml(ConfigLoader.defaults());
    String expected =
        """
        name: seed-study
        data:
          sets: [circle, nested_rings]
          n_train: 2000
          test:
            n: 400
            seed_offset: 100
          noise: 0.0
        model:
          depths: [1, 2, 4, 6, 8]
          width: 16
          activation: relu
          leaky_slope: 0.01
          init: he_normal
          bias_init: 0.0
        training:
          epochs: 1000
          batch_size: 32
          lr: 0.001
          reduction: sum
          clip_eps: 1.0e-8
        seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        precision: fp64
        backend: auto
        diagnostics:
          every: 1
          steps: false
        """;
    assertEquals(expected, yaml);
  }

  @Test
  void numbersAreWrittenAsYamlFloats() {
    assertAll(
        () -> assertEquals("0.0", ConfigYaml.num(0.0)),
        () -> assertEquals("-0.0", ConfigYaml.num(-0.0)),
        () -> assertEquals("2.0", ConfigYaml.num(2)),
        () -> assertEquals("0.0002", ConfigYaml.num(0.0002)),
        () -> assertEquals("1.0e-8", ConfigYaml.num(1e-8)),
        () -> assertEquals("1.5e+10", ConfigYaml.num(1.5e10)),
        () -> assertEquals("'yes'", ConfigYaml.str("yes")),
        () -> assertEquals("'it''s'", ConfigYaml.str("it's")),
        () -> assertEquals("nested_rings", ConfigYaml.str("nested_rings")));
  }
}
