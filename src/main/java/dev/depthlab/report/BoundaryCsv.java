package dev.depthlab.report;

import dev.depthlab.common.UserError;
import dev.depthlab.plot.ProbabilityMap;
import dev.depthlab.train.RunFolder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A run's boundary.csv read back: its snapshots in file order (docs/config.md, snapshots). */
final class BoundaryCsv {
  /** One snapshot: after {@code epoch} (0: before training), the grid of probabilities. */
  record Snapshot(int epoch, ProbabilityMap.Grid grid) {}

  private BoundaryCsv() {}

  /** The snapshots of {@code runDir}; empty when it has no boundary.csv. */
  static List<Snapshot> read(Path runDir) {
    Path file = runDir.resolve(RunFolder.BOUNDARY_CSV);
    List<Snapshot> out = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      int values = header == null ? 0 : header.split(",", -1).length - 3;
      int size = (int) Math.round(Math.sqrt(values));
      if (size < 2 || size * size != values) {
        throw new IOException("header is not epoch, lo, hi and a square grid");
      }
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(",", -1);
        double[] p = new double[values];
        for (int k = 0; k < values; k++) {
          p[k] = Double.parseDouble(f[k + 3]);
        }
        out.add(
            new Snapshot(
                Integer.parseInt(f[0]),
                new ProbabilityMap.Grid(
                    size, Double.parseDouble(f[1]), Double.parseDouble(f[2]), p)));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }
}
