package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.depthlab.common.UserError;
import dev.depthlab.config.DiagnosticsConfig.GradStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code diagnostics.grad_stats}: the window of a run's gradient statistics and the published table
 * beside them. Its default is what depthlab did before the key existed, so it must leave every
 * earlier hash alone; set, it is part of the protocol.
 */
class GradStatsConfigTest {
  private static final List<String> NONE = List.of();

  private static StudyConfig seed(String... overrides) {
    return ConfigLoader.parse("", "seed-study.yaml", List.of(overrides));
  }

  @Test
  void defaultIsEveryEpochAndNothingPublished() {
    assertEquals(GradStats.ALL_EPOCHS, ConfigLoader.defaults().diagnostics().gradStats());
    assertEquals(new GradStats(1, ""), seed().diagnostics().gradStats());
    assertFalse(ConfigYaml.toYaml(seed()).contains("grad_stats"));
  }

  @Test
  void theDefaultWrittenOutKeepsTheHash() {
    // an explicit default is the same protocol: the committed studies must keep their hash
    assertEquals(
        ConfigYaml.hash(seed()), ConfigYaml.hash(seed("diagnostics.grad_stats.from_epoch=1")));
    assertEquals(
        ConfigYaml.hash(seed()),
        ConfigYaml.hash(
            ConfigLoader.parse(
                "diagnostics:\n  grad_stats: {from_epoch: 1}\n", "seed-study.yaml", NONE)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "diagnostics.grad_stats.from_epoch=2",
        "diagnostics.grad_stats.published=nn-depth-study-gradnorm"
      })
  void settingItChangesTheHash(String override) {
    assertNotEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(seed(override)), override);
  }

  @Test
  void toYamlRoundTripsASetWindow() {
    StudyConfig c =
        seed(
            "training.epochs=2000",
            "diagnostics.grad_stats.from_epoch=1001",
            "diagnostics.grad_stats.published=nn-depth-study-gradnorm");
    String yaml = ConfigYaml.toYaml(c);
    assertEquals(c, ConfigLoader.parse(yaml, "study.yaml", NONE), yaml);
    assertEquals(
        """
        diagnostics:
          every: 1
          steps: false
          grad_stats:
            from_epoch: 1001
            published: nn-depth-study-gradnorm
        """,
        yaml.substring(yaml.indexOf("diagnostics:")));
  }

  @Test
  void fromEpochMayBeTheLastEpoch() {
    assertEquals(
        1000, seed("diagnostics.grad_stats.from_epoch=1000").diagnostics().gradStats().fromEpoch());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "diagnostics:|  grad_stats:|    from_epoch: 1001; 3; diagnostics.grad_stats.from_epoch: must"
            + " be <= training.epochs (1000), got 1001",
        "training:|  epochs: 50|diagnostics:|  grad_stats:|    from_epoch: 51; 5;"
            + " diagnostics.grad_stats.from_epoch: must be <= training.epochs (50), got 51",
        "diagnostics:|  grad_stats:|    from_epoch: 0; 3; diagnostics.grad_stats.from_epoch: must"
            + " be >= 1, got 0",
        "diagnostics:|  grad_stats:|    from_epoch: late; 3; diagnostics.grad_stats.from_epoch:"
            + " expected an integer, got 'late'",
        "diagnostics:|  grad_stats:|    from: 3; 3; unknown key 'diagnostics.grad_stats.from' (did"
            + " you mean 'diagnostics.grad_stats.from_epoch'?)",
        "diagnostics:|  grad_stats: 1001; 2; diagnostics.grad_stats: expected a map of keys, got"
            + " '1001'",
        "diagnostics:|  grad_stats:|    published: nope; 3; diagnostics.grad_stats.published: no"
            + " published table 'nope' (depthlab ships config/published/<name>.csv)",
        "diagnostics:|  grad_stats:|    published: ../seed-study; 3;"
            + " diagnostics.grad_stats.published: no published table '../seed-study' (depthlab"
            + " ships config/published/<name>.csv)"
      })
  void badWindowsAndTablesAreOneLineErrors(String yaml, int line, String message) {
    ConfigErrorsTest.assertRefused(yaml, line, message);
  }

  @Test
  void anOverrideBeyondTheEpochsNamesTheKey() throws Exception {
    // the window is checked against the epochs after every override, wherever each came from
    Path file = Path.of("config", "seed-study-gradnorm.yaml");
    List<String> lines = Files.readAllLines(file);
    int line = 1;
    while (!lines.get(line - 1).trim().startsWith("from_epoch:")) {
      line++;
    }
    UserError e =
        assertThrows(
            UserError.class, () -> ConfigLoader.load(file, List.of("training.epochs=1000")));
    assertEquals(2, e.exitCode());
    assertEquals(
        file
            + ":"
            + line
            + ": diagnostics.grad_stats.from_epoch: must be <= training.epochs (1000), got 1001",
        e.getMessage());
  }

  @Test
  void theSeedGradnormStudyIsTheSeedProtocolWithTheSeedsWindows() {
    StudyConfig c = ConfigLoader.load(Path.of("config", "seed-study-gradnorm.yaml"), NONE);
    StudyConfig d = ConfigLoader.defaults();
    assertAll(
        () -> assertEquals("seed-study-gradnorm", c.name()),
        () -> assertEquals(d.data(), c.data()),
        () -> assertEquals(d.model(), c.model()),
        () -> assertEquals(d.seeds(), c.seeds()),
        () -> assertEquals(d.precision(), c.precision()),
        () -> assertEquals(2000, c.training().epochs()),
        () ->
            assertEquals(
                d.training(),
                new TrainingConfig(
                    1000,
                    c.training().batchSize(),
                    c.training().batchFraction(),
                    c.training().lr(),
                    c.training().reduction(),
                    c.training().clipEps()),
                "everything but the epochs is the seed's"),
        () ->
            assertEquals(
                new GradStats(1001, "nn-depth-study-gradnorm"), c.diagnostics().gradStats()));
  }
}
