package dev.depthlab.sweep;

import dev.depthlab.common.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A process that takes the study-folder lock the way every writing command does ({@link
 * WriterLock#hold}) and nothing else, for {@code WriterLockRaceTest}: round after round, it waits
 * for the file {@code go-R} (the barrier both processes watch), tries to lock the folder {@code
 * round-R}, writes {@code result-R-ID} ("acquired", or "refused: " and the refusal), and, when it
 * got the lock, holds it until the other process's result is there.
 */
public final class LockProbe {
  private static final long GUARD_MS = 60_000;

  private LockProbe() {}

  /** Arguments: the base folder, the number of rounds, this process's id, the other's id. */
  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]);
    int rounds = Integer.parseInt(args[1]);
    String me = args[2];
    String other = args[3];
    for (int r = 0; r < rounds; r++) {
      await(base.resolve("go-" + r));
      Path mine = base.resolve("result-" + r + "-" + me);
      try (WriterLock lock = WriterLock.hold(List.of(base.resolve("round-" + r)), "probe " + me)) {
        write(mine, "acquired");
        await(base.resolve("result-" + r + "-" + other));
      } catch (UserError e) {
        write(mine, "refused: " + e.getMessage());
      }
    }
  }

  private static void await(Path file) throws InterruptedException {
    long end = System.currentTimeMillis() + GUARD_MS;
    while (!Files.exists(file)) {
      if (System.currentTimeMillis() > end) {
        throw new IllegalStateException("no " + file + " within the guard");
      }
      Thread.onSpinWait();
    }
  }

  /** Written to a temp name and renamed, so the other process never reads half of it. */
  private static void write(Path file, String text) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".part");
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
