package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --out}, {@code --jobs} and {@code --[no-]preflight} are one option each (the mixins {@link
 * OutOption}, {@link JobsOption}, {@link PreflightOption}), taken by exactly the commands README
 * lists, with one check: {@code --jobs 0} is the same one-line refusal (exit 2) everywhere.
 */
class SharedOptionsTest {
  /** Command name to its options, from the real command tree. */
  private static Map<String, Map<String, OptionSpec>> options() {
    Map<String, Map<String, OptionSpec>> all = new TreeMap<>();
    new CommandLine(new Main())
        .getSubcommands()
        .forEach(
            (name, cl) -> {
              Map<String, OptionSpec> byName = new TreeMap<>();
              cl.getCommandSpec().options().forEach(o -> byName.put(o.longestName(), o));
              all.put(name, byName);
            });
    return all;
  }

  private static List<String> takers(Map<String, Map<String, OptionSpec>> all, String option) {
    List<String> names = new ArrayList<>();
    all.forEach(
        (cmd, opts) -> {
          if (opts.containsKey(option)) {
            names.add(cmd);
          }
        });
    return names;
  }

  @Test
  void eachSharedOptionIsOneMixinOnTheCommandsThatWriteOrTrainMany() {
    var all = options();
    assertEquals(
        List.of("compare", "merge", "phase", "signal", "slurm", "sweep", "train"),
        takers(all, "--out"));
    assertEquals(List.of("phase", "sweep"), takers(all, "--jobs"));
    assertEquals(List.of("phase", "sweep"), takers(all, "--preflight"));
    // merge's --out is required (the joined study has no default): its own option, not the mixin
    String outHelp = String.join(" ", all.get("sweep").get("--out").description());
    for (String cmd : List.of("compare", "phase", "signal", "slurm", "train")) {
      assertEquals(outHelp, String.join(" ", all.get(cmd).get("--out").description()), cmd);
    }
    OptionSpec jobs = all.get("sweep").get("--jobs");
    OptionSpec preflight = all.get("phase").get("--preflight");
    assertAll(
        () ->
            assertEquals(
                String.join(" ", jobs.description()),
                String.join(" ", all.get("phase").get("--jobs").description())),
        () -> assertTrue(preflight.negatable(), "--no-preflight on phase too"),
        () -> assertNotNull(all.get("merge").get("--out")),
        () -> assertTrue(all.get("merge").get("--out").required()));
  }

  @Test
  void jobsBelowOneIsOneLineExitTwoOnEveryCommandThatTakesIt() {
    var sweep = CliTestSupport.run("sweep", "config/quick.yaml", "--jobs", "0");
    var phase =
        CliTestSupport.run(
            "phase", "--x", "model.depths=1,3", "--y", "training.lr=0.1,0.2", "--jobs", "-3");
    assertAll(
        () -> assertEquals(2, sweep.code()),
        () -> assertEquals("depthlab: --jobs must be at least 1, got 0\n", sweep.err()),
        () -> assertEquals(2, phase.code()),
        () -> assertEquals("depthlab: --jobs must be at least 1, got -3\n", phase.err()));
  }
}
