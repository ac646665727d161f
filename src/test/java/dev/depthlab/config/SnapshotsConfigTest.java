package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.depthlab.config.DiagnosticsConfig.Snapshots;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code diagnostics.snapshots}: when the decision boundary is recorded. A later key: its default
 * (the final epoch, 41 x 41) leaves every earlier hash alone; set, it is written and hashed.
 */
class SnapshotsConfigTest {
  private static final List<String> NONE = List.of();

  private static StudyConfig seed(String... overrides) {
    return ConfigLoader.parse("", "seed-study.yaml", List.of(overrides));
  }

  @Test
  void defaultIsTheFinalEpochOnA41GridAndIsNotWritten() {
    assertEquals(new Snapshots(0, 41), seed().diagnostics().snapshots());
    assertFalse(ConfigYaml.toYaml(seed()).contains("snapshots"));
    assertEquals(
        ConfigYaml.hash(seed()),
        ConfigYaml.hash(seed("diagnostics.snapshots.every=0", "diagnostics.snapshots.grid=41")));
  }

  @Test
  void setItIsWrittenHashedAndReadBack() {
    StudyConfig c = seed("diagnostics.snapshots.every=10", "diagnostics.snapshots.grid=21");
    assertEquals(new Snapshots(10, 21), c.diagnostics().snapshots());
    assertNotEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(c));
    String yaml = ConfigYaml.toYaml(c);
    assertEquals(c, ConfigLoader.parse(yaml, "study.yaml", NONE), yaml);
  }

  @Test
  void snapshotEpochsAreEveryIntervalAndTheLast() {
    Snapshots s = new Snapshots(3, 41);
    assertEquals(
        List.of(0, 3, 6, 9, 10),
        java.util.stream.IntStream.rangeClosed(0, 10).filter(e -> s.at(e, 10)).boxed().toList());
    assertEquals(
        List.of(10),
        java.util.stream.IntStream.rangeClosed(1, 10)
            .filter(e -> Snapshots.FINAL.at(e, 10))
            .boxed()
            .toList());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "diagnostics:|  snapshots:|    every: -1; 3; diagnostics.snapshots.every: must be in"
            + " 0..1000, got -1",
        "training:|  epochs: 5|diagnostics:|  snapshots:|    every: 6; 5;"
            + " diagnostics.snapshots.every: must be in 0..5, got 6",
        "diagnostics:|  snapshots:|    grid: 1; 3; diagnostics.snapshots.grid: must be in 2..401,"
            + " got 1",
        "diagnostics:|  snapshots:|    grid: fine; 3; diagnostics.snapshots.grid: expected an"
            + " integer, got 'fine'",
        "diagnostics:|  snapshots:|    size: 3; 3; unknown key 'diagnostics.snapshots.size'",
        "diagnostics:|  snapshots: 5; 2; diagnostics.snapshots: expected a map of keys, got '5'"
      })
  void badSnapshotKeysAreOneLineErrors(String yaml, int line, String message) {
    ConfigErrorsTest.assertRefused(yaml, line, message);
  }
}
