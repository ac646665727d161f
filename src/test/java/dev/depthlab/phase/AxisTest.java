package dev.depthlab.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Axis specs against values worked out by hand. */
class AxisTest {
  @Test
  void logSpacingMatchesHandValues() {
    // 10^-4 .. 10^-1 in 7 points: exponents -4, -3.5, ..., -1; 10^-3.5 = 3.16227... -> 3.16e-4
    Axis a = Axis.parse("--y", "training.lr=1e-4:1e-1:log:7");
    assertEquals("training.lr", a.key());
    assertEquals(
        List.of("0.0001", "0.000316", "0.001", "0.00316", "0.01", "0.0316", "0.1"), a.values());
  }

  @Test
  void linSpacingMatchesHandValues() {
    assertEquals(
        List.of("0", "0.25", "0.5", "0.75", "1"),
        Axis.parse("--x", "training.lr=0.0:1.0:lin:5").values());
    // 0.1 + i * 0.2/3: 0.1, 0.16667, 0.23333, 0.3 -> three significant digits
    assertEquals(
        List.of("0.1", "0.167", "0.233", "0.3"),
        Axis.parse("--x", "training.lr=0.1:0.3:lin:4").values());
  }

  @Test
  void wholeEndsGiveWholeValues() {
    assertEquals(
        List.of("1", "2", "4", "8", "16"), Axis.parse("--x", "model.depths=1:16:log:5").values());
    // 8 * (64/8)^(1/2) = 22.6 -> 23
    assertEquals(List.of("8", "23", "64"), Axis.parse("--x", "model.width=8:64:log:3").values());
  }

  @Test
  void commaListIsTakenAsWritten() {
    Axis a = Axis.parse("--x", "model.depths=1, 2,4");
    assertEquals(List.of("1", "2", "4"), a.values());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "training.lr",
        "=1,2",
        "training.lr=",
        "training.lr=1,,2",
        "training.lr=1,1",
        "training.lr=0:1:log:3",
        "training.lr=1e-3:1:log:1",
        "training.lr=1e-3:1:cubic:3",
        "training.lr=1e-3:1:log",
        "training.lr=a:1:lin:3",
        "training.lr=1:1:lin:3",
        "training.lr=1:1.001:lin:4",
        "model.depths=1:2:lin:5",
        "model.depths=[1,2]"
      })
  void badSpecsAreRefused(String spec) {
    UserError e = assertThrows(UserError.class, () -> Axis.parse("--x", spec));
    assertEquals(UserError.USAGE, e.exitCode());
    assertTrue(e.getMessage().startsWith("--x " + spec + ": "), e.getMessage());
  }
}
