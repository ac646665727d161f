package dev.depthlab.cli;

import dev.depthlab.cluster.ShardMerge;
import dev.depthlab.common.UserError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code depthlab merge}: joins shard folders into one study folder and rebuilds its report. */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    description = {
      "Join the shard folders of one study (`depthlab sweep --shard I/N`) into one study "
          + "folder: finished run folders copied in atomically, summary.csv and the report "
          + "rebuilt.",
      "Shards of another protocol hash are refused. Missing and duplicate runs are listed; "
          + "exit 1 while runs are missing. Merging again copies only what is new.",
      "Every run must verify against its run.json (identity, file sizes and checksums); "
          + "damaged runs, and two copies of a run that differ beyond wall times, are refused "
          + "(exit 1) before anything is written."
    })
final class MergeCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "SHARD", description = "Shard folders.")
  List<Path> shards;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Study folder.")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ShardMerge.Result r = ShardMerge.merge(shards, out, Locks.commandLine(spec));
    o.printf(
        "merge: %d shard folders into %s: %d of %d runs (%d copied, %d already there)%n",
        shards.size(),
        out,
        r.planned() - r.missing().size(),
        r.planned(),
        r.copied(),
        r.alreadyThere());
    for (ShardMerge.Duplicate d : r.duplicates()) {
      o.printf(
          "duplicate: %s finished in %s and %s (%s); kept %s%n",
          d.run(),
          d.kept(),
          d.others().stream().map(Path::toString).collect(Collectors.joining(", ")),
          d.identical() ? "identical" : "identical but for wall times",
          d.kept());
    }
    if (r.copied() == 0 && r.reports().isEmpty()) {
      o.println("merge: nothing new; the study folder is unchanged");
    }
    for (var b : r.reports()) {
      o.printf("report: %s (%d of %d runs)%n", b.report(), b.runs(), b.planned());
      o.printf("page: %s%n", b.html());
    }
    if (!r.complete()) {
      String shown = r.missing().stream().limit(5).collect(Collectors.joining("; "));
      err.printf(
          "depthlab: %d runs missing (%s%s)%s%n",
          r.missing().size(),
          shown,
          r.missing().size() > 5 ? "; ..." : "",
          r.shardCount().isPresent()
              ? "; resubmit shard(s) "
                  + r.missingShards().stream().map(String::valueOf).collect(Collectors.joining(","))
                  + " (sbatch --array="
                  + r.missingShards().stream().map(String::valueOf).collect(Collectors.joining(","))
                  + " SCRIPT), then merge again (the report comes with the last run)"
              : "; rerun their shards, then merge again (the report comes with the last run)");
      return UserError.FAILURE;
    }
    return 0;
  }
}
