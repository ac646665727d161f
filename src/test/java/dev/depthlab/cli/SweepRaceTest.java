package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.sweep.StudyLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code depthlab sweep} processes started together on one empty {@code --out}, one with
 * another learning rate (the attack that once let both train, 1 in 17 tries): in every try one
 * sweeps the study and exits 0, the other is refused with exit 2 and one line, naming the holder
 * (pid and command) or, when it came after the first was done, the protocol hash; the folder holds
 * one protocol, in study.yaml and every run.json. {@code WriterLockRaceTest} races the lock itself
 * 60 times behind a barrier.
 */
class SweepRaceTest {
  private static final int TRIES = 3;

  @TempDir Path tmp;

  @Test
  void twoSweepsOnOneEmptyFolderNeverBothProceed() throws Exception {
    Path a = tmp.resolve("a.yaml");
    Path b = tmp.resolve("b.yaml");
    // one run: the race is at the start, and a small study keeps each try short
    String one =
        SweepCommandTest.TINY
            .replace("sets: [circle, nested_rings]", "sets: [circle]")
            .replace("depths: [1, 3]", "depths: [1]")
            .replace("seeds: [0, 1, 2]", "seeds: [0]");
    Files.writeString(a, one);
    Files.writeString(b, one.replace("lr: 0.01", "lr: 0.02"));
    for (int t = 0; t < TRIES; t++) {
      Path study = tmp.resolve("study-" + t);
      SweepProcess pa = SweepProcess.start(a, study, "a" + t);
      SweepProcess pb = SweepProcess.start(b, study, "b" + t);
      int ca = pa.waitFor();
      int cb = pb.waitFor();
      assertTrue(
          (ca == 0 && cb == 2) || (ca == 2 && cb == 0),
          "try " + t + ": exits " + ca + " and " + cb + "; " + pa.err() + pb.err());
      SweepProcess winner = ca == 0 ? pa : pb;
      SweepProcess loser = ca == 0 ? pb : pa;
      String err = loser.err().strip();
      assertEquals(1, err.lines().count(), err);
      Pattern held =
          Pattern.compile(
              "depthlab: .* is being written by pid "
                  + winner.pid()
                  + " \\(depthlab sweep .* --out "
                  + Pattern.quote(study.toString())
                  + " .*\\); wait for it to end, or stop it");
      assertTrue(
          held.matcher(err).matches() || err.contains("holds a study with protocol hash"),
          "try " + t + ": " + err);
      String hash = StudyLock.storedHash(study).orElseThrow();
      int runs = 0;
      try (Stream<Path> s = Files.walk(study.resolve("runs"))) {
        for (Path p : s.filter(p -> p.endsWith("run.json")).toList()) {
          assertEquals(
              hash, new ObjectMapper().readTree(p.toFile()).path("config_hash").asText(), p + "");
          runs++;
        }
      }
      assertEquals(1, runs);
      assertTrue(winner.out().contains("(1 of 1 run)"), winner.out());
      System.out.println("sweep race " + t + ": " + (err.contains("pid") ? "held" : "protocol"));
    }
  }
}
