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
      var probeErrors = [];
      window.addEventListener('error', function (e) {
        probeErrors.push('error ' + (e.message || (e.target && e.target.tagName)));
      }, true);
      document.addEventListener('securitypolicyviolation', function (e) {
        probeErrors.push('csp ' + e.violatedDirective + ' ' + e.blockedURI);
      });
      window.addEventListener('load', function () {
        var imgs = document.images, ok = 0;
        for (var i = 0; i < imgs.length; i++) {
          if (imgs[i].complete && imgs[i].naturalWidth > 0 && imgs[i].naturalHeight > 0) ok++;
        }
        var p = document.createElement('pre');
        p.id = 'depthlab-probe';
        p.textContent = 'images=' + ok + '/' + imgs.length
          + ' overflow=' + (document.documentElement.scrollWidth - window.innerWidth)
          + ' errors=' + probeErrors.join(' | ');
        document.body.appendChild(p);
      });
      </script>
      """;

  private static final Pattern RESULT =
      Pattern.compile(
          "<pre id=\"depthlab-probe\">images=(\\d+)/(\\d+) overflow=(-?\\d+) errors=(.*?)</pre>",
          Pattern.DOTALL);

  @TempDir static Path tmp;
  static ReportHtmlFixture.Study study;
  static Path browser;

  /** What the probe saw. */
  record Seen(int decoded, int images, int overflowPx, String errors) {}

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
    String probed =
        page.replace(
            csp,
            "content=\""
                + ReportHtml.CSP
                + "; script-src 'nonce-depthlab-probe'\">"
                + "\n"
                + PROBE);
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
        m.group(4).strip());
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
