package dev.depthlab.report;

import dev.depthlab.config.StudyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A study's title in its report.md and report.html: "Study NAME", and for a variant of a multirun
 * or phase grid the values that make it one ("Study quick: training.lr=0.01, model.width=8"). A
 * variant's folder is named by those values ({@code Grid.label}: {@code key=value,...}); the name
 * is read as such only when every key in it is a key of the study's own config, so a folder a user
 * named with an '=' is not mistaken for a variant.
 */
final class StudyTitle {
  private StudyTitle() {}

  static String of(Path dir, StudyConfig cfg) {
    List<String[]> values = variantValues(dir, cfg);
    if (values.isEmpty()) {
      return "Study " + cfg.name();
    }
    List<String> parts = new ArrayList<>();
    for (String[] kv : values) {
      parts.add(kv[0] + "=" + kv[1]);
    }
    return "Study " + cfg.name() + ": " + String.join(", ", parts);
  }

  /** The variant's folder name when {@code dir} is named as a variant of {@code cfg}, else "". */
  static String variantLabel(Path dir, StudyConfig cfg) {
    return variantValues(dir, cfg).isEmpty()
        ? ""
        : dir.toAbsolutePath().normalize().getFileName().toString();
  }

  /**
   * The {key, value} pairs of a variant's folder name, in order; empty when {@code dir} is not
   * named as a variant of {@code cfg}.
   */
  static List<String[]> variantValues(Path dir, StudyConfig cfg) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    if (name == null || !name.toString().contains("=")) {
      return List.of();
    }
    Map<String, String> keys = StudyCompare.flatten(cfg);
    List<String[]> out = new ArrayList<>();
    // a comma starts a new pair only where a key= follows (a value may hold commas)
    for (String part : name.toString().split(",(?=[A-Za-z_][A-Za-z0-9_.]*=)")) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? "" : part.substring(0, eq);
      if (!keys.containsKey(key)
          && keys.keySet().stream().noneMatch(k -> k.startsWith(key + "."))) {
        return List.of();
      }
      out.add(new String[] {key, part.substring(eq + 1)});
    }
    return out;
  }
}
