package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthlab report --from-summary}: from summary.csv alone it rebuilds the statistics and
 * observations exactly as a full rebuild from the run folders writes them, and a full rebuild of a
 * folder without run folders refuses rather than emptying its summary.
 */
class RefreshFromSummaryTest {
  @TempDir Path tmp;

  private static final Pattern DATA =
      Pattern.compile("<script type=\"application/json\" id=\"dl-data\">(.*?)</script>");

  private static String withoutCharts(String html) {
    return html.replaceAll("(?s)<section id=\"curves\">.*?</section>\n", "");
  }

  private static JsonNode chartData(String html) throws IOException {
    Matcher m = DATA.matcher(html);
    assertTrue(m.find(), "no chart data on the page");
    return new ObjectMapper().readTree(m.group(1).replace("<\\/", "</"));
  }

  @Test
  void summaryAloneGivesTheSameReport() throws IOException {
    StudyConfig cfg = FakeStudy.config(List.of("circle", "moons"), List.of(1, 2, 4), 4, 12);
    FakeStudy.lock(tmp, cfg);
    for (String set : List.of("circle", "moons")) {
      for (int d : List.of(1, 2, 4)) {
        for (int s = 0; s < 4; s++) {
          FakeStudy.run(tmp, set, d, s, 12, d == 4 && s == 3 ? "diverged" : "ok");
        }
      }
    }
    StudyReport.write(tmp);
    String full = Files.readString(tmp.resolve("report.md"));
    String pairs = Files.readString(tmp.resolve(StatsCsv.PAIRS_CSV));
    String html = Files.readString(tmp.resolve("report.html"));
    assertTrue(full.contains("### Statistics over seeds"), full);
    try (Stream<Path> w = Files.walk(tmp.resolve("runs"))) {
      w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    String summary = Files.readString(tmp.resolve("summary.csv"));

    UserError e = assertThrows(UserError.class, () -> StudyReport.write(tmp));
    assertTrue(e.getMessage().contains("--from-summary"), e.getMessage());
    assertEquals(summary, Files.readString(tmp.resolve("summary.csv")));

    // an earlier version's report.md: no findings, no seed-count sentence, no statistics
    // sections, other observations
    String reach = ReportMarkdown.reach(cfg);
    assertTrue(!reach.isEmpty() && full.contains(reach + "\n\n"), "4 seeds: too few " + full);
    String old =
        full.replace(ReportMarkdown.SUMMARY_NOTE, ReportMarkdown.SUMMARY_NOTE_OLD)
            .replace(reach + "\n\n", "")
            .replaceAll("(?s)\n## Findings\n.*?(?=\n## )", "")
            .replaceAll(
                "(?s)\n### Statistics over seeds\n.*?\n### Observations\n\n[^\n]*\n",
                "\n### Observations\n\nold words\n");
    assertTrue(
        old.contains("old words")
            && !old.contains("Statistics over seeds")
            && !old.contains("## Findings"),
        old);
    Files.writeString(tmp.resolve("report.md"), old);
    Files.delete(tmp.resolve(StatsCsv.PAIRS_CSV));
    assertEquals(24, StudyReport.refreshFromSummary(tmp));
    assertEquals(full, Files.readString(tmp.resolve("report.md")));
    assertEquals(pairs, Files.readString(tmp.resolve(StatsCsv.PAIRS_CSV)));
    // the same page but for the charts' per-epoch curves, which summary.csv does not keep
    String refreshed = Files.readString(tmp.resolve("report.html"));
    assertEquals(withoutCharts(html), withoutCharts(refreshed));
    JsonNode fullData = chartData(html);
    JsonNode refreshedData = chartData(refreshed);
    assertTrue(fullData.path("sets").get(0).path("curves").isObject(), "no curves: " + fullData);
    for (JsonNode set : fullData.path("sets")) {
      ((ObjectNode) set).putNull("curves");
    }
    assertEquals(fullData, refreshedData);
    assertEquals(summary, Files.readString(tmp.resolve("summary.csv")));
  }
}
