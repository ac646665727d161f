package dev.depthlab.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The protocol keys in which two configs differ, each with its old and new value ({@code
 * training.lr 0.01 -> 0.1}), read from their hashed YAML: exactly what makes their hashes differ.
 */
public final class ConfigDiff {
  private ConfigDiff() {}

  /** One changed key: its path, the old value and the new one ("(absent)" where not written). */
  public record Change(String key, String before, String after) {
    @Override
    public String toString() {
      return key + " " + before + " -> " + after;
    }
  }

  /** The keys whose values differ from {@code before} to {@code after}, in key order. */
  public static List<Change> changes(StudyConfig before, StudyConfig after) {
    Map<String, String> a = flat(ConfigYaml.protocolYaml(before));
    Map<String, String> b = flat(ConfigYaml.protocolYaml(after));
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<Change> out = new ArrayList<>();
    for (String k : keys) {
      String x = a.getOrDefault(k, "(absent)");
      String y = b.getOrDefault(k, "(absent)");
      if (!x.equals(y)) {
        out.add(new Change(k, x, y));
      }
    }
    return out;
  }

  private static Map<String, String> flat(String yaml) {
    Map<String, String> out = new LinkedHashMap<>();
    Object doc = new Yaml(new LoaderOptions()).load(yaml);
    flatten("", doc, out);
    return out;
  }

  private static void flatten(String prefix, Object v, Map<String, String> out) {
    if (v instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        String k = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
        flatten(k, e.getValue(), out);
      }
    } else {
      out.put(prefix, String.valueOf(v));
    }
  }
}
