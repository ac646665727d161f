package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Compares two study folders file by file, byte for byte, wall times and provenance aside: run.json
 * without its {@code timings} and {@code invocation} (the command line and source revision),
 * summary.csv without {@code wall_s}, study.yaml and report.html without the command line that made
 * the study, report.html without its wall-time figures (the only places these appear: two local
 * sweeps of one study differ there alone).
 */
final class StudyTrees {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StudyTrees() {}

  /** Every file of {@code expected} is in {@code actual} with the same bytes, and no other. */
  static void assertSameStudy(Path expected, Path actual, Set<String> ignoredTopLevel)
      throws IOException {
    List<String> want = files(expected, Set.of());
    List<String> got = files(actual, ignoredTopLevel);
    assertEquals(want, got, "the files of " + actual + " vs " + expected);
    for (String f : want) {
      byte[] a = Files.readAllBytes(expected.resolve(f));
      byte[] b = Files.readAllBytes(actual.resolve(f));
      String name = Path.of(f).getFileName().toString();
      switch (name) {
        case "run.json" -> assertEquals(withoutTimings(a), withoutTimings(b), f);
        case "summary.csv" -> assertEquals(withoutWall(a), withoutWall(b), f);
        case "report.html" -> assertEquals(maskHtml(a), maskHtml(b), f);
        case "study.yaml" -> assertEquals(madeBy(a), madeBy(b), f);
        case ".lock" -> {} // the last writer's pid and command line (WriterLock)
        default -> assertArrayEquals(a, b, f + " differs");
      }
    }
  }

  static List<String> files(Path root, Set<String> ignoredTopLevel) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .map(p -> root.relativize(p))
          .filter(p -> !ignoredTopLevel.contains(p.getName(0).toString()))
          .map(Path::toString)
          .sorted()
          .toList();
    }
  }

  static String withoutTimings(byte[] json) throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(json);
    if (n.remove("timings") == null || n.remove("invocation") == null) {
      throw new AssertionError("run.json without timings: the comparison would mask nothing");
    }
    return n.toPrettyString();
  }

  private static String withoutWall(byte[] csv) {
    List<String> lines = new String(csv, StandardCharsets.UTF_8).lines().toList();
    int col = Arrays.asList(lines.get(0).split(",", -1)).indexOf("wall_s");
    if (col < 0) {
      throw new AssertionError("summary.csv without wall_s");
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      List<String> cells = new ArrayList<>(Arrays.asList(l.split(",", -1)));
      cells.remove(col);
      out.add(String.join(",", cells));
    }
    return String.join("\n", out);
  }

  /** The text without its "# made by:" line (the command that wrote it; StudyLock). */
  static String madeBy(byte[] text) {
    String s = new String(text, StandardCharsets.UTF_8);
    if (!s.contains("# made by: ")) {
      throw new AssertionError(
          "study.yaml without '# made by:': the comparison would mask nothing");
    }
    return s.replaceAll("# made by: [^\n]*", "# made by: -");
  }

  private static String maskHtml(byte[] html) {
    return new String(html, StandardCharsets.UTF_8)
        .replaceAll("# made by: [^\n]*", "# made by: -")
        .replaceAll("(<dt>wall time[^<]*</dt><dd>)[^<]*(</dd>)", "$1-$2")
        .replaceAll("<td>[0-9.]+</td></tr>", "<td>-</td></tr>");
  }
}
