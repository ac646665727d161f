package dev.depthlab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real JVMs race for the lock of one empty study folder ({@link LockProbe}, which calls the
 * very {@link WriterLock#hold} every writing command calls), 60 rounds, started together by a
 * barrier file both watch: in every round exactly one gets the folder, and the other is refused at
 * once naming the winner's pid and command.
 */
class WriterLockRaceTest {
  static final int ROUNDS = 60;
  private static final long GUARD_MS = 120_000;

  @TempDir Path base;

  private Process probe(String me, String other) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            LockProbe.class.getName(),
            base.toString(),
            Integer.toString(ROUNDS),
            me,
            other)
        .redirectErrorStream(true)
        .redirectOutput(base.resolve("probe-" + me + ".log").toFile())
        .start();
  }

  @Test
  void neverBothWritersProceed() throws Exception {
    Process a = probe("a", "b");
    Process b = probe("b", "a");
    try {
      List<String> winners = new ArrayList<>();
      for (int r = 0; r < ROUNDS; r++) {
        Files.createFile(base.resolve("go-" + r)); // both see it within microseconds
        String ra = await(base.resolve("result-" + r + "-a"), a, b);
        String rb = await(base.resolve("result-" + r + "-b"), a, b);
        boolean aWon = ra.equals("acquired");
        boolean bWon = rb.equals("acquired");
        assertTrue(aWon != bWon, "round " + r + ": a " + ra + " | b " + rb);
        String refusal = aWon ? rb : ra;
        long winnerPid = aWon ? a.pid() : b.pid();
        String folder = base.resolve("round-" + r).toAbsolutePath().normalize().toString();
        assertEquals(
            "refused: "
                + folder
                + " is being written by pid "
                + winnerPid
                + " (probe "
                + (aWon ? "a" : "b")
                + "); wait for it to end, or stop it",
            refusal,
            "round " + r);
        winners.add(aWon ? "a" : "b");
      }
      assertTrue(a.waitFor(GUARD_MS, TimeUnit.MILLISECONDS) && a.exitValue() == 0, log("a"));
      assertTrue(b.waitFor(GUARD_MS, TimeUnit.MILLISECONDS) && b.exitValue() == 0, log("b"));
      System.out.println(
          "lock race: "
              + ROUNDS
              + " rounds, a won "
              + winners.stream().filter("a"::equals).count()
              + ", b won "
              + winners.stream().filter("b"::equals).count());
    } finally {
      a.destroyForcibly();
      b.destroyForcibly();
    }
  }

  private String await(Path file, Process a, Process b) throws Exception {
    long end = System.currentTimeMillis() + GUARD_MS;
    while (!Files.exists(file)) {
      if (!a.isAlive() && !b.isAlive()) {
        throw new AssertionError("both probes ended before " + file + ": " + log("a") + log("b"));
      }
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("no " + file + " within the guard");
      }
      Thread.sleep(1);
    }
    return Files.readString(file);
  }

  private String log(String id) throws IOException {
    Path p = base.resolve("probe-" + id + ".log");
    return Files.exists(p) ? Files.readString(p) : "";
  }
}
