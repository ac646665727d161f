package dev.depthlab.cluster;

import dev.depthlab.common.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sbatch script of a study as a Slurm job array: task i runs {@code depthlab sweep CONFIG
 * --shard i/N} into {@code <out>/shards/shard-i-of-N}, one log file per task in {@code <out>/logs};
 * {@code depthlab merge} then joins the shards into {@code <out>}.
 *
 * @param name the study's name (names the job and the logs)
 * @param launcher the depthlab launcher, absolute
 * @param config the study config, absolute (null: the built-in quick study)
 * @param out the study folder the merge writes, absolute
 * @param tasks N, the array's size and the shard count
 * @param gpusPerTask GPUs per task (0: none asked, a CPU node)
 * @param cpusPerTask CPUs per task, also the sweep's {@code --jobs} (null: Slurm's default)
 * @param time the time limit ({@code --time}), or null
 * @param partition the partition, or null
 * @param account the account, or null
 * @param modules modules to load before the run ({@code module load})
 * @param sbatchLines extra {@code #SBATCH} lines (with or without the {@code #SBATCH} prefix)
 * @param sweepArgs the sweep's own options after the config ({@code --backend auto}, {@code --set
 *     ...})
 */
public record SbatchScript(
    String name,
    Path launcher,
    Path config,
    Path out,
    int tasks,
    int gpusPerTask,
    Integer cpusPerTask,
    String time,
    String partition,
    String account,
    List<String> modules,
    List<String> sbatchLines,
    List<String> sweepArgs) {

  public SbatchScript {
    if (tasks < 1) {
      throw new UserError("--tasks must be at least 1, got " + tasks);
    }
    if (gpusPerTask < 0) {
      throw new UserError("--gpus-per-task must be 0 or more, got " + gpusPerTask);
    }
    if (cpusPerTask != null && cpusPerTask < 1) {
      throw new UserError("--cpus-per-task must be at least 1, got " + cpusPerTask);
    }
    for (String s : List.of(out.toString(), name)) {
      if (s.chars().anyMatch(c -> Character.isWhitespace(c) || c == '%')) {
        // #SBATCH lines are not shell-parsed: a space or % in the log path would break them
        throw new UserError("the study folder and name must not hold spaces or %: '" + s + "'");
      }
    }
    modules = List.copyOf(modules);
    sbatchLines = List.copyOf(sbatchLines);
    sweepArgs = List.copyOf(sweepArgs);
  }

  /** Where the shards go: {@code <out>/shards}. */
  public Path shardsDir() {
    return out.resolve("shards");
  }

  /** Where the per-task logs go: {@code <out>/logs} (Slurm does not create it: the caller does). */
  public Path logsDir() {
    return out.resolve("logs");
  }

  /** The script's own file: {@code <out>/<name>.sbatch}. */
  public Path file() {
    return out.resolve(name + ".sbatch");
  }

  /** The one command that submits the array. */
  public String submitCommand() {
    return "sbatch " + quote(file().toString());
  }

  /** The command to run once every task has finished. */
  public String mergeCommand() {
    return quote(launcher.toString())
        + " merge "
        + quote(shardsDir().toString())
        + "/shard-*-of-"
        + tasks
        + " --out "
        + quote(out.toString());
  }

  /** The script's text. */
  public String text() {
    List<String> l = new ArrayList<>();
    l.add("#!/bin/bash");
    l.add("#SBATCH --job-name=depthlab-" + name);
    l.add("#SBATCH --array=0-" + (tasks - 1));
    l.add("#SBATCH --ntasks=1");
    l.add("#SBATCH --output=" + logsDir() + "/" + name + "-%A_%a.out");
    if (cpusPerTask != null) {
      l.add("#SBATCH --cpus-per-task=" + cpusPerTask);
    }
    if (gpusPerTask > 0) {
      l.add("#SBATCH --gpus-per-task=" + gpusPerTask);
    }
    if (time != null) {
      l.add("#SBATCH --time=" + time);
    }
    if (partition != null) {
      l.add("#SBATCH --partition=" + partition);
    }
    if (account != null) {
      l.add("#SBATCH --account=" + account);
    }
    for (String s : sbatchLines) {
      String t = s.strip();
      l.add(t.startsWith("#SBATCH") ? t : "#SBATCH " + t);
    }
    l.add("#");
    l.add("# depthlab study '" + name + "' as a Slurm job array, written by `depthlab slurm`.");
    l.add("# Task i runs shard i of " + tasks + " (docs/cluster.md) into " + shardsDir() + ".");
    l.add("# Submit:  " + submitCommand());
    l.add("# Rerun a failed task (its shard resumes): sbatch --array=I " + quote(file() + ""));
    l.add("# Then:    " + mergeCommand());
    l.add("set -euo pipefail");
    for (String m : modules) {
      l.add("module load " + quote(m));
    }
    List<String> cmd = new ArrayList<>();
    cmd.add("exec");
    cmd.add(quote(launcher.toString()));
    cmd.add("sweep");
    if (config != null) {
      cmd.add(quote(config.toString()));
    }
    cmd.add("--out");
    cmd.add(quote(shardsDir().toString()));
    cmd.add("--shard");
    cmd.add("\"${SLURM_ARRAY_TASK_ID}/" + tasks + "\"");
    if (cpusPerTask != null) {
      cmd.add("--jobs");
      cmd.add("\"${SLURM_CPUS_PER_TASK:-" + cpusPerTask + "}\"");
    }
    for (String a : sweepArgs) {
      cmd.add(quote(a));
    }
    cmd.add("--quiet");
    l.add(String.join(" ", cmd));
    return String.join("\n", l) + "\n";
  }

  /** {@code s} as one shell word: plain when safe, else in single quotes. */
  static String quote(String s) {
    if (!s.isEmpty() && s.matches("[A-Za-z0-9_./=:,+@%-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
