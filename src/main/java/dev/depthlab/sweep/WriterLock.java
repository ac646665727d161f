package dev.depthlab.sweep;

import dev.depthlab.common.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one-writer lock of a study folder: an OS lock ({@link FileChannel#tryLock}) on the file
 * {@code .lock} in it, held by every command that writes the folder ({@code sweep}, {@code train}
 * into a study, {@code report}, {@code merge}, {@code phase}) from before it reads study.yaml until
 * it is done. A second writer is refused at once (exit 2) with one line naming the holder's pid and
 * command, which the holder writes into the file. The OS releases the lock when its process ends,
 * however it ends, so a lock left by a killed process is simply taken over; the file itself stays
 * (deleting it would let a third writer lock a new file while a second holds the old one).
 */
public final class WriterLock implements AutoCloseable {
  public static final String FILE = ".lock";

  /** Folders this JVM holds: a second channel on the same file must not even be opened. */
  private static final Set<Path> HELD = new HashSet<>();

  private final List<FileChannel> channels;
  private final List<Path> keys;

  private WriterLock(List<FileChannel> channels, List<Path> keys) {
    this.channels = channels;
    this.keys = keys;
  }

  /**
   * Locks every folder of {@code dirs} (created when missing) for {@code command}, a description of
   * the command for the refusal another writer prints; all or none: a refusal releases those
   * already taken.
   */
  public static WriterLock hold(List<Path> dirs, String command) {
    List<FileChannel> channels = new ArrayList<>();
    List<Path> keys = new ArrayList<>();
    try {
      for (Path dir : new LinkedHashSet<>(dirs)) {
        Path key = dir.toAbsolutePath().normalize();
        channels.add(lockOne(key, command));
        keys.add(key);
      }
      return new WriterLock(channels, keys);
    } catch (RuntimeException e) {
      new WriterLock(channels, keys).close();
      throw e;
    }
  }

  private static FileChannel lockOne(Path dir, String command) {
    synchronized (HELD) {
      if (HELD.contains(dir)) {
        throw new UserError(dir + " is being written by this process already (" + command + ")");
      }
      Path file = dir.resolve(FILE);
      FileChannel ch = null;
      try {
        Files.createDirectories(dir);
        ch =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          ch.close();
          throw new UserError(
              dir + " is being written by " + holder(file) + "; wait for it to end, or stop it");
        }
        ch.truncate(0);
        byte[] who =
            ("pid " + ProcessHandle.current().pid() + "\n" + command.replace('\n', ' ') + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ch.write(ByteBuffer.wrap(who), 0);
        ch.force(true);
        HELD.add(dir);
        return ch;
      } catch (IOException e) {
        closeQuietly(ch);
        throw new UserError(
            "cannot lock " + dir + " (" + file.getFileName() + "): " + e.getMessage(),
            UserError.FAILURE);
      }
    }
  }

  /**
   * Who holds the lock, as its file says: "pid N (command)". The holder writes it just after it
   * locks, so a refusal in that instant may find the file empty; it is read a few times.
   */
  static String holder(Path file) {
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        // a pid no longer alive is a killed holder's, read before the new holder rewrote it
        if (lines.size() >= 2 && lines.get(0).startsWith("pid ") && alive(lines.get(0))) {
          return lines.get(0) + " (" + lines.get(1) + ")";
        }
        Thread.sleep(20);
      } catch (IOException e) {
        break;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return "another process";
  }

  private static boolean alive(String pidLine) {
    try {
      return ProcessHandle.of(Long.parseLong(pidLine.substring(4).trim()))
          .map(ProcessHandle::isAlive)
          .orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Releases every folder's lock (the files stay). */
  @Override
  public void close() {
    synchronized (HELD) {
      for (FileChannel ch : channels) {
        closeQuietly(ch); // closing the channel releases its lock
      }
      HELD.removeAll(keys);
      channels.clear();
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException ignored) {
      // the OS drops the lock with the descriptor in any case
    }
  }
}
