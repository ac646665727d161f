package dev.depthlab.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.Rng;
import dev.depthlab.common.UserError;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad specs and noise levels fail with one line that names the culprit. */
class DatasetsValidationTest {
  private static String message(Runnable r) {
    UserError e = assertThrows(UserError.class, r::run);
    assertFalse(e.getMessage().contains("\n"), "message spans lines: " + e.getMessage());
    assertTrue(e.exitCode() == UserError.USAGE);
    return e.getMessage();
  }

  @Test
  void unknownKindListsKnownKinds() {
    String m = message(() -> Datasets.validate(DatasetSpec.of("circel")));
    assertTrue(m.contains("circel") && m.contains("circle") && m.contains("nested_rings"), m);
  }

  @Test
  void unknownParameterListsKnownParameters() {
    String m = message(() -> Datasets.validate(new DatasetSpec("circle", Map.of("radus", 1.0))));
    assertTrue(m.contains("radus") && m.contains("radius") && m.contains("circle"), m);
    String none = message(() -> Datasets.validate(new DatasetSpec("xor", Map.of("k", 1.0))));
    assertTrue(none.contains("'k'") && none.contains("none"), none);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(new DatasetSpec("circle", Map.of("radius", 0.0)), "radius"),
        Arguments.of(new DatasetSpec("circle", Map.of("radius", -1.0)), "radius"),
        Arguments.of(new DatasetSpec("circle", Map.of("radius", Double.NaN)), "radius"),
        Arguments.of(new DatasetSpec("nested_rings", Map.of("inner", -0.1)), "inner"),
        Arguments.of(new DatasetSpec("nested_rings", Map.of("inner", 0.9, "outer", 0.5)), "outer"),
        Arguments.of(new DatasetSpec("spiral", Map.of("turns", 0.0)), "turns"),
        Arguments.of(new DatasetSpec("spiral", Map.of("jitter", -0.1)), "jitter"),
        Arguments.of(new DatasetSpec("moons", Map.of("jitter", -1.0)), "jitter"),
        Arguments.of(new DatasetSpec("gaussian", Map.of("std", 0.0)), "std"),
        Arguments.of(new DatasetSpec("gaussian", Map.of("separation", -2.0)), "separation"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void outOfRangeParameterIsNamed(DatasetSpec spec, String name) {
    String m = message(() -> Datasets.validate(spec));
    assertTrue(m.contains(name) && m.contains(spec.kind()), m);
  }

  @Test
  void defaultsOfEveryKindAreValid() {
    for (String kind : Datasets.kinds()) {
      assertDoesNotThrow(() -> Datasets.validate(DatasetSpec.of(kind)), kind);
      assertDoesNotThrow(() -> Datasets.validate(new DatasetSpec(kind, Datasets.defaults(kind))));
    }
  }

  @Test
  void noiseRangeDependsOnKind() {
    String flip = message(() -> Datasets.validateNoise(DatasetSpec.of("circle"), 0.5));
    assertTrue(flip.contains("0.5") && flip.contains("flip"), flip);
    message(() -> Datasets.validateNoise(DatasetSpec.of("xor"), -0.01));
    String q = message(() -> Datasets.validateNoise(DatasetSpec.of("quadratic_noise"), -0.1));
    assertTrue(q.contains("-0.1"), q);
    assertDoesNotThrow(() -> Datasets.validateNoise(DatasetSpec.of("quadratic_noise"), 2.0));
    assertDoesNotThrow(() -> Datasets.validateNoise(DatasetSpec.of("moons"), 0.49));
  }

  @Test
  void generateValidatesToo() {
    message(() -> Datasets.generate(DatasetSpec.of("circle"), 10, 0.7, new Rng(0)));
    message(() -> Datasets.generate(DatasetSpec.of("nope"), 10, 0.0, new Rng(0)));
  }

  @Test
  void ruleShowsActualValuesOnOneLine() {
    String circle = Datasets.rule(new DatasetSpec("circle", Map.of("radius", 0.7)));
    assertTrue(circle.contains("0.7") && circle.contains("x1^2 + x2^2"), circle);
    String rings = Datasets.rule(DatasetSpec.of("nested_rings"));
    assertTrue(rings.contains("0.471405") && rings.contains("0.942809"), rings);
    for (String kind : Datasets.kinds()) {
      String r = Datasets.rule(DatasetSpec.of(kind));
      assertFalse(r.isBlank() || r.contains("\n"), kind + ": " + r);
    }
  }
}
