package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk trouble in a sweep: a full disk (a write failure injected into {@link AtomicFiles}) and an
 * unwritable results folder each give one line and their exit code, leave no half-written file, and
 * a rerun completes the study to the summary of an untroubled sweep.
 */
class SweepDiskTest {
  @TempDir Path tmp;

  @AfterEach
  void noFault() {
    AtomicFiles.simulateFault(null);
  }

  private SweepCommandTest.Result sweep(Path out) throws IOException {
    Path config = tmp.resolve("tiny.yaml");
    Files.writeString(config, SweepCommandTest.TINY);
    return SweepCommandTest.run(
        "sweep", config.toString(), "--out", out.toString(), "--jobs", "1", "--quiet");
  }

  /** summary.csv without its wall_s column (the one value that differs between two sweeps). */
  private static List<String> summaryWithoutWall(Path study) throws IOException {
    List<String> lines = Files.readAllLines(study.resolve("summary.csv"));
    int wall = List.of(lines.get(0).split(",", -1)).indexOf("wall_s");
    return lines.stream()
        .map(
            l -> {
              String[] f = l.split(",", -1);
              f[wall] = "";
              return String.join(",", f);
            })
        .toList();
  }

  private static List<Path> all(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void aFullDiskStopsWithOneLineLeavesOnlyWholeFilesAndARerunCompletes() throws IOException {
    Path clean = tmp.resolve("clean");
    assertEquals(0, sweep(clean).code());

    Path study = tmp.resolve("study");
    AtomicInteger epochsFiles = new AtomicInteger();
    AtomicFiles.simulateFault(
        target ->
            target.getFileName().toString().equals(RunFolder.EPOCHS_CSV)
                    && epochsFiles.incrementAndGet() == 5
                ? new IOException("No space left on device")
                : null);
    SweepCommandTest.Result r = sweep(study);
    AtomicFiles.simulateFault(null);
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("No space left on device"), r.err());
    assertTrue(r.err().contains("rerun the same command"), r.err());
    int finished = 0;
    for (Path f : all(study)) {
      assertFalse(f.getFileName().toString().endsWith(".tmp"), "temporary file left: " + f);
      if (f.getFileName().toString().equals(RunFolder.RUN_JSON)) {
        assertTrue(RunFolder.isFinished(f.getParent()), f + " is not a finished run");
        finished++;
      }
    }
    assertEquals(4, finished, "the four runs before the failed write are kept");

    SweepCommandTest.Result again = sweep(study);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resume: 4 of 12 runs already finished"), again.out());
    assertEquals(summaryWithoutWall(clean), summaryWithoutWall(study));
  }

  /**
   * The disk fills while the report draws its figures (the third PNG fails): one line, exit 1, no
   * temporary file anywhere (figures/ included), and the rerun writes the whole report.
   */
  @Test
  void aFullDiskInTheReportStageGivesOneLine() throws IOException {
    Path study = tmp.resolve("study");
    AtomicInteger pngs = new AtomicInteger();
    AtomicFiles.simulateFault(
        target ->
            target.getFileName().toString().endsWith(".png") && pngs.incrementAndGet() == 3
                ? new IOException("No space left on device")
                : null);
    SweepCommandTest.Result r = sweep(study);
    AtomicFiles.simulateFault(null);
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(
        r.err().matches("depthlab: cannot write figure .*\\.png: No space left on device\\s*"),
        r.err());
    for (Path f : all(study)) {
      assertFalse(AtomicFiles.isLeftover(f.getFileName().toString()), "left: " + f);
    }
    assertFalse(Files.exists(study.resolve("report.html")), "the page waits for the rerun");
    SweepCommandTest.Result again = sweep(study);
    assertEquals(0, again.code(), again.err());
    assertTrue(Files.isRegularFile(study.resolve("report.html")));
  }

  @Test
  void aResultsFolderUnderAFileIsRefusedInOneLineWritingNothing() throws IOException {
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "not a folder\n");
    SweepCommandTest.Result r = sweep(file.resolve("study"));
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("is not a folder"), r.err());
    assertEquals("not a folder\n", Files.readString(file));
  }

  @Test
  void aReadOnlyResultsFolderIsRefusedInOneLine() throws IOException {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      System.out.println("SKIPPED read-only folder check: root writes through permission bits");
    }
    Assumptions.assumeFalse(root, "root writes through permission bits");
    Path ro = tmp.resolve("ro");
    Files.createDirectories(ro);
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      SweepCommandTest.Result r = sweep(ro.resolve("study"));
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("is not writable"), r.err());
      try (Stream<Path> s = Files.list(ro)) {
        assertEquals(0, s.count(), "nothing written");
      }
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
