package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.depthlab.config.DiagnosticsConfig.Jacobian;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code diagnostics.jacobian}: off by default and then not written (earlier hashes stand); set, it
 * is written, hashed and read back; bad values are one-line errors.
 */
class JacobianConfigTest {
  private static StudyConfig seed(String... overrides) {
    return ConfigLoader.parse("", "seed-study.yaml", List.of(overrides));
  }

  @Test
  void offByDefaultAndNotWritten() {
    assertEquals(Jacobian.OFF, seed().diagnostics().jacobian());
    assertFalse(ConfigYaml.toYaml(seed()).contains("jacobian"));
  }

  @Test
  void setItIsWrittenHashedAndReadBack() {
    StudyConfig c = seed("diagnostics.jacobian.every=10");
    assertEquals(new Jacobian(10, Jacobian.DEFAULT_PROBES), c.diagnostics().jacobian());
    StudyConfig d = seed("diagnostics.jacobian.every=10", "diagnostics.jacobian.probes=4");
    assertEquals(new Jacobian(10, 4), d.diagnostics().jacobian());
    assertNotEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(d));
    String yaml = ConfigYaml.toYaml(d);
    assertEquals(d, ConfigLoader.parse(yaml, "study.yaml", List.of()), yaml);
  }

  @Test
  void recordedBeforeTrainingEveryIntervalAndAfterTheLastEpoch() {
    Jacobian j = new Jacobian(3, 5);
    assertEquals(
        List.of(0, 3, 6, 9, 10),
        IntStream.rangeClosed(0, 10).filter(e -> j.at(e, 10)).boxed().toList());
    assertEquals(
        List.of(),
        IntStream.rangeClosed(0, 10).filter(e -> Jacobian.OFF.at(e, 10)).boxed().toList());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "diagnostics:|  jacobian:|    every: 0; 3; diagnostics.jacobian.every: must be in"
            + " 1..1000, got 0",
        "training:|  epochs: 5|diagnostics:|  jacobian:|    every: 6; 5;"
            + " diagnostics.jacobian.every: must be in 1..5, got 6",
        "diagnostics:|  jacobian:|    every: 2|    probes: 0; 4;"
            + " diagnostics.jacobian.probes: must be in 1..256, got 0",
        "diagnostics:|  jacobian:|    probes: 5; 3; diagnostics.jacobian.probes: needs"
            + " diagnostics.jacobian.every beside it",
        "diagnostics:|  jacobian:|    at: 3; 3; unknown key 'diagnostics.jacobian.at'"
      })
  void badJacobianKeysAreOneLineErrors(String yaml, int line, String message) {
    ConfigErrorsTest.assertRefused(yaml, line, message);
  }
}
