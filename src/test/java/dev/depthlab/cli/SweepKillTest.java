package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep SIGKILLed at several moments (after 1, 3 and 6 finished runs) and resumed each time ends
 * with the files of an uninterrupted sweep, byte for byte, wall times aside: every epochs.csv,
 * every run.json without its timings, summary.csv without wall_s, report.md.
 */
class SweepKillTest {
  @TempDir Path tmp;

  private static SweepCommandTest.Result sweep(Path config, Path study) {
    return SweepCommandTest.run(
        "sweep", config.toString(), "--out", study.toString(), "--jobs", "1", "--quiet");
  }

  /** A file's bytes with the values that measure time blanked (run.json timings, wall_s). */
  private static String comparable(Path f) throws IOException {
    String text = Files.readString(f);
    String name = f.getFileName().toString();
    if (name.equals(RunFolder.RUN_JSON)) {
      // timings, and the command line that made it (--out differs): StudyTrees' rule
      return StudyTrees.withoutTimings(Files.readAllBytes(f));
    }
    if (name.equals("summary.csv")) {
      List<String> lines = text.lines().toList();
      int wall = List.of(lines.get(0).split(",", -1)).indexOf("wall_s");
      List<String> out = new ArrayList<>();
      for (String l : lines) {
        String[] cells = l.split(",", -1);
        cells[wall] = "_";
        out.add(String.join(",", cells));
      }
      return String.join("\n", out);
    }
    return text;
  }

  @Test
  void killedAtThreeMomentsAndResumedEqualsAnUninterruptedSweep() throws Exception {
    Path config = tmp.resolve("study.yaml");
    Files.writeString(config, SweepStopTest.TWELVE);
    Path clean = tmp.resolve("clean");
    assertEquals(0, sweep(config, clean).code());

    Path study = tmp.resolve("killed");
    int[] moments = {1, 3, 6};
    int before = 0;
    for (int k : moments) {
      SweepProcess p = SweepProcess.start(config, study, "kill-after-" + k);
      int seen = p.awaitFinished(k);
      p.signal("KILL");
      assertEquals(137, p.waitFor(), p.err());
      int done = SweepProcess.finished(study);
      assertTrue(seen >= k && done >= seen && done < 12, "killed with " + done + " of 12 done");
      assertTrue(done >= before, "a kill lost finished runs: " + before + " then " + done);
      before = done;
      // whatever the moment, every run.json there is a finished run's
      for (Path f : SweepProcess.files(study)) {
        if (f.getFileName().toString().equals(RunFolder.RUN_JSON)) {
          assertTrue(RunFolder.isFinished(f.getParent()), f + " holds no finished run");
        }
      }
    }
    SweepCommandTest.Result last = sweep(config, study);
    assertEquals(0, last.code(), last.err());
    assertTrue(last.out().contains("resume: " + before + " of 12"), last.out());

    List<Path> want = SweepProcess.files(clean);
    List<Path> got = SweepProcess.files(study);
    assertEquals(
        want.stream().map(clean::relativize).toList(),
        got.stream().map(study::relativize).toList(),
        "the same files, no temporary ones left");
    for (Path f : want) {
      String name = f.getFileName().toString();
      Path g = study.resolve(clean.relativize(f));
      if (name.endsWith(".csv") || name.endsWith(".json") || name.equals("report.md")) {
        assertEquals(comparable(f), comparable(g), clean.relativize(f).toString());
      } else if (name.equals("study.yaml")) {
        assertEquals(
            StudyTrees.madeBy(Files.readAllBytes(f)),
            StudyTrees.madeBy(Files.readAllBytes(g)),
            "study.yaml, but for the command line that made it");
      }
    }
    assertFalse(want.isEmpty());
  }
}
