package dev.depthlab.cli;

import dev.depthlab.report.StudyIndex;
import dev.depthlab.report.StudyReport;
import dev.depthlab.runner.StopOnSignal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code depthlab report}: rebuilds a study folder's summary.csv and report.md from its files. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild summary.csv and report.md of a study folder from its run folders "
          + "(run.json, epochs.csv).",
      "A multirun folder rebuilds every variant's study folder."
    })
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "Study folder (holds study.yaml).")
  Path dir;

  @Option(
      names = "--from-summary",
      description =
          "Rebuild only the statistics over seeds (stats_*.csv, report.md's statistics and"
              + " observations, report.html's tables) from summary.csv, for a folder that keeps"
              + " no run folders; summary.csv and the figures stay as they are.")
  boolean fromSummary;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    List<Path> studies = StudyReport.studiesAt(dir);
    List<Path> locked = new ArrayList<>(List.of(dir));
    locked.addAll(studies);
    try (var lock = Locks.hold(spec, locked)) {
      return write(studies, o);
    }
  }

  private int write(List<Path> studies, PrintWriter o) {
    for (Path study : studies) {
      if (fromSummary) {
        int n = StudyReport.refreshFromSummary(study);
        o.printf(
            "report: %s (statistics from %d runs of summary.csv)%n",
            study.resolve(StudyReport.REPORT_MD), n);
        continue;
      }
      StudyReport.Built b =
          StopOnSignal.stage(
              "stopped: the report of " + study + " is not finished; rerun the same command",
              stop -> StudyReport.write(study, stop));
      o.printf(
          "report: %s (%d of %d runs%s)%n",
          b.report(),
          b.runs(),
          b.planned(),
          b.foreign() > 0 ? "; " + b.foreign() + " of another protocol hash left out" : "");
      o.printf("page: %s%n", b.html());
    }
    if (!studies.equals(List.of(dir))) {
      // a multirun or phase folder: its index over the variants
      o.printf("index: %s%n", StudyIndex.write(dir));
    }
    return 0;
  }
}
