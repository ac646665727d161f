package dev.depthlab.cli;

import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.ClassBalance;
import dev.depthlab.data.DataExport;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
import dev.depthlab.data.Split;
import dev.depthlab.runner.Studies;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code depthlab data}: describes a study's data sets and optionally exports them as CSV. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Describe the data sets of a study (rule, size, class balance); export CSV.")
final class DataCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Study config (default: the built-in quick study).")
  Path config;

  @Option(names = "--seed", description = "Run seed whose data to describe (default: first).")
  Long seed;

  @Option(
      names = "--export",
      paramLabel = "DIR",
      description = "Write <dataset>-seed-<s>.csv (x1,x2,label,split) per data set into DIR.")
  Path export;

  @Mixin SetOption common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    StudyConfig cfg = Studies.load(config, "quick", common.overrides());
    long s = seed != null ? seed : cfg.seeds().get(0);
    var data = cfg.data();
    for (DatasetSpec d : data.sets()) {
      Split split = Datasets.forRun(d, data.nTrain(), data.test(), data.noise(), s);
      out.printf("%s (seed %d)%n  %s%n", d.label(), s, Datasets.rule(d));
      if (d.csv() != null) {
        out.printf(
            "  %d features; positive fraction in the file %.4f (the same rows for every seed)%n",
            d.inputs(), Datasets.expectedPositiveFraction(d, data.noise()));
      } else {
        out.printf(
            "  expected positive fraction %.4f (noise %s)%n",
            Datasets.expectedPositiveFraction(d, data.noise()), data.noise());
      }
      out.println("  train: " + ClassBalance.of(split.train()).describe());
      out.println("  test:  " + ClassBalance.of(split.test()).describe());
      if (export != null) {
        Path file = export.resolve(d.label() + "-seed-" + s + ".csv");
        DataExport.write(split, file);
        out.println("  wrote " + file);
      }
    }
    return 0;
  }
}
