package dev.depthlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules table kernels/rules.cuh is the one place its numbers are written: Java reads it, the
 * kernels include it, and nothing else in Java or kernels/ spells those numbers again.
 */
class RulesTest {
  @Test
  void javaReadsTheTableTheKernelsInclude() throws IOException {
    Map<String, Double> fromFile = Rules.parse(Files.readString(Path.of("kernels/rules.cuh")));
    assertEquals(fromFile, Rules.table(), "the jar's table is kernels/rules.cuh");
    assertEquals(fromFile.get("DL_TANH_SATURATION"), Rules.TANH_SATURATION);
    assertEquals(fromFile.get("DL_DECISION_THRESHOLD"), Rules.DECISION_THRESHOLD);
    String common = Files.readString(Path.of("kernels/common.cuh"));
    assertTrue(common.contains("#include \"rules.cuh\""), "common.cuh includes the table");
  }

  /** The rules at their edges, as the dead-unit statistic and accuracy need them. */
  @Test
  void rulesAtTheirBoundaries() {
    double s = Rules.TANH_SATURATION;
    assertTrue(Activation.TANH.inactive(s) && Activation.TANH.inactive(-s));
    assertTrue(!Activation.TANH.inactive(Math.nextDown(s)));
    assertTrue(Activation.RELU.inactive(0.0) && !Activation.RELU.inactive(Double.MIN_VALUE));
    assertTrue(Activation.LEAKY_RELU.inactive(-1.0) && !Activation.LEAKY_RELU.inactive(1e-300));
    double t = Rules.DECISION_THRESHOLD;
    assertEquals(1, Rules.correct(t, 1.0));
    assertEquals(0, Rules.correct(Math.nextDown(t), 1.0));
    assertEquals(1, Rules.correct(Math.nextDown(t), 0.0));
    assertEquals(0, Rules.correct(t, 0.0));
  }

  @Test
  void aMalformedTableIsRefusedByName() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Rules.parse("#define DL_X four\n"));
    assertTrue(e.getMessage().contains("DL_X"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> Rules.get("DL_NOT_THERE"));
  }

  /** No second spelling of a rule's value: the kernels and Java sources use the names. */
  @Test
  void noOtherFileWritesTheSaturationBound() throws IOException {
    Pattern literal = Pattern.compile("(>=|<=|>|<)\\s*T?\\(?4\\.0\\b|TANH_SATURATION\\s*=\\s*4");
    try (Stream<Path> files =
        Stream.concat(Files.walk(Path.of("kernels")), Files.walk(Path.of("src/main/java")))) {
      files
          .filter(Files::isRegularFile)
          .filter(p -> !p.endsWith("rules.cuh"))
          .forEach(
              p -> {
                try {
                  String text = Files.readString(p);
                  assertTrue(!literal.matcher(text).find(), p + " spells the saturation bound");
                  assertTrue(
                      !text.contains("#define DL_TANH_SATURATION"), p + " redefines the bound");
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
  }
}
