package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depthlab.cli.CliTestSupport.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthlab slurm} on a real single-node Slurm ({@link LocalSlurm}): the script it writes is
 * submitted as printed, a 4-task array runs the shards, the printed merge command joins them, and
 * the result is held to a local {@code depthlab sweep} of the same study, file by file, byte for
 * byte, wall times aside ({@link StudyTrees}). Skipped, with the reason printed, where Slurm cannot
 * start (not root, packages absent).
 */
class SlurmIntegrationTest {
  private static final int TASKS = 4;
  private static final Set<String> TERMINAL =
      Set.of(
          "COMPLETED",
          "FAILED",
          "CANCELLED",
          "TIMEOUT",
          "NODE_FAIL",
          "OUT_OF_MEMORY",
          "BOOT_FAIL",
          "DEADLINE",
          "PREEMPTED");

  @TempDir Path tmp;

  @Test
  void aFourTaskArrayMergedEqualsTheLocalSweep() throws Exception {
    String reason = LocalSlurm.unavailableReason();
    if (reason != null) {
      System.out.println("SKIPPED SlurmIntegrationTest: " + reason);
      Assumptions.abort(reason);
    }
    Path config = tmp.resolve("tiny.yaml");
    Files.writeString(config, SweepCommandTest.TINY);
    Path launcher = writeLauncher(tmp.resolve("bin/depthlab"));
    Path out = tmp.resolve("cluster");

    try (LocalSlurm slurm = LocalSlurm.start(tmp.resolve("slurm"))) {
      Outcome made =
          CliTestSupport.run(
              "slurm",
              config.toString(),
              "--tasks",
              String.valueOf(TASKS),
              "--out",
              out.toString(),
              "--launcher",
              launcher.toString(),
              "--partition",
              "debug",
              "--time",
              "00:05:00");
      assertEquals(0, made.code(), made.err());
      String submit = printed(made.out(), "submit: ");
      String merge = printed(made.out(), "then:   ");

      String submitted = LocalSlurm.run(List.of("bash", "-c", submit), slurm.env(), 30);
      Matcher id = Pattern.compile("Submitted batch job (\\d+)").matcher(submitted);
      assertTrue(id.find(), submitted);
      List<String> states = waitForArray(slurm, id.group(1), 50);
      assertEquals(
          List.of("COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"),
          states,
          "array task states\n" + taskLogs(out) + slurm.logTails());
      for (int i = 0; i < TASKS; i++) {
        Path log = out.resolve("logs/tiny-" + id.group(1) + "_" + i + ".out");
        assertTrue(Files.isRegularFile(log), "per-task log " + log);
        assertTrue(
            Files.readString(log).contains("shard " + i + "/" + TASKS + " done"),
            log + ":\n" + Files.readString(log));
      }

      // the merge command as printed, in a shell (its shard glob included)
      String merged = LocalSlurm.run(List.of("bash", "-c", merge), slurm.env(), 60);
      assertTrue(merged.contains("12 of 12 runs (12 copied, 0 already there)"), merged);
    }

    Path local = tmp.resolve("local");
    Outcome sweep =
        CliTestSupport.run(
            "sweep", config.toString(), "--out", local.toString(), "--backend", "auto", "-q");
    assertEquals(0, sweep.code(), sweep.err());
    StudyTrees.assertSameStudy(local, out, Set.of("shards", "logs", "tiny.sbatch"));

    Outcome again = CliTestSupport.run(mergeArgs(out).toArray(String[]::new));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("nothing new"), again.out());
  }

  /** A launcher like ./depthlab for this test's classes: the tasks run the code under test. */
  private static Path writeLauncher(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        file,
        "#!/bin/sh\nexec '"
            + java
            + "' -Xss8m --add-modules jdk.incubator.vector"
            + " -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 -cp '"
            + System.getProperty("java.class.path")
            + "' dev.depthlab.cli.Main \"$@\"\n");
    file.toFile().setExecutable(true);
    return file;
  }

  /** Polls squeue until every array task is in a final state; returns the states by index. */
  private static List<String> waitForArray(LocalSlurm slurm, String job, int seconds)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      String q =
          LocalSlurm.run(
              List.of("squeue", "-h", "-t", "all", "-j", job, "-o", "%i %T"), slurm.env(), 10);
      String[] states = new String[TASKS];
      int done = 0;
      for (String line : q.strip().split("\n")) {
        Matcher m = Pattern.compile(job + "_(\\d+) (\\S+)").matcher(line.strip());
        if (m.matches() && TERMINAL.contains(m.group(2))) {
          states[Integer.parseInt(m.group(1))] = m.group(2);
          done++;
        }
      }
      if (done == TASKS) {
        return List.of(states);
      }
      if (System.nanoTime() > end) {
        fail("the array did not finish in " + seconds + " s:\n" + q + slurm.logTails());
      }
      Thread.sleep(500);
    }
  }

  private static String printed(String out, String prefix) {
    return out.lines()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '" + prefix + "' line in:\n" + out));
  }

  private static List<String> mergeArgs(Path out) {
    List<String> a = new ArrayList<>(List.of("merge"));
    for (int i = 0; i < TASKS; i++) {
      a.add(out.resolve("shards/shard-" + i + "-of-" + TASKS).toString());
    }
    a.addAll(List.of("--out", out.toString()));
    return a;
  }

  private static String taskLogs(Path out) {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.list(out.resolve("logs"))) {
      for (Path p : s.sorted().toList()) {
        sb.append("--- ").append(p).append('\n').append(Files.readString(p));
      }
    } catch (IOException e) {
      sb.append("no task logs: ").append(e.getMessage()).append('\n');
    }
    return sb.toString();
  }
}
