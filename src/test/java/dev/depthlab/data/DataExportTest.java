package dev.depthlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.Rng;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files parse back to the exact same numbers, and no temporary file is left behind. */
class DataExportTest {
  @TempDir Path dir;

  private static List<CSVRecord> parse(Path file) throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
    try (Reader in = Files.newBufferedReader(file);
        CSVParser parser = CSVParser.parse(in, format)) {
      assertTrue(parser.getHeaderNames().size() >= 3);
      return parser.getRecords();
    }
  }

  @Test
  void dataSetRoundTrips() throws IOException {
    DataSet d = Datasets.generate(DatasetSpec.of("spiral"), 300, 0.1, new Rng(4));
    Path file = dir.resolve("sub/spiral.csv");
    DataExport.write(d, file);
    assertEquals("x1,x2,label", Files.readAllLines(file).get(0));
    List<CSVRecord> rows = parse(file);
    assertEquals(d.size(), rows.size());
    for (int i = 0; i < d.size(); i++) {
      CSVRecord r = rows.get(i);
      assertEquals(d.x()[2 * i], Double.parseDouble(r.get("x1")), 0, "row " + i + " x1");
      assertEquals(d.x()[2 * i + 1], Double.parseDouble(r.get("x2")), 0, "row " + i + " x2");
      assertEquals(d.y()[i], Double.parseDouble(r.get("label")), 0, "row " + i + " label");
    }
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList(), "temporary files left behind");
    }
  }

  @Test
  void splitRoundTripsWithSplitColumnAndOverwrites() throws IOException {
    Split s = Datasets.forRun(DatasetSpec.of("quadratic_noise"), 600, TestSplit.split(0.2), 0.1, 0);
    Path file = dir.resolve("split.csv");
    Files.writeString(file, "old content that must be replaced\n");
    DataExport.write(s, file);
    assertEquals("x1,x2,label,split", Files.readAllLines(file).get(0));
    List<CSVRecord> rows = parse(file);
    assertEquals(600, rows.size());
    for (int i = 0; i < 600; i++) {
      boolean inTrain = i < 480;
      DataSet d = inTrain ? s.train() : s.test();
      int k = inTrain ? i : i - 480;
      CSVRecord r = rows.get(i);
      assertEquals(inTrain ? "train" : "test", r.get("split"), "row " + i);
      assertEquals(d.x()[2 * k], Double.parseDouble(r.get("x1")), 0, "row " + i);
      assertEquals(d.x()[2 * k + 1], Double.parseDouble(r.get("x2")), 0, "row " + i);
      assertEquals(d.y()[k], Double.parseDouble(r.get("label")), 0, "row " + i);
    }
  }
}
