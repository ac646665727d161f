package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.depthlab.config.DiagnosticsConfig.GradStats;
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
        "diagnostics:|  grad_stats:|    from: 3; 3; unknown key 'diagnostics.grad_stats.from'",
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
}
