package dev.depthlab.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file is written whole or not at all, and a failed write leaves no temporary file behind. */
class AtomicFilesTest {
  @TempDir Path dir;

  /** Every name in the folder, hidden temporary files included. */
  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aWriteCreatesTheFolderAndLeavesOnlyTheTarget() throws IOException {
    Path target = dir.resolve("sub/out.txt");
    AtomicFiles.writeString(target, "one\ntwo\n");
    assertEquals("one\ntwo\n", Files.readString(target));
    try (Stream<Path> s = Files.list(target.getParent())) {
      assertEquals(List.of("out.txt"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  /** An I/O failure halfway through: a one-line failure (exit 1), no target, no temporary file. */
  @Test
  void aWriterThatFailsMidwayLeavesNeitherTargetNorTemporaryFile() throws IOException {
    Path target = dir.resolve("out.csv");
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                AtomicFiles.write(
                    target,
                    w -> {
                      w.write("a,b\n".repeat(5000)); // past the writer's buffer: bytes on disk
                      throw new IOException("disk full (simulated)");
                    }));
    assertEquals(UserError.FAILURE, e.exitCode());
    assertEquals("cannot write " + target + ": disk full (simulated)", e.getMessage());
    assertEquals(List.of(), names());
  }

  /** A bug in the writer (an unchecked exception) propagates, and still leaves nothing behind. */
  @Test
  void aWriterThatThrowsUncheckedLeavesNothingBehind() throws IOException {
    Path target = dir.resolve("out.json");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                AtomicFiles.write(
                    target,
                    w -> {
                      w.write("{\"half\": ");
                      throw new IllegalStateException("bug");
                    }));
    assertEquals("bug", e.getMessage());
    assertEquals(List.of(), names());
  }

  /** A failed rewrite keeps the previous file as it was. */
  @Test
  void aFailedRewriteKeepsTheOldFile() throws IOException {
    Path target = dir.resolve("run.json");
    AtomicFiles.writeString(target, "old\n");
    assertThrows(
        UserError.class,
        () ->
            AtomicFiles.write(
                target,
                w -> {
                  w.write("new");
                  throw new IOException("interrupted");
                }));
    assertEquals("old\n", Files.readString(target));
    assertEquals(List.of("run.json"), names());
    assertTrue(Files.isRegularFile(target));
  }

  /**
   * Durability: the temporary file is flushed (fsync) while the target does not yet hold its bytes,
   * with every byte in it; the folder is flushed after the rename. Recorded by a {@link
   * AtomicFiles.Sync} that also performs the real calls.
   */
  @Test
  void theFileIsSyncedBeforeTheRenameAndTheFolderAfterIt() throws IOException {
    Path target = dir.resolve("run.json");
    Files.writeString(target, "old");
    List<String> calls = new java.util.ArrayList<>();
    AtomicFiles.syncWith(
        new AtomicFiles.Sync() {
          @Override
          public void file(java.nio.channels.FileChannel ch, Path file) throws IOException {
            calls.add(
                "file "
                    + file.getParent().equals(dir)
                    + " size="
                    + ch.size()
                    + " target="
                    + Files.readString(target));
            AtomicFiles.diskSync().file(ch, file);
          }

          @Override
          public void folder(Path d) throws IOException {
            calls.add("folder " + d.equals(dir) + " target=" + Files.readString(target));
            AtomicFiles.diskSync().folder(d);
          }
        });
    try {
      AtomicFiles.writeString(target, "new content");
    } finally {
      AtomicFiles.syncWith(null);
    }
    assertEquals(List.of("file true size=11 target=old", "folder true target=new content"), calls);
  }

  /** writeNew never replaces: the second write of a name leaves the first one's bytes. */
  @Test
  void writeNewCreatesOnlyAnAbsentFile() throws IOException {
    Path target = dir.resolve("study.yaml");
    assertTrue(AtomicFiles.writeNew(target, "first"));
    assertEquals(false, AtomicFiles.writeNew(target, "second"));
    assertEquals("first", Files.readString(target));
    assertEquals(List.of("study.yaml"), names(), "no temporary file left");
  }
}
