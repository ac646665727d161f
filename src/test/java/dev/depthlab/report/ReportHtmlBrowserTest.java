package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens report.html in headless Chromium at phone width and fails unless every image decoded with a
 * non-zero natural size, nothing raised an error or broke the page's Content-Security-Policy (which
 * forbids every fetch), and nothing is wider than the window. Without a chromium binary it is
 * skipped with the reason, except under CI=true, where a missing browser is a failure (.ci/run
 * installs it).
 */
class ReportHtmlBrowserTest {
  private static final List<String> BROWSERS =
      List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");

  /**
   * Injected into a copy of the page, allowed by a nonce added to its CSP: records every error
   * event (capture phase, so an image's failed decode counts too) and CSP violation, and on load
   * writes the image count and the page's horizontal overflow into the DOM for --dump-dom.
   */
  private static final String PROBE =
      """
      <script nonce="depthlab-probe">
      // headless Chromium's window is at least 500 px wide whatever --window-size asks, so the
      // page's root is held to 390 px (the page's narrow-screen rules apply below 640 px); what sticks out of the body overflows
      var PHONE = 390;
      document.documentElement.style.width = PHONE + 'px';
      var probeErrors = [];
      window.addEventListener('error', function (e) {
        probeErrors.push('error ' + (e.message || (e.target && e.target.tagName)));
      }, true);
      document.addEventListener('securitypolicyviolation', function (e) {
        probeErrors.push('csp ' + e.violatedDirective + ' ' + e.blockedURI);
      });
      // pixels of the chart's canvas near colour hex (antialiased edges blend, so a tolerance)
      function probePixels(u, hex) {
        var c = u.ctx.canvas, d = u.ctx.getImageData(0, 0, c.width, c.height).data, n = 0;
        var r = parseInt(hex.substr(1, 2), 16), g = parseInt(hex.substr(3, 2), 16),
          b = parseInt(hex.substr(5, 2), 16);
        for (var i = 0; i < d.length; i += 4) {
          if (d[i + 3] > 200 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g)
            + Math.abs(d[i + 2] - b) < 40) n++;
        }
        return n;
      }
      window.addEventListener('load', function () {
        var imgs = document.images, ok = 0;
        for (var i = 0; i < imgs.length; i++) {
          if (imgs[i].complete && imgs[i].naturalWidth > 0 && imgs[i].naturalHeight > 0) ok++;
        }
        var charts = window.depthlab ? window.depthlab.charts : [], drawn = 0, wide = 0;
        charts.forEach(function (c) {
          var s = c.plot.series, n = 0;
          for (var k = 1; k < s.length; k++) n += probePixels(c.plot, s[k].stroke());
          if (n > 0) drawn++;
          if (c.plot.root.getBoundingClientRect().right > PHONE) wide++;
        });
        var hover = 'none', before = -1, after = -1, font = 0;
        var u = charts.length ? charts[0].plot : null;
        if (u) {
          // a real mouse move over the plot's middle; the legend then shows that epoch's values
          var box = u.over.getBoundingClientRect();
          u.over.dispatchEvent(new MouseEvent('mousemove', {bubbles: true,
            clientX: box.left + box.width / 2, clientY: box.top + box.height / 2}));
          var idx = u.cursor.idx, cell = u.root.querySelectorAll('.u-series')[1];
          hover = idx + ':' + u.data[1][idx] + ':'
            + cell.querySelector('.u-value').textContent;
          font = parseFloat(getComputedStyle(cell).fontSize);
          before = probePixels(u, u.series[1].stroke());
          // a click on the legend entry's label hides its line
          cell.querySelector('th').dispatchEvent(new MouseEvent('click', {bubbles: true}));
        }
        setTimeout(function () {
          if (u) after = u.series[1].show ? -2 : probePixels(u, u.series[1].stroke());
          var p = document.createElement('pre');
          p.id = 'depthlab-probe';
          p.textContent = 'images=' + ok + '/' + imgs.length
            + ' overflow=' + (document.body.scrollWidth - document.body.clientWidth)
            + ' charts=' + drawn + '/' + charts.length + ' wide=' + wide + ' font=' + font
            + ' hover=' + hover + ' toggled=' + before + '/' + after
            + ' errors=' + probeErrors.join(' | ');
          document.body.appendChild(p);
        }, 200);
      });
      </script>
      """;

  private static final Pattern RESULT =
      Pattern.compile(
          "<pre id=\"depthlab-probe\">images=(\\d+)/(\\d+) overflow=(-?\\d+)"
              + " charts=(\\d+)/(\\d+) wide=(\\d+) font=([0-9.]+) hover=(\\S+)"
              + " toggled=(-?\\d+)/(-?\\d+) errors=(.*?)</pre>",
          Pattern.DOTALL);

  @TempDir static Path tmp;
  static ReportHtmlFixture.Study study;
  static Path browser;

  /** What the probe saw. */
  record Seen(
      int decoded,
      int images,
      int overflowPx,
      int chartsDrawn,
      int charts,
      int chartsWider,
      double legendFontPx,
      String hover,
      int pixelsBefore,
      int pixelsAfter,
      String errors) {}

  @BeforeAll
  static void setUp() throws IOException {
    Optional<Path> found = findBrowser();
    if (found.isEmpty()) {
      String why = "no chromium binary on PATH (tried " + BROWSERS + "); apt-get install chromium";
      if ("true".equals(System.getenv("CI"))) {
        fail(why + " (.ci/run installs it; under CI the browser check may not be skipped)");
      }
      System.out.println("ReportHtmlBrowserTest skipped: " + why);
      Assumptions.abort(why);
    }
    browser = found.get();
    study = ReportHtmlFixture.make(tmp);
  }

  @Test
  void everyImageDecodesAndThePageIsCleanAtPhoneWidth() throws Exception {
    Seen seen = open(Files.readString(study.writeHtml()), "good");
    assertEquals(study.figures().size(), seen.images(), "images on the page: " + seen);
    assertClean(seen);
  }

  @Test
  void theChartsDrawShowAHoveredValueAndHideAToggledLine() throws Exception {
    Seen seen = open(Files.readString(study.writeHtml()), "charts");
    // per data set: the per-epoch curves and the by-depth values
    assertEquals(4, seen.charts(), seen.toString());
    assertEquals(seen.charts(), seen.chartsDrawn(), "charts with no line drawn: " + seen);
    // the first chart: circle's mean batch loss per epoch, depth 1 its first line; the hovered
    // epoch's value against the mean of the two seeds' epochs.csv, read here independently
    String[] hover = seen.hover().split(":", 3);
    assertEquals(3, hover.length, "no hover value: " + seen);
    int idx = Integer.parseInt(hover[0]);
    double expected = 0;
    int n = 0;
    for (Path d : study.runDirs()) {
      RunRecord r = RunReader.read(d);
      if (r.dataset().equals("circle") && r.depth() == 1) {
        expected += r.curves().batchLoss()[idx];
        n++;
      }
    }
    expected /= n;
    double shown = Double.parseDouble(hover[2]);
    assertEquals(2, n);
    assertEquals(expected, Double.parseDouble(hover[1]), 1e-4 * expected, seen.toString());
    assertEquals(expected, shown, 1e-3 * expected, "the legend's value: " + seen);
    assertTrue(seen.pixelsBefore() > 20, "depth 1's line was not drawn: " + seen);
    assertEquals(0, seen.pixelsAfter(), "depth 1's line still drawn after its toggle: " + seen);
    assertEquals(0, seen.chartsWider(), "a chart wider than the phone: " + seen);
    assertTrue(seen.legendFontPx() >= 12, "legend text too small to read: " + seen);
  }

  @Test
  void aBrokenDataUriFailsTheCheck() throws Exception {
    String page = Files.readString(study.writeHtml());
    // the second figure's PNG cut short: a data URI that no longer decodes
    String marker = "<figure id=\"fig-" + study.figures().get(1).name() + "\">\n<img src=\"";
    int at = page.indexOf(marker) + marker.length();
    String broken = page.substring(0, at) + "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==\"";
    broken += page.substring(page.indexOf("\" alt=", at) + 1);
    Seen seen = open(broken, "broken");
    assertEquals(1, seen.decoded(), seen.toString());
    assertTrue(seen.errors().contains("error IMG"), seen.toString());
    assertThrows(AssertionError.class, () -> assertClean(seen));
  }

  @Test
  void aResourceFromTheNetworkFailsTheCheck() throws Exception {
    String page = Files.readString(study.writeHtml());
    String fetching =
        page.replace("</main>", "<img src=\"https://example.invalid/x.png\" alt=\"x\"></main>");
    Seen seen = open(fetching, "fetching");
    assertTrue(seen.errors().contains("csp img-src"), seen.toString());
    assertThrows(AssertionError.class, () -> assertClean(seen));
  }

  @Test
  void aWideElementFailsThePhoneWidthCheck() throws Exception {
    String page = Files.readString(study.writeHtml());
    String wide = page.replace("</main>", "<p style=\"width:2000px\">wide</p></main>");
    Seen seen = open(wide, "wide");
    assertTrue(seen.overflowPx() > 0, seen.toString());
    assertThrows(AssertionError.class, () -> assertClean(seen));
  }

  /** The check every page must pass. */
  static void assertClean(Seen seen) {
    assertAll(
        () -> assertTrue(seen.images() > 0, "no images: " + seen),
        () -> assertEquals(seen.images(), seen.decoded(), "images not decoded: " + seen),
        () -> assertEquals("", seen.errors(), "errors on the page: " + seen),
        () -> assertTrue(seen.overflowPx() <= 0, "wider than a phone: " + seen));
  }

  /** Loads {@code page} (with the probe) in headless Chromium, 390 px wide, and reads the probe. */
  static Seen open(String page, String name) throws IOException, InterruptedException {
    String csp = "content=\"" + ReportHtml.CSP + "\">";
    assertTrue(page.contains(csp), "the page has lost its CSP");
    // the probe's nonce joins the page's script-src (a second script-src would be ignored)
    String probed =
        page.replace(
            csp, "content=\"" + ReportHtml.CSP + " 'nonce-depthlab-probe'\">" + "\n" + PROBE);
    Path file = tmp.resolve(name + ".html");
    Files.writeString(file, probed);
    Path profile = Files.createTempDirectory(tmp, "chromium-profile");
    Path log = tmp.resolve(name + ".chromium.log");
    Process p =
        new ProcessBuilder(
                browser.toString(),
                "--headless",
                "--disable-gpu",
                "--no-sandbox",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--window-size=390,844",
                "--virtual-time-budget=10000",
                "--dump-dom",
                file.toUri().toString())
            .redirectError(log.toFile())
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish in 120 s");
    }
    String dom = new String(out, StandardCharsets.UTF_8);
    Matcher m = RESULT.matcher(dom);
    if (!m.find()) {
      fail("no probe result in chromium's DOM (exit " + p.exitValue() + "); its log: " + log);
    }
    return new Seen(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)),
        Integer.parseInt(m.group(4)),
        Integer.parseInt(m.group(5)),
        Integer.parseInt(m.group(6)),
        Double.parseDouble(m.group(7)),
        m.group(8),
        Integer.parseInt(m.group(9)),
        Integer.parseInt(m.group(10)),
        m.group(11).strip());
  }

  private static Optional<Path> findBrowser() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : BROWSERS) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
