package dev.depthlab.common;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Every CSV depthlab writes: RFC 4180 with a header row and '\n' line ends, written atomically. */
public final class CsvFiles {
  private CsvFiles() {}

  /** Prints the data rows. */
  @FunctionalInterface
  public interface Rows {
    void printTo(CSVPrinter p) throws IOException;
  }

  public static void write(Path file, List<String> header, Rows rows) {
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setRecordSeparator('\n')
            .setHeader(header.toArray(String[]::new))
            .build();
    AtomicFiles.write(
        file,
        w -> {
          try (CSVPrinter p = format.print(w)) {
            rows.printTo(p);
          }
        });
  }

  /** The shortest decimal that reads back as the same double: files compare byte for byte. */
  public static String num(double v) {
    return Double.toString(v);
  }
}
