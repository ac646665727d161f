package dev.depthlab.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files the way every depthlab output is written: to a temporary name in the same folder,
 * then renamed into place, so a reader never sees half a file and a crash leaves the old one.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Writer w) throws IOException;
  }

  public static void write(Path target, Content content) {
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      // not Files.createTempFile: that makes the file owner-only (0600), and results are shared
      Path tmp =
          dir.resolve(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toUnsignedString(
                      java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36)
                  + ".tmp");
      try {
        try (Writer w =
            Files.newBufferedWriter(
                tmp,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
          content.writeTo(w);
        }
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  public static void writeString(Path target, String text) {
    write(target, w -> w.write(text));
  }
}
