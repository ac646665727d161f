package dev.depthlab.report;

import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.stats.Margin;
import dev.depthlab.stats.Paired;
import dev.depthlab.stats.Welch;
import dev.depthlab.sweep.Grid;
import dev.depthlab.sweep.StudyLock;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.yaml.snakeyaml.Yaml;

/**
 * Two or more study folders read for {@code depthlab compare}, from their files alone: each one's
 * study.yaml (the config as recorded, its hash), summary.csv (every run's values) and, where the
 * folder keeps them, its run folders' epochs.csv (the curves). The first study is the baseline:
 * every other is compared with it, paired by seed where the two share data and seeds, by Welch's t
 * otherwise ({@link Design}).
 */
public final class StudyCompare {
  /** The headline per-run values set side by side: summary.csv's columns and their names. */
  static final List<String[]> METRICS =
      List.of(
          new String[] {"test_acc", "test accuracy"},
          new String[] {"train_acc", "train accuracy"},
          new String[] {"grad_norm_mean", "gradient norm, mean over epochs"},
          new String[] {"grad_norm_std", "gradient norm, std over epochs"},
          new String[] {"grad_norm_cv", "gradient norm, CV over epochs"});

  /**
   * One study as read: its letter (A, B, ...), folder, config and its flattened keys, hash,
   * study.yaml's text, summary.csv's runs, and the runs read from run folders (with curves; empty
   * for a folder that keeps none).
   */
  public record Study(
      String letter,
      Path dir,
      StudyConfig config,
      Map<String, String> keys,
      String hash,
      String yaml,
      List<RunRecord> runs,
      List<RunRecord> curveRuns) {}

  /** How study {@code other} is compared with the baseline, and why, in one sentence. */
  public record Design(boolean paired, String why) {}

  /** A study's values of one metric at one data set and depth: mean, population std, n. */
  record Cell(double mean, double std, int n) {}

  /**
   * One comparison's difference (other - baseline) with its 95% interval; {@code pairs}: the seeds
   * paired, -1 for Welch's t.
   */
  record Diff(double diff, double low, double high, int pairs) {}

  /** One row of the side-by-side tables: a data set, depth and metric across the studies. */
  record Row(String dataset, int depth, String metric, List<Cell> cells, List<Diff> diffs) {}

  private StudyCompare() {}

  /** The studies at {@code dirs}, lettered in that order; refuses fewer than two (exit 2). */
  public static List<Study> read(List<Path> dirs) {
    if (dirs.size() < 2) {
      throw new UserError("compare needs at least two study folders, got " + dirs.size());
    }
    List<Study> out = new ArrayList<>();
    List<Path> seen = new ArrayList<>();
    for (Path d : dirs) {
      Path norm = d.toAbsolutePath().normalize();
      if (seen.contains(norm)) {
        throw new UserError(d + " is named twice: compare needs two different study folders");
      }
      seen.add(norm);
      out.add(readOne(String.valueOf((char) ('A' + out.size())), d));
    }
    return out;
  }

  private static Study readOne(String letter, Path dir) {
    StudyConfig cfg = StudyLock.read(dir); // not a study folder: one line, exit 2
    String hash = StudyLock.storedHash(dir).orElseThrow();
    Path summary = dir.resolve(StudyReport.SUMMARY_CSV);
    if (!Files.isRegularFile(summary)) {
      throw new UserError(
          dir + " has no " + StudyReport.SUMMARY_CSV + " (sweep it, or `depthlab report DIR`)");
    }
    List<RunRecord> runs = SummaryCsv.read(summary, hash);
    if (runs.isEmpty()) {
      throw new UserError(dir + "'s " + StudyReport.SUMMARY_CSV + " has no runs to compare");
    }
    List<RunRecord> curveRuns = new ArrayList<>();
    for (RunSpec spec : Grid.runs(cfg)) {
      Path run = dir.resolve(spec.relativeDir());
      if (RunFolder.isFinished(run) && hash.equals(RunFolder.configHash(run))) {
        curveRuns.add(RunReader.read(run));
      }
    }
    String yaml;
    try {
      yaml = Files.readString(dir.resolve(StudyLock.FILE));
    } catch (IOException e) {
      throw new UserError("cannot read " + dir.resolve(StudyLock.FILE) + ": " + e.getMessage());
    }
    return new Study(letter, dir, cfg, flatten(cfg), hash, yaml, runs, curveRuns);
  }

  /** The resolved config as {@code key.path -> value} (lists in YAML's flow style). */
  static Map<String, String> flatten(StudyConfig cfg) {
    Object tree = new Yaml().load(ConfigYaml.toYaml(cfg));
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", tree, out);
    return out;
  }

  private static void flatten(String prefix, Object node, Map<String, String> out) {
    if (node instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        flatten(prefix.isEmpty() ? "" + e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) {
        parts.add(o instanceof Map<?, ?> || o instanceof List<?> ? flowOf(o) : String.valueOf(o));
      }
      out.put(prefix, "[" + String.join(", ", parts) + "]");
    } else {
      out.put(prefix, String.valueOf(node));
    }
  }

  private static String flowOf(Object o) {
    Map<String, String> inner = new LinkedHashMap<>();
    flatten("", o, inner);
    List<String> parts = new ArrayList<>();
    inner.forEach((k, v) -> parts.add(k.isEmpty() ? v : k + ": " + v));
    return "{" + String.join(", ", parts) + "}";
  }

  /**
   * The keys whose values differ between the studies, each with every study's value ("(absent)"
   * where a study lacks it), in the first study's key order, then the others' new keys. {@code
   * name} is left out: it names the folder, not the protocol.
   */
  public static Map<String, List<String>> differingKeys(List<Study> studies) {
    TreeSet<String> seenOrder = new TreeSet<>();
    List<String> order = new ArrayList<>();
    for (Study s : studies) {
      for (String k : s.keys().keySet()) {
        if (seenOrder.add(k)) {
          order.add(k);
        }
      }
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String k : order) {
      if (k.equals("name")) {
        continue;
      }
      List<String> values = new ArrayList<>();
      for (Study s : studies) {
        values.add(s.keys().getOrDefault(k, "(absent)"));
      }
      if (values.stream().distinct().count() > 1) {
        out.put(k, values);
      }
    }
    return out;
  }

  /**
   * How {@code other} is compared with {@code base}: paired by seed when every {@code data.*} key
   * is the same (at one seed both draw the same training and test sets) and they share at least two
   * seeds; Welch's t otherwise.
   */
  public static Design design(Study base, Study other) {
    List<String> dataKeys = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(base.keys().keySet());
    keys.addAll(other.keys().keySet());
    for (String k : keys) {
      if (k.startsWith("data.") && !Objects.equals(base.keys().get(k), other.keys().get(k))) {
        dataKeys.add(k);
      }
    }
    TreeSet<Long> shared = new TreeSet<>(base.config().seeds());
    shared.retainAll(other.config().seeds());
    String vs = other.letter() + " against " + base.letter() + ": ";
    if (!dataKeys.isEmpty()) {
      return new Design(
          false,
          vs
              + "Welch's t (unpaired): the data differ ("
              + String.join(", ", dataKeys)
              + "), so a seed draws other points in each");
    }
    if (shared.size() < 2) {
      return new Design(
          false,
          vs
              + "Welch's t (unpaired): "
              + (shared.isEmpty()
                  ? "no seed is shared"
                  : "only seed " + shared.first() + " is shared"));
    }
    return new Design(
        true,
        vs
            + "paired by seed (the "
            + shared.size()
            + " shared seeds "
            + shared
            + "): the data config is the same, so at one seed both studies train and test on"
            + " the same points; the interval is the paired t interval of the mean difference");
  }

  /**
   * The side-by-side rows: every data set and depth that the baseline shares with at least one
   * other study, each headline metric. Refuses (exit 2) studies with no data set and depth in
   * common: there is nothing to set side by side.
   */
  static List<Row> rows(List<Study> studies, List<Design> designs) {
    Study base = studies.get(0);
    List<Row> rows = new ArrayList<>();
    for (String set : datasets(base)) {
      for (int depth : depths(base, set)) {
        boolean shared = false;
        for (Study s : studies.subList(1, studies.size())) {
          shared |= !values(s, set, depth, "test_acc").isEmpty();
        }
        if (!shared) {
          continue;
        }
        for (String[] m : METRICS) {
          rows.add(row(studies, designs, set, depth, m[0]));
        }
      }
    }
    if (rows.isEmpty()) {
      throw new UserError(
          "the studies share no data set and depth ("
              + base.dir()
              + " has "
              + datasets(base)
              + " at depths "
              + depths(base, datasets(base).get(0))
              + "): nothing to set side by side");
    }
    return rows;
  }

  private static Row row(
      List<Study> studies, List<Design> designs, String set, int depth, String metric) {
    List<Cell> cells = new ArrayList<>();
    for (Study s : studies) {
      var ms =
          dev.depthlab.common.MeanStd.ofFinite(
              values(s, set, depth, metric).values().stream()
                  .mapToDouble(Double::doubleValue)
                  .toArray());
      cells.add(new Cell(ms.mean(), ms.std(), ms.n()));
    }
    Map<Long, Double> base = values(studies.get(0), set, depth, metric);
    List<Diff> diffs = new ArrayList<>();
    for (int i = 1; i < studies.size(); i++) {
      Map<Long, Double> other = values(studies.get(i), set, depth, metric);
      if (designs.get(i - 1).paired()) {
        TreeSet<Long> seeds = new TreeSet<>(base.keySet());
        seeds.retainAll(other.keySet());
        double[] x = new double[seeds.size()];
        double[] y = new double[seeds.size()];
        int k = 0;
        for (long seed : seeds) {
          x[k] = base.get(seed);
          y[k++] = other.get(seed);
        }
        Paired p = Paired.of(x, y, Margin.absolute(0));
        diffs.add(new Diff(p.diff(), p.diffLow(), p.diffHigh(), p.n()));
      } else {
        Welch w =
            Welch.of(
                base.values().stream().mapToDouble(Double::doubleValue).toArray(),
                other.values().stream().mapToDouble(Double::doubleValue).toArray());
        diffs.add(new Diff(w.diff(), w.diffLow(), w.diffHigh(), -1));
      }
    }
    return new Row(set, depth, metric, cells, diffs);
  }

  /** A study's finite values of {@code metric} at one data set and depth, by seed (ok runs). */
  static Map<Long, Double> values(Study s, String set, int depth, String metric) {
    Map<Long, Double> out = new LinkedHashMap<>();
    for (RunRecord r : s.runs()) {
      if (r.ok() && r.dataset().equals(set) && r.depth() == depth) {
        double v = value(r, metric);
        if (Double.isFinite(v)) {
          out.put(r.seed(), v);
        }
      }
    }
    return out;
  }

  static double value(RunRecord r, String metric) {
    return switch (metric) {
      case "test_acc" -> r.testAcc();
      case "train_acc" -> r.trainAcc();
      case "grad_norm_mean" -> r.gradNormMean();
      case "grad_norm_std" -> r.gradNormStd();
      case "grad_norm_cv" -> r.gradNormCv();
      default -> throw new IllegalArgumentException(metric);
    };
  }

  static List<String> datasets(Study s) {
    List<String> out = new ArrayList<>();
    for (RunRecord r : s.runs()) {
      if (!out.contains(r.dataset())) {
        out.add(r.dataset());
      }
    }
    return out;
  }

  static List<Integer> depths(Study s, String set) {
    TreeSet<Integer> out = new TreeSet<>();
    for (RunRecord r : s.runs()) {
      if (r.dataset().equals(set)) {
        out.add(r.depth());
      }
    }
    return new ArrayList<>(out);
  }
}
