package dev.depthlab.report;

import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.Parallel;
import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.plot.Figure;
import dev.depthlab.sweep.Grid;
import dev.depthlab.sweep.Stop;
import dev.depthlab.sweep.StudyLock;
import dev.depthlab.train.RunCheck;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Builds a study folder's summary.csv, report.md, figures and report.html from its files alone:
 * study.yaml (the grid and the hash), each run's run.json and epochs.csv, and the signal analysis'
 * files when the study has one ({@link SignalCsv}); it builds no network and runs no backend. The
 * sweep calls this too, so what it writes and {@code depthlab report DIR} are the same.
 */
public final class StudyReport {
  public static final String SUMMARY_CSV = "summary.csv";
  public static final String REPORT_MD = "report.md";

  private StudyReport() {}

  /**
   * What was built: report.md's path, report.html's, runs found, runs planned, runs of another
   * hash, and the figures drawn into {@code figures/} (in page order).
   */
  public record Built(
      Path report, Path html, int runs, int planned, int foreign, List<Figure> figures) {}

  /**
   * A finished run folder as read: its record, or why it failed verification, or neither for a run
   * of another protocol hash (left out unread).
   */
  private record Read(RunRecord record, String problem) {
    static final Read FOREIGN = new Read(null, null);
  }

  /**
   * Rebuilds summary.csv, report.md and report.html of one study folder. Every finished run of the
   * study's protocol must verify ({@link RunCheck}); one that does not refuses the whole report
   * (exit 1) with the list of such runs and their reasons, before anything is written.
   */
  public static Built write(Path dir) {
    return write(dir, Stop.never());
  }

  /**
   * As {@link #write(Path)}, checking {@code stop} between its steps (the tables, each figure task,
   * the page): a stop request ends it with {@link Stop.Stopped}, every file written so far whole (a
   * rerun writes the rest).
   */
  public static Built write(Path dir, Stop stop) {
    stop.check();
    // what a writer killed here before left (figures/ included); the caller holds the folder
    AtomicFiles.removeLeftoversUnder(dir);
    StudyConfig cfg = StudyLock.read(dir);
    String hash = StudyLock.storedHash(dir).orElseThrow();
    List<RunSpec> planned = Grid.runs(cfg);
    List<Path> finished = new ArrayList<>();
    List<Callable<Read>> reads = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (RunSpec spec : planned) {
      Path runDir = dir.resolve(spec.relativeDir());
      if (RunFolder.isFinished(runDir)) {
        finished.add(runDir);
        reads.add(() -> read(runDir, spec, hash));
      } else if (RunSummary.FAILED.equals(RunFolder.status(runDir))) {
        failed.add(spec.shortName() + ": " + RunFolder.failureReason(runDir));
      }
    }
    // the folders are verified and read side by side (parsing epochs.csv is most of a report's
    // reading); results come back in plan order, as a sequential read gives them
    List<Read> read = Parallel.map(reads, Parallel.cores());
    List<RunRecord> runs = new ArrayList<>();
    List<Path> runDirs = new ArrayList<>();
    List<String> damaged = new ArrayList<>();
    int foreign = 0;
    for (int i = 0; i < read.size(); i++) {
      Read r = read.get(i);
      if (r.problem() != null) {
        damaged.add(dir.relativize(finished.get(i)) + ": " + r.problem());
        continue;
      }
      if (r == Read.FOREIGN) {
        foreign++; // made under another protocol: never mixed in
        continue;
      }
      runs.add(r.record());
      runDirs.add(finished.get(i));
    }
    if (!damaged.isEmpty()) {
      throw new UserError(
          damaged.size()
              + " run"
              + (damaged.size() == 1 ? "" : "s")
              + " of "
              + dir
              + " failed verification, so no report is written: "
              + String.join("; ", damaged)
              + "; `depthlab sweep` with the study's config retrains them",
          UserError.FAILURE);
    }
    if (finished.isEmpty() && hasRows(dir.resolve(SUMMARY_CSV))) {
      // rebuilding would empty a summary whose runs are not here (a folder kept without them)
      throw new UserError(
          dir
              + " has no finished run folders but its summary.csv has runs; refusing to overwrite"
              + " it (`depthlab report --from-summary DIR` rebuilds the statistics from it)");
    }
    stop.check();
    SummaryCsv.write(dir.resolve(SUMMARY_CSV), runs);
    StatsCsv.write(dir, cfg, runs);
    LongTables.write(dir, runs, runDirs, StudyTitle.variantLabel(dir, cfg));
    List<DeathSpikes.RunEvents> deaths = DeathSpikes.of(dir, runs);
    DeathSpikes.write(dir, deaths);
    Path report = dir.resolve(REPORT_MD);
    String md =
        ReportMarkdown.text(StudyTitle.of(dir, cfg), cfg, hash, runs, planned.size(), failed);
    List<Figure> signalFigures = List.of();
    if (cfg.diagnostics().signal().on()) {
      // the sweep measured it (package signal) and wrote its files: read, never recomputed here
      Optional<SignalCsv.Analysis> sig = SignalCsv.read(dir);
      if (sig.isPresent()) {
        signalFigures = SignalFigures.draw(dir.resolve(ReportHtml.FIGURES_DIR), sig.get());
        md += SignalSection.markdown(sig.get());
      } else {
        md += SignalSection.absent();
      }
    }
    stop.check();
    AtomicFiles.writeString(report, md);
    stop.holdForTest();
    // the statistics figures first: report --from-summary redraws them in that place
    List<Figure> figures =
        new ArrayList<>(StatsFigures.draw(dir.resolve(ReportHtml.FIGURES_DIR), cfg, runs));
    stop.check();
    figures.addAll(drawFigures(dir, cfg, runs, deaths, stop));
    figures.addAll(signalFigures);
    stop.check();
    Path html = ReportHtml.write(dir, hash, runDirs, figures, runs);
    return new Built(report, html, runs.size(), planned.size(), foreign, figures);
  }

  /**
   * Rebuilds the statistics over seeds (stats_depth.csv, stats_pairs.csv, report.md's findings,
   * statistics sections and observations, the statistics figures, report.html's lead, tables and
   * statistics figures) of a study folder from its summary.csv, for folders that keep no run
   * folders (the committed reference studies); summary.csv, the other tables, the figures and
   * report.html's provenance stay as they are. Returns the runs read.
   */
  public static int refreshFromSummary(Path dir) {
    StudyConfig cfg = StudyLock.read(dir);
    String hash = StudyLock.storedHash(dir).orElseThrow();
    Path summary = dir.resolve(SUMMARY_CSV);
    Path report = dir.resolve(REPORT_MD);
    if (!Files.isRegularFile(summary) || !Files.isRegularFile(report)) {
      throw new UserError(dir + " has no " + SUMMARY_CSV + " and " + REPORT_MD + " to refresh");
    }
    List<RunRecord> runs = SummaryCsv.read(summary, hash);
    String md;
    try {
      md = Files.readString(report);
    } catch (IOException e) {
      throw new UserError("cannot read " + report + ": " + e.getMessage());
    }
    String fresh = ReportMarkdown.refreshed(md, cfg, runs);
    StatsCsv.write(dir, cfg, runs);
    AtomicFiles.writeString(report, fresh);
    if (Files.isRegularFile(dir.resolve(ReportHtml.FILE))) {
      // the statistics figures need only the per-seed values, so they are redrawn here too
      ReportHtml.rewriteTables(
          dir, StatsFigures.draw(dir.resolve(ReportHtml.FIGURES_DIR), cfg, runs), runs);
    }
    return runs.size();
  }

  /**
   * A finished run folder verified, then read: a run of another protocol hash is read as such (the
   * report leaves it out); one of the study's that fails verification gives the reason.
   */
  private static Read read(Path runDir, RunSpec spec, String hash) {
    if (!hash.equals(RunFolder.configHash(runDir))) {
      return Read.FOREIGN;
    }
    var problem = RunCheck.problem(runDir, spec);
    if (problem.isPresent()) {
      return new Read(null, problem.get());
    }
    try {
      return new Read(RunReader.read(runDir), null);
    } catch (UserError e) {
      return new Read(null, e.getMessage());
    }
  }

  private static boolean hasRows(Path summary) {
    try (Stream<String> lines = Files.lines(summary)) {
      return lines.skip(1).anyMatch(l -> !l.isBlank());
    } catch (IOException e) {
      return false; // absent or unreadable: nothing to protect
    }
  }

  /**
   * Every figure, in page order: each data set's study figures, then the boundary maps. Each data
   * set's figures are drawn as one task and every task writes files of its own, so they run side by
   * side; the boundary maps start first, being the largest tasks, so no core idles at the end.
   */
  private static List<Figure> drawFigures(
      Path dir,
      StudyConfig cfg,
      List<RunRecord> runs,
      List<DeathSpikes.RunEvents> deaths,
      Stop stop) {
    List<Callable<List<Figure>>> study = new ArrayList<>(StudyFigures.perSet(dir, cfg, runs));
    for (Callable<Figure> j : JacobianFigures.perSet(dir, cfg, runs)) {
      study.add(() -> List.of(j.call()));
    }
    for (var set : cfg.data().sets()) {
      Path figures = dir.resolve(ReportHtml.FIGURES_DIR);
      List<RunSpec> planned =
          Grid.runs(cfg).stream().filter(r -> r.dataset().label().equals(set.label())).toList();
      study.add(() -> List.of(DeathSpikes.draw(figures, set.label(), planned, deaths)));
    }
    List<Callable<List<Figure>>> tasks = new ArrayList<>();
    for (Callable<Figure> b : BoundaryFigures.perSet(dir, cfg, runs)) {
      tasks.add(
          () -> {
            stop.check();
            return List.of(b.call());
          });
    }
    int boundaries = tasks.size();
    for (Callable<List<Figure>> t : study) {
      tasks.add(
          () -> {
            stop.check();
            return t.call();
          });
    }
    List<List<Figure>> drawn = Parallel.map(tasks, Parallel.cores());
    List<Figure> figures = new ArrayList<>();
    for (List<Figure> f : drawn.subList(boundaries, drawn.size())) {
      figures.addAll(f);
    }
    for (List<Figure> f : drawn.subList(0, boundaries)) {
      figures.addAll(f);
    }
    return figures;
  }

  /**
   * The study folders at {@code dir}: itself when it holds study.yaml, else its subfolders that do
   * (the variants of a multirun), in name order.
   */
  public static List<Path> studiesAt(Path dir) {
    if (Files.isRegularFile(dir.resolve(StudyLock.FILE))) {
      return List.of(dir);
    }
    if (!Files.isDirectory(dir)) {
      throw new UserError("no such study folder: " + dir);
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> found =
          s.filter(p -> Files.isRegularFile(p.resolve(StudyLock.FILE))).sorted().toList();
      if (found.isEmpty()) {
        throw new UserError(
            dir + " is not a study folder (no " + StudyLock.FILE + " in it or in its subfolders)");
      }
      return found;
    } catch (IOException e) {
      throw new UserError("cannot list " + dir + ": " + e.getMessage(), UserError.FAILURE);
    }
  }
}
