package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (Ctrl-C's SIGINT takes the same path) stops a sweep in a subprocess cleanly: exit 143,
 * one line on stderr saying how many runs are done and how to resume, only finished runs and whole
 * files left, and the same command resumes; a second signal ends it at once.
 */
class SweepStopTest {
  @TempDir Path tmp;

  private Path config(String text) throws IOException {
    Path c = tmp.resolve("study.yaml");
    Files.writeString(c, text);
    return c;
  }

  /**
   * 12 runs of 5,000 epochs on 96 points: a tenth of a second or more each on the vector CPU path
   * (30 epochs took a few milliseconds, so the sweep could end before the signal arrived).
   */
  static final String TWELVE = SweepCommandTest.TINY.replace("epochs: 6,", "epochs: 5000,");

  @Test
  void sigtermStopsAfterTheRunsInFlightAndTheSameCommandResumes() throws Exception {
    Path config = config(TWELVE);
    Path study = tmp.resolve("study");
    SweepProcess p = SweepProcess.start(config, study, "term");
    p.awaitFinished(2);
    p.signal("TERM");
    assertEquals(143, p.waitFor(), p.err());
    String err = p.err().strip();
    assertEquals(1, err.lines().count(), err);
    Matcher m =
        Pattern.compile(
                "depthlab: stopped: (\\d+) of 12 runs done; rerun the same command to resume")
            .matcher(err);
    assertTrue(m.matches(), err);
    int done = Integer.parseInt(m.group(1));
    assertEquals(done, SweepProcess.finished(study), "the line counts the finished runs");
    assertTrue(done >= 2 && done < 12, "stopped with " + done + " of 12");
    for (Path f : SweepProcess.files(study)) {
      assertFalse(f.getFileName().toString().endsWith(".tmp"), "temporary file left: " + f);
      if (f.getFileName().toString().equals(RunFolder.RUN_JSON)) {
        assertTrue(RunFolder.isFinished(f.getParent()), f + " holds no finished run");
      }
    }

    SweepCommandTest.Result again =
        SweepCommandTest.run(
            "sweep", config.toString(), "--out", study.toString(), "--jobs", "1", "--quiet");
    assertEquals(0, again.code(), again.err());
    assertTrue(
        again.out().contains("resume: " + done + " of 12 runs already finished"), again.out());
    assertEquals(12, SweepProcess.finished(study));
  }

  @Test
  void aSecondSignalEndsTheSweepAtOnce() throws Exception {
    // one long run: still in flight when both signals arrive (the first lets it go on)
    Path config =
        config(
            SweepCommandTest.TINY
                .replace("epochs: 6,", "epochs: 1000000,") // about 15 s: far past both signals
                .replace("sets: [circle, nested_rings]", "sets: [circle]")
                .replace("depths: [1, 3]", "depths: [3]")
                .replace("seeds: [0, 1, 2]", "seeds: [0]"));
    Path study = tmp.resolve("long");
    SweepProcess p = SweepProcess.start(config, study, "twice");
    p.awaitOutput("training 1 run on");
    p.signal("TERM");
    // spacing, so the two signals are not merged into one by the kernel (no timing is tested)
    Thread.sleep(200);
    p.signal("TERM");
    assertEquals(143, p.waitFor(), p.err());
    assertEquals(
        "depthlab: stopped at once; rerun the same command to resume", p.err().strip(), p.err());
    assertEquals(0, SweepProcess.finished(study));
  }
}
