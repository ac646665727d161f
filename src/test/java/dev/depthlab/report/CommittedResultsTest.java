package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed reference studies regenerate byte for byte: a copy of each is rebuilt the way they
 * are rebuilt (they keep no run folders: {@code depthlab report --from-summary}), and every text
 * file it rewrites (report.md, stats_depth.csv, stats_pairs.csv; summary.csv is its input) must
 * equal the committed one. report.html is compared with its embedded PNGs masked, since a PNG's
 * pixels depend on the machine's fonts; tools/check-results.sh compares every byte, PNGs included,
 * on the machine that made them.
 */
class CommittedResultsTest {
  @TempDir Path tmp;

  private static final List<String> TEXT =
      List.of("report.md", "stats_depth.csv", "stats_pairs.csv");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "results/seed-study",
        "results/seed-study-gradnorm",
        "results/phase-example/training.lr=0.001",
        "results/phase-example/training.lr=1",
        "results/edge-of-stability"
      })
  void regeneratesByteForByte(String study) throws IOException {
    Path committed = Path.of(study);
    assertTrue(Files.isRegularFile(committed.resolve("study.yaml")), "no committed " + study);
    Path copy = tmp.resolve("study");
    copyTree(committed, copy);
    assertTrue(StudyReport.refreshFromSummary(copy) > 0, "no runs read");
    List<Executable> checks = new ArrayList<>();
    for (String f : TEXT) {
      byte[] want = Files.readAllBytes(committed.resolve(f));
      byte[] got = Files.readAllBytes(copy.resolve(f));
      checks.add(() -> assertArrayEquals(want, got, study + "/" + f + " differs"));
    }
    String html = masked(Files.readString(committed.resolve(ReportHtml.FILE)));
    String fresh = masked(Files.readString(copy.resolve(ReportHtml.FILE)));
    checks.add(() -> assertEquals(html, fresh, study + "/report.html differs"));
    assertAll(checks);
  }

  private static String masked(String html) {
    return html.replaceAll("base64,[A-Za-z0-9+/=]+", "base64,PNG");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
