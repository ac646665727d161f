package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.depths=[0]} is logistic regression (no hidden layer): it trains, and its report is
 * written whole (its per-layer figures have no hidden layer to draw; it used to fail in XChart with
 * "X-Axis data cannot be empty").
 */
class LogisticStudyTest {
  @TempDir Path tmp;

  @Test
  void depthZeroAloneAndBesideDepthOneReport() throws Exception {
    for (String depths : List.of("[0]", "[0, 1]")) {
      String yaml =
          SweepCommandTest.TINY
              .replace("depths: [1, 3]", "depths: " + depths)
              .replace("seeds: [0, 1, 2]", "seeds: [0, 1]");
      Path study = CliTestSupport.sweep(tmp, depths.length() == 3 ? "zero" : "zero-one", yaml);
      assertTrue(Files.isRegularFile(study.resolve("report.html")), depths);
      List<String> summary = Files.readAllLines(study.resolve("summary.csv"));
      int depth = List.of(summary.get(0).split(",")).indexOf("depth");
      long zero = summary.stream().skip(1).filter(l -> l.split(",")[depth].equals("0")).count();
      assertEquals(4, zero, depths + ": two data sets x two seeds at depth 0\n" + summary);
      var again = CliTestSupport.run("report", study.toString());
      assertEquals(0, again.code(), again.err());
    }
  }
}
