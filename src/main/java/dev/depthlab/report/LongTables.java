package dev.depthlab.report;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.common.UserError;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSchema.Tidy;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A study's long-format ("tidy") tables at its root, one row per run and epoch ({@code
 * epochs_long.csv}) and per run and step ({@code steps_long.csv}, when some run recorded steps):
 * the run's identity ({@link Tidy}: dataset, depth, seed, and the variant in a multirun's variant)
 * then the run file's own columns, cells copied as written. Runs of different depths have different
 * per-layer columns: the header is the union (the deepest run's order), empty where a run lacks
 * one. Written by the report from the run folders it read; none without run folders.
 */
final class LongTables {
  private LongTables() {}

  /**
   * Writes both tables for {@code runs} (read from {@code runDirs}, in report order) into {@code
   * dir}; {@code variant} is the variant's label, "" for a plain study. With no runs it writes none
   * and removes a stale one, as summary.csv then lists none.
   */
  static void write(Path dir, List<RunRecord> runs, List<Path> runDirs, String variant) {
    table(
        dir.resolve(Tidy.EPOCHS_FILE),
        runs,
        runDirs,
        variant,
        d -> d.resolve(RunFolder.EPOCHS_CSV));
    table(
        dir.resolve(Tidy.STEPS_FILE), runs, runDirs, variant, d -> d.resolve(RunFolder.STEPS_CSV));
  }

  private static void table(
      Path target,
      List<RunRecord> runs,
      List<Path> runDirs,
      String variant,
      Function<Path, Path> fileOf) {
    List<Integer> with = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    int deepest = -1;
    for (int i = 0; i < runDirs.size(); i++) {
      if (Files.isRegularFile(fileOf.apply(runDirs.get(i)))) {
        with.add(i);
        if (deepest < 0 || runs.get(i).depth() > runs.get(deepest).depth()) {
          deepest = i;
        }
      }
    }
    if (with.isEmpty()) {
      try {
        Files.deleteIfExists(target);
      } catch (IOException e) {
        throw new UserError("cannot remove " + target + ": " + e.getMessage(), UserError.FAILURE);
      }
      return;
    }
    columns.addAll(header(fileOf.apply(runDirs.get(deepest))));
    for (int i : with) {
      for (String c : header(fileOf.apply(runDirs.get(i)))) {
        if (!columns.contains(c)) {
          columns.add(c);
        }
      }
    }
    List<String> head = new ArrayList<>();
    head.add(Tidy.DATASET.key());
    head.add(Tidy.DEPTH.key());
    head.add(Tidy.SEED.key());
    if (!variant.isEmpty()) {
      head.add(Tidy.VARIANT.key());
    }
    head.addAll(columns);
    CsvFiles.write(
        target,
        head,
        p -> {
          for (int i : with) {
            RunRecord r = runs.get(i);
            Path file = fileOf.apply(runDirs.get(i));
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser csv = format().parse(in)) {
              List<String> own = csv.getHeaderNames();
              int[] at = new int[columns.size()];
              for (int c = 0; c < at.length; c++) {
                at[c] = own.indexOf(columns.get(c));
              }
              for (CSVRecord rec : csv) {
                List<String> row = new ArrayList<>(head.size());
                row.add(r.dataset());
                row.add(Integer.toString(r.depth()));
                row.add(Long.toString(r.seed()));
                if (!variant.isEmpty()) {
                  row.add(variant);
                }
                for (int c : at) {
                  row.add(c < 0 ? "" : rec.get(c));
                }
                p.printRecord(row);
              }
            }
          }
        });
  }

  private static List<String> header(Path file) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser csv = format().parse(in)) {
      return csv.getHeaderNames();
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }

  private static CSVFormat format() {
    return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build();
  }
}
