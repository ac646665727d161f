package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.cli.CliTestSupport.Outcome;
import dev.depthlab.sweep.LockProbe;
import dev.depthlab.sweep.WriterLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that writes a study folder holds its lock: while another process ({@link
 * LockProbe}) holds it, {@code sweep}, {@code report}, {@code train} into the study, {@code merge}
 * and {@code phase} are each refused at once, exit 2, with one line naming the holder's pid; once
 * the holder ends (released, or killed with SIGKILL) the lock is taken over.
 */
class WriterLockCommandsTest {
  private static final long GUARD_MS = 60_000;

  @TempDir Path base;

  private static final String ONE =
      SweepCommandTest.TINY
          .replace("sets: [circle, nested_rings]", "sets: [circle]")
          .replace("depths: [1, 3]", "depths: [1]")
          .replace("seeds: [0, 1, 2]", "seeds: [0]");

  @Test
  void everyWritingCommandIsRefusedWhileAnotherProcessHoldsTheFolder() throws Exception {
    Path config = base.resolve("one.yaml");
    Files.writeString(config, ONE);
    Path study = base.resolve("round-0"); // the folder the probe locks in its first round
    Outcome swept = CliTestSupport.run("sweep", config.toString(), "--out", study.toString(), "-q");
    assertEquals(0, swept.code(), swept.err());
    Path shard = base.resolve("copy");
    copy(study, shard);
    Files.delete(shard.resolve(WriterLock.FILE));

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process probe =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockProbe.class.getName(),
                base.toString(),
                "2",
                "x",
                "y")
            .redirectErrorStream(true)
            .redirectOutput(base.resolve("probe.log").toFile())
            .start();
    try {
      Files.createFile(base.resolve("go-0"));
      assertEquals("acquired", await(base.resolve("result-0-x")));
      String held = "is being written by pid " + probe.pid() + " (probe x)";
      for (List<String> cmd :
          List.of(
              List.of("sweep", config.toString(), "--out", study.toString(), "-q"),
              List.of("report", study.toString()),
              List.of(
                  "train",
                  config.toString(),
                  "--out",
                  study.resolve("runs/circle/depth-1/seed-0") + ""),
              List.of("merge", shard.toString(), "--out", study.toString()))) {
        Outcome r = CliTestSupport.run(cmd.toArray(String[]::new));
        assertEquals(2, r.code(), cmd + ": " + r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(held), cmd + ": " + r.err());
      }
      Files.createFile(base.resolve("result-0-y")); // the probe releases round-0
      Path phase = base.resolve("round-1");
      Files.createFile(base.resolve("go-1"));
      assertEquals("acquired", await(base.resolve("result-1-x")));
      Outcome p =
          CliTestSupport.run(
              "phase",
              config.toString(),
              "--x",
              "model.depths=1",
              "--y",
              "training.lr=0.01,0.02",
              "--out",
              phase.toString(),
              "-q");
      assertEquals(2, p.code(), p.out() + p.err());
      assertTrue(p.err().contains("is being written by pid " + probe.pid()), p.err());

      // released: the next writer takes the folder
      Outcome again = CliTestSupport.run("report", study.toString());
      assertEquals(0, again.code(), again.err());
      // killed while holding: the OS dropped its lock, so the folder is taken over
      probe.destroyForcibly();
      assertTrue(probe.waitFor(GUARD_MS, TimeUnit.MILLISECONDS));
      try (WriterLock lock = WriterLock.hold(List.of(phase), "test")) {
        assertTrue(Files.readString(phase.resolve(WriterLock.FILE)).startsWith("pid "));
      }
    } finally {
      probe.destroyForcibly();
    }
  }

  private static String await(Path file) throws Exception {
    long end = System.currentTimeMillis() + GUARD_MS;
    while (!Files.exists(file)) {
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("no " + file + " within the guard");
      }
      Thread.sleep(5);
    }
    return Files.readString(file);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted().toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
