package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.config.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grid specs are bounded before they are expanded: a phase axis of 10^7 or 10^9 points, a multirun
 * list of thousands of values or a product of lists beyond {@link Limits#MAX_VARIANTS} is refused
 * in one short line (exit 2, nothing written) without making the values; a multirun value given
 * twice, or two spellings of one value, is refused too. A runaway expansion (10^9 values) would
 * blow the suite's memory or time, so running these cases is the bound's test.
 */
class GridBoundsTest {
  @TempDir Path tmp;

  private String refusal(String... args) {
    Path out = tmp.resolve("out");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--out", out.toString(), "--quiet"));
    var r = CliTestSupport.run(all.toArray(String[]::new));
    String err = r.err().strip();
    assertAll(
        () -> assertEquals(2, r.code(), err),
        () -> assertEquals(1, err.lines().count(), err),
        () -> assertTrue(err.length() < 300, "a short line, got " + err.length() + " chars"),
        () -> assertFalse(Files.exists(out), "nothing written"));
    return err;
  }

  @Test
  void phaseAxesOfMillionsOfPointsAreRefusedBeforeTheyAreMade() {
    for (String n : List.of("10000000", "1e7", "1000000000", "1e9", "99999999999999")) {
      String err =
          refusal(
              "phase",
              "config/quick.yaml",
              "--x",
              "model.depths=1,2",
              "--y",
              "training.lr=1e-3:1:log:" + n);
      assertTrue(err.contains("beyond depthlab's limit of " + Limits.MAX_VARIANTS), err);
    }
    // a listed axis of 100000 values: counted, never split, and not echoed whole
    String many =
        IntStream.range(0, 100_000).mapToObj(i -> "0." + (i + 1)).collect(Collectors.joining(","));
    String err =
        refusal(
            "phase", "config/quick.yaml", "--x", "model.depths=1,2", "--y", "training.lr=" + many);
    assertTrue(err.contains("100000 points are beyond depthlab's limit"), err);
  }

  /**
   * The bound is the limit itself: an axis of exactly 1000 points is expanded into its 1000
   * variants (then refused for an unrelated reason, a bad n_train every variant shares, so nothing
   * trains); 1001 points are refused by the bound.
   */
  @Test
  void aPhaseAxisAtTheLimitIsExpanded() {
    String at =
        refusal(
            "phase",
            "config/quick.yaml",
            "--x",
            "training.lr=1:" + Limits.MAX_VARIANTS + ":lin:" + Limits.MAX_VARIANTS,
            "--y",
            "model.depths=1,2",
            "--set",
            "data.n_train=0");
    assertTrue(at.contains("data.n_train: must be >= 2"), at);
    int over = Limits.MAX_VARIANTS + 1;
    String beyond =
        refusal(
            "phase",
            "config/quick.yaml",
            "--x",
            "training.lr=1:" + over + ":lin:" + over,
            "--y",
            "model.depths=1,2",
            "--set",
            "data.n_train=0");
    assertTrue(beyond.contains(over + " points are beyond depthlab's limit of 1000"), beyond);
  }

  @Test
  void multirunListsAndProductsAreBounded() {
    String many =
        IntStream.range(0, 100_000).mapToObj(i -> "0." + (i + 1)).collect(Collectors.joining(","));
    String err = refusal("sweep", "config/quick.yaml", "--set", "training.lr=" + many);
    assertTrue(err.contains("100000 values, beyond depthlab's limit of 1000"), err);
    String forty =
        IntStream.range(0, 40).mapToObj(i -> (i + 1) + "e-3").collect(Collectors.joining(","));
    String product =
        refusal(
            "sweep",
            "config/quick.yaml",
            "--set",
            "training.lr=" + forty,
            "--set",
            "training.clip_eps=" + forty);
    assertTrue(product.contains("at least 1600 variants, beyond depthlab's limit"), product);
  }

  @Test
  void repeatedMultirunValuesAreRefused() {
    assertTrue(
        refusal("sweep", "config/quick.yaml", "--set", "training.lr=0.1,0.1")
            .contains("value 0.1 is given twice"));
    assertTrue(
        refusal("sweep", "config/quick.yaml", "--set", "training.lr=0.1,0.10")
            .contains("values 0.1 and 0.10 are the same number"));
    assertTrue(
        refusal("sweep", "config/quick.yaml", "--set", "training.lr=0.1,1e-1")
            .contains("values 0.1 and 1e-1 are the same number"));
    // different text, one config once bound: caught by the protocol hash
    String sets =
        refusal(
            "sweep",
            "config/quick.yaml",
            "--set",
            "data.sets=[circle],[{kind: circle}]",
            "--set",
            "training.epochs=2");
    assertTrue(sets.contains("are one protocol (the same config)"), sets);
  }
}
