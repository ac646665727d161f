package dev.depthlab.cli;

import dev.depthlab.report.CompareReport;
import dev.depthlab.report.StudyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code depthlab compare}: two or more study folders side by side, into a folder of its own. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Set studies side by side: the config keys that differ, the headline tables (accuracy,"
          + " gradient-norm statistics per data set and depth) with each study's difference from"
          + " the first and its 95% interval (paired by seed where the studies share data and"
          + " seeds, Welch's t otherwise), overlaid curves and each study's provenance.",
      "Writes compare.md, compare.csv and compare.html into --out DIR (default:"
          + " results/compare-<A>-vs-<B>...; never into a compared study). A multirun or phase"
          + " folder stands for its variants."
    })
final class CompareCommand implements Callable<Integer> {
  @Parameters(
      arity = "1..*",
      paramLabel = "DIR",
      description = "Study folders (each holds study.yaml and summary.csv); the first is A.")
  List<Path> dirs;

  @Mixin OutOption out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    List<Path> studies = new ArrayList<>();
    for (Path d : dirs) {
      studies.addAll(StudyReport.studiesAt(d));
    }
    Path target = out.or(() -> Path.of("results", defaultName(studies)));
    CompareReport.Written w = CompareReport.write(studies, target);
    o.printf("compare: %d studies, %d rows: %s%n", w.studies(), w.rows(), w.md());
    o.printf("table: %s%n", w.csv());
    o.printf("page: %s%n", w.html());
    return 0;
  }

  /** compare-a-vs-b-vs-c from the folders' names, cut to a name a file system takes. */
  private static String defaultName(List<Path> studies) {
    List<String> names = new ArrayList<>();
    for (Path s : studies) {
      Path n = s.toAbsolutePath().normalize().getFileName();
      names.add(n == null ? "study" : n.toString().replaceAll("[^A-Za-z0-9._=-]", "_"));
    }
    String name = "compare-" + String.join("-vs-", names);
    return name.length() > 120 ? name.substring(0, 120) : name;
  }
}
