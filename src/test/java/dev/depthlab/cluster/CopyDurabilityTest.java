package dev.depthlab.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merged run folder is durable: each copied file is flushed to the disk while the run is not yet
 * in place, and the study's runs folder is flushed after the rename that puts it there.
 */
class CopyDurabilityTest {
  @TempDir Path tmp;

  @Test
  void copiedFilesAreSyncedBeforeTheRenameAndTheParentAfterIt() throws IOException {
    Path from = tmp.resolve("shard/run");
    Files.createDirectories(from);
    Files.writeString(from.resolve("epochs.csv"), "epoch\n1\n");
    Files.writeString(from.resolve("run.json"), "{}\n");
    Path to = tmp.resolve("merged/runs/run");
    List<String> calls = new ArrayList<>();
    AtomicFiles.syncWith(
        new AtomicFiles.Sync() {
          @Override
          public void file(FileChannel ch, Path file) throws IOException {
            calls.add("file " + file.getFileName() + " in place=" + Files.exists(to));
            AtomicFiles.diskSync().file(ch, file);
          }

          @Override
          public void folder(Path dir) throws IOException {
            calls.add(
                "folder "
                    + dir.getFileName().toString().startsWith(".run.merge-")
                    + " "
                    + dir.equals(to.getParent().toAbsolutePath())
                    + " in place="
                    + Files.exists(to));
            AtomicFiles.diskSync().folder(dir);
          }
        });
    try {
      ShardMerge.copyAtomically(from, to);
    } finally {
      AtomicFiles.syncWith(null);
    }
    assertEquals(
        List.of(
            "file epochs.csv in place=false",
            "file run.json in place=false",
            "folder true false in place=false",
            "folder false true in place=true"),
        calls);
    assertTrue(Files.isRegularFile(to.resolve("run.json")));
  }
}
