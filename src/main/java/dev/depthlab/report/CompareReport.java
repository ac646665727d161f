package dev.depthlab.report;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.CsvFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.report.StudyCompare.Cell;
import dev.depthlab.report.StudyCompare.Design;
import dev.depthlab.report.StudyCompare.Diff;
import dev.depthlab.report.StudyCompare.Row;
import dev.depthlab.report.StudyCompare.Study;
import dev.depthlab.sweep.StudyLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes {@code depthlab compare}'s folder: compare.md (the studies, the config keys that differ,
 * the design of each comparison, the headline tables side by side with the differences and their
 * 95% intervals), compare.csv (those differences, one row per data set, depth, metric and study
 * against the baseline) and compare.html ({@link CompareHtml}).
 */
public final class CompareReport {
  public static final String MD = "compare.md";
  public static final String CSV = "compare.csv";

  /** compare.csv's header. */
  static final List<String> HEADER =
      List.of(
          "dataset",
          "depth",
          "metric",
          "study",
          "baseline",
          "design",
          "n_baseline",
          "n_study",
          "pairs",
          "baseline_mean",
          "study_mean",
          "diff",
          "diff_ci_low",
          "diff_ci_high");

  /** What was written. */
  public record Written(Path md, Path csv, Path html, int studies, int rows) {}

  private CompareReport() {}

  /**
   * Compares the studies at {@code dirs} (the first is the baseline) into {@code out}, which must
   * not be one of them, lie inside one or hold a study (exit 2).
   */
  public static Written write(List<Path> dirs, Path out) {
    Path o = out.toAbsolutePath().normalize();
    for (Path d : dirs) {
      if (o.startsWith(d.toAbsolutePath().normalize())) {
        throw new UserError(
            "--out " + out + " lies in the compared study " + d + ": choose a folder outside it");
      }
    }
    if (Files.isRegularFile(out.resolve(StudyLock.FILE))) {
      throw new UserError("--out " + out + " holds a study; choose another folder");
    }
    List<Study> studies = StudyCompare.read(dirs);
    List<Design> designs = new ArrayList<>();
    for (Study s : studies.subList(1, studies.size())) {
      designs.add(StudyCompare.design(studies.get(0), s));
    }
    List<Row> rows = StudyCompare.rows(studies, designs);
    try {
      Files.createDirectories(out);
    } catch (java.io.IOException e) {
      throw new UserError("cannot create " + out + ": " + e.getMessage(), UserError.FAILURE);
    }
    String md = markdown(studies, designs, rows);
    Path mdFile = out.resolve(MD);
    AtomicFiles.writeString(mdFile, md);
    Path csv = out.resolve(CSV);
    writeCsv(csv, studies, designs, rows);
    Path html = CompareHtml.write(out, md, studies, rows);
    return new Written(mdFile, csv, html, studies.size(), rows.size());
  }

  static String markdown(List<Study> studies, List<Design> designs, List<Row> rows) {
    StringBuilder md = new StringBuilder();
    List<String> letters = studies.stream().map(Study::letter).toList();
    md.append("# Comparison of studies ").append(String.join(", ", letters)).append("\n\n");
    md.append("| study | folder | name | protocol hash | backends | precisions | runs |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Study s : studies) {
      long ok = s.runs().stream().filter(RunRecord::ok).count();
      md.append("| ")
          .append(s.letter())
          .append(" | `")
          .append(s.dir())
          .append("` | ")
          .append(s.config().name())
          .append(" | `")
          .append(s.hash(), 0, 16)
          .append("` | ")
          .append(counts(s, RunRecord::backend))
          .append(" | ")
          .append(counts(s, RunRecord::precision))
          .append(" | ")
          .append(s.runs().size())
          .append(" (")
          .append(ok)
          .append(" not diverged)")
          .append(s.curveRuns().isEmpty() ? ", no run folders" : "")
          .append(" |\n");
    }
    md.append("\n## Config keys that differ\n\n");
    Map<String, List<String>> keys = StudyCompare.differingKeys(studies);
    if (keys.isEmpty()) {
      md.append("None: every key of the resolved configs (study.yaml) is the same but `name`.\n");
    } else {
      md.append("| key | ").append(String.join(" | ", letters)).append(" |\n| --- |");
      md.append(" --- |".repeat(studies.size())).append('\n');
      keys.forEach(
          (k, v) ->
              md.append("| `")
                  .append(k)
                  .append("` | ")
                  .append(String.join(" | ", v.stream().map(CompareReport::cell).toList()))
                  .append(" |\n"));
    }
    md.append("\n## Design\n\n");
    for (Design d : designs) {
      md.append("- ").append(d.why()).append(".\n");
    }
    md.append(
        "\nEach study's cell is mean +- std over its seeds (population std, as report.md) with the"
            + " number of runs; diverged runs are left out. Each difference is the other study's"
            + " value minus A's with its 95% interval: the paired t interval of the mean"
            + " difference over the shared seeds, or Welch's t interval of the difference of the"
            + " means. The rows are A's data sets and depths that another study also has.\n");
    List<String> sets = new ArrayList<>();
    rows.forEach(r -> sets.add(r.dataset()));
    for (String set : sets.stream().distinct().toList()) {
      md.append("\n## ").append(set).append('\n');
      for (String[] m : StudyCompare.METRICS) {
        md.append("\n### ").append(m[1]).append(" (`").append(m[0]).append("`)\n\n");
        md.append("| depth | ").append(String.join(" | ", letters));
        for (Study s : studies.subList(1, studies.size())) {
          md.append(" | ").append(s.letter()).append(" - A [95% interval]");
        }
        md.append(" |\n| --- |").append(" --- |".repeat(2 * studies.size() - 1)).append('\n');
        for (Row q : rows) {
          if (q.dataset().equals(set) && q.metric().equals(m[0])) {
            tableRow(md, q);
          }
        }
      }
    }
    md.append("\n## Provenance\n\n");
    for (Study s : studies) {
      List<String> extra = recorded(s);
      md.append("- ")
          .append(s.letter())
          .append(": `")
          .append(s.dir().resolve(StudyLock.FILE))
          .append("`, protocol hash `")
          .append(s.hash())
          .append('`')
          .append(
              extra.isEmpty()
                  ? "; it records the resolved config and its hash, nothing more"
                  : "; it also records: " + String.join("; ", extra))
          .append(".\n");
    }
    return md.toString();
  }

  /**
   * The comment lines of a study's study.yaml beyond the standard header and its hash line (what a
   * writer recorded there besides the protocol: a command line, a source revision), as written.
   */
  private static List<String> recorded(Study s) {
    List<String> standard =
        s.yaml().isEmpty() ? List.of() : StudyLock.text(s.config()).lines().toList();
    List<String> out = new ArrayList<>();
    for (String line : s.yaml().lines().toList()) {
      if (line.startsWith("#") && !line.startsWith("# hash: ") && !standard.contains(line)) {
        out.add("`" + line.substring(1).strip().replace("`", "'") + "`");
      }
    }
    return out;
  }

  private static void tableRow(StringBuilder md, Row r) {
    md.append("| ").append(r.depth());
    for (Cell c : r.cells()) {
      md.append(" | ")
          .append(c.n() == 0 ? "-" : num(c.mean()) + " +- " + num(c.std()) + " (" + c.n() + ")");
    }
    for (int i = 0; i < r.diffs().size(); i++) {
      Diff d = r.diffs().get(i);
      Cell other = r.cells().get(i + 1);
      String n = d.pairs() >= 0 ? d.pairs() + " pairs" : r.cells().get(0).n() + " + " + other.n();
      md.append(" | ")
          .append(
              Double.isNaN(d.diff())
                  ? "-"
                  : signed(d.diff())
                      + " ["
                      + num(d.low())
                      + ", "
                      + num(d.high())
                      + "] ("
                      + n
                      + ")");
    }
    md.append(" |\n");
  }

  private static void writeCsv(
      Path csv, List<Study> studies, List<Design> designs, List<Row> rows) {
    CsvFiles.write(
        csv,
        HEADER,
        p -> {
          for (Row r : rows) {
            for (int i = 0; i < r.diffs().size(); i++) {
              Diff d = r.diffs().get(i);
              p.printRecord(
                  r.dataset(),
                  r.depth(),
                  r.metric(),
                  studies.get(i + 1).letter(),
                  studies.get(0).letter(),
                  designs.get(i).paired() ? "paired" : "welch",
                  r.cells().get(0).n(),
                  r.cells().get(i + 1).n(),
                  d.pairs() >= 0 ? Integer.toString(d.pairs()) : "",
                  CsvFiles.num(r.cells().get(0).mean()),
                  CsvFiles.num(r.cells().get(i + 1).mean()),
                  CsvFiles.num(d.diff()),
                  CsvFiles.num(d.low()),
                  CsvFiles.num(d.high()));
            }
          }
        });
  }

  private static String counts(Study s, java.util.function.Function<RunRecord, String> key) {
    Map<String, Integer> n = new TreeMap<>();
    for (RunRecord r : s.runs()) {
      n.merge(key.apply(r), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    n.forEach((k, c) -> parts.add(k + " (" + c + ")"));
    return String.join(", ", parts);
  }

  /** A value in a table cell: pipes escaped so a flow list cannot break the table. */
  private static String cell(String v) {
    return "`" + v.replace("|", "\\|") + "`";
  }

  /** Four significant digits. */
  static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "NaN";
  }

  private static String signed(double v) {
    return (v > 0 ? "+" : "") + num(v);
  }
}
