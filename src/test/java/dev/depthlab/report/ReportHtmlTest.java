package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.UserError;
import dev.depthlab.common.Version;
import dev.depthlab.plot.Figure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content of report.html, read back as text: tables, figures, config, provenance, no network.
 */
class ReportHtmlTest {
  @TempDir static Path tmp;
  static ReportHtmlFixture.Study study;
  static String html;

  @BeforeAll
  static void build() throws IOException {
    study = ReportHtmlFixture.make(tmp);
    html = Files.readString(study.writeHtml());
  }

  @Test
  void theSweepWritesThePageAndSaysWhere() {
    assertTrue(study.sweepOut().contains("page: " + study.html()), study.sweepOut());
  }

  @Test
  void everyTableRowOfReportMdAppearsAsARow() throws IOException {
    List<ReportNumbersTest.Table> tables =
        ReportNumbersTest.tables(Files.readString(study.dir().resolve(StudyReport.REPORT_MD)));
    String section = between(html, "<section id=\"tables\">", "</section>");
    Set<List<String>> rows = new HashSet<>();
    Matcher tr = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(section);
    while (tr.find()) {
      rows.add(cells(tr.group(1)));
    }
    int mdRows = 0;
    for (ReportNumbersTest.Table t : tables) {
      assertTrue(rows.contains(t.header()), t.title() + ": header " + t.header());
      for (List<String> mdRow : t.rows()) {
        mdRows++;
        // the page writes report.md's "+-" as the plus-minus sign
        List<String> row = mdRow.stream().map(c -> c.replace(" +- ", " \u00b1 ")).toList();
        assertTrue(rows.contains(row), t.dataset() + " / " + t.title() + ": row " + row);
      }
    }
    assertFalse(section.contains("+-"), "no +- left on the page's tables");
    assertTrue(mdRows >= 16, "report.md should have its per-depth rows, found " + mdRows);
    assertEquals(tables.size(), count(section, "<table>"), "one HTML table per markdown table");
  }

  @Test
  void hashConfigAndVersionAreOnThePage() throws IOException {
    String yaml = Files.readString(study.dir().resolve("study.yaml"));
    String config = between(html, "<section id=\"config\">", "</section>");
    assertAll(
        () -> assertEquals(64, study.hash().length()),
        () -> assertTrue(between(html, "id=\"provenance\"", "</dl>").contains(study.hash())),
        () -> assertTrue(config.contains("<pre><code>" + ReportHtml.esc(yaml) + "</code></pre>")),
        () -> assertTrue(html.contains("depthlab " + Version.STRING)));
  }

  @Test
  void provenanceIsReadFromTheRuns() throws IOException {
    List<CSVRecord> summary = ReportNumbersTest.csv(study.dir().resolve(StudyReport.SUMMARY_CSV));
    double wall = 0;
    for (CSVRecord r : summary) {
      wall += Double.parseDouble(r.get("wall_s"));
    }
    String dl = between(html, "id=\"provenance\"", "</dl>");
    String device = Files.readString(study.runDirs().get(0).resolve("run.json"));
    device = device.replaceAll("(?s).*\"device\" : \"([^\"]*)\".*", "$1");
    String wallText = String.format(Locale.ROOT, "%.3f s", wall);
    String finalDevice = device;
    assertAll(
        () -> assertEquals(8, summary.size()),
        () -> assertTrue(dl.contains("cpu (8 runs)"), dl),
        () -> assertTrue(dl.contains("fp64 (8 runs)"), dl),
        () -> assertTrue(dl.contains(ReportHtml.esc(finalDevice) + " (8 runs)"), dl),
        () -> assertTrue(dl.contains(Version.STRING + " (8 runs)"), dl),
        () ->
            assertTrue(dl.contains(wallText), "sum of summary.csv wall_s " + wallText + ": " + dl),
        () ->
            assertEquals(
                8,
                count(
                    between(
                        between(html, "id=\"provenance\"", "</section>"),
                        "<details>",
                        "</details>"),
                    "<tr><td>")));
  }

  @Test
  void everyFigureIsEmbeddedWithItsTitleAndCaption() throws IOException {
    List<Figure> lead = StatsFigures.lead(study.figures());
    for (Figure f : study.figures()) {
      // a lead figure is embedded once, under Findings; the figures section links to it
      String prefix = lead.contains(f) ? "lead-" : "fig-";
      String fig = between(html, "<figure id=\"" + prefix + f.name() + "\">", "</figure>");
      Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(fig);
      assertTrue(m.find(), f.name() + " has no PNG data URI");
      byte[] png = Files.readAllBytes(study.dir().resolve("figures/" + f.name() + ".png"));
      assertArrayEquals(png, Base64.getDecoder().decode(m.group(1)), f.name() + " bytes");
      assertTrue(fig.contains("alt=\"" + ReportHtml.esc(f.title()) + "\""), fig);
      assertTrue(fig.contains(ReportHtml.esc(f.caption())), fig);
    }
    assertTrue(html.contains("alt=\"Loss &lt;per&gt; epoch\""), "titles are escaped");
    for (Figure f : lead) {
      String link = between(html, "<figure id=\"fig-" + f.name() + "\">", "</figure>");
      assertFalse(link.contains("<img"), f.name() + " is embedded twice: " + link);
      assertTrue(link.contains("href=\"#lead-" + f.name() + "\""), link);
    }
  }

  @Test
  void theLeadFiguresAreTheFourMostTelling() {
    List<Figure> all = new ArrayList<>();
    for (String set : List.of("circle", "nested_rings")) {
      for (String kind : StatsFigures.KINDS) {
        for (String m : List.of("test-acc", "train-loss", "grad-norm-mean")) {
          all.add(new Figure(kind + "-" + m + "-" + set, "t", "c"));
        }
      }
    }
    assertEquals(
        List.of(
            "interval-test-acc-circle",
            "interval-test-acc-nested_rings",
            "paired-grad-norm-mean-circle",
            "paired-grad-norm-mean-nested_rings"),
        StatsFigures.lead(all).stream().map(Figure::name).toList());
  }

  @Test
  void thePageLeadsWithTheFindingsAndFoldsTheTables() {
    String findings = between(html, "<section id=\"findings\">", "</section>");
    String tables = between(html, "<section id=\"tables\">", "</section>");
    assertAll(
        () -> assertTrue(html.indexOf("id=\"findings\"") < html.indexOf("id=\"tables\"")),
        () -> assertTrue(findings.contains("<h2>Findings</h2>"), findings),
        () ->
            assertTrue(
                findings.contains("<strong>differs")
                    || findings.contains("<strong>equivalent")
                    || findings.contains("<strong>inconclusive"),
                findings),
        () ->
            assertEquals(
                StatsFigures.lead(study.figures()).size(),
                count(findings, "<figure id=\"lead-"),
                "lead figures"),
        () -> assertTrue(tables.contains("<details>"), "tables folded"),
        () -> assertTrue(tables.contains("<th>verdict</th>"), "the verdict column"));
  }

  @Test
  void nothingIsFetchedFromOutsideThePage() throws Exception {
    // the one script (uPlot and charts.js, read from the jar) and the charts' data, checked
    // apart: the script runs only because the CSP names its hash, computed here again
    String script = "<script>" + InteractiveCharts.SCRIPT + "</script>";
    assertEquals(1, html.split(Pattern.quote(script), -1).length - 1, "the charts' script");
    String sha =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(InteractiveCharts.SCRIPT.getBytes(StandardCharsets.UTF_8)));
    assertTrue(ReportHtml.CSP.endsWith("script-src 'sha256-" + sha + "'"), ReportHtml.CSP);
    String html =
        ReportHtmlTest.html
            .replace(script, "")
            .replaceFirst("(?s)<script type=\"application/json\" id=\"dl-data\">.*?</script>", "");
    List<String> refs = new ArrayList<>();
    Matcher m = Pattern.compile("(src|href)=\"([^\"]*)\"").matcher(html);
    while (m.find()) {
      refs.add(m.group(2));
    }
    assertFalse(refs.isEmpty());
    for (String ref : refs) {
      assertTrue(
          ref.startsWith("data:image/png;base64,")
              || ref.startsWith("#")
              || ref.matches("figures/[a-z0-9_-]+\\.svg"),
          "a reference out of the page: " + ref);
    }
    assertAll(
        () -> assertFalse(html.contains("http://"), "http:// on the page"),
        () -> assertFalse(html.contains("https://"), "https:// on the page"),
        () -> assertFalse(html.contains("<script"), "a script on the page"),
        () -> assertFalse(html.contains("<link"), "a linked resource on the page"),
        () -> assertFalse(html.contains("url("), "a CSS url() on the page"),
        () -> assertTrue(html.contains("content=\"" + ReportHtml.CSP + "\"")));
  }

  @Test
  void aListedFigureWithoutItsFileIsAFailure() {
    List<Figure> figs = List.of(new Figure("absent", "Absent", "Never drawn."));
    UserError e =
        assertThrows(
            UserError.class,
            () -> ReportHtml.write(study.dir(), study.hash(), study.runDirs(), figs));
    assertEquals(UserError.FAILURE, e.exitCode());
    assertTrue(e.getMessage().contains("absent"), e.getMessage());
  }

  static String between(String s, String from, String to) {
    int a = s.indexOf(from);
    assertTrue(a >= 0, "missing " + from);
    int b = s.indexOf(to, a + from.length());
    assertTrue(b >= 0, "missing " + to + " after " + from);
    return s.substring(a, b);
  }

  private static List<String> cells(String tr) {
    List<String> out = new ArrayList<>();
    Matcher c = Pattern.compile("<t[dh][^>]*>(.*?)</t[dh]>", Pattern.DOTALL).matcher(tr);
    while (c.find()) {
      out.add(
          c.group(1)
              .replace("&lt;", "<")
              .replace("&gt;", ">")
              .replace("&quot;", "\"")
              .replace("&amp;", "&")
              .strip());
    }
    return out;
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
