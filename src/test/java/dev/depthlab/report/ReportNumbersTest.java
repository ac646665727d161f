package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every number in the tables of the committed reports, recomputed from the study folder's
 * summary.csv with plain loops here (not {@link Stats} or {@link ReportMarkdown}): per data set and
 * depth, the mean and population std over the seeds' rows, printed as report.md prints that column.
 */
class ReportNumbersTest {
  private static final Path SEED_STUDY = Path.of("results/seed-study");

  /** One markdown table: the data set section and "###" title above it, its header and rows. */
  record Table(String dataset, String title, List<String> header, List<List<String>> rows) {}

  /** The tables of a report.md, in order. */
  static List<Table> tables(String md) {
    List<Table> out = new ArrayList<>();
    String dataset = "";
    String title = "";
    List<String> lines = md.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("## ")) {
        dataset = line.substring(3).strip();
      } else if (line.startsWith("### ")) {
        title = line.substring(4).strip();
      } else if (line.startsWith("|")) {
        List<String> header = cells(line);
        List<List<String>> rows = new ArrayList<>();
        i++; // the alignment row
        while (i + 1 < lines.size() && lines.get(i + 1).startsWith("|")) {
          rows.add(cells(lines.get(++i)));
        }
        out.add(new Table(dataset, title, header, rows));
      }
    }
    return out;
  }

  private static List<String> cells(String row) {
    String inner = row.strip();
    inner = inner.substring(1, inner.length() - 1);
    List<String> out = new ArrayList<>();
    for (String c : inner.split("\\|", -1)) {
      out.add(c.strip());
    }
    return out;
  }

  static List<CSVRecord> csv(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      return CSVFormat.DEFAULT
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .setCommentMarker('#')
          .build()
          .parse(r)
          .getRecords();
    }
  }

  /** Mean and population std (divided by n) of a column over rows. */
  record MeanStd(double mean, double std, int n) {
    static MeanStd of(List<CSVRecord> rows, String column) {
      double sum = 0;
      for (CSVRecord r : rows) {
        sum += Double.parseDouble(r.get(column));
      }
      double mean = sum / rows.size();
      double sq = 0;
      for (CSVRecord r : rows) {
        double d = Double.parseDouble(r.get(column)) - mean;
        sq += d * d;
      }
      return new MeanStd(mean, Math.sqrt(sq / rows.size()), rows.size());
    }
  }

  private static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }

  private static String pm(List<CSVRecord> rows, String column, String format) {
    MeanStd s = MeanStd.of(rows, column);
    return fmt(format, s.mean()) + " +- " + fmt(format, s.std());
  }

  /** The rows of one data set and depth; {@code ok} keeps the finished ones only. */
  private static List<CSVRecord> rows(
      List<CSVRecord> summary, String dataset, int depth, boolean ok) {
    return summary.stream()
        .filter(r -> r.get("dataset").equals(dataset))
        .filter(r -> Integer.parseInt(r.get("depth")) == depth)
        .filter(r -> !ok || r.get("status").equals("ok"))
        .toList();
  }

  /** What one table row should hold, from the summary rows of its data set and depth. */
  private static List<String> expectedRow(
      Path folder, Table t, int depth, List<CSVRecord> summary, List<String> row)
      throws IOException {
    List<CSVRecord> all = rows(summary, t.dataset(), depth, false);
    List<CSVRecord> ok = rows(summary, t.dataset(), depth, true);
    String d = Integer.toString(depth);
    if (t.title().startsWith("Accuracy")) {
      int bad = all.size() - ok.size();
      return List.of(
          d,
          bad == 0 ? Integer.toString(all.size()) : all.size() + " (" + bad + " diverged)",
          pm(ok, "train_acc", "%.4f"),
          pm(ok, "test_acc", "%.4f"));
    }
    if (t.title().startsWith("Gradient norm beside the published table")) {
      return publishedRow(folder, t, row);
    }
    if (t.title().startsWith("Gradient norm")) {
      return List.of(
          d,
          pm(ok, "grad_norm_mean", "%.4g"),
          pm(ok, "grad_norm_std", "%.4g"),
          pm(ok, "grad_norm_cv", "%.4f"));
    }
    if (t.title().startsWith("Loss curve")) {
      return List.of(
          d,
          pm(ok, "loss_first", "%.4f"),
          pm(ok, "loss_last", "%.4f"),
          pm(ok, "loss_trend", "%.4f"),
          pm(ok, "loss_oscillation", "%.3g"),
          pm(ok, "plateau_epoch", "%.1f"),
          pm(ok, "late_gain", "%.4f"),
          pm(ok, "spikes", "%.1f"));
    }
    if (t.title().startsWith("Dead units")) {
      List<String> out = new ArrayList<>(List.of(d));
      for (int h = 1; h < t.header().size(); h++) {
        out.add(h <= depth ? fmt("%.3f", MeanStd.of(ok, "dead_h" + h).mean()) : "");
      }
      return out;
    }
    if (t.title().startsWith("Statistics over seeds")) {
      // the means and IQMs recomputed here (sort, drop n/4 each end); the intervals' own numbers
      // are StatsGoldenTest's, so here only their brackets after the estimate
      List<String> out = new ArrayList<>(List.of(d, Integer.toString(ok.size())));
      for (int k = 0; k < HEAD.length; k++) {
        String mean = fmt(HEAD[k][1], MeanStd.of(ok, HEAD[k][0]).mean());
        String iqm = fmt(HEAD[k][1], iqm(ok, HEAD[k][0]));
        String c1 = row.get(2 + 2 * k);
        String c2 = row.get(3 + 2 * k);
        out.add(c1.startsWith(mean + " [") ? c1 : mean + " [...]");
        out.add(c2.startsWith(iqm + " [") ? c2 : iqm + " [...]");
      }
      return out;
    }
    fail("a table this test does not know, in " + t.dataset() + ": " + t.title());
    return null;
  }

  /**
   * A row of the comparison with the published gradient-norm table: the published value (from
   * config/published), and the same statistic over the same epochs here. The cells over epochs
   * 1-1000 are recomputed from the seed-study folder: the first 1000 epochs of the gradnorm study's
   * 2000-epoch runs are those runs (same data, seeds and training; only the epoch count and the
   * diagnostics settings differ), and its summary holds the statistics over exactly those epochs.
   */
  private static List<String> publishedRow(Path folder, Table t, List<String> row)
      throws IOException {
    String name = t.title().substring(t.title().lastIndexOf(' ') + 1);
    int depth = Integer.parseInt(row.get(0));
    String epochs = row.get(1);
    String statistic = row.get(2);
    CSVRecord published =
        csv(Path.of("config/published/" + name + ".csv")).stream()
            .filter(r -> r.get("dataset").equals(t.dataset()))
            .filter(r -> Integer.parseInt(r.get("depth")) == depth)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no published row for " + t.dataset() + depth));
    String window = published.get("from_epoch") + "-" + published.get("to_epoch");
    Path source =
        switch (window) {
          case "1001-2000" -> folder;
          case "1-1000" -> SEED_STUDY;
          default -> throw new AssertionError("no summary here covers epochs " + window);
        };
    String column =
        switch (statistic) {
          case "mean" -> "mean";
          case "std" -> "std";
          case "CV" -> "cv";
          default -> throw new AssertionError("unknown statistic " + statistic);
        };
    String format = column.equals("cv") ? "%.4f" : "%.4g";
    double pub = Double.parseDouble(published.get(column));
    MeanStd here =
        MeanStd.of(
            rows(csv(source.resolve("summary.csv")), t.dataset(), depth, true),
            "grad_norm_" + column);
    double z = (pub - here.mean()) / here.std();
    return List.of(
        Integer.toString(depth),
        window,
        statistic,
        fmt(format, pub),
        fmt(format, here.mean()) + " +- " + fmt(format, here.std()),
        fmt(format, here.std() / Math.sqrt(here.n() - 1)),
        fmt("%.2f", z),
        Math.abs(z) <= 2 ? "yes" : "no");
  }

  /** The headline metrics of the statistics tables, with their formats. */
  private static final String[][] HEAD = {
    {"test_acc", "%.4f"}, {"train_loss", "%.4g"}, {"grad_norm_mean", "%.4g"}
  };

  private static double iqm(List<CSVRecord> rows, String column) {
    double[] v =
        rows.stream().mapToDouble(r -> Double.parseDouble(r.get(column))).sorted().toArray();
    int cut = v.length / 4;
    double sum = 0;
    for (int i = cut; i < v.length - cut; i++) {
      sum += v[i];
    }
    return sum / (v.length - 2 * cut);
  }

  /**
   * An adjacent-depths row: the pairs, the mean paired difference and P(deeper > shallower),
   * recomputed from the summary by seed with plain loops; the verdict agrees with the adjusted
   * p-values printed beside it (paired t decides, TOST for equivalence, signed-rank corroborates).
   */
  private static List<String> expectedPairRow(List<CSVRecord> summary, Table t, List<String> row) {
    String column =
        switch (row.get(0)) {
          case "test accuracy" -> "test_acc";
          case "train loss" -> "train_loss";
          case "gradient-norm mean" -> "grad_norm_mean";
          default -> throw new AssertionError("unknown metric " + row.get(0));
        };
    String format = column.equals("test_acc") ? "%.4f" : "%.4g";
    String[] ab = row.get(1).split(" vs ");
    List<CSVRecord> a = rows(summary, t.dataset(), Integer.parseInt(ab[0]), true);
    List<CSVRecord> b = rows(summary, t.dataset(), Integer.parseInt(ab[1]), true);
    double sum = 0;
    double wins = 0;
    int n = 0;
    for (CSVRecord x : a) {
      for (CSVRecord y : b) {
        if (!x.get("seed").equals(y.get("seed"))) {
          continue;
        }
        double dx = Double.parseDouble(x.get(column));
        double dy = Double.parseDouble(y.get(column));
        sum += dy - dx;
        wins += dy > dx ? 1 : dy == dx ? 0.5 : 0;
        n++;
      }
    }
    List<String> out = new ArrayList<>(row);
    String tp = adjusted(row.get(6)) < 0.05 ? "differs" : null;
    String verdict =
        tp != null
            ? (adjusted(row.get(7)) < 0.05 ? "differs" : "differs, t only")
            : adjusted(row.get(8)) < 0.05 ? "equivalent" : "inconclusive";
    out.set(2, verdict);
    String d = fmt(format, sum / n);
    out.set(3, row.get(3).startsWith(d + " [") ? row.get(3) : d + " [...]");
    out.set(5, Integer.toString(n));
    String share = fmt("%.2f", wins / n);
    out.set(9, row.get(9).startsWith(share + " [") ? row.get(9) : share + " [...]");
    return out;
  }

  /** The number of seeds of the summary, as text (every seed ran at every depth). */
  private static String seeds(List<CSVRecord> summary) {
    return Long.toString(summary.stream().map(r -> r.get("seed")).distinct().count());
  }

  /** The Holm-adjusted p of a "p (adjusted)" cell. */
  private static double adjusted(String cell) {
    String a = cell.substring(cell.indexOf('(') + 1, cell.indexOf(')'));
    return a.equals("<0.0001") ? 0 : Double.parseDouble(a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"results/seed-study", "results/seed-study-gradnorm"})
  void everyTableNumberIsTheSummaryRecomputed(String dir) throws IOException {
    Path folder = Path.of(dir);
    List<CSVRecord> summary = csv(folder.resolve("summary.csv"));
    List<Table> tables = tables(Files.readString(folder.resolve("report.md")));
    List<Executable> checks = new ArrayList<>();
    Map<String, TreeSet<String>> titles = new java.util.TreeMap<>();
    for (Table t : tables) {
      titles.computeIfAbsent(t.dataset(), k -> new TreeSet<>()).add(t.title().split(" \\(")[0]);
      if (t.title().startsWith("Adjacent depths")) {
        for (List<String> row : t.rows()) {
          List<String> want = expectedPairRow(summary, t, row);
          checks.add(() -> assertEquals(want, row, t.dataset() + ", " + t.title()));
        }
        checks.add(() -> assertEquals(12, t.rows().size(), t.dataset() + ": 3 metrics x 4 pairs"));
        continue;
      }
      TreeSet<Integer> depths = new TreeSet<>();
      for (List<String> row : t.rows()) {
        if (row.get(0).startsWith("trend")) {
          // Page's L over the seeds with a value at every depth (its p: StatsGoldenTest)
          checks.add(() -> assertEquals(seeds(summary), row.get(1), t.dataset() + " trend"));
          continue;
        }
        int depth = Integer.parseInt(row.get(0));
        depths.add(depth);
        List<String> want = expectedRow(folder, t, depth, summary, row);
        checks.add(
            () -> assertEquals(want, row, t.dataset() + ", " + t.title() + ", depth " + depth));
      }
      TreeSet<Integer> runDepths = new TreeSet<>();
      summary.stream()
          .filter(r -> r.get("dataset").equals(t.dataset()))
          .forEach(r -> runDepths.add(Integer.parseInt(r.get("depth"))));
      checks.add(() -> assertEquals(runDepths, depths, t.dataset() + ", " + t.title()));
    }
    // the parse found every data set of the summary and each of its tables
    TreeSet<String> sets = new TreeSet<>();
    summary.forEach(r -> sets.add(r.get("dataset")));
    checks.add(() -> assertEquals(sets, titles.keySet()));
    for (String set : sets) {
      checks.add(
          () ->
              assertTrue(
                  titles
                      .getOrDefault(set, new TreeSet<>())
                      .containsAll(
                          List.of(
                              "Accuracy",
                              "Gradient norm",
                              "Loss curve",
                              "Dead units",
                              "Statistics over seeds",
                              "Adjacent depths")),
                  set + ": " + titles.get(set)));
    }
    assertAll(checks);
  }

  @Test
  void theParserReadsCellsAndTheirEmptiness() {
    List<Table> t =
        tables(
            "## circle\n\n### Dead units (x)\n\n| depth | h1 | h2 |\n| ---: | ---: | ---: |\n"
                + "| 1 | 0.000 |  |\n| 2 | 0.010 | 0.063 |\n\nprose\n");
    assertEquals(
        List.of(
            new Table(
                "circle",
                "Dead units (x)",
                List.of("depth", "h1", "h2"),
                List.of(List.of("1", "0.000", ""), List.of("2", "0.010", "0.063")))),
        t);
  }
}
