package dev.depthlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** docs/metrics.md's table of equivalence margins says what {@link SeedMetric} defines. */
class MarginsDocTest {
  @Test
  void theDocumentedMarginsAreTheCodes() throws IOException {
    String doc = Files.readString(Path.of("docs/metrics.md"));
    String table = doc.substring(doc.indexOf("| metric | margin |"));
    table = table.substring(0, table.indexOf("\n\n"));
    Map<String, String> documented = new TreeMap<>();
    for (String line : table.split("\n")) {
      String[] cells = line.split("\\|");
      if (cells.length < 3 || !cells[1].contains("`")) {
        continue;
      }
      String margin = cells[2].trim().split(" ")[0];
      for (String m : cells[1].split(",")) {
        documented.put(m.trim().replace("`", ""), margin);
      }
    }
    List<SeedMetric> all = new ArrayList<>(SeedMetric.ALL);
    all.add(SeedMetric.SHARPNESS);
    Map<String, String> code = new TreeMap<>();
    all.forEach(m -> code.put(m.column(), m.margin().text()));
    assertEquals(code, documented);
  }
}
