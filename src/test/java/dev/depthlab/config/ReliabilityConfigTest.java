package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code training.health.grad_norm_limit} (hashed, written only when set) and {@code on_failure}
 * (never hashed, written only when not {@code fail}): defaults keep every earlier hash, set values
 * read back, bad ones are one-line errors.
 */
class ReliabilityConfigTest {
  private static StudyConfig seed(String... overrides) {
    return ConfigLoader.parse("", "seed-study.yaml", List.of(overrides));
  }

  @Test
  void defaultsAreNotWrittenSoEarlierHashesStand() {
    StudyConfig c = seed();
    assertEquals(1e6, c.training().gradNormLimit());
    assertEquals("fail", c.onFailure());
    String yaml = ConfigYaml.toYaml(c);
    assertFalse(yaml.contains("health") || yaml.contains("on_failure"), yaml);
  }

  @Test
  void theLimitIsHashedAndReadBack() {
    StudyConfig c = seed("training.health.grad_norm_limit=1e4");
    assertEquals(1e4, c.training().gradNormLimit());
    assertNotEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(c));
    String yaml = ConfigYaml.toYaml(c);
    assertEquals(c, ConfigLoader.parse(yaml, "study.yaml", List.of()), yaml);
  }

  @Test
  void onFailureIsReadBackButNotHashed() {
    StudyConfig c = seed("on_failure=cpu");
    assertEquals("cpu", c.onFailure());
    assertEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(c), "like backend: not the protocol");
    String yaml = ConfigYaml.toYaml(c);
    assertTrue(yaml.contains("on_failure: cpu"), yaml);
    assertEquals(c, ConfigLoader.parse(yaml, "study.yaml", List.of()), yaml);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "on_failure: gpu; 1; on_failure: must be one of fail, cpu, got 'gpu'",
        "training:|  health:|    grad_norm_limit: 0; 3; training.health.grad_norm_limit: must be"
            + " > 0, got 0",
        "training:|  health:|    grad_norm_limit: big; 3; training.health.grad_norm_limit: expected a"
            + " number, got 'big'",
        "training:|  health:|    limit: 3; 3; unknown key 'training.health.limit' (did you mean"
            + " 'training.health.grad_norm_limit'?)"
      })
  void badValuesAreOneLineErrors(String yaml, int line, String message) {
    ConfigErrorsTest.assertRefused(yaml, line, message);
  }
}
