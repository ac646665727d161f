package dev.depthlab.report;

import dev.depthlab.common.CsvFiles;
import dev.depthlab.common.UserError;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The files of a signal-propagation analysis (docs/metrics.md): {@code signal.csv}, one row per
 * data set, depth and hidden layer, and {@code signal_map.csv}, one row with the draws, the batch
 * and the length map's numbers. The analysis (package {@code signal}) writes them; the report and
 * its figures read them back, so {@code depthlab report} draws the section from files alone.
 */
public final class SignalCsv {
  /** The per-layer file. */
  public static final String CSV = "signal.csv";

  /** The one-row file of the analysis' settings and the length map's fixed point. */
  public static final String MAP_CSV = "signal_map.csv";

  /** The columns of signal.csv, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "dataset",
          "depth",
          "layer",
          "units",
          "draws",
          "forward_var",
          "forward_var_std",
          "forward_var_theory",
          "backward_var",
          "backward_var_std",
          "backward_var_theory");

  /**
   * Columns written after {@link #COLUMNS} since the analysis reports the spread over draws and the
   * correlation map; read when present, NaN in a folder written before them.
   */
  public static final List<String> SPREAD_COLUMNS =
      List.of(
          "forward_var_median",
          "forward_var_q1",
          "forward_var_q3",
          "backward_var_median",
          "backward_var_q1",
          "backward_var_q3",
          "corr",
          "corr_median",
          "corr_q1",
          "corr_q3",
          "corr_theory");

  /** The columns of signal_map.csv, in order. */
  public static final List<String> MAP_COLUMNS =
      List.of("draws", "first_seed", "batch", "sigma_w2", "fixed_point", "chi_1");

  /** Later columns of signal_map.csv (the correlation map and depth scales), as SPREAD_COLUMNS. */
  public static final List<String> SCALE_COLUMNS = List.of("c_star", "chi_c", "xi_q", "xi_c");

  /**
   * The median and quartiles of a value over draws: NumPy's default (linear interpolation between
   * order statistics, {@code numpy.quantile(x, [0.25, 0.5, 0.75])}); NaN for no values.
   */
  public record Spread(double q1, double median, double q3) {
    public static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN);

    public static Spread of(double[] values) {
      if (values.length == 0) {
        return NONE;
      }
      double[] x = values.clone();
      java.util.Arrays.sort(x);
      return new Spread(quantile(x, 0.25), quantile(x, 0.5), quantile(x, 0.75));
    }

    /** The p-quantile of sorted {@code x}. */
    static double quantile(double[] x, double p) {
      double h = (x.length - 1) * p;
      int lo = (int) Math.floor(h);
      int hi = Math.min(lo + 1, x.length - 1);
      // equal neighbours (infinite ones included) are the quantile, without inf - inf
      return x[hi] == x[lo] ? x[lo] : x[lo] + (h - lo) * (x[hi] - x[lo]);
    }
  }

  private SignalCsv() {}

  /**
   * One hidden layer (1-based {@code layer} of {@code depth}) of one data set: the measured mean
   * squares over units and samples, their mean and population std over draws, and the theory's
   * value averaged over the same draws and samples. Backward values are of the batch objective's
   * gradient (so they carry the 1/B^2 of a MEAN reduction).
   */
  public record Row(
      String dataset,
      int depth,
      int layer,
      int units,
      int draws,
      double forward,
      double forwardStd,
      double forwardTheory,
      double backward,
      double backwardStd,
      double backwardTheory,
      Spread forwardSpread,
      Spread backwardSpread,
      double corr,
      Spread corrSpread,
      double corrTheory) {

    /** A row without the spread and correlation columns (NaN). */
    public Row(
        String dataset,
        int depth,
        int layer,
        int units,
        int draws,
        double forward,
        double forwardStd,
        double forwardTheory,
        double backward,
        double backwardStd,
        double backwardTheory) {
      this(
          dataset,
          depth,
          layer,
          units,
          draws,
          forward,
          forwardStd,
          forwardTheory,
          backward,
          backwardStd,
          backwardTheory,
          Spread.NONE,
          Spread.NONE,
          Double.NaN,
          Spread.NONE,
          Double.NaN);
    }
  }

  /**
   * A whole analysis: the rows (data set, then depth, then layer), the draws per network shape, the
   * first draw's run seed, the batch size used, and the length map's fixed point {@code q*} and
   * {@code chi_1} there for a hidden-to-hidden layer ({@code sigmaW2} its {@code fan_in * Var(w)}).
   */
  public record Analysis(
      List<Row> rows,
      int draws,
      long firstSeed,
      int batch,
      double sigmaW2,
      double fixedPoint,
      double chi,
      double cStar,
      double chiC,
      double xiQ,
      double xiC) {

    /** Without the correlation map's numbers (NaN). */
    public Analysis(
        List<Row> rows,
        int draws,
        long firstSeed,
        int batch,
        double sigmaW2,
        double fixedPoint,
        double chi) {
      this(
          rows,
          draws,
          firstSeed,
          batch,
          sigmaW2,
          fixedPoint,
          chi,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Writes both files into {@code dir}, each atomically. */
  public static void write(Path dir, Analysis a) {
    CsvFiles.write(
        dir.resolve(CSV),
        concat(COLUMNS, SPREAD_COLUMNS),
        p -> {
          for (Row r : a.rows()) {
            p.printRecord(
                r.dataset(),
                r.depth(),
                r.layer(),
                r.units(),
                r.draws(),
                CsvFiles.num(r.forward()),
                CsvFiles.num(r.forwardStd()),
                CsvFiles.num(r.forwardTheory()),
                CsvFiles.num(r.backward()),
                CsvFiles.num(r.backwardStd()),
                CsvFiles.num(r.backwardTheory()),
                CsvFiles.num(r.forwardSpread().median()),
                CsvFiles.num(r.forwardSpread().q1()),
                CsvFiles.num(r.forwardSpread().q3()),
                CsvFiles.num(r.backwardSpread().median()),
                CsvFiles.num(r.backwardSpread().q1()),
                CsvFiles.num(r.backwardSpread().q3()),
                CsvFiles.num(r.corr()),
                CsvFiles.num(r.corrSpread().median()),
                CsvFiles.num(r.corrSpread().q1()),
                CsvFiles.num(r.corrSpread().q3()),
                CsvFiles.num(r.corrTheory()));
          }
        });
    CsvFiles.write(
        dir.resolve(MAP_CSV),
        concat(MAP_COLUMNS, SCALE_COLUMNS),
        p ->
            p.printRecord(
                a.draws(),
                a.firstSeed(),
                a.batch(),
                CsvFiles.num(a.sigmaW2()),
                CsvFiles.num(a.fixedPoint()),
                CsvFiles.num(a.chi()),
                CsvFiles.num(a.cStar()),
                CsvFiles.num(a.chiC()),
                CsvFiles.num(a.xiQ()),
                CsvFiles.num(a.xiC())));
  }

  /**
   * The analysis in {@code dir}; empty when neither file is there (a study folder written before
   * the sweep measured it). One file without the other, a missing column or a cell that is no
   * number is an error (exit 1) naming the file.
   */
  public static Optional<Analysis> read(Path dir) {
    Path csv = dir.resolve(CSV);
    Path map = dir.resolve(MAP_CSV);
    if (!Files.exists(csv) && !Files.exists(map)) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(csv, map));
    } catch (NumberFormatException e) {
      throw new UserError(
          csv + " or " + MAP_CSV + " has a cell that is no number (" + e.getMessage() + ")",
          UserError.FAILURE);
    }
  }

  private static Analysis parse(Path csv, Path map) {
    List<Row> rows = new ArrayList<>();
    for (CSVRecord r : records(csv, COLUMNS)) {
      rows.add(
          new Row(
              r.get("dataset"),
              Integer.parseInt(r.get("depth")),
              Integer.parseInt(r.get("layer")),
              Integer.parseInt(r.get("units")),
              Integer.parseInt(r.get("draws")),
              Double.parseDouble(r.get("forward_var")),
              Double.parseDouble(r.get("forward_var_std")),
              Double.parseDouble(r.get("forward_var_theory")),
              Double.parseDouble(r.get("backward_var")),
              Double.parseDouble(r.get("backward_var_std")),
              Double.parseDouble(r.get("backward_var_theory")),
              new Spread(
                  optional(r, "forward_var_q1"),
                  optional(r, "forward_var_median"),
                  optional(r, "forward_var_q3")),
              new Spread(
                  optional(r, "backward_var_q1"),
                  optional(r, "backward_var_median"),
                  optional(r, "backward_var_q3")),
              optional(r, "corr"),
              new Spread(
                  optional(r, "corr_q1"), optional(r, "corr_median"), optional(r, "corr_q3")),
              optional(r, "corr_theory")));
    }
    List<CSVRecord> m = records(map, MAP_COLUMNS);
    if (m.size() != 1 || rows.isEmpty()) {
      throw new UserError(
          (rows.isEmpty() ? csv + " has no rows" : map + " has " + m.size() + " rows, not 1")
              + ": rerun the study's sweep to rewrite the signal analysis",
          UserError.FAILURE);
    }
    CSVRecord r = m.get(0);
    return new Analysis(
        List.copyOf(rows),
        Integer.parseInt(r.get("draws")),
        Long.parseLong(r.get("first_seed")),
        Integer.parseInt(r.get("batch")),
        Double.parseDouble(r.get("sigma_w2")),
        Double.parseDouble(r.get("fixed_point")),
        Double.parseDouble(r.get("chi_1")),
        optional(r, "c_star"),
        optional(r, "chi_c"),
        optional(r, "xi_q"),
        optional(r, "xi_c"));
  }

  /** A later column's number, NaN where the file predates it. */
  private static double optional(CSVRecord r, String column) {
    return r.isMapped(column) ? Double.parseDouble(r.get(column)) : Double.NaN;
  }

  /**
   * The records of {@code file}, which must have {@code columns}; numbers are parsed by callers.
   */
  private static List<CSVRecord> records(Path file, List<String> columns) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      var parser =
          CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in);
      if (!parser.getHeaderNames().containsAll(columns)) {
        throw new UserError(
            file + " lacks columns of " + columns + ": rerun the study's sweep to rewrite it",
            UserError.FAILURE);
      }
      List<CSVRecord> records = parser.getRecords();
      for (CSVRecord rec : records) {
        if (!rec.isConsistent()) {
          throw new UserError(
              file + " line " + (rec.getRecordNumber() + 1) + ": wrong number of cells",
              UserError.FAILURE);
        }
      }
      return records;
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), UserError.FAILURE);
    }
  }
}
