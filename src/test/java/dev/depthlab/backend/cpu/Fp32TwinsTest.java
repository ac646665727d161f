package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depthlab.backend.cpu.Fp32Twins.Twin;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed fp32 twins are what {@link Fp32Twins} makes of the committed fp64 sources, up to
 * the formatter's layout; and that check fails on a real change.
 */
class Fp32TwinsTest {
  static List<Twin> twins() {
    return Fp32Twins.ALL;
  }

  private static String read(String file) throws IOException {
    return Files.readString(Fp32Twins.CPU.resolve(file));
  }

  private static final Pattern DOC_COMMENT = Pattern.compile("/\\*\\*.*?\\*/", Pattern.DOTALL);

  /**
   * The tokens of a Java source without its layout: the formatter only moves line breaks, spaces
   * and, when it reflows a doc comment, the stars that start its lines. Whitespace between two word
   * characters stays one space, so "float x" and "floatx" still differ; a star that starts a code
   * line (gjf breaks before operators) is kept.
   */
  static String layoutFree(String java) {
    String s =
        DOC_COMMENT
            .matcher(java)
            .replaceAll(
                c -> Matcher.quoteReplacement(c.group().replaceAll("\\n[ \\t]*\\*(?!/)", "\n")));
    s = s.replaceAll("\\s+", " ");
    s = s.replaceAll(" (?=[^\\w$])|(?<=[^\\w$]) ", "");
    return s.trim();
  }

  /** Null when {@code committed} is {@code generated} up to layout, else what differs. */
  static String staleness(Twin twin, String generated, String committed) {
    String g = layoutFree(generated);
    String c = layoutFree(committed);
    if (g.equals(c)) {
      return null;
    }
    int at = 0;
    while (at < Math.min(g.length(), c.length()) && g.charAt(at) == c.charAt(at)) {
      at++;
    }
    int from = Math.max(0, at - 40);
    return twin.target()
        + " is not what "
        + Fp32Twins.COMMAND
        + " makes of "
        + twin.source()
        + ": run "
        + Fp32Twins.COMMAND
        + "\n  generated: ..."
        + g.substring(from, Math.min(g.length(), at + 60))
        + "\n  committed: ..."
        + c.substring(from, Math.min(c.length(), at + 60));
  }

  @ParameterizedTest
  @MethodSource("twins")
  void committedTwinIsCurrent(Twin twin) throws IOException {
    String generated = Fp32Twins.generate(twin, read(twin.source()));
    String staleness = staleness(twin, generated, read(twin.target()));
    if (staleness != null) {
      fail(staleness);
    }
  }

  @ParameterizedTest
  @MethodSource("twins")
  void anEditOfTheFp64SourceMakesTheCommittedTwinStale(Twin twin) throws IOException {
    String fp64 = read(twin.source());
    // a change of one operator that no rule touches, in a line both precisions share
    String line =
        twin == Fp32Twins.DENSE
            ? "w[k] = Math.fma(-lr, g, w[k]);"
            : twin == Fp32Twins.NET
                ? "return lossSum / count;"
                : twin == Fp32Twins.LANES ? "c00 = a0.fma(b0, c00);" : "c0l = bl.fma(v0, c0l);";
    assertTrue(fp64.contains(line), twin.source() + " no longer has: " + line);
    String edited =
        fp64.replace(line, line.replace("-", "+").replace("/", "*").replace(".fma(", ".sub("));
    String staleness = staleness(twin, Fp32Twins.generate(twin, edited), read(twin.target()));
    assertAll(
        () -> assertTrue(staleness != null, "the edit went unnoticed"),
        () -> assertTrue(staleness.contains("run " + Fp32Twins.COMMAND), staleness));
  }

  @ParameterizedTest
  @MethodSource("twins")
  void aRuleThatMatchesNothingFailsNamingIt(Twin twin) throws IOException {
    String fp64 = read(twin.source());
    // rename the one declaration of a variable a rule turns into float
    String from =
        twin == Fp32Twins.DENSE
            ? "double v = "
            : twin == Fp32Twins.NET || twin == Fp32Twins.LANES
                ? "double pc = "
                : "vectors of 8 doubles";
    String rule =
        twin == Fp32Twins.DENSE
            ? "double[]* v"
            : twin == Fp32Twins.NET || twin == Fp32Twins.LANES
                ? "double[]* pc"
                : "vectors of 8 doubles";
    assertEquals(1, fp64.split(Pattern.quote(from), -1).length - 1, from);
    String edited = fp64.replace(from, from.replace("double", "double renamed"));
    Fp32Twins.UnmatchedRules e =
        assertThrows(Fp32Twins.UnmatchedRules.class, () -> Fp32Twins.generate(twin, edited));
    assertAll(
        () -> assertTrue(List.of(e.getMessage().split("\n")).contains("  " + rule), e.getMessage()),
        () -> assertTrue(e.getMessage().contains(twin.source()), e.getMessage()));
  }

  @Test
  void layoutFreeKeepsEveryTokenAndDropsOnlyLayout() {
    assertAll(
        () -> assertEquals(layoutFree("z = a+b;"), layoutFree("z =\n    a + b;")),
        () ->
            assertEquals(
                layoutFree("/**\n * One two\n * three.\n */\nint x;"),
                layoutFree("/** One two three. */ int x;")),
        () -> assertNotEquals(layoutFree("z = a + b;"), layoutFree("z = a - b;")),
        () -> assertNotEquals(layoutFree("float x;"), layoutFree("floatx;")),
        () -> assertNotEquals(layoutFree("c = a\n    * b;"), layoutFree("c = a\n    b;")),
        () -> assertNotEquals(layoutFree("x = 0.0f;"), layoutFree("x = 0.0;")));
  }
}
