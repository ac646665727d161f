package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.depthlab.cli.CliTestSupport.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run counts only when it verifies: each damaged or misplaced file the issue found (epochs.csv
 * truncated, empty, cut mid-line; a run folder holding another run; a run.json without checksums;
 * an edited study.yaml) makes {@code report} refuse with exit 1 naming the run (or file and line)
 * and the reason, and {@code sweep} retrain the run, which then equals the original byte for byte.
 * {@code train} into a study writes only the study's own runs under its protocol.
 */
class StudyIntegrityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN = "runs/circle/depth-1/seed-0";

  @TempDir static Path shared;
  private static Path template;
  private static Path config;

  @TempDir Path tmp;

  @BeforeAll
  static void sweepOnce() throws Exception {
    template = CliTestSupport.sweep(shared, "tiny", SweepCommandTest.TINY);
    config = shared.resolve("tiny.yaml");
  }

  /** A fresh copy of the swept study. */
  private Path study() throws IOException {
    Path to = tmp.resolve("study");
    try (Stream<Path> s = Files.walk(template)) {
      for (Path p : s.sorted().toList()) {
        Path q = to.resolve(template.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  private static Outcome report(Path study) {
    return CliTestSupport.run("report", study.toString());
  }

  private static Outcome sweep(Path study) {
    return CliTestSupport.run("sweep", config.toString(), "--out", study.toString(), "--quiet");
  }

  /** report refuses with exit 1 and one line holding every piece of {@code expected}. */
  private static void assertReportRefused(Path study, String... expected) {
    Outcome r = report(study);
    assertEquals(1, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    for (String e : expected) {
      assertTrue(r.err().contains(e), "'" + e + "' in: " + r.err());
    }
  }

  /** sweep names the run with {@code reason}, retrains it, and it is the original again. */
  private void assertRetrained(Path study, String run, String reason) throws IOException {
    Outcome s = sweep(study);
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("resume: 11 of 12 runs already finished"), s.out());
    assertTrue(s.out().contains("retrain " + run + ": " + reason), s.out());
    assertTrue(s.out().contains("training 1 run on"), s.out());
    assertArrayEquals(
        Files.readAllBytes(template.resolve(RUN).resolve("epochs.csv")),
        Files.readAllBytes(study.resolve(RUN).resolve("epochs.csv")),
        "the retrained run equals the original");
    assertEquals(0, report(study).code());
  }

  @Test
  void anEpochsCsvTruncatedToFewerEpochsIsRefusedThenRetrained() throws IOException {
    Path study = study();
    Path csv = study.resolve(RUN).resolve("epochs.csv");
    List<String> lines = Files.readAllLines(csv);
    Files.write(csv, lines.subList(0, 4)); // header and 3 of 6 epochs, each line whole
    long size = Files.size(csv);
    String reason = "epochs.csv has " + size + " bytes, run.json recorded ";
    assertReportRefused(study, "1 run of " + study + " failed verification", RUN, reason);
    assertRetrained(study, "circle d1 s0", reason);
  }

  @Test
  void anEmptyEpochsCsvIsRefusedThenRetrained() throws IOException {
    Path study = study();
    Files.write(study.resolve(RUN).resolve("epochs.csv"), new byte[0]);
    String reason = "epochs.csv has 0 bytes";
    assertReportRefused(study, RUN, reason);
    assertRetrained(study, "circle d1 s0", reason);
  }

  @Test
  void aRunFolderHoldingAnotherRunIsRefusedThenRetrained() throws IOException {
    Path study = study();
    Path other = study.resolve("runs/nested_rings/depth-3/seed-2");
    for (String f : List.of("run.json", "epochs.csv", "boundary.csv")) {
      Files.copy(
          other.resolve(f), study.resolve(RUN).resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }
    String reason = "run.json is the run nested_rings d3 s2, not this folder's circle d1 s0";
    assertReportRefused(study, RUN, reason);
    assertRetrained(study, "circle d1 s0", reason);
  }

  @Test
  void aRunJsonWithoutChecksumsIsRefusedThenRetrained() throws IOException {
    Path study = study();
    Path json = study.resolve(RUN).resolve("run.json");
    ObjectNode n = (ObjectNode) JSON.readTree(json.toFile());
    n.remove("files"); // as an older depthlab wrote it
    Files.writeString(json, n.toPrettyString());
    String reason = "run.json records no file checksums";
    assertReportRefused(study, RUN, reason);
    assertRetrained(study, "circle d1 s0", reason);
  }

  /**
   * Cut mid-line, with run.json's checksum forged to match (so verification passes): the reader
   * names the file and the line, where it once threw ArrayIndexOutOfBoundsException.
   */
  @Test
  void anEpochsCsvCutMidLineNamesTheFileAndLine() throws IOException {
    Path study = study();
    Path csv = study.resolve(RUN).resolve("epochs.csv");
    String text = Files.readString(csv);
    int fifth =
        text.indexOf('\n', text.indexOf('\n', text.indexOf('\n', text.indexOf('\n') + 1) + 1) + 1);
    String cut = text.substring(0, fifth + 12); // header, 3 epochs, 11 characters of the 4th
    Files.writeString(csv, cut);
    Path json = study.resolve(RUN).resolve("run.json");
    ObjectNode n = (ObjectNode) JSON.readTree(json.toFile());
    byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
    ((ObjectNode) n.get("files").get("epochs.csv"))
        .put("bytes", bytes.length)
        .put("sha256", sha256(bytes));
    Files.writeString(json, n.toPrettyString());
    int header = text.substring(0, text.indexOf('\n')).split(",").length;
    int cells = cut.substring(fifth + 1).split(",", -1).length;
    assertReportRefused(
        study,
        RUN,
        csv + ":5: " + cells + " cells, the header has " + header + " (the file is cut");
  }

  @Test
  void anEditedStudyYamlBodyUnderItsHashLineIsRefused() throws IOException {
    Path study = study();
    Path yaml = study.resolve("study.yaml");
    List<String> lines = Files.readAllLines(yaml);
    int hashLine = 0;
    List<String> edited = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      hashLine = lines.get(i).startsWith("# hash: ") ? i + 1 : hashLine;
      edited.add(lines.get(i).replace("lr: 0.01", "lr: 0.02"));
    }
    assertTrue(!edited.equals(lines), "the edit changed the body");
    Files.write(yaml, edited);
    assertReportRefused(study, yaml + ":" + hashLine + ": the protocol below this line hashes to");
    Outcome s = sweep(study);
    assertEquals(1, s.code(), s.out());
    assertTrue(s.err().contains(yaml + ":" + hashLine + ": "), s.err());
  }

  /** train into a study: another protocol, a run the study lacks, a negative seed: refused. */
  @Test
  void trainWritesOnlyTheStudysOwnRunsUnderItsProtocol() throws IOException {
    Path study = study();
    Path run = study.resolve(RUN);
    byte[] before = Files.readAllBytes(run.resolve("epochs.csv"));
    Outcome other =
        CliTestSupport.run(
            "train", config.toString(), "--out", run.toString(), "--set", "training.epochs=10");
    assertEquals(2, other.code(), other.err());
    assertTrue(other.err().contains("holds protocol hash"), other.err());
    assertArrayEquals(before, Files.readAllBytes(run.resolve("epochs.csv")), "the run is kept");

    for (String[] args :
        List.of(
            new String[] {
              "--depth", "2", "--out", study.resolve("runs/circle/depth-2/seed-0") + ""
            },
            new String[] {
              "--depth", "0", "--out", study.resolve("runs/circle/depth-0/seed-0") + ""
            },
            new String[] {"--seed", "7", "--out", study.resolve("runs/circle/depth-1/seed-7") + ""},
            new String[] {"--out", study.resolve("runs/circle/depth-3/seed-0") + ""})) {
      List<String> a = new ArrayList<>(List.of("train", config.toString()));
      a.addAll(List.of(args));
      Outcome r = CliTestSupport.run(a.toArray(String[]::new));
      assertEquals(2, r.code(), String.join(" ", a) + ": " + r.err());
      assertTrue(r.err().contains("which has no run"), r.err());
    }
    Outcome negative = CliTestSupport.run("train", config.toString(), "--seed", "-1");
    assertEquals(2, negative.code(), negative.err());
    assertTrue(negative.err().contains("--seed must be >= 0"), negative.err());
    Outcome tooDeep = CliTestSupport.run("train", config.toString(), "--depth", "1001");
    assertEquals(2, tooDeep.code(), tooDeep.err());
    assertTrue(tooDeep.err().startsWith("depthlab: --depth 1001: "), tooDeep.err());

    // the study's own run under its protocol: retrained in place, and the study still verifies
    Outcome same = CliTestSupport.run("train", config.toString(), "--out", run.toString(), "-q");
    assertEquals(0, same.code(), same.err());
    assertArrayEquals(
        before, Files.readAllBytes(run.resolve("epochs.csv")), "same run, same bytes");
    assertEquals(0, report(study).code());
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
