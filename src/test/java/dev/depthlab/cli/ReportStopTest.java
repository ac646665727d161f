package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.report.ReportHtml;
import dev.depthlab.report.StudyReport;
import dev.depthlab.sweep.Stop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The report stage stops on a signal as training does: the sweep in a subprocess is held in its
 * report stage by the test hook ({@link Stop#HOLD}: report.md written, figures and report.html
 * not), signalled there, and must print the training stage's "stopped" line and exit 143 (SIGTERM)
 * or 130 (SIGINT); the same command then writes the whole report. Temporary files a killed writer
 * left anywhere in the folder (figures/ included, every naming form) are gone after a rerun.
 */
class ReportStopTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"TERM, 143", "INT, 130"})
  void aSignalDuringTheReportPrintsTheStoppedLine(String signal, int code) throws Exception {
    Path config = tmp.resolve("tiny.yaml");
    Files.writeString(config, SweepCommandTest.TINY);
    Path study = tmp.resolve("study");
    SweepProcess p =
        SweepProcess.start(
            List.of("-D" + Stop.HOLD + "=true"),
            List.of(
                "sweep",
                config.toString(),
                "--out",
                study.toString(),
                "--jobs",
                "1",
                "--quiet",
                "--backend",
                "cpu"),
            study,
            signal);
    p.awaitFile(study.resolve(StudyReport.REPORT_MD));
    p.signal(signal);
    assertEquals(code, p.waitFor(), p.err());
    assertEquals(
        "depthlab: stopped: 12 of 12 runs done; rerun the same command to resume", p.err().strip());
    assertFalse(Files.exists(study.resolve(ReportHtml.FILE)), "the page waits for the rerun");
    for (Path f : SweepProcess.files(study)) {
      assertFalse(AtomicFiles.isLeftover(f.getFileName().toString()), "left: " + f);
    }

    var again =
        CliTestSupport.run("sweep", config.toString(), "--out", study.toString(), "--quiet");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resume: 12 of 12 runs already finished"), again.out());
    assertTrue(Files.isRegularFile(study.resolve(ReportHtml.FILE)));
  }

  /**
   * A signal during the preflight (a few seconds of checks here: 5% of a million epochs) stops the
   * sweep with the same line, nothing trained, nothing but the folder's protocol written.
   */
  @Test
  void aSignalDuringThePreflightPrintsTheStoppedLine() throws Exception {
    Path config = tmp.resolve("long.yaml");
    Files.writeString(config, SweepCommandTest.TINY.replace("epochs: 6,", "epochs: 1000000,"));
    Path study = tmp.resolve("pre");
    SweepProcess p =
        SweepProcess.start(
            List.of(),
            List.of(
                "sweep",
                config.toString(),
                "--out",
                study.toString(),
                "--jobs",
                "1",
                "--quiet",
                "--preflight"),
            study,
            "preflight");
    p.awaitOutput("preflight: ");
    p.signal("TERM");
    assertEquals(143, p.waitFor(), p.err());
    assertEquals(
        "depthlab: stopped: 0 of 12 runs done; rerun the same command to resume", p.err().strip());
    assertEquals(0, SweepProcess.finished(study));
  }

  /** Files a writer killed mid-write leaves (every form depthlab has used), then a rerun. */
  @Test
  void noTemporaryFileSurvivesARerun() throws Exception {
    Path study = CliTestSupport.sweep(tmp, "tiny", SweepCommandTest.TINY);
    Path figures = study.resolve(ReportHtml.FIGURES_DIR);
    Path run = study.resolve("runs/circle/depth-1/seed-0");
    List<Path> written = SweepProcess.files(study);
    List<Path> planted =
        List.of(
            figures.resolve(".loss.png.1k2j3h.tmp"),
            figures.resolve(".loss.svg.1k2j3h.tmp.svg"),
            figures.resolve(".loss.png8237461283.tmp"),
            figures.resolve(".loss.tmp.8237461283.svg"),
            study.resolve(".report.html.x7.tmp"),
            run.resolve(".epochs.csv.zz.tmp"));
    for (Path f : planted) {
      Files.write(f, new byte[4096]);
    }
    var again =
        CliTestSupport.run(
            "sweep",
            study.resolveSibling("tiny.yaml").toString(),
            "--out",
            study.toString(),
            "--quiet");
    assertEquals(0, again.code(), again.err());
    for (Path f : planted) {
      assertFalse(Files.exists(f), "survived the rerun: " + f);
    }
    // the same through `depthlab report`
    for (Path f : planted) {
      Files.write(f, new byte[16]);
    }
    var report = CliTestSupport.run("report", study.toString());
    assertEquals(0, report.code(), report.err());
    for (Path f : SweepProcess.files(study)) {
      assertFalse(AtomicFiles.isLeftover(f.getFileName().toString()), "left: " + f);
    }
    // exactly the planted files went: what depthlab writes itself is never taken for a leftover
    assertEquals(written, SweepProcess.files(study));
  }

  /** Figures are encoded in memory: no imageio*.tmp cache files in the temporary folder. */
  @Test
  void imageIoCachesInMemory() {
    ImageIO.setUseCache(true);
    CliTestSupport.run("--version");
    assertFalse(ImageIO.getUseCache(), "ImageIO's disk cache is on");
  }
}
