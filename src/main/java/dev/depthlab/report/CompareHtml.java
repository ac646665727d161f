package dev.depthlab.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.Version;
import dev.depthlab.report.StudyCompare.Row;
import dev.depthlab.report.StudyCompare.Study;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * compare.html: compare.md rendered, interactive charts of the studies side by side (the same uPlot
 * script as report.html, {@link InteractiveCharts}: per data set and depth, the mean batch loss and
 * gradient norm per epoch as one line per study, and each headline value per run, one line per seed
 * across the studies) and each study's study.yaml as recorded. One self-contained file under
 * report.html's Content-Security-Policy.
 */
final class CompareHtml {
  static final String FILE = "compare.html";

  private CompareHtml() {}

  static Path write(Path out, String md, List<Study> studies, List<Row> rows) {
    StringBuilder h = new StringBuilder(1 << 17);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(ReportHtml.CSP)
        .append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>depthlab: comparison of ")
        .append(studies.size())
        .append(" studies</title>\n<style>\n")
        .append(ReportHtml.CSS)
        .append("</style>\n</head>\n<body>\n<main>\n")
        .append(ReportHtml.render(md));
    boolean curves = studies.stream().anyMatch(s -> !s.curveRuns().isEmpty());
    String intro =
        "Drawn in this page from the studies' own numbers (no network). A line named \"depth 2"
            + " \u00b7 B\" is study B at depth 2. Hover for values, drag to zoom, double-click to"
            + " zoom out, click a legend entry to hide or show its line. "
            + (curves
                ? "Per-epoch curves (mean over seeds or one seed, smoothing, log scale) where a"
                    + " study keeps its run folders; "
                : "No study keeps its run folders, so no per-epoch curves; ")
            + "below them each headline value per run, a line per seed across the studies (a"
            + " seed shared by two studies joins its two values) and the mean in black.";
    h.append(InteractiveCharts.section(intro, json(studies, rows)));
    h.append("<section id=\"provenance\">\n<h2>Each study.yaml as recorded</h2>\n");
    for (Study s : studies) {
      h.append("<details>\n<summary>")
          .append(s.letter())
          .append(": <code>")
          .append(ReportHtml.esc(s.dir().toString()))
          .append("</code></summary>\n<pre><code>")
          .append(ReportHtml.esc(s.yaml()))
          .append("</code></pre>\n</details>\n");
    }
    h.append("</section>\n</main>\n<footer><p>Written by depthlab ")
        .append(ReportHtml.esc(Version.STRING))
        .append(" (<code>depthlab compare</code>) from the studies' files.</p></footer>\n")
        .append("</body>\n</html>\n");
    Path target = out.resolve(FILE);
    AtomicFiles.writeString(target, h.toString());
    return target;
  }

  /**
   * The charts' data in {@link InteractiveCharts#json}'s shape, one "set" per data set and depth of
   * the rows, whose lines ("depths") are the studies that ran it.
   */
  static String json(List<Study> studies, List<Row> rows) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (Row r : rows) {
      List<Integer> d = groups.computeIfAbsent(r.dataset(), k -> new ArrayList<>());
      if (!d.contains(r.depth())) {
        d.add(r.depth());
      }
    }
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeArrayFieldStart("finalMetrics");
      for (String[] m : StudyCompare.METRICS) {
        g.writeStartObject();
        g.writeStringField("key", m[0]);
        g.writeStringField("label", m[1]);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("sets");
      for (var e : groups.entrySet()) {
        for (int depth : e.getValue()) {
          writeSet(g, studies, e.getKey(), depth);
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException(e); // a StringWriter does not fail
    }
    return w.toString();
  }

  private static void writeSet(JsonGenerator g, List<Study> studies, String set, int depth)
      throws IOException {
    List<Study> lines = new ArrayList<>();
    TreeSet<Long> seedSet = new TreeSet<>();
    for (Study s : studies) {
      Map<Long, Double> v = StudyCompare.values(s, set, depth, "test_acc");
      if (!v.isEmpty()) {
        lines.add(s);
        seedSet.addAll(v.keySet());
      }
    }
    List<Long> seeds = new ArrayList<>(seedSet);
    g.writeStartObject();
    g.writeStringField("name", set + ", depth " + depth);
    g.writeArrayFieldStart("depths");
    for (Study s : lines) {
      g.writeString(depth + " \u00b7 " + s.letter());
    }
    g.writeEndArray();
    g.writeArrayFieldStart("seeds");
    for (long s : seeds) {
      g.writeNumber(s);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("final");
    for (String[] m : StudyCompare.METRICS) {
      g.writeArrayFieldStart(m[0]);
      for (Study s : lines) {
        Map<Long, Double> v = StudyCompare.values(s, set, depth, m[0]);
        g.writeStartArray();
        for (long seed : seeds) {
          InteractiveCharts.number(g, v.getOrDefault(seed, Double.NaN));
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    // per line and seed, the run's curves (absent: no run folder, or a diverged run)
    RunRecord[][] at = new RunRecord[lines.size()][seeds.size()];
    int epochs = 0;
    for (int i = 0; i < lines.size(); i++) {
      for (RunRecord r : lines.get(i).curveRuns()) {
        if (r.ok() && r.dataset().equals(set) && r.depth() == depth && seedSet.contains(r.seed())) {
          at[i][seeds.indexOf(r.seed())] = r;
          epochs = Math.max(epochs, r.curves().batchLoss().length);
        }
      }
    }
    if (epochs == 0) {
      g.writeNullField("curves");
      g.writeEndObject();
      return;
    }
    g.writeObjectFieldStart("curves");
    g.writeNumberField("epochs", epochs);
    g.writeArrayFieldStart("metrics");
    for (String[] m : new String[][] {{"loss", "mean batch loss"}, {"grad", "gradient norm"}}) {
      g.writeStartObject();
      g.writeStringField("key", m[0]);
      g.writeStringField("label", m[1]);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("values");
    for (String key : List.of("loss", "grad")) {
      g.writeArrayFieldStart(key);
      for (RunRecord[] row : at) {
        g.writeStartArray();
        for (RunRecord r : row) {
          double[] ys =
              r == null
                  ? new double[0]
                  : key.equals("loss") ? r.curves().batchLoss() : r.epochGradNorm();
          g.writeStartArray();
          for (int e = 0; e < epochs; e++) {
            InteractiveCharts.number(g, e < ys.length ? ys[e] : Double.NaN);
          }
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }
}
