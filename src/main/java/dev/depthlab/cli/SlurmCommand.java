package dev.depthlab.cli;

import dev.depthlab.cluster.SbatchScript;
import dev.depthlab.common.AtomicFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.runner.Studies;
import dev.depthlab.sweep.Grid;
import dev.depthlab.sweep.Shards;
import dev.depthlab.sweep.Variant;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code depthlab slurm}: writes the sbatch script that runs a study as a Slurm job array. */
@Command(
    name = "slurm",
    mixinStandardHelpOptions = true,
    description = {
      "Write an sbatch script that runs a study as a Slurm job array: task i runs shard i "
          + "of N (`depthlab sweep CONFIG --shard i/N`) into <out>/shards, logs in <out>/logs.",
      "Prints the command that submits it, and the `depthlab merge` to run when the array is "
          + "done. See docs/cluster.md.",
      "--out DIR: the study folder the merge writes (default: results/<name>/); holds the script."
    })
final class SlurmCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "Study config (YAML); none runs the built-in quick study.")
  Path config;

  @Option(
      names = "--tasks",
      required = true,
      paramLabel = "N",
      description = "Array tasks = shards (a task runs whole replica groups; see docs/cluster.md).")
  int tasks;

  @Option(
      names = "--gpus-per-task",
      paramLabel = "G",
      description = "GPUs per task (default 0: CPU nodes; 1 for GPU nodes).")
  int gpusPerTask;

  @Option(
      names = "--cpus-per-task",
      paramLabel = "C",
      description = "CPUs per task; also the sweep's --jobs (default: the site's default).")
  Integer cpusPerTask;

  @Option(
      names = "--time",
      paramLabel = "LIMIT",
      description = "Time limit per task (sbatch --time).")
  String time;

  @Option(names = "--partition", paramLabel = "NAME", description = "Slurm partition.")
  String partition;

  @Option(names = "--account", paramLabel = "NAME", description = "Slurm account.")
  String account;

  @Option(
      names = "--module",
      paramLabel = "NAME",
      description = "A module to load before the run (repeatable), e.g. --module java/17.")
  List<String> modules = new ArrayList<>();

  @Option(
      names = "--sbatch-line",
      paramLabel = "LINE",
      description = "An extra #SBATCH line (repeatable), e.g. --sbatch-line '--mem=8G'.")
  List<String> sbatchLines = new ArrayList<>();

  @Option(
      names = "--launcher",
      paramLabel = "PATH",
      description =
          "The depthlab launcher the tasks run (default: the `depthlab` script of this "
              + "installation); written as an absolute path.")
  Path launcher;

  @Mixin OutOption out;

  @Mixin CommonOptions common;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    List<String> sets = common.overrides();
    // the study must load (and every variant validate) before anything is written
    var first = Studies.load(config, "quick", Grid.firstOf(sets));
    Path root = out.or(() -> Path.of("results", first.name())).toAbsolutePath().normalize();
    List<Variant> variants = Grid.variants(sets, root, ov -> Studies.load(config, "quick", ov));
    Path exe = resolveLauncher();
    Path cfg = config == null ? null : config.toAbsolutePath().normalize();
    if (cfg != null && !Files.isRegularFile(cfg)) {
      throw new UserError("no such config: " + config);
    }
    SbatchScript script =
        new SbatchScript(
            first.name(),
            exe,
            cfg,
            root,
            tasks,
            gpusPerTask,
            cpusPerTask,
            time,
            partition,
            account,
            modules,
            sbatchLines,
            sweepArgs());
    try {
      Files.createDirectories(script.logsDir());
    } catch (IOException e) {
      throw new UserError("cannot create " + script.logsDir() + ": " + e, UserError.FAILURE);
    }
    AtomicFiles.writeString(script.file(), script.text());
    script.file().toFile().setExecutable(true);
    int groups = Shards.groups(variants).size();
    int runs = variants.size() * Grid.runs(variants.get(0).config()).size();
    o.printf(
        "slurm: %s (protocol %s): %d runs in %d replica groups over %d array tasks%n",
        first.name(), ConfigYaml.shortHash(first), runs, groups, tasks);
    if (tasks > groups) {
      o.printf("note: only %d groups: tasks %d..%d get no runs%n", groups, groups, tasks - 1);
    }
    o.printf("script: %s%n", script.file());
    o.printf("submit: %s%n", script.submitCommand());
    o.printf("then:   %s%n", script.mergeCommand());
    return 0;
  }

  /** The sweep options after CONFIG: the backend (auto unless given), precision, the --sets. */
  private List<String> sweepArgs() {
    List<String> a = new ArrayList<>();
    a.add("--backend");
    a.add(common.backend != null ? common.backend : "auto");
    if (common.precision != null) {
      a.add("--precision");
      a.add(common.precision);
    }
    for (String s : common.sets) {
      a.add("--set");
      a.add(s);
    }
    return a;
  }

  /** --launcher, or the `depthlab` script beside this installation's target/ folder. */
  private Path resolveLauncher() {
    Path exe = launcher;
    if (exe == null) {
      try {
        Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // target/depthlab.jar or target/classes: the launcher sits beside target/
        exe = code.getParent().getParent().resolve("depthlab");
      } catch (URISyntaxException | RuntimeException e) {
        throw new UserError("cannot locate the depthlab launcher; give --launcher PATH");
      }
      if (!Files.isRegularFile(exe)) {
        throw new UserError("no depthlab launcher at " + exe + "; give --launcher PATH");
      }
    }
    exe = exe.toAbsolutePath().normalize();
    if (!Files.isRegularFile(exe) || !Files.isExecutable(exe)) {
      throw new UserError("--launcher " + launcher + " is not an executable file");
    }
    return exe;
  }
}
