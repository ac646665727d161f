package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Reduction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link RunSchema} is the one table of run-file columns and metrics: the docs' column tables
 * (docs/metrics.md: epochs.csv, steps.csv, step_weights.csv; docs/report.md: summary.csv) list
 * exactly its keys, run.json's summary keys are named in docs/metrics.md, the writers' headers are
 * its keys in its order, and the committed studies' summary.csv headers are made of its columns.
 */
class RunSchemaDocsTest {
  private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

  /**
   * The names in the first cells of the first {@code | column | ...} table after {@code anchor}:
   * each backticked name, {@code `_std`} after {@code `x_mean`} read as {@code x_std}, and the
   * per-layer {@code {h}} written as {@code {k}}.
   */
  static Set<String> tableAfter(String doc, String anchor) {
    int at = doc.indexOf(anchor);
    assertTrue(at >= 0, "no '" + anchor + "' in the docs");
    int table = doc.indexOf("| column |", at);
    Set<String> names = new LinkedHashSet<>();
    String[] lines = doc.substring(table).split("\n");
    for (int i = 2; i < lines.length && lines[i].startsWith("|"); i++) {
      String first = lines[i].split("(?<!\\\\)\\|")[1];
      String previous = null;
      Matcher m = TICKED.matcher(first);
      while (m.find()) {
        String name = m.group(1);
        if (name.startsWith("_") && previous != null) {
          name = previous.substring(0, previous.lastIndexOf('_')) + name;
        }
        names.add(name);
        previous = name;
      }
    }
    return names;
  }

  private static Set<String> keys(List<RunSchema.Column> columns) {
    Set<String> keys = new LinkedHashSet<>();
    columns.forEach(c -> keys.add(c.key().replace("{h}", "{k}")));
    return keys;
  }

  private static String read(String path) throws IOException {
    return Files.readString(Path.of(path));
  }

  @Test
  void theDocsTablesListExactlyTheSchemasColumns() throws IOException {
    String metrics = read("docs/metrics.md");
    String report = read("docs/report.md");
    assertAll(
        () ->
            assertEquals(
                keys(RunSchema.Epochs.ALL),
                tableAfter(metrics, "Per epoch (`epochs.csv`"),
                "docs/metrics.md, epochs.csv"),
        () ->
            assertEquals(
                keys(RunSchema.Steps.ALL),
                tableAfter(metrics, "Per step (`steps.csv`"),
                "docs/metrics.md, steps.csv"),
        () ->
            assertEquals(
                keys(RunSchema.StepWeights.ALL),
                tableAfter(metrics, "Per traced step (`step_weights.csv`"),
                "docs/metrics.md, step_weights.csv"),
        () ->
            assertEquals(
                keys(RunSchema.Jacobian.ALL),
                tableAfter(metrics, "Per Jacobian snapshot (`jacobian.csv`"),
                "docs/metrics.md, jacobian.csv"),
        () ->
            assertEquals(
                keys(RunSchema.Summary.ALL),
                tableAfter(report, "## summary.csv"),
                "docs/report.md, summary.csv"));
  }

  @Test
  void runJsonsSummaryKeysAreNamedInTheDocs() throws IOException {
    String metrics = read("docs/metrics.md");
    int at = metrics.indexOf("A run's summary (run.json's `summary`:");
    assertTrue(at >= 0);
    String sentence = metrics.substring(at, metrics.indexOf(";", at)); // the list of keys
    Set<String> named = new LinkedHashSet<>();
    Matcher m = TICKED.matcher(sentence);
    while (m.find()) {
      named.add(m.group(1));
    }
    named.remove("summary");
    assertEquals(keys(RunSchema.Run.ALL), named);
  }

  @Test
  void everyKeyIsUniqueInItsFileAndFullyDescribed() {
    Set<String> seen = new LinkedHashSet<>();
    for (RunSchema.Column c : RunSchema.all()) {
      assertTrue(seen.add(c.file() + ":" + c.key()), "twice: " + c);
      for (String field : List.of(c.computedIn(), c.unit(), c.format(), c.meaning())) {
        assertTrue(!field.isBlank(), "blank field in " + c);
      }
    }
  }

  /**
   * Each class (and method) a column's "computed in" names exists: the column says where to look.
   */
  @Test
  void whereComputedNamesRealCode() {
    Pattern code = Pattern.compile("\\b(train|report|model)\\.([A-Z]\\w+)(?:\\.([a-z]\\w+))?");
    int named = 0;
    for (RunSchema.Column c : RunSchema.all()) {
      Matcher m = code.matcher(c.computedIn());
      while (m.find()) {
        String cls = "dev.depthlab." + m.group(1) + "." + m.group(2);
        Class<?> k;
        try {
          k = Class.forName(cls);
        } catch (ClassNotFoundException e) {
          throw new AssertionError(c.key() + ": no class " + cls, e);
        }
        String method = m.group(3);
        if (method != null) {
          boolean has = Stream.of(k.getDeclaredMethods()).anyMatch(x -> x.getName().equals(method));
          assertTrue(has, c.key() + ": " + cls + " has no method " + method);
        }
        named++;
      }
    }
    assertTrue(named > 30, "most columns name their code: " + named);
  }

  /**
   * The epochs.csv header RunFolder writes, for depth 2, from the schema's order (hand-written).
   */
  @Test
  void theEpochsHeaderIsTheSchemasKeysInOrder() {
    NetworkSpec net = NetworkSpec.of(2, 2, 4, Activation.RELU, 0, Reduction.SUM, 1e-8);
    assertEquals(
        List.of(
            "epoch",
            "batch_loss",
            "grad_norm_mean",
            "grad_norm_std",
            "train_loss",
            "train_acc",
            "test_loss",
            "test_acc",
            "grad_norm_l1_mean",
            "grad_norm_l1_std",
            "weight_norm_l1",
            "update_ratio_l1",
            "grad_norm_l2_mean",
            "grad_norm_l2_std",
            "weight_norm_l2",
            "update_ratio_l2",
            "grad_norm_l3_mean",
            "grad_norm_l3_std",
            "weight_norm_l3",
            "update_ratio_l3",
            "dead_h1",
            "dead_h2",
            "sharpness",
            "sharpness_residual",
            "batch_sharpness"),
        RunFolder.epochHeader(net, true));
  }

  /** Every committed summary.csv header: the schema's columns, dead_h{k} for k = 1.., in order. */
  @Test
  void theCommittedSummariesAreMadeOfTheSchemasColumns() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of("results"))) {
      files = s.filter(p -> p.getFileName().toString().equals("summary.csv")).sorted().toList();
    }
    assertTrue(files.size() >= 3, "the committed studies: " + files);
    for (Path f : files) {
      String header = Files.readAllLines(f).get(0);
      List<String> expected = new ArrayList<>();
      RunSchema.Summary.LEADING.forEach(c -> expected.add(c.key()));
      List<String> cells = List.of(header.split(","));
      int k = 1;
      while (cells.contains(RunSchema.Summary.DEAD.of(k))) {
        expected.add(RunSchema.Summary.DEAD.of(k++));
      }
      expected.add(RunSchema.Summary.WALL_S.key());
      for (RunSchema.Column optional :
          List.of(RunSchema.Summary.SHARPNESS_LAST, RunSchema.Summary.STATUS_EPOCH)) {
        if (cells.contains(optional.key())) {
          expected.add(optional.key());
        }
      }
      assertEquals(expected, cells, f.toString());
      assertTrue(k > 1, f + " has dead_h columns");
    }
  }
}
