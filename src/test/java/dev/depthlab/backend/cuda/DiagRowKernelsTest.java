package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernels' copy of the diagnostics row ({@link DiagRow}): the index expressions train.cu's
 * {@code step_sums} and fused.cu's epoch loop write the loss, each layer's squared gradient norm
 * and the accuracy at, and fused.cu's row width, read from their sources and evaluated for 1 to 8
 * weight layers, equal DiagRow's columns.
 */
class DiagRowKernelsTest {
  private static String source(String name) throws IOException {
    return Files.readString(Path.of("kernels", name));
  }

  /** The first group of {@code regex} in {@code text}; fails naming what was not found. */
  private static String find(String text, String file, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), file + ": no match for " + regex + " (the diagnostics row moved?)");
    return m.group(1).trim();
  }

  /** A sum of integer literals and variables ({@code 1 + layers}, {@code l}), evaluated. */
  static int eval(String expr, Map<String, Integer> vars) {
    int sum = 0;
    for (String term : expr.split("\\+")) {
      String t = term.trim();
      if (t.matches("[0-9]+")) {
        sum += Integer.parseInt(t);
      } else {
        Integer v = vars.get(t);
        assertTrue(v != null, "unknown term '" + t + "' in '" + expr + "'");
        sum += v;
      }
    }
    return sum;
  }

  @Test
  void trainCuWritesTheRowAsDiagRowSays() throws IOException {
    String f = "train.cu";
    String src = source(f);
    String row = "diag\\[\\(long\\)r \\* diagStride";
    String loss = find(src, f, row + "(\\s*)\\]\\s*=\\s*lossSum / rows;");
    String acc = find(src, f, row + " \\+ ([^\\]]+)\\]\\s*=\\s*\\(double\\)correct / rows;");
    String grad = find(src, f, row + " \\+ (\\w+)\\]\\s*=\\s*sq;");
    assertEquals("col", grad, "step_sums writes a layer's norm at its thread's column");
    // step_sums: thread column col in 0 .. layers; column 1 + l is layer l's
    String colOfLayer = find(src, f, "int l = (col - 1);");
    assertEquals("col - 1", colOfLayer);
    for (int layers = 1; layers <= 8; layers++) {
      Map<String, Integer> v = Map.of("layers", layers);
      assertEquals(DiagRow.LOSS, loss.isEmpty() ? 0 : eval(loss, v), f + " loss");
      assertEquals(DiagRow.accuracy(layers), eval(acc, v), f + " accuracy, layers " + layers);
      for (int l = 0; l < layers; l++) {
        assertEquals(DiagRow.gradSq(l), l + 1, f + " gradient norm of layer " + l);
      }
      assertEquals(DiagRow.width(layers), DiagRow.accuracy(layers) + 1, "accuracy is last");
    }
  }

  @Test
  void fusedCuWritesTheRowAsDiagRowSays() throws IOException {
    String f = "fused.cu";
    String src = source(f);
    String width = find(src, f, "const int diagWidth = ([^;]+);");
    find(src, f, "(dg) = diag \\+ \\(\\(long\\)r \\* maxSteps \\+ row\\) \\* diagWidth;");
    String loss = find(src, f, "dg\\[([^\\]]+)\\]\\s*=\\s*lossSum / count;");
    String acc = find(src, f, "dg\\[([^\\]]+)\\]\\s*=\\s*correct / count;");
    String grad = find(src, f, "dg\\[([^\\]]+)\\]\\s*=\\s*sq;");
    for (int layers = 1; layers <= 8; layers++) {
      Map<String, Integer> v = Map.of("layers", layers);
      assertEquals(DiagRow.width(layers), eval(width, v), f + " width, layers " + layers);
      assertEquals(DiagRow.LOSS, eval(loss, v), f + " loss");
      assertEquals(DiagRow.accuracy(layers), eval(acc, v), f + " accuracy, layers " + layers);
      for (int l = 0; l < layers; l++) {
        assertEquals(
            DiagRow.gradSq(l), eval(grad, Map.of("layers", layers, "l", l)), f + " layer " + l);
      }
    }
  }

  @Test
  void theEvaluatorReadsSumsOfTermsOnly() {
    assertEquals(5, eval("1 + layers", Map.of("layers", 4)));
    assertEquals(6, eval("layers + 2", Map.of("layers", 4)));
    assertEquals(0, eval("0", Map.of()));
  }
}
