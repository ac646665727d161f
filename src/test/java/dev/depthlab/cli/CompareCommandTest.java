package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.statistics.distribution.TDistribution;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthlab compare} end to end on three tiny studies made here: B changes the learning rate
 * (same data and seeds: paired), C the training set size (other data: Welch). Its differences and
 * intervals are held to a recomputation from the studies' summary.csv written in this test.
 */
class CompareCommandTest {
  private static final String BASE =
      """
      name: %s
      data:
        sets: [circle]
        n_train: %d
        test: {n: 40, seed_offset: 100}
      model: {depths: %s, width: 8}
      training: {epochs: 5, batch_size: 16, lr: %s}
      seeds: [0, 1, 2]
      backend: cpu
      """;

  @TempDir static Path tmp;
  static Path a;
  static Path b;
  static Path c;
  static CliTestSupport.Outcome compared;
  static Path out;

  @BeforeAll
  static void studies() throws Exception {
    a = CliTestSupport.sweep(tmp, "a", BASE.formatted("cmp-a", 64, "[1, 2]", "0.01"));
    b = CliTestSupport.sweep(tmp, "b", BASE.formatted("cmp-b", 64, "[1, 2]", "0.2"));
    c = CliTestSupport.sweep(tmp, "c", BASE.formatted("cmp-c", 80, "[1, 2]", "0.01"));
    out = tmp.resolve("cmp");
    compared =
        CliTestSupport.run("compare", a.toString(), b.toString(), c.toString(), "--out", "" + out);
  }

  @Test
  void writesItsThreeFilesAndNamesThem() {
    assertEquals(0, compared.code(), compared.err());
    assertAll(
        () -> assertTrue(Files.isRegularFile(out.resolve("compare.md"))),
        () -> assertTrue(Files.isRegularFile(out.resolve("compare.csv"))),
        () -> assertTrue(Files.isRegularFile(out.resolve("compare.html"))),
        () -> assertTrue(compared.out().contains("page: " + out.resolve("compare.html"))),
        () -> assertFalse(Files.exists(a.resolve("compare.md"))));
  }

  @Test
  void listsTheKeysThatDifferAndOnlyThose() throws IOException {
    String md = Files.readString(out.resolve("compare.md"));
    assertAll(
        () -> assertTrue(md.contains("| `training.lr` | `0.01` | `0.2` | `0.01` |"), md),
        () -> assertTrue(md.contains("| `data.n_train` | `64` | `64` | `80` |"), md),
        () -> assertFalse(md.contains("`model.width`"), "model.width is the same in all three"),
        () -> assertFalse(md.contains("| `name` |"), "name only names the folder"),
        () ->
            assertTrue(md.contains("- A: `" + a.resolve("study.yaml") + "`, protocol hash `"), md));
  }

  @Test
  void eachMetricIsOneTableWithARowPerDepth() throws IOException {
    String md = Files.readString(out.resolve("compare.md"));
    String head = "### test accuracy (`test_acc`)\n";
    assertEquals(1, md.split(java.util.regex.Pattern.quote(head), -1).length - 1, md);
    String table = md.substring(md.indexOf(head), md.indexOf("### train accuracy"));
    assertTrue(table.contains("\n| 1 | ") && table.contains("\n| 2 | "), table);
  }

  @Test
  void saysWhichDesignEachComparisonUses() throws IOException {
    String md = Files.readString(out.resolve("compare.md"));
    assertTrue(md.contains("B against A: paired by seed (the 3 shared seeds [0, 1, 2])"), md);
    assertTrue(
        md.contains("C against A: Welch's t (unpaired): the data differ (data.n_train)"), md);
  }

  @Test
  void pairedDifferenceEqualsOneRecomputedFromSummaryCsv() throws IOException {
    for (String metric : List.of("test_acc", "grad_norm_mean", "grad_norm_cv")) {
      Map<Long, Double> x = values(a, "circle", 2, metric);
      Map<Long, Double> y = values(b, "circle", 2, metric);
      double[] d = new double[x.size()];
      int i = 0;
      for (long seed : x.keySet()) {
        d[i++] = y.get(seed) - x.get(seed);
      }
      double mean = mean(d);
      double half = TDistribution.of(d.length - 1).inverseCumulativeProbability(0.975) * sd(d);
      half /= Math.sqrt(d.length);
      CSVRecord row = row("circle", "2", metric, "B");
      assertEquals("paired", row.get("design"));
      assertEquals("3", row.get("pairs"));
      assertEquals(mean, Double.parseDouble(row.get("diff")), 1e-12, metric);
      assertEquals(mean - half, Double.parseDouble(row.get("diff_ci_low")), 1e-12, metric);
      assertEquals(mean + half, Double.parseDouble(row.get("diff_ci_high")), 1e-12, metric);
      String md = Files.readString(out.resolve("compare.md"));
      String shown = (mean > 0 ? "+" : "") + String.format(Locale.ROOT, "%.4g", mean);
      assertTrue(md.contains(shown + " ["), metric + ": compare.md lacks " + shown);
    }
  }

  @Test
  void welchDifferenceEqualsOneRecomputedFromSummaryCsv() throws IOException {
    double[] x = toArray(values(a, "circle", 1, "grad_norm_mean"));
    double[] y = toArray(values(c, "circle", 1, "grad_norm_mean"));
    double vx = sd(x) * sd(x) / x.length;
    double vy = sd(y) * sd(y) / y.length;
    double df = (vx + vy) * (vx + vy) / (vx * vx / (x.length - 1) + vy * vy / (y.length - 1));
    double diff = mean(y) - mean(x);
    double half = TDistribution.of(df).inverseCumulativeProbability(0.975) * Math.sqrt(vx + vy);
    CSVRecord row = row("circle", "1", "grad_norm_mean", "C");
    assertEquals("welch", row.get("design"));
    assertEquals("", row.get("pairs"));
    assertEquals(diff, Double.parseDouble(row.get("diff")), 1e-12);
    assertEquals(diff - half, Double.parseDouble(row.get("diff_ci_low")), 1e-9);
    assertEquals(diff + half, Double.parseDouble(row.get("diff_ci_high")), 1e-9);
  }

  @Test
  void thePageIsSelfContainedWithTheReportsChartsScript() throws IOException {
    String html = Files.readString(out.resolve("compare.html"));
    String beforeScript = html.substring(0, html.indexOf("<script"));
    assertAll(
        () -> assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'")),
        () -> assertTrue(html.contains("script-src 'sha256-")),
        () ->
            assertTrue(html.contains("\"depths\":[\"1 \u00b7 A\",\"1 \u00b7 B\",\"1 \u00b7 C\"]")),
        () -> assertTrue(html.contains("\"curves\":{\"epochs\":5")),
        () -> assertTrue(html.contains("<td><code>training.lr</code></td>")),
        () -> assertTrue(html.contains("# hash: ")), // each study.yaml as recorded
        () -> assertFalse(beforeScript.contains("http://") || beforeScript.contains("https://")));
  }

  /**
   * In headless Chromium the page's own script draws every chart (a uPlot canvas each: two per data
   * set and depth, curves and per-run values) and names the lines by depth and study; with its
   * CSP's script hash spoilt the browser blocks the script and nothing is drawn, so the count is
   * the CSP letting exactly that script run. Skipped with the reason without a chromium binary,
   * failed instead under CI=true.
   */
  @Test
  void chromiumDrawsEveryChartUnderThePagesCsp() throws Exception {
    Path browser = null;
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path p = Path.of(dir, name);
        if (browser == null && !dir.isEmpty() && Files.isExecutable(p)) {
          browser = p;
        }
      }
    }
    if (browser == null) {
      String why = "no chromium binary on PATH";
      if ("true".equals(System.getenv("CI"))) {
        org.junit.jupiter.api.Assertions.fail(why + " (under CI the browser check may not skip)");
      }
      System.out.println("CompareCommandTest browser check skipped: " + why);
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    String page = Files.readString(out.resolve("compare.html"));
    String dom = dump(browser, page, "page");
    assertEquals(4, count(dom, "<canvas"), "2 depths x (curves, per run)");
    assertTrue(dom.contains("depth 1 \u00b7 B"), "a line named by depth and study");
    String spoilt = page.replace("'sha256-", "'sha256-AAAA");
    assertEquals(0, count(dump(browser, spoilt, "spoilt"), "<canvas"), "CSP blocks a wrong hash");
  }

  private static String dump(Path browser, String html, String name) throws Exception {
    Path file = tmp.resolve(name + "-compare.html");
    Files.writeString(file, html);
    Path profile = Files.createTempDirectory(tmp, "chromium-profile");
    Process p =
        new ProcessBuilder(
                browser.toString(),
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--window-size=1280,900",
                "--virtual-time-budget=10000",
                "--dump-dom",
                file.toUri().toString())
            .redirectError(tmp.resolve(name + ".chromium.log").toFile())
            .start();
    byte[] dom = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "chromium did not finish");
    return new String(dom, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static int count(String text, String what) {
    return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  @Test
  void oneStudyOnlyIsRefusedInOneLine() {
    expectUsage(
        CliTestSupport.run("compare", a.toString(), "--out", "" + tmp.resolve("x1")),
        "at least two");
  }

  @Test
  void aFolderThatIsNoStudyIsRefused() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    expectUsage(
        CliTestSupport.run(
            "compare", a.toString(), empty.toString(), "--out", "" + tmp.resolve("x2")),
        "is not a study folder");
  }

  @Test
  void studiesSharingNoDepthAreRefused() throws Exception {
    Path d = CliTestSupport.sweep(tmp, "d", BASE.formatted("cmp-d", 64, "[3]", "0.01"));
    expectUsage(
        CliTestSupport.run("compare", a.toString(), d.toString(), "--out", "" + tmp.resolve("x3")),
        "share no data set and depth");
  }

  @Test
  void anOutInsideAComparedStudyIsRefused() {
    expectUsage(
        CliTestSupport.run("compare", a.toString(), b.toString(), "--out", "" + a.resolve("cmp")),
        "lies in the compared study");
    assertFalse(Files.exists(a.resolve("cmp")));
  }

  @Test
  void theSameStudyTwiceIsRefused() {
    expectUsage(
        CliTestSupport.run("compare", a.toString(), a.toString(), "--out", "" + tmp.resolve("x4")),
        "named twice");
  }

  private static void expectUsage(CliTestSupport.Outcome o, String says) {
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(says), o.err());
    assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
  }

  private CSVRecord row(String set, String depth, String metric, String study) throws IOException {
    for (CSVRecord r : csv(out.resolve("compare.csv"))) {
      if (r.get("dataset").equals(set)
          && r.get("depth").equals(depth)
          && r.get("metric").equals(metric)
          && r.get("study").equals(study)) {
        return r;
      }
    }
    throw new AssertionError("compare.csv has no row " + set + " " + depth + " " + metric);
  }

  /** summary.csv's value of {@code metric} by seed, read here with commons-csv. */
  private static Map<Long, Double> values(Path study, String set, int depth, String metric)
      throws IOException {
    Map<Long, Double> v = new TreeMap<>();
    for (CSVRecord r : csv(study.resolve("summary.csv"))) {
      if (r.get("dataset").equals(set) && Integer.parseInt(r.get("depth")) == depth) {
        // every finished run but a diverged one enters the means, as in report.md
        assertFalse(r.get("status").equals("diverged"), "a diverged run in " + study);
        v.put(Long.parseLong(r.get("seed")), Double.parseDouble(r.get(metric)));
      }
    }
    assertEquals(3, v.size());
    return v;
  }

  private static List<CSVRecord> csv(Path f) throws IOException {
    try (Reader in = Files.newBufferedReader(f)) {
      return new ArrayList<>(
          CSVFormat.DEFAULT
              .builder()
              .setHeader()
              .setSkipHeaderRecord(true)
              .build()
              .parse(in)
              .getRecords());
    }
  }

  private static double[] toArray(Map<Long, Double> m) {
    return m.values().stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double sd(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }
}
