package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.depthlab.config.DiagnosticsConfig.Sharpness;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code diagnostics.sharpness}: off by default and then not written (earlier hashes stand); set,
 * it is written, hashed and read back; bad values are one-line errors.
 */
class SharpnessConfigTest {
  private static StudyConfig seed(String... overrides) {
    return ConfigLoader.parse("", "seed-study.yaml", List.of(overrides));
  }

  @Test
  void offByDefaultAndNotWritten() {
    assertEquals(Sharpness.OFF, seed().diagnostics().sharpness());
    assertFalse(ConfigYaml.toYaml(seed()).contains("sharpness"));
  }

  @Test
  void setItIsWrittenHashedAndReadBack() {
    StudyConfig c = seed("diagnostics.sharpness.every=10");
    assertEquals(new Sharpness(10, Sharpness.DEFAULT_ITERATIONS), c.diagnostics().sharpness());
    StudyConfig d = seed("diagnostics.sharpness.every=10", "diagnostics.sharpness.iterations=7");
    assertEquals(new Sharpness(10, 7), d.diagnostics().sharpness());
    assertNotEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(d));
    String yaml = ConfigYaml.toYaml(d);
    assertEquals(d, ConfigLoader.parse(yaml, "study.yaml", List.of()), yaml);
  }

  @Test
  void estimatedEveryIntervalAndAfterTheLastEpoch() {
    Sharpness s = new Sharpness(3, 5);
    assertEquals(
        List.of(3, 6, 9, 10),
        IntStream.rangeClosed(1, 10).filter(e -> s.at(e, 10)).boxed().toList());
    assertEquals(
        List.of(),
        IntStream.rangeClosed(1, 10).filter(e -> Sharpness.OFF.at(e, 10)).boxed().toList());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "diagnostics:|  sharpness:|    every: 0; 3; diagnostics.sharpness.every: must be in"
            + " 1..1000, got 0",
        "training:|  epochs: 5|diagnostics:|  sharpness:|    every: 6; 5;"
            + " diagnostics.sharpness.every: must be in 1..5, got 6",
        "diagnostics:|  sharpness:|    every: 2|    iterations: 0; 4;"
            + " diagnostics.sharpness.iterations: must be in 1..1000, got 0",
        "diagnostics:|  sharpness:|    iterations: 5; 3; diagnostics.sharpness.iterations: needs"
            + " diagnostics.sharpness.every beside it",
        "diagnostics:|  sharpness:|    every: often; 3; diagnostics.sharpness.every: expected an"
            + " integer, got 'often'",
        "diagnostics:|  sharpness:|    lanczos: 3; 3; unknown key 'diagnostics.sharpness.lanczos'"
      })
  void badSharpnessKeysAreOneLineErrors(String yaml, int line, String message) {
    ConfigErrorsTest.assertRefused(yaml, line, message);
  }
}
