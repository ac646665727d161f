package dev.depthlab.report;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.Version;
import dev.depthlab.sweep.StudyLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The index of a multirun or phase grid folder: index.md and index.html at its root, a row per
 * variant (its values, its runs, links to its report.html and report.md), and for a phase grid
 * links to phase.csv and its heatmaps. Built from the folder's files, so {@code depthlab report
 * ROOT} rebuilds it.
 */
public final class StudyIndex {
  public static final String MD = "index.md";
  public static final String HTML = "index.html";

  /** A phase grid's files at the root, linked when present (written by package phase). */
  private static final List<String> PHASE_FILES =
      List.of("phase.csv", "phase_theory.csv", "phase-figures");

  private StudyIndex() {}

  /** Writes {@code root}'s index.md and index.html over its variants; returns index.html. */
  public static Path write(Path root) {
    List<Path> variants = StudyReport.studiesAt(root);
    List<List<String[]>> values = new ArrayList<>();
    Set<String> keys = new LinkedHashSet<>();
    String name = "";
    for (Path v : variants) {
      var cfg = StudyLock.read(v);
      name = cfg.name();
      List<String[]> kv = StudyTitle.variantValues(v, cfg);
      values.add(kv);
      kv.forEach(p -> keys.add(p[0]));
    }
    List<String> phase = phaseLinks(root);
    String title =
        (phase.isEmpty() ? "Multirun " : "Phase grid ")
            + name
            + ": "
            + variants.size()
            + " variants";
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    md.append("Each variant is a study folder of its own; its report is titled by its values.\n\n");
    md.append("| variant |");
    keys.forEach(k -> md.append(" `").append(k).append("` |"));
    md.append(" runs | report |\n| --- |").append(" --- |".repeat(keys.size() + 2)).append('\n');
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < variants.size(); i++) {
      String folder = variants.get(i).getFileName().toString();
      String runs = runs(variants.get(i));
      md.append("| `").append(folder).append("` |");
      rows.append("<tr><td><code>").append(ReportHtml.esc(folder)).append("</code></td>");
      for (String k : keys) {
        String val = value(values.get(i), k);
        md.append(' ').append(val).append(" |");
        rows.append("<td>").append(ReportHtml.esc(val)).append("</td>");
      }
      md.append(' ').append(runs).append(" | [report.md](").append(href(folder, "report.md"));
      md.append(") [report.html](").append(href(folder, "report.html")).append(") |\n");
      rows.append("<td>")
          .append(runs)
          .append("</td><td><a href=\"")
          .append(ReportHtml.esc(href(folder, "report.html")))
          .append("\">report.html</a> <a href=\"")
          .append(ReportHtml.esc(href(folder, "report.md")))
          .append("\">report.md</a></td></tr>\n");
    }
    if (!phase.isEmpty()) {
      md.append("\nPhase diagram:");
      phase.forEach(p -> md.append(" [").append(p).append("](").append(href(p)).append(')'));
      md.append('\n');
    }
    AtomicFiles.writeString(root.resolve(MD), md.toString());
    Path html = root.resolve(HTML);
    AtomicFiles.writeString(html, html(title, keys, rows.toString(), phase));
    return html;
  }

  private static String html(String title, Set<String> keys, String rows, List<String> phase) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(ReportHtml.CSP)
        .append("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>depthlab: ")
        .append(ReportHtml.esc(title))
        .append("</title>\n<style>\n")
        .append(ReportHtml.CSS)
        .append("</style>\n</head>\n<body>\n<main>\n<h1>")
        .append(ReportHtml.esc(title))
        .append("</h1>\n<p>Each variant is a study folder of its own; its report is titled by its")
        .append(" values.</p>\n<table>\n<thead><tr><th>variant</th>");
    keys.forEach(k -> h.append("<th><code>").append(ReportHtml.esc(k)).append("</code></th>"));
    h.append("<th>runs</th><th>report</th></tr></thead>\n<tbody>\n")
        .append(rows)
        .append("</tbody>\n</table>\n");
    if (!phase.isEmpty()) {
      h.append("<p>Phase diagram:");
      for (String p : phase) {
        h.append(" <a href=\"")
            .append(ReportHtml.esc(href(p)))
            .append("\">")
            .append(ReportHtml.esc(p))
            .append("</a>");
      }
      h.append("</p>\n");
    }
    h.append("</main>\n<footer><p>Written by depthlab ")
        .append(ReportHtml.esc(Version.STRING))
        .append(" (<code>depthlab report ROOT</code> rebuilds it).</p></footer>\n")
        .append("</body>\n</html>\n");
    return h.toString();
  }

  /** The phase grid's files present at the root, its heatmaps one by one (PNG). */
  private static List<String> phaseLinks(Path root) {
    List<String> out = new ArrayList<>();
    for (String f : PHASE_FILES) {
      Path p = root.resolve(f);
      if (Files.isRegularFile(p)) {
        out.add(f);
      } else if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.map(q -> f + "/" + q.getFileName())
              .filter(n -> n.endsWith(".png"))
              .sorted()
              .forEach(out::add);
        } catch (IOException e) {
          // an unreadable folder is left unlinked; the index still lists the variants
        }
      }
    }
    return out;
  }

  /** The runs the variant's summary.csv lists (its report's), or why there are none. */
  private static String runs(Path variant) {
    Path summary = variant.resolve(StudyReport.SUMMARY_CSV);
    if (!Files.isRegularFile(summary)) {
      return "no report yet";
    }
    try (Stream<String> lines = Files.lines(summary)) {
      return Long.toString(lines.skip(1).filter(l -> !l.isBlank()).count());
    } catch (IOException e) {
      return "unreadable";
    }
  }

  private static String value(List<String[]> kv, String key) {
    for (String[] p : kv) {
      if (p[0].equals(key)) {
        return p[1];
      }
    }
    return "";
  }

  /** A relative link; ',' and '=' may stand in a path, spaces and '%' may not. */
  private static String href(String... parts) {
    return String.join("/", parts).replace("%", "%25").replace(" ", "%20");
  }
}
