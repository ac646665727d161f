package dev.depthlab.report;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.common.Version;
import dev.depthlab.plot.Figure;
import dev.depthlab.sweep.StudyLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Writes a study folder's report.html: one self-contained page (no network) with every table of
 * report.md, every figure embedded as a PNG data URI with its caption, interactive charts of the
 * runs' numbers ({@link InteractiveCharts}), the study config and the runs' provenance. Built from
 * the folder's files alone, like report.md.
 */
public final class ReportHtml {
  public static final String FILE = "report.html";

  /** Where a study's figures lie, as {@code <name>.png} and {@code <name>.svg}. */
  public static final String FIGURES_DIR = "figures";

  // A maintained CommonMark parser with the GFM table extension rather than a home-made one:
  // report.md's tables, code spans and escapes then render as any markdown viewer shows them, and
  // a new construct in report.md needs no parser change here.
  private static final List<Extension> MARKDOWN = List.of(TablesExtension.create());

  /**
   * The page forbids every fetch but inline styles, data: images and the one inline script whose
   * hash it names, so a browser proves it needs no network: anything else is blocked and reported
   * (the browser test listens for that).
   */
  static final String CSP =
      "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src "
          + InteractiveCharts.scriptHash();

  static final String CSS =
      """
      body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
        max-width:75rem;margin:0 auto;padding:1rem;color:#222;background:#fff}
      h1{font-size:1.6rem;margin:.5rem 0}
      h2{font-size:1.3rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
      h3{font-size:1.05rem;margin-top:1.5rem}
      nav{font-size:.95rem;display:flex;flex-wrap:wrap}nav a{margin-right:1rem}
      table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto;
        margin:.5rem 0 1rem;font-variant-numeric:tabular-nums}
      th,td{border:1px solid #ddd;padding:.25rem .55rem;white-space:nowrap}
      th{background:#f3f3f3}tbody tr:nth-child(even){background:#fafafa}
      figure{margin:1.5rem 0}img{display:block;max-width:100%;height:auto}
      figcaption{font-size:.93rem;color:#444;margin-top:.4rem}
      pre{overflow-x:auto;background:#f6f6f6;padding:.75rem;font-size:.85rem}
      code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
      dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
      dd{margin:0;overflow-wrap:anywhere}
      @media (max-width:40rem){body{padding:.6rem;font-size:15px}dl{grid-template-columns:1fr}
        dd{margin-bottom:.4rem}}
      """
          + InteractiveCharts.STYLE;

  private ReportHtml() {}

  /**
   * Writes {@code studyDir/report.html} from its report.md and study.yaml, the run.json of each of
   * {@code runDirs} (the runs report.md counts) and {@code figures} (their PNGs under {@code
   * figures/}); returns its path.
   */
  public static Path write(Path studyDir, String hash, List<Path> runDirs, List<Figure> figures) {
    List<RunRecord> runs = new ArrayList<>();
    for (Path d : runDirs) {
      runs.add(RunReader.read(d));
    }
    return write(studyDir, hash, runDirs, figures, runs);
  }

  /** As {@link #write(Path, String, List, List)} with the runs already read ({@code runs}). */
  static Path write(
      Path studyDir, String hash, List<Path> runDirs, List<Figure> figures, List<RunRecord> runs) {
    String md = read(studyDir.resolve(StudyReport.REPORT_MD));
    String yaml = read(studyDir.resolve(StudyLock.FILE));
    ReportHtmlProvenance prov = ReportHtmlProvenance.read(runDirs);
    Path target = studyDir.resolve(FILE);
    AtomicFiles.writeString(target, page(studyDir, md, yaml, hash, prov, figures, runs));
    return target;
  }

  /**
   * Rewrites the lead (findings and the four figures it shows) and the tables section of {@code
   * studyDir}'s report.html from its report.md, and puts {@code statsFigures} (already drawn under
   * {@code figures/}) into the figures section in place of the old ones of their kinds, leaving the
   * other figures, provenance and config sections as they are (for folders without run folders);
   * the interactive charts are drawn again from {@code runs} (read from summary.csv), with the
   * page's CSP and style sheet of this version.
   */
  static void rewriteTables(Path studyDir, List<Figure> statsFigures, List<RunRecord> runs) {
    Path target = studyDir.resolve(FILE);
    String html = read(target);
    String open = "<main>\n";
    String close = "<section id=\"figures\">\n<h2>Figures</h2>\n";
    int a = html.indexOf(open);
    int b = html.indexOf(close);
    if (a < 0 || b < a) {
      throw new UserError(target + " has no tables section to rewrite");
    }
    Path dir = studyDir.resolve(FIGURES_DIR);
    String md = read(studyDir.resolve(StudyReport.REPORT_MD));
    StringBuilder lead = new StringBuilder();
    lead(lead, md, dir, StatsFigures.lead(statsFigures));
    String rest = html.substring(b + close.length());
    for (String kind : StatsFigures.KINDS) {
      rest = rest.replaceAll("(?s)<figure id=\"fig-" + kind + "-[^\"]*\">.*?</figure>\n", "");
    }
    // the kept figures' captions, from an earlier version, with the plus-minus sign too
    java.util.regex.Matcher cap =
        java.util.regex.Pattern.compile("(?s)<figcaption>.*?</figcaption>").matcher(rest);
    StringBuilder kept = new StringBuilder();
    while (cap.find()) {
      cap.appendReplacement(
          kept, java.util.regex.Matcher.quoteReplacement(cap.group().replace("+-", "\u00b1")));
    }
    cap.appendTail(kept);
    rest =
        kept.toString()
            .replaceAll("(?s)<section id=\"" + InteractiveCharts.ID + "\">.*?</section>\n", "");
    String prov = "<section id=\"provenance\">";
    int p = rest.indexOf(prov);
    if (p < 0) {
      throw new UserError(target + " has no provenance section to put the charts before");
    }
    rest = rest.substring(0, p) + InteractiveCharts.section(runs) + rest.substring(p);
    StringBuilder figs = new StringBuilder();
    figureList(figs, dir, statsFigures, "fig-", StatsFigures.lead(statsFigures));
    String head =
        html.substring(0, a)
            .replaceFirst("<nav>.*?</nav>", java.util.regex.Matcher.quoteReplacement(NAV))
            .replaceFirst(
                "Content-Security-Policy\" content=\"[^\"]*\"",
                java.util.regex.Matcher.quoteReplacement(
                    "Content-Security-Policy\" content=\"" + CSP + "\""))
            .replaceFirst(
                "(?s)<style>\n.*?</style>",
                java.util.regex.Matcher.quoteReplacement("<style>\n" + CSS + "</style>"));
    AtomicFiles.writeString(target, head + open + lead + close + figs + rest);
  }

  private static final String NAV =
      "<nav><a href=\"#findings\">Findings</a><a href=\"#tables\">Tables</a>"
          + "<a href=\"#figures\">Figures</a><a href=\"#curves\">Charts</a>"
          + "<a href=\"#provenance\">Provenance</a>"
          + "<a href=\"#config\">Config</a></nav>";

  /**
   * The page's lead: report.md up to its findings (title, protocol, runs), the findings and the
   * four most telling figures, then every table and the observations folded in a details element.
   */
  private static void lead(StringBuilder h, String md, Path figDir, List<Figure> leadFigures) {
    int f0 = md.indexOf("\n" + Findings.TITLE + "\n");
    String head = f0 < 0 ? "" : md.substring(0, f0 + 1);
    String findings = "";
    String rest = md;
    if (f0 >= 0) {
      int f1 = md.indexOf("\n## ", f0 + 1);
      findings = md.substring(f0 + 1, f1 < 0 ? md.length() : f1 + 1);
      rest = f1 < 0 ? "" : md.substring(f1 + 1);
    }
    h.append("<section id=\"findings\">\n").append(render(head)).append(render(findings));
    figureList(h, figDir, leadFigures, "lead-", List.of());
    h.append("</section>\n<section id=\"tables\">\n<h2>Tables and observations</h2>\n")
        .append("<details>\n<summary>Every table of report.md, per data set, with its")
        .append(" observations</summary>\n")
        .append(render(rest))
        .append("</details>\n</section>\n");
  }

  /** Markdown as HTML; raw HTML in it is escaped, not passed through; +- as the plus-minus sign. */
  static String render(String md) {
    Node doc = Parser.builder().extensions(MARKDOWN).build().parse(md);
    return HtmlRenderer.builder()
        .extensions(MARKDOWN)
        .escapeHtml(true)
        .build()
        .render(doc)
        .replace(" +- ", " \u00b1 ");
  }

  static String page(
      Path studyDir,
      String md,
      String yaml,
      String hash,
      ReportHtmlProvenance prov,
      List<Figure> figures,
      List<RunRecord> runs) {
    Node doc = Parser.builder().extensions(MARKDOWN).build().parse(md);
    String title = firstHeading(doc, studyDir.getFileName().toString());
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(CSP)
        .append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>depthlab: ")
        .append(esc(title))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n")
        .append(NAV)
        .append("\n<main>\n");
    lead(h, md, studyDir.resolve(FIGURES_DIR), StatsFigures.lead(figures));
    figures(h, studyDir.resolve(FIGURES_DIR), figures);
    h.append(InteractiveCharts.section(runs));
    provenance(h, hash, prov);
    h.append("<section id=\"config\">\n<h2>Study config (study.yaml)</h2>\n<pre><code>")
        .append(esc(yaml))
        .append("</code></pre>\n</section>\n</main>\n")
        .append("<footer><p>Written by depthlab ")
        .append(esc(Version.STRING))
        .append(" from this folder's files (<code>depthlab report DIR</code> rebuilds it).")
        .append("</p></footer>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void figures(StringBuilder h, Path dir, List<Figure> figures) {
    h.append("<section id=\"figures\">\n<h2>Figures</h2>\n");
    if (figures.isEmpty()) {
      h.append("<p>No figures were drawn for this study.</p>\n");
    }
    figureList(h, dir, figures, "fig-", StatsFigures.lead(figures));
    h.append("</section>\n");
  }

  /**
   * Each figure embedded with its caption; {@code id}: the prefix of its element id. A figure of
   * {@code shownAbove} (the lead's) is embedded once only: here it is its caption and a link up.
   */
  private static void figureList(
      StringBuilder h, Path dir, List<Figure> figures, String id, List<Figure> shownAbove) {
    for (Figure f : figures) {
      if (shownAbove.contains(f)) {
        h.append("<figure id=\"")
            .append(id)
            .append(f.name())
            .append("\">\n<figcaption><strong>")
            .append(esc(f.title()))
            .append(".</strong> <a href=\"#lead-")
            .append(f.name())
            .append("\">Shown under Findings.</a></figcaption>\n</figure>\n");
        continue;
      }
      Path png = dir.resolve(f.name() + ".png");
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(png);
      } catch (IOException e) {
        // the list names figures already written: a missing file is a bug, not a blank picture
        throw new UserError(
            "figure " + f.name() + " is missing: cannot read " + png, UserError.FAILURE);
      }
      h.append("<figure id=\"")
          .append(id)
          .append(f.name())
          .append("\">\n<img src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(bytes))
          .append("\" alt=\"")
          .append(esc(f.title()))
          .append("\">\n<figcaption><strong>")
          .append(esc(f.title()))
          .append(".</strong> ")
          .append(esc(f.caption().replace("+-", "\u00b1")))
          .append(" <a href=\"")
          .append(FIGURES_DIR)
          .append('/')
          .append(f.name())
          .append(".svg\">SVG</a></figcaption>\n</figure>\n");
    }
  }

  private static void provenance(StringBuilder h, String hash, ReportHtmlProvenance prov) {
    List<ReportHtmlProvenance.Run> runs = prov.runs();
    List<Double> walls = new ArrayList<>();
    double total = 0;
    for (ReportHtmlProvenance.Run r : runs) {
      if (Double.isFinite(r.wallSeconds())) {
        walls.add(r.wallSeconds());
        total += r.wallSeconds();
      }
    }
    walls.sort(null);
    h.append("<section id=\"provenance\">\n<h2>Provenance</h2>\n<dl>\n");
    item(h, "protocol hash", "<code>" + esc(hash) + "</code>");
    item(h, "runs", String.valueOf(runs.size()));
    item(h, "backends", counts(runs, ReportHtmlProvenance.Run::backend));
    item(h, "precisions", counts(runs, ReportHtmlProvenance.Run::precision));
    item(h, "devices", counts(runs, ReportHtmlProvenance.Run::device));
    item(h, "depthlab versions", counts(runs, ReportHtmlProvenance.Run::depthlabVersion));
    item(h, "Java versions", counts(runs, ReportHtmlProvenance.Run::javaVersion));
    if (walls.isEmpty()) {
      item(h, "wall time", "not recorded");
    } else {
      // CUDA runs of one group each record the group's time, so there the sum overcounts
      item(h, "wall time, sum over runs", seconds(total));
      item(
          h,
          "wall time per run",
          "min "
              + seconds(walls.get(0))
              + ", median "
              + seconds(walls.get(walls.size() / 2))
              + ", max "
              + seconds(walls.get(walls.size() - 1)));
    }
    h.append("</dl>\n");
    if (!runs.isEmpty()) {
      h.append("<details>\n<summary>Every run (from its run.json)</summary>\n<table>\n<thead><tr>")
          .append("<th>dataset</th><th>depth</th><th>seed</th><th>status</th><th>epochs</th>")
          .append("<th>backend</th><th>precision</th><th>device</th><th>wall s</th>")
          .append("</tr></thead>\n<tbody>\n");
      for (ReportHtmlProvenance.Run r : runs) {
        h.append("<tr><td>")
            .append(esc(r.dataset()))
            .append("</td><td>")
            .append(r.depth())
            .append("</td><td>")
            .append(r.seed())
            .append("</td><td>")
            .append(esc(r.status()))
            .append("</td><td>")
            .append(r.epochs())
            .append("</td><td>")
            .append(esc(r.backend()))
            .append("</td><td>")
            .append(esc(r.precision()))
            .append("</td><td>")
            .append(esc(r.device()))
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%.3f", r.wallSeconds()))
            .append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n</details>\n");
    }
    h.append("</section>\n");
  }

  private static void item(StringBuilder h, String term, String html) {
    h.append("<dt>").append(esc(term)).append("</dt><dd>").append(html).append("</dd>\n");
  }

  /** "cpu (12 runs), cuda (6 runs)": each distinct value with its count, escaped. */
  private static String counts(
      List<ReportHtmlProvenance.Run> runs, Function<ReportHtmlProvenance.Run, String> key) {
    Map<String, Integer> n = new TreeMap<>();
    for (ReportHtmlProvenance.Run r : runs) {
      String k = key.apply(r);
      n.merge(k.isEmpty() ? "not recorded" : k, 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    n.forEach((k, c) -> parts.add(esc(k) + " (" + c + (c == 1 ? " run)" : " runs)")));
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  private static String seconds(double s) {
    return s < 120
        ? String.format(Locale.ROOT, "%.3f s", s)
        : String.format(Locale.ROOT, "%.1f min (%.0f s)", s / 60, s);
  }

  private static String firstHeading(Node doc, String fallback) {
    for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
      if (n instanceof Heading hd && hd.getLevel() == 1 && hd.getFirstChild() instanceof Text t) {
        return t.getLiteral();
      }
    }
    return fallback;
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }
}
