package dev.depthlab.sweep;

import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.Overrides;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.train.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Expands a study into its runs: data sets x depths x seeds, and a multirun ({@code --set
 * key=a,b,c}) into variants, the cartesian product of the lists, each its own study folder.
 */
public final class Grid {
  private Grid() {}

  /** Every run of a study, data set slowest, then depth, then seed (the config's orders). */
  public static List<RunSpec> runs(StudyConfig cfg) {
    List<RunSpec> runs = new ArrayList<>();
    for (DatasetSpec d : cfg.data().sets()) {
      for (int depth : RunSpec.depthsOf(cfg)) {
        for (long seed : cfg.seeds()) {
          runs.add(new RunSpec(cfg, d, depth, seed));
        }
      }
    }
    return runs;
  }

  /**
   * The variants of {@code sets}: one with label "" in {@code root} when no override is a list,
   * else one per combination in {@code root/<key>=<value>,...}. {@code load} turns a list of
   * single-valued overrides into the config (it validates them).
   */
  public static List<Variant> variants(
      List<String> sets, Path root, Function<List<String>, StudyConfig> load) {
    List<Boolean> listValued = new ArrayList<>();
    for (String raw : sets) {
      listValued.add(Overrides.isMultirun(List.of(raw)));
    }
    List<Variant> out = new ArrayList<>();
    Map<String, String> byHash = new HashMap<>();
    for (List<String> combo : Overrides.expand(sets)) {
      List<String> varying = new ArrayList<>();
      for (int i = 0; i < combo.size(); i++) {
        if (listValued.get(i)) {
          varying.add(combo.get(i));
        }
      }
      String label = label(varying);
      StudyConfig cfg = load.apply(combo);
      // two spellings of one value (0.1 and 1e-1) bind to one config: one protocol, two folders
      String same = byHash.putIfAbsent(ConfigYaml.hash(cfg), label);
      if (same != null && !label.isEmpty()) {
        throw new UserError(
            "--set: the variants "
                + same
                + " and "
                + label
                + " are one protocol (the same config); give each value once");
      }
      out.add(new Variant(label, cfg, label.isEmpty() ? root : root.resolve(label)));
    }
    return out;
  }

  /** The first combination of a multirun (all overrides single-valued): names the study. */
  public static List<String> firstOf(List<String> sets) {
    return Overrides.expand(sets).get(0);
  }

  /**
   * A folder name for the varying overrides: {@code training.lr=0.1,model.width=8}; characters that
   * do not belong in a file name become {@code _}.
   */
  public static String label(List<String> varying) {
    StringBuilder sb = new StringBuilder();
    for (String o : varying) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(o.replaceAll("\\s+", "").replaceAll("[^A-Za-z0-9._=+-]", "_"));
    }
    return sb.toString();
  }
}
