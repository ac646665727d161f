package dev.depthlab.train;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.train.RunSchema.Jacobian;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's jacobian.csv ({@code diagnostics.jacobian}): one row per snapshot, probe point and
 * singular value, columns {@link RunSchema.Jacobian}; written by {@link RunFolder}, read back by
 * the report.
 */
public final class JacobianCsv {
  private JacobianCsv() {}

  static void write(Path file, List<JacobianSnapshot> snaps) {
    List<String> header = new ArrayList<>();
    Jacobian.ALL.forEach(c -> header.add(c.key()));
    CsvFiles.write(
        file,
        header,
        p -> {
          for (JacobianSnapshot s : snaps) {
            for (int k = 0; k < s.sv().length; k++) {
              for (int i = 0; i < s.sv()[k].length; i++) {
                p.printRecord(s.epoch(), k + 1, i + 1, CsvFiles.num(s.sv()[k][i]));
              }
            }
          }
        });
  }

  /** The snapshots of {@code runDir} in file order; empty when it has no jacobian.csv. */
  public static List<JacobianSnapshot> read(Path runDir) {
    Path file = runDir.resolve(RunFolder.JACOBIAN_CSV);
    List<JacobianSnapshot> out = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      List<String> want = new ArrayList<>();
      Jacobian.ALL.forEach(c -> want.add(c.key()));
      if (header == null || !header.equals(String.join(",", want))) {
        throw new IOException("header is not " + String.join(",", want));
      }
      int epoch = -1;
      List<double[]> probes = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      int probe = 0;
      for (String line = r.readLine(); ; line = r.readLine()) {
        String[] f = line == null ? null : line.split(",", -1);
        int e = f == null ? -2 : Integer.parseInt(f[0]);
        int k = f == null ? -2 : Integer.parseInt(f[1]);
        if (e != epoch || k != probe) { // a probe's row ends: keep its values
          if (!values.isEmpty()) {
            probes.add(values.stream().mapToDouble(Double::doubleValue).toArray());
            values.clear();
          }
          if (e != epoch && epoch >= 0) {
            out.add(new JacobianSnapshot(epoch, probes.toArray(double[][]::new)));
            probes.clear();
          }
          epoch = e;
          probe = k;
        }
        if (f == null) {
          break;
        }
        values.add(Double.parseDouble(f[3]));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }
}
