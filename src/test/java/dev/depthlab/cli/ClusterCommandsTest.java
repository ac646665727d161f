package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.cli.CliTestSupport.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep --shard}, {@code merge} and {@code slurm} end to end through Main.run, without a
 * cluster: the shards merged are held to a local sweep of the same study (the comparand), file by
 * file, wall times aside ({@link StudyTrees}).
 */
class ClusterCommandsTest {
  @TempDir Path tmp;
  Path config;

  @BeforeEach
  void writeConfig() throws IOException {
    config = tmp.resolve("tiny.yaml");
    Files.writeString(config, SweepCommandTest.TINY);
  }

  private Outcome sweep(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("sweep", config.toString(), "--out", out.toString()));
    a.addAll(List.of(more));
    a.add("-q");
    return CliTestSupport.run(a.toArray(String[]::new));
  }

  private Outcome merge(Path out, Path... shards) {
    List<String> a = new ArrayList<>(List.of("merge"));
    for (Path s : shards) {
      a.add(s.toString());
    }
    a.addAll(List.of("--out", out.toString()));
    return CliTestSupport.run(a.toArray(String[]::new));
  }

  private Path[] shardDirs(Path root, int n) {
    Path[] dirs = new Path[n];
    for (int i = 0; i < n; i++) {
      dirs[i] = root.resolve("shard-" + i + "-of-" + n);
    }
    return dirs;
  }

  @Test
  void threeShardsMergedEqualTheLocalSweepAndMergingAgainIsANoOp() throws IOException {
    Path local = tmp.resolve("local");
    assertEquals(0, sweep(local).code());
    Path shards = tmp.resolve("shards");
    int total = 0;
    for (int i = 0; i < 3; i++) {
      Outcome r = sweep(shards, "--shard", i + "/3");
      assertEquals(0, r.code(), r.err());
      String line = r.out().lines().filter(l -> l.startsWith("shard ")).findFirst().orElseThrow();
      total += Integer.parseInt(line.replaceAll("shard \\d/3: (\\d+) of.*", "$1"));
    }
    assertEquals(SweepCommandTest.RUNS, total, "the shards' runs add up to the study's");
    Path merged = tmp.resolve("merged");
    Outcome m = merge(merged, shardDirs(shards, 3));
    assertEquals(0, m.code(), m.out() + m.err());
    assertTrue(m.out().contains("12 of 12 runs (12 copied, 0 already there)"), m.out());
    StudyTrees.assertSameStudy(local, merged, Set.of());

    FileTime old = FileTime.fromMillis(0);
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(merged)) {
      s.filter(Files::isRegularFile).forEach(all::add);
    }
    for (Path p : all) {
      Files.setLastModifiedTime(p, old);
    }
    Outcome again = merge(merged, shardDirs(shards, 3));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("nothing new"), again.out());
    for (Path p : all) {
      if (!p.getFileName().toString().equals(".lock")) { // each writer records itself there
        assertEquals(old, Files.getLastModifiedTime(p), p + " was rewritten");
      }
    }
    StudyTrees.assertSameStudy(local, merged, Set.of());
  }

  @Test
  void aMergedStudyGetsTheSignalAnalysisALocalSweepWrites() throws IOException {
    // shards write no report and no signal files; the merge runs the signal stage before the
    // report, so the merged folder is the local sweep's, signal.csv and signal_map.csv included
    Files.writeString(
        config, SweepCommandTest.TINY + "diagnostics: {signal: {draws: 3, batch: 10}}\n");
    Path local = tmp.resolve("local");
    assertEquals(0, sweep(local).code());
    Path shards = tmp.resolve("shards");
    for (int i = 0; i < 2; i++) {
      assertEquals(0, sweep(shards, "--shard", i + "/2").code());
      assertFalse(Files.exists(shardDirs(shards, 2)[i].resolve("signal.csv")));
    }
    Path merged = tmp.resolve("merged");
    Outcome m = merge(merged, shardDirs(shards, 2));
    assertEquals(0, m.code(), m.out() + m.err());
    assertTrue(Files.exists(merged.resolve("signal_map.csv")));
    assertTrue(
        Files.readString(merged.resolve("report.md")).contains("Networks drawn as the runs draw"));
    StudyTrees.assertSameStudy(local, merged, Set.of());
  }

  @Test
  void aMultirunsShardsMergeIntoOneFolderPerVariant() throws IOException {
    String[] multi = {"--set", "training.lr=0.01,0.02", "--set", "seeds=[0]"};
    Path local = tmp.resolve("local");
    assertEquals(0, sweep(local, multi).code());
    Path shards = tmp.resolve("shards");
    for (int i = 0; i < 3; i++) {
      List<String> a = new ArrayList<>(List.of(multi));
      a.addAll(List.of("--shard", i + "/3"));
      assertEquals(0, sweep(shards, a.toArray(String[]::new)).code());
    }
    Path merged = tmp.resolve("merged");
    Outcome m = merge(merged, shardDirs(shards, 3));
    assertEquals(0, m.code(), m.out() + m.err());
    assertEquals(2, m.out().lines().filter(l -> l.startsWith("report: ")).count(), m.out());
    StudyTrees.assertSameStudy(local, merged, Set.of());
  }

  @Test
  void aMissingShardIsNamedAndItsRerunCompletesTheMerge() throws IOException {
    Path shards = tmp.resolve("shards");
    for (int i : new int[] {0, 2}) {
      assertEquals(0, sweep(shards, "--shard", i + "/3").code());
    }
    Path merged = tmp.resolve("merged");
    Outcome m = merge(merged, shardDirs(shards, 3)[0], shardDirs(shards, 3)[2]);
    assertEquals(1, m.code(), m.out() + m.err());
    assertEquals(1, m.err().strip().lines().count(), m.err());
    assertTrue(m.err().contains("resubmit shard(s) 1 (sbatch --array=1 SCRIPT)"), m.err());
    // the shard that failed: resubmitted, it runs only its own runs
    Outcome rerun = sweep(shards, "--shard", "1/3");
    assertEquals(0, rerun.code(), rerun.err());
    Outcome done = merge(merged, shardDirs(shards, 3));
    assertEquals(0, done.code(), done.err());
    assertTrue(done.out().contains("12 of 12 runs"), done.out());
    assertFalse(done.out().contains("duplicate"), done.out());
  }

  @Test
  void aShardResumesLikeAnySweep() throws IOException {
    Path shards = tmp.resolve("shards");
    assertEquals(0, sweep(shards, "--shard", "0/3").code());
    Path shard = shards.resolve("shard-0-of-3");
    List<Path> runs;
    try (Stream<Path> s = Files.walk(shard.resolve("runs"))) {
      runs = s.filter(p -> p.getFileName().toString().equals("run.json")).sorted().toList();
    }
    Files.delete(runs.get(0)); // as if the task was killed before this run finished
    Outcome r = sweep(shards, "--shard", "0/3");
    assertEquals(0, r.code(), r.err());
    int n = runs.size();
    assertTrue(
        r.out().contains("resume: " + (n - 1) + " of " + n + " runs already finished"), r.out());
    assertTrue(r.out().contains("training 1 run on"), r.out());
  }

  @Test
  void shardsOfAnotherProtocolAreRefusedWithNothingWritten() {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    assertEquals(0, sweep(a, "--shard", "0/2").code());
    assertEquals(0, sweep(b, "--shard", "1/2", "--set", "training.lr=0.02").code());
    Path merged = tmp.resolve("merged");
    Outcome m = merge(merged, a.resolve("shard-0-of-2"), b.resolve("shard-1-of-2"));
    assertEquals(2, m.code(), m.out() + m.err());
    assertEquals(1, m.err().strip().lines().count(), m.err());
    assertTrue(m.err().contains("protocol hash"), m.err());
    assertFalse(Files.exists(merged), "nothing written");
  }

  @Test
  void runsFinishedInTwoShardsAreReportedAsDuplicates() {
    Path shards = tmp.resolve("shards");
    assertEquals(0, sweep(shards, "--shard", "0/2").code());
    assertEquals(0, sweep(shards, "--shard", "1/2").code());
    Path whole = tmp.resolve("whole");
    assertEquals(0, sweep(whole).code());
    Outcome m =
        merge(
            tmp.resolve("merged"),
            shards.resolve("shard-0-of-2"),
            shards.resolve("shard-1-of-2"),
            whole);
    assertEquals(0, m.code(), m.err());
    long dups = m.out().lines().filter(l -> l.startsWith("duplicate: ")).count();
    assertEquals(SweepCommandTest.RUNS, dups, m.out());
    // two sweeps of one study differ in their wall times alone, and the merge says so
    long wall = m.out().lines().filter(l -> l.contains("(identical but for wall times)")).count();
    assertEquals(SweepCommandTest.RUNS, wall, m.out());
  }

  /**
   * Two copies of a run that differ beyond wall times (here a summary number, which run.json holds
   * itself) are refused, exit 1, naming both; a shard run that fails verification is refused with
   * its reason; nothing is merged either way.
   */
  @Test
  void differingOrDamagedCopiesAreRefusedNamingThem() throws IOException {
    Path shards = tmp.resolve("shards");
    assertEquals(0, sweep(shards, "--shard", "0/2").code());
    assertEquals(0, sweep(shards, "--shard", "1/2").code());
    Path whole = tmp.resolve("whole");
    assertEquals(0, sweep(whole).code());
    Path s0 = shards.resolve("shard-0-of-2");
    Path s1 = shards.resolve("shard-1-of-2");
    String rel;
    try (Stream<Path> s = Files.walk(s0.resolve("runs"))) {
      rel =
          s0.relativize(
                  s.filter(p -> p.endsWith("run.json"))
                      .sorted()
                      .findFirst()
                      .orElseThrow()
                      .getParent())
              .toString();
    }
    Path json = whole.resolve(rel).resolve("run.json");
    String text = Files.readString(json);
    Files.writeString(json, text.replaceFirst("\"test_acc\" : [0-9.]+", "\"test_acc\" : 0.123"));
    Path merged = tmp.resolve("merged");
    Outcome m = merge(merged, s0, s1, whole);
    assertEquals(1, m.code(), m.out() + m.err());
    assertEquals(1, m.err().strip().lines().count(), m.err());
    assertTrue(m.err().contains("finished with different results in two places"), m.err());
    assertTrue(m.err().contains(s0.resolve(rel) + " and " + whole.resolve(rel)), m.err());
    assertFalse(Files.exists(merged.resolve("runs")), "nothing merged");

    Files.writeString(json, text);
    Files.writeString(s1.resolve(firstRun(s1)).resolve("epochs.csv"), "epoch\n");
    Outcome d = merge(merged, s0, s1);
    assertEquals(1, d.code(), d.out() + d.err());
    assertTrue(d.err().contains("1 run folder failed verification"), d.err());
    assertTrue(d.err().contains(s1.resolve(firstRun(s1)) + ": epochs.csv has 6 bytes"), d.err());
    assertFalse(Files.exists(merged.resolve("runs")), "nothing merged");
  }

  private static String firstRun(Path study) throws IOException {
    try (Stream<Path> s = Files.walk(study.resolve("runs"))) {
      return study
          .relativize(
              s.filter(p -> p.endsWith("run.json")).sorted().findFirst().orElseThrow().getParent())
          .toString();
    }
  }

  @Test
  void slurmWritesAJobArrayScriptAndPrintsHowToSubmitAndMerge() throws IOException {
    Path launcher = tmp.resolve("bin/depthlab");
    Files.createDirectories(launcher.getParent());
    Files.writeString(launcher, "#!/bin/sh\n");
    launcher.toFile().setExecutable(true);
    Path out = tmp.resolve("cluster");
    Outcome r =
        CliTestSupport.run(
            "slurm",
            config.toString(),
            "--tasks",
            "4",
            "--out",
            out.toString(),
            "--launcher",
            launcher.toString(),
            "--partition",
            "gpu",
            "--account",
            "lab",
            "--time",
            "01:00:00",
            "--gpus-per-task",
            "1",
            "--cpus-per-task",
            "4",
            "--module",
            "cuda/12.4",
            "--sbatch-line",
            "--mem=8G",
            "--set",
            "training.lr=0.02");
    assertEquals(0, r.code(), r.err());
    Path script = out.resolve("tiny.sbatch");
    String text = Files.readString(script);
    for (String line :
        List.of(
            "#SBATCH --array=0-3",
            "#SBATCH --output=" + out + "/logs/tiny-%A_%a.out",
            "#SBATCH --gpus-per-task=1",
            "#SBATCH --cpus-per-task=4",
            "#SBATCH --partition=gpu",
            "#SBATCH --account=lab",
            "#SBATCH --time=01:00:00",
            "#SBATCH --mem=8G",
            "module load cuda/12.4",
            "exec "
                + launcher
                + " sweep "
                + config
                + " --out "
                + out
                + "/shards"
                + " --shard \"${SLURM_ARRAY_TASK_ID}/4\" --jobs \"${SLURM_CPUS_PER_TASK:-4}\""
                + " --backend auto --set training.lr=0.02 --quiet")) {
      assertTrue(text.lines().anyMatch(line::equals), "no line: " + line + "\n" + text);
    }
    assertTrue(Files.isDirectory(out.resolve("logs")), "Slurm does not create the log folder");
    assertTrue(r.out().contains("submit: sbatch " + script), r.out());
    assertTrue(
        r.out()
            .contains(
                "then:   " + launcher + " merge " + out + "/shards/shard-*-of-4 --out " + out),
        r.out());
  }

  @Test
  void slurmRefusesBadInputWithOneLineAndWritesNothing() throws IOException {
    Path launcher = tmp.resolve("depthlab");
    Files.writeString(launcher, "#!/bin/sh\n");
    launcher.toFile().setExecutable(true);
    Path out = tmp.resolve("cluster");
    for (List<String> bad :
        List.of(
            List.of("--tasks", "0", "--launcher", launcher.toString()),
            List.of("--tasks", "2", "--launcher", tmp.resolve("nope").toString()),
            List.of(
                "--tasks", "2", "--launcher", launcher.toString(), "--set", "training.lr=-1"))) {
      List<String> args =
          new ArrayList<>(List.of("slurm", config.toString(), "--out", out.toString()));
      args.addAll(bad);
      Outcome r = CliTestSupport.run(args.toArray(String[]::new));
      assertEquals(2, r.code(), bad + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertFalse(Files.exists(out), bad + " wrote " + out);
    }
  }
}
