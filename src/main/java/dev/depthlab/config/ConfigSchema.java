package dev.depthlab.config;

import dev.depthlab.common.BackendCatalog;
import dev.depthlab.common.BackendOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The known keys of a study config, by section, in docs/config.md's order, followed by the sections
 * the backends declare (their {@link BackendOption}s, from a {@link BackendCatalog}); and key
 * suggestions.
 */
final class ConfigSchema {
  /** Section path ("" is the top level) to its keys, in the order {@link ConfigYaml} writes. */
  private static final Map<String, List<String>> SECTIONS = new LinkedHashMap<>();

  static {
    SECTIONS.put(
        "",
        List.of(
            "name",
            "data",
            "model",
            "training",
            "seeds",
            "precision",
            "backend",
            "on_failure",
            "diagnostics"));
    SECTIONS.put("data", List.of("sets", "n_train", "test", "noise"));
    SECTIONS.put("data.test", List.of("n", "seed_offset", "fraction"));
    SECTIONS.put(
        "model",
        List.of(
            "depths",
            "width",
            "layers",
            "activation",
            "leaky_slope",
            "init",
            "bias_init",
            "sigma_w",
            "sigma_b"));
    SECTIONS.put(
        "training",
        List.of(
            "epochs",
            "batch_size",
            "batch_fraction",
            "full_batch",
            "sampling",
            "lr",
            "reduction",
            "clip_eps",
            "output_gradient",
            "health"));
    SECTIONS.put("training.health", List.of("grad_norm_limit"));
    SECTIONS.put(
        "diagnostics",
        List.of(
            "every",
            "steps",
            "grad_stats",
            "step_weights",
            "snapshots",
            "sharpness",
            "signal",
            "jacobian"));
    SECTIONS.put("diagnostics.grad_stats", List.of("from_epoch", "published"));
    SECTIONS.put("diagnostics.step_weights", List.of("layer", "every"));
    SECTIONS.put("diagnostics.snapshots", List.of("every", "grid"));
    SECTIONS.put("diagnostics.sharpness", List.of("every", "iterations"));
    SECTIONS.put("diagnostics.jacobian", List.of("every", "probes"));
    SECTIONS.put("diagnostics.signal", List.of("draws", "batch"));
  }

  /**
   * Keys an override displaces from the file: the other way of saying the same thing. Without this,
   * {@code --set model.layers=[2,4,1]} on a depths config would always fail as "both given".
   */
  private static final Map<String, List<String>> ALTERNATIVES =
      Map.of(
          "model.depths", List.of("layers"),
          "model.layers", List.of("depths", "width"),
          "training.batch_size", List.of("batch_fraction", "full_batch"),
          "training.batch_fraction", List.of("batch_size", "full_batch"),
          "training.full_batch", List.of("batch_size", "batch_fraction"),
          "data.test.fraction", List.of("n", "seed_offset"),
          "data.test.n", List.of("fraction"),
          "data.test.seed_offset", List.of("fraction"));

  /** This schema's sections: the study's own, then one per backend that declares settings. */
  private final Map<String, List<String>> sections = new LinkedHashMap<>();

  private final BackendCatalog catalog;

  private ConfigSchema(BackendCatalog catalog) {
    this.catalog = catalog;
    sections.putAll(SECTIONS);
    List<String> top = new ArrayList<>(SECTIONS.get(""));
    for (String backend : catalog.sections()) {
      top.add(backend);
      sections.put(backend, catalog.optionsOf(backend).stream().map(BackendOption::key).toList());
    }
    sections.put("", List.copyOf(top));
  }

  /** The study's own top-level keys (without the backends' sections). */
  static List<String> topLevelKeys() {
    return SECTIONS.get("");
  }

  /** The study's keys with the settings of the backends in {@code catalog}. */
  static ConfigSchema of(BackendCatalog catalog) {
    return new ConfigSchema(catalog);
  }

  BackendCatalog catalog() {
    return catalog;
  }

  boolean isSection(String path) {
    return sections.containsKey(path);
  }

  List<String> keys(String section) {
    return sections.get(section);
  }

  boolean isKnown(String section, String key) {
    List<String> keys = sections.get(section);
    return keys != null && keys.contains(key);
  }

  /** Sibling keys that a value set for {@code path} replaces (see {@link #ALTERNATIVES}). */
  static List<String> alternatives(String path) {
    return ALTERNATIVES.getOrDefault(path, List.of());
  }

  static String join(String section, String key) {
    return section.isEmpty() ? key : section + "." + key;
  }

  /** Every known key path, sections included, e.g. {@code model}, {@code model.width}. */
  List<String> allPaths() {
    List<String> all = new ArrayList<>();
    sections.forEach((section, keys) -> keys.forEach(k -> all.add(join(section, k))));
    return all;
  }

  /**
   * The hint for a key path the user typed that is not known: the closest full path ({@code
   * training.lrr} -> {@code training.lr}), else the paths whose last name is the one typed ({@code
   * lr} -> {@code training.lr}; {@code every} -> each section's), else the path whose last name is
   * closest ({@code epoch} -> {@code training.epochs}), else the one path whose last name has the
   * typed one as a word ({@code training.health.limit} -> {@code training.health.grad_norm_limit});
   * the last two within the section typed, when it is one; "" when nothing is near.
   */
  String suggestPath(String typed) {
    List<String> all = allPaths();
    String direct = didYouMean(typed, all);
    if (!direct.isEmpty()) {
      return direct;
    }
    String leaf = leaf(typed);
    List<String> same = new ArrayList<>();
    for (String p : all) {
      if (leaf(p).equals(leaf) && !p.equals(typed)) {
        same.add(p);
      }
    }
    if (same.size() == 1) {
      return " (did you mean '" + same.get(0) + "'?)";
    }
    if (same.size() > 1) {
      return " (did you mean one of '" + String.join("', '", same) + "'?)";
    }
    List<String> pool = new ArrayList<>();
    int dot = typed.lastIndexOf('.');
    for (String p : all) {
      if (dot < 0 || p.startsWith(typed.substring(0, dot + 1))) {
        pool.add(p);
      }
    }
    if (pool.isEmpty()) {
      pool = all; // a section that does not exist either: any section
    }
    Map<String, String> byLeaf = new LinkedHashMap<>();
    for (String p : pool) {
      byLeaf.merge(leaf(p), p, (x, y) -> ""); // a leaf name of several paths suggests none
    }
    String near = didYouMean(leaf, byLeaf.keySet());
    if (!near.isEmpty()) {
      String name = near.substring(" (did you mean '".length(), near.length() - "'?)".length());
      String path = byLeaf.get(name);
      if (!path.isEmpty()) {
        return " (did you mean '" + path + "'?)";
      }
    }
    List<String> words = new ArrayList<>();
    for (String p : pool) {
      if (List.of(leaf(p).split("_")).contains(leaf)) {
        words.add(p);
      }
    }
    return words.size() == 1 ? " (did you mean '" + words.get(0) + "'?)" : "";
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "". */
  static String didYouMean(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(word, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    // two edits catch typos and swaps; more would suggest unrelated keys (one for short words)
    boolean close = best != null && bestDistance <= (word.length() <= 3 ? 1 : 2);
    return close ? " (did you mean '" + best + "'?)" : "";
  }

  /** Edit distance counting a swap of two neighbours as one edit ("widht" is 1 from "width"). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
