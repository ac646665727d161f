package dev.depthlab.plot;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Figure names are file stems: a data set label with a number in it is one, a path is not. */
class FigureNameTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "loss-circle",
        "interval-test-acc-circle-radius-0.8",
        "loss-circle-noise-1.0E-5",
        "dead-units-heatmap-spiral_2"
      })
  void aDataSetLabelWithANumberNamesAFigure(String name) {
    assertDoesNotThrow(() -> new Figure(name, "t", "c"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-loss", ".hidden", "a/b", "a..b", "..", "a b", "a\\b"})
  void aPathOrAnEmptyNameIsRefused(String name) {
    assertThrows(IllegalArgumentException.class, () -> new Figure(name, "t", "c"));
  }

  @ParameterizedTest
  @CsvSource({
    "circle-radius-0.8, circle-radius-0.8",
    "Nested Rings, nested-rings",
    "../x, x",
    "a..b, a.b",
    "'  ', data",
    "spiral/2, spiral-2"
  })
  void freeTextBecomesOneStemThatNamesAFigure(String text, String stem) {
    assertEquals(stem, Figure.stem(text, "data"));
    assertDoesNotThrow(() -> new Figure("x-" + Figure.stem(text, "data"), "t", "c"));
  }
}
