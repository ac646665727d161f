package dev.depthlab.common;

import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files the way every depthlab output is written: to a temporary name in the same folder,
 * flushed to the disk (fsync), then renamed into place and the folder flushed too, so a reader
 * never sees half a file, and a crash or a power cut leaves the old file or the new one whole.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * A simulated disk fault, for tests: asked with each target before it is written; an exception it
   * returns is thrown after the content reached the temporary file, as a full disk fails a write.
   */
  @FunctionalInterface
  public interface Fault {
    IOException at(Path target);
  }

  private static volatile Fault fault;

  /** Installs {@code f} (null: none) for every later write; tests only (see {@link Fault}). */
  public static void simulateFault(Fault f) {
    fault = f;
  }

  /**
   * How written bytes reach the disk: {@link #file} before the rename, {@link #folder} after it.
   * Replaceable for tests ({@link #syncWith}) so they can see the calls happen, in that order.
   */
  public interface Sync {
    /** Flushes a written file's content and size (fsync). */
    default void file(FileChannel ch, Path file) throws IOException {
      ch.force(true);
    }

    /**
     * Flushes a folder's entries (a rename into it); a file system that cannot open a folder for
     * this (some do not) has nothing to flush.
     */
    default void folder(Path dir) throws IOException {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      } catch (IOException e) {
        if (Files.isDirectory(dir) && Files.isWritable(dir)) {
          return; // e.g. a file system that cannot open folders; the rename itself stands
        }
        throw e;
      }
    }
  }

  private static final Sync DISK = new Sync() {};
  private static volatile Sync sync = DISK;

  /** Installs {@code s} (null: the disk's) for every later write; tests only (see {@link Sync}). */
  public static void syncWith(Sync s) {
    sync = s == null ? DISK : s;
  }

  /** The disk's sync, for a test's {@link Sync} to delegate to. */
  public static Sync diskSync() {
    return DISK;
  }

  /**
   * The simulated fault for {@code target}, or null (always null outside tests): writers of their
   * own (figures) ask it after their temporary file holds the bytes, as {@link #write} does.
   */
  public static IOException simulatedFault(Path target) {
    Fault f = fault;
    return f == null ? null : f.at(target);
  }

  /** Something that writes a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Writer w) throws IOException;
  }

  /** Writes {@code target} whole or not at all; a failure is a {@link UserError} (exit 1). */
  public static void write(Path target, Content content) {
    write(target, content, true);
  }

  /**
   * Writes {@code target} whole, only if it does not exist: an existing file is left as it is and
   * false returned (create-new semantics, atomic where the file system has hard links).
   */
  public static boolean writeNew(Path target, String text) {
    return write(target, w -> w.write(text), false);
  }

  private static boolean write(Path target, Content content, boolean replace) {
    Path tmp = null;
    try {
      Path dir = target.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      // not Files.createTempFile: that makes the file owner-only (0600), and results are shared
      tmp =
          dir.resolve(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                  + ".tmp");
      Sync s = sync;
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        BufferedWriter buf =
            new BufferedWriter(Channels.newWriter(ch, StandardCharsets.UTF_8.newEncoder(), -1));
        // the content may close its writer (a CSV printer does): that only flushes, the channel
        // stays open for the sync
        Writer w =
            new FilterWriter(buf) {
              @Override
              public void close() throws IOException {
                flush();
              }
            };
        Fault f = fault;
        IOException simulated = f == null ? null : f.at(target);
        content.writeTo(w);
        if (simulated != null) {
          throw simulated; // after the content: the temporary file holds bytes, and must go
        }
        buf.flush();
        s.file(ch, tmp); // the bytes on the disk before the name points at them
      }
      if (replace) {
        try {
          Files.move(
              tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } else if (!linkNew(tmp, target)) {
        return false;
      }
      s.folder(dir); // the rename itself on the disk
      return true;
    } catch (IOException e) {
      throw new UserError("cannot write " + target + ": " + e.getMessage(), UserError.FAILURE);
    } finally {
      deleteQuietly(tmp);
    }
  }

  /**
   * Flushes a file written another way (a copy) to the disk, as {@link #write} flushes its
   * temporary file before the rename.
   */
  public static void flushFile(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      sync.file(ch, file);
    }
  }

  /** Flushes a folder's entries to the disk (after a rename into it). */
  public static void flushFolder(Path dir) throws IOException {
    sync.folder(dir.toAbsolutePath());
  }

  /**
   * Gives {@code tmp} the name {@code target} unless that exists: a hard link fails atomically when
   * the name is taken; without hard links, a check then a move that refuses to replace.
   */
  private static boolean linkNew(Path tmp, Path target) throws IOException {
    try {
      Files.createLink(target, tmp);
      return true; // tmp is deleted by the caller
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(target)) {
        return false;
      }
      try {
        Files.move(tmp, target);
        return true;
      } catch (FileAlreadyExistsException again) {
        return false;
      }
    }
  }

  /**
   * Deletes the temporary files a killed process left in {@code dir} ({@link #isLeftover}); a
   * missing folder has none.
   */
  public static void removeLeftovers(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var s = Files.newDirectoryStream(dir, p -> isLeftover(p.getFileName().toString()))) {
      for (Path p : s) {
        if (Files.isRegularFile(p)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UserError("cannot clean " + dir + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  /**
   * A fresh temporary name beside {@code target} in the one form every depthlab writer uses ({@code
   * .<file>.<random>.tmp}, then {@code suffix}: ".svg" where the encoder insists on its extension),
   * so {@link #removeLeftoversUnder} finds what a killed writer left.
   */
  public static Path temporaryFor(Path target, String suffix) {
    return target
        .toAbsolutePath()
        .resolveSibling(
            "."
                + target.getFileName()
                + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                + ".tmp"
                + suffix);
  }

  /**
   * Whether {@code name} is a temporary file of a depthlab writer: {@code .<file>.<random>.tmp},
   * with {@code .svg} after it for figures, and the older figure forms ({@code
   * .<file><random>.tmp}, {@code .<file>.tmp.<random>.svg}).
   */
  public static boolean isLeftover(String name) {
    return name.startsWith(".")
        && (name.endsWith(".tmp")
            || name.endsWith(".tmp.svg")
            || name.matches("\\..*\\.tmp\\.\\d+\\.svg"));
  }

  /**
   * Deletes every temporary file a killed writer left anywhere under {@code root} (a study folder:
   * its run folders, figures/ and the rest); called at the start of every command that writes a
   * study folder. Returns how many were removed.
   */
  public static int removeLeftoversUnder(Path root) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    int removed = 0;
    try (var s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (isLeftover(p.getFileName().toString()) && Files.isRegularFile(p)) {
          Files.deleteIfExists(p);
          removed++;
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new UserError("cannot clean " + root + ": " + e.getMessage(), UserError.FAILURE);
    }
    return removed;
  }

  public static void writeString(Path target, String text) {
    write(target, w -> w.write(text));
  }

  private static void deleteQuietly(Path tmp) {
    if (tmp == null) {
      return;
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // the write's own outcome is the one to report
    }
  }
}
