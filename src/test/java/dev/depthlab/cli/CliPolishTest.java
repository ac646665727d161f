package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.bench.StepBench;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.runner.BarLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line's polish (issue 27): each item a newcomer tripped on, one test each. */
class CliPolishTest {
  @TempDir Path tmp;

  private static CliTestSupport.Outcome run(String... args) {
    return CliTestSupport.run(args);
  }

  private static void refused(CliTestSupport.Outcome r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "swep|unknown command 'swep' (did you mean 'sweep'?)",
        "trian|unknown command 'trian' (did you mean 'train'?)",
        "frobnicate|unknown command 'frobnicate'; commands: train, sweep,"
      })
  void aMistypedCommandGetsASuggestion(String typed, String expected) {
    refused(run(typed), expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "lr=0.1|--set lr=0.1: unknown key 'lr' (did you mean 'training.lr'?)",
        "training.lrr=0.1|unknown key 'training.lrr' (did you mean 'training.lr'?)",
        "epoch=3|unknown key 'epoch' (did you mean 'training.epochs'?)",
        "width=8|unknown key 'width' (did you mean 'model.width'?)",
        "every=2|(did you mean one of 'diagnostics.every', 'diagnostics.step_weights.every',"
      })
  void aKeyByItsLeafNameGetsItsPath(String set, String expected) {
    refused(run("data", "--set", set), expected);
  }

  @Test
  void aLeafNameInTheFileGetsItsPathToo() throws Exception {
    Path c = tmp.resolve("c.yaml");
    Files.writeString(c, "lr: 0.1\n");
    refused(run("data", c.toString()), c + ":1: unknown key 'lr' (did you mean 'training.lr'?)");
  }

  @Test
  void backendAndPrecisionErrorsQuoteTheOptionAsTyped() {
    var r = run("sweep", "--backend", "gpu", "--out", tmp.resolve("o").toString());
    refused(r, "--backend gpu: must be one of auto, cpu, cuda, reference (did you mean 'cuda'?)");
    assertFalse(r.err().contains("--set"), r.err());
    var p = run("sweep", "--precision", "fp16", "--out", tmp.resolve("o").toString());
    refused(p, "--precision fp16: must be fp32 or fp64");
    assertFalse(p.err().contains("--set"), p.err());
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  /** Every command that takes a CONFIG defaults to the built-in quick study, and says so. */
  @Test
  void everyCommandDefaultsToTheQuickStudy() {
    CommandLine main = new CommandLine(new Main());
    int optional = 0;
    for (CommandLine sub : main.getSubcommands().values()) {
      for (var p : sub.getCommandSpec().positionalParameters()) {
        if (p.paramLabel().equals("CONFIG") && p.arity().min() == 0) {
          optional++;
          String d = String.join(" ", p.description());
          assertTrue(d.contains("quick study"), sub.getCommandName() + ": " + d);
          assertFalse(d.contains("seed-study"), sub.getCommandName() + ": " + d);
        }
      }
    }
    assertEquals(6, optional, "sweep, gradcheck, data, signal, phase, slurm");
    // and the quick study is what they load: gradcheck with no config checks its depths 1, 2, 4
    var r = run("gradcheck", "--seeds", "1", "--batch", "4");
    assertEquals(0, r.code(), r.err());
    assertEquals(
        ConfigLoader.builtIn("quick", List.of()).model().depths().size(),
        r.out().lines().filter(l -> l.startsWith("circle ")).count()
            / Math.max(1, usableBackends()),
        r.out());
  }

  private static long usableBackends() {
    return run("backends").out().lines().filter(l -> l.matches("\\S+\\s+available.*")).count();
  }

  @Test
  void signalWithoutOutWritesBesideTheStudyNotIntoIt() {
    var cfg = ConfigLoader.builtIn("seed-study", List.of());
    Path dir = SignalCommand.defaultDir(cfg);
    assertEquals(Path.of("results", "seed-study-signal"), dir);
    assertFalse(dir.startsWith(Path.of("results", "seed-study")) && dir.getNameCount() > 2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"data", "signal"})
  void optionsThatDoNotApplyAreNotListed(String command) {
    String help = run(command, "--help").out();
    for (String option : List.of("--backend", "--precision", "--quiet")) {
      assertFalse(help.contains(option), command + " lists " + option + ":\n" + help);
    }
    assertTrue(help.contains("--set=KEY=VALUE"), help);
  }

  /** picocli's own wrapping broke after the '.' of "--set training." at some widths. */
  @Test
  void helpWrapsBetweenWordsAtEveryWidth() {
    try {
      for (int width = 55; width <= 120; width++) {
        System.setProperty("picocli.usage.width", Integer.toString(width));
        for (String command : List.of("train", "sweep", "phase", "gradcheck")) {
          String help = run(command, "--help").out();
          assertTrue(
              help.contains("training.epochs=50"), command + " at width " + width + ":\n" + help);
          for (String line : help.split("\n")) {
            assertTrue(line.length() <= width, width + ": " + line);
          }
        }
      }
    } finally {
      System.clearProperty("picocli.usage.width");
    }
  }

  @Test
  void oneRunIsOneRunAndTrainNamesItsLayers() throws Exception {
    Path c = tmp.resolve("one.yaml");
    Files.writeString(
        c,
        "data: {sets: [circle], n_train: 40, test: {n: 10}}\nmodel: {depths: [1], width: 4}\n"
            + "training: {epochs: 2}\nseeds: [0]\n");
    var s = run("sweep", c.toString(), "--out", tmp.resolve("s").toString(), "--quiet");
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("trained 1 run in"), s.out());
    assertTrue(s.out().contains("(1 of 1 run)"), s.out());
    assertFalse(s.out().contains("1 runs"), s.out());
    var t = run("train", c.toString(), "--out", tmp.resolve("t").toString(), "--quiet");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains(": layers 2-4-1, relu, 2 epochs"), t.out());
    assertFalse(t.out().contains("NetworkSpec"), t.out());
    // every file written, figures and GIFs included, is as readable as a new file here (umask)
    Path probe = Files.createFile(tmp.resolve("probe"));
    var expected = Files.getPosixFilePermissions(probe);
    try (Stream<Path> files = Files.walk(tmp.resolve("s"))) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (!f.getFileName().toString().equals(".lock")) {
          assertEquals(
              PosixFilePermissions.toString(expected),
              PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
              f.toString());
        }
      }
    }
    try (Stream<Path> files = Files.walk(tmp.resolve("t"))) {
      long n =
          files
              .filter(f -> f.toString().endsWith(".gif") || f.toString().endsWith(".png"))
              .peek(
                  f -> {
                    try {
                      assertEquals(expected, Files.getPosixFilePermissions(f), f.toString());
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .count();
      assertTrue(n > 0, "train draws figures");
    }
  }

  @Test
  void benchFlagsRoundsThatDisagreeByMoreThanAFifth() {
    assertFalse(StepBench.unsteady(5.3, 6.3)); // 19%
    assertTrue(StepBench.unsteady(5.3, 6.4)); // 21%
    assertTrue(StepBench.unsteady(5.3, 1486));
  }

  @Test
  void theProgressBarKeepsOneWidth() {
    assertEquals(79, BarLayout.width(null), "unknown width: 80 columns");
    assertEquals(79, BarLayout.width("0"));
    assertEquals(79, BarLayout.width("wide"));
    assertEquals(119, BarLayout.width("120"));
    assertEquals(79, BarLayout.width("12"), "too narrow to be real: 80 columns");
    for (String msg : List.of("", "short", "circle d1 s0 10/40; circle d2 s0 20/40; +3 more")) {
      assertEquals(17, BarLayout.fit(msg, 17).length(), msg);
    }
    assertEquals("circle d1 s0 1...", BarLayout.fit("circle d1 s0 10/40; more", 17));
  }
}
