package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in quick study ({@code depthlab sweep} with no config) has seeds enough to find a clear
 * effect: nested_rings' test accuracy from depth 1 to 2 comes out "differs", corroborated by the
 * exact signed-rank test, and its report says nothing about too few seeds.
 */
class QuickStudyVerdictTest {
  @TempDir Path tmp;

  @Test
  void nestedRingsDepthOneToTwoDiffers() throws IOException {
    Path study = tmp.resolve("quick");
    var r = SweepCommandTest.run("sweep", "--out", study.toString(), "--quiet", "--backend", "cpu");
    assertEquals(0, r.code(), r.err());
    List<CSVRecord> rows = SweepCommandTest.csv(study.resolve("stats_pairs.csv"));
    CSVRecord row =
        rows.stream()
            .filter(x -> x.get("dataset").equals("nested_rings"))
            .filter(x -> x.get("metric").equals("test_acc"))
            .filter(x -> x.get("depth_a").equals("1") && x.get("depth_b").equals("2"))
            .findFirst()
            .orElseThrow();
    assertEquals("differs", row.get("verdict"), row.toString());
    assertEquals("true", row.get("corroborated"), row.toString());
    String md = Files.readString(study.resolve("report.md"));
    assertTrue(!md.contains("Too few seeds"), md.substring(0, 600));
  }
}
