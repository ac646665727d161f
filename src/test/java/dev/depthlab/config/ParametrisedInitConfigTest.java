package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.model.Init;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * model.init gaussian/orthogonal with model.sigma_w and model.sigma_b: read, hashed only when used
 * (a named init's study.yaml and hash are those it had before the keys existed), refused in one
 * line where they make no sense.
 */
class ParametrisedInitConfigTest {
  private static StudyConfig parse(String yaml, String... sets) {
    return ConfigLoader.parse(yaml.replace('|', '\n'), "config/x.yaml", List.of(sets));
  }

  @Test
  void readsTheKeysAndHashesThemOnlyWhenUsed() {
    StudyConfig named = parse("name: a|model:|  init: he_normal");
    StudyConfig g = parse("name: a|model:|  init: gaussian|  sigma_w: 1.5|  sigma_b: 0.05");
    StudyConfig g2 = parse("name: a|model:|  init: gaussian|  sigma_w: 1.6|  sigma_b: 0.05");
    StudyConfig o = parse("name: a", "model.init=orthogonal", "model.sigma_w=1.2");
    assertAll(
        () -> assertEquals(Init.GAUSSIAN, g.model().init()),
        () -> assertEquals(1.5, g.model().sigmaW()),
        () -> assertEquals(0.05, g.model().sigmaB()),
        () -> assertEquals(Init.ORTHOGONAL, o.model().init()),
        () -> assertEquals(1.2, o.model().sigmaW()),
        () -> assertEquals(0.0, o.model().sigmaB()),
        () -> assertFalse(ConfigYaml.toYaml(named).contains("sigma_"), "named: no sigma keys"),
        () -> assertTrue(ConfigYaml.toYaml(g).contains("sigma_w: 1.5"), ConfigYaml.toYaml(g)),
        () -> assertNotEquals(ConfigYaml.hash(g), ConfigYaml.hash(g2), "sigma_w is hashed"),
        () -> assertNotEquals(ConfigYaml.hash(named), ConfigYaml.hash(g)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "model:|  sigma_w: 1.5; 2; model.sigma_w: read only by init gaussian or orthogonal, not"
            + " he_normal (set model.init)",
        "model:|  init: xavier_normal|  sigma_b: 0.1; 3; model.sigma_b: read only by init"
            + " gaussian or orthogonal, not xavier_normal (set model.init)",
        "model:|  init: gaussian|  sigma_w: 0; 3; model.sigma_w: must be > 0, got 0",
        "model:|  init: gaussian|  sigma_b: -1; 3; model.sigma_b: must be >= 0, got -1",
        "model:|  init: orthogonal|  bias_init: 0.1; 3; model.bias_init: init orthogonal draws"
            + " biases from N(0, sigma_b^2): give model.sigma_b instead",
      })
  void refusesInOneLine(String yaml, int line, String message) {
    ConfigErrorsTest.assertRefused(yaml, line, message);
  }
}
