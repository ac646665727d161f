package dev.depthlab.config;

import dev.depthlab.common.UserError;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Command-line {@code --set key.path=value} overrides. A value is YAML ({@code 0.01}, {@code
 * [1,2]}, {@code [{kind: circle, radius: 0.3}]}) and replaces that key in the config's node tree
 * before binding, so it meets the same validation as the file. A value with top-level commas
 * ({@code training.lr=0.1,0.01}) is a multirun: several values, expanded by {@link #expand}.
 */
public final class Overrides {
  private Overrides() {}

  /** One {@code key.path=value} override as given, split at its first {@code =}. */
  record Override(String raw, String path, String value) {}

  static Override parse(String raw) {
    int eq = raw.indexOf('=');
    if (eq < 0) {
      throw Origins.overrideError(raw, "expected key.path=value (no '=' found)");
    }
    String path = raw.substring(0, eq).trim();
    if (path.isEmpty()) {
      throw Origins.overrideError(raw, "expected key.path=value (no key before '=')");
    }
    return new Override(raw, path, raw.substring(eq + 1).trim());
  }

  /** Whether any override gives several comma-separated values (a multirun). */
  public static boolean isMultirun(List<String> sets) {
    for (String raw : sets) {
      if (values(parse(raw)).size() > 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * The cartesian product of the overrides' values, as lists of single-valued overrides: {@code
   * [a=1,2, b=x,y]} gives {@code [a=1, b=x], [a=1, b=y], [a=2, b=x], [a=2, b=y]} (the first key
   * varies slowest). Commas inside brackets, braces or quotes do not split.
   */
  public static List<List<String>> expand(List<String> sets) {
    // the product is bounded before any combination is made
    long product = 1;
    for (String raw : sets) {
      product *= values(parse(raw)).size();
      if (product > Limits.MAX_VARIANTS) {
        throw new UserError(
            "--set: the multirun has "
                + (sets.size() == 1 ? "" : "at least ")
                + product
                + " variants, beyond depthlab's limit of "
                + Limits.MAX_VARIANTS
                + " (a study folder each; docs/config.md, Limits)");
      }
    }
    List<List<String>> runs = new ArrayList<>();
    runs.add(List.of());
    for (String raw : sets) {
      Override o = parse(raw);
      List<List<String>> next = new ArrayList<>();
      for (List<String> prefix : runs) {
        for (String value : values(o)) {
          List<String> run = new ArrayList<>(prefix);
          run.add(o.path() + "=" + value);
          next.add(List.copyOf(run));
        }
      }
      runs = next;
    }
    return List.copyOf(runs);
  }

  /**
   * The override's values: its value split at top-level commas. A list longer than {@link
   * Limits#MAX_VARIANTS} is refused before it is split; a value given twice, or two spellings of
   * one number ({@code 0.1,0.10}), is refused (both would be one protocol in two folders).
   */
  static List<String> values(Override o) {
    if (count(o.value()) > Limits.MAX_VARIANTS) {
      throw Origins.overrideError(
          Limits.shortened(o.raw()),
          count(o.value())
              + " values, beyond depthlab's limit of "
              + Limits.MAX_VARIANTS
              + " variants (a study folder each; docs/config.md, Limits)");
    }
    List<String> parts = split(o.value());
    if (parts.size() > 1 && parts.stream().anyMatch(String::isEmpty)) {
      throw Origins.overrideError(
          Limits.shortened(o.raw()), "empty value in a comma-separated list");
    }
    Map<String, String> seen = new HashMap<>();
    for (String part : parts) {
      String earlier = seen.putIfAbsent(sameness(part), part);
      if (earlier != null) {
        throw Origins.overrideError(
            Limits.shortened(o.raw()),
            (earlier.equals(part)
                    ? "value " + Limits.shortened(part) + " is given twice"
                    : "values "
                        + Limits.shortened(earlier)
                        + " and "
                        + Limits.shortened(part)
                        + " are the same number")
                + " (one protocol in two folders); give each value once");
      }
    }
    return parts;
  }

  /** What makes two multirun values one: a number's value, else the text without spaces. */
  private static String sameness(String value) {
    try {
      double d = Double.parseDouble(value);
      return "number " + (d == 0 ? 0.0 : d);
    } catch (NumberFormatException e) {
      return "text " + value.replaceAll("\\s+", "");
    }
  }

  /** How many values {@link #split} would give, counted without making them. */
  static long count(String value) {
    long[] n = {1};
    topLevelCommas(value, i -> n[0]++);
    return n[0];
  }

  /** Splits at commas outside [], {}, () and quotes; each part trimmed. */
  static List<String> split(String value) {
    List<String> parts = new ArrayList<>();
    int[] start = {0};
    topLevelCommas(
        value,
        i -> {
          parts.add(value.substring(start[0], i).trim());
          start[0] = i + 1;
        });
    parts.add(value.substring(start[0]).trim());
    return parts;
  }

  /** Calls {@code at} with the index of every comma outside [], {}, () and quotes, in order. */
  private static void topLevelCommas(String value, IntConsumer at) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '{' || c == '(') {
        depth++;
      } else if (c == ']' || c == '}' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        at.accept(i);
      }
    }
  }

  /** Applies single-valued overrides to {@code root} in order; a later one wins. */
  static void apply(MappingNode root, List<String> sets, Origins origins, ConfigSchema schema) {
    for (String raw : sets) {
      apply(root, parse(raw), origins, schema);
    }
  }

  private static void apply(MappingNode root, Override o, Origins origins, ConfigSchema schema) {
    String[] keys = o.path().split("\\.", -1);
    MappingNode map = root;
    String section = "";
    for (int i = 0; i < keys.length; i++) {
      boolean last = i == keys.length - 1;
      String path = ConfigSchema.join(section, keys[i]);
      if (!schema.isKnown(section, keys[i]) || !last && !schema.isSection(path)) {
        throw Origins.overrideError(
            o.raw(), "unknown key '" + o.path() + "'" + schema.suggestPath(o.path()));
      }
      if (last) {
        set(map, keys[i], path, compose(o), o, origins);
      } else {
        map = childMap(map, keys[i], path, o, origins);
        section = path;
      }
    }
  }

  /** The section {@code key} of {@code map}, created when the file does not have it. */
  private static MappingNode childMap(
      MappingNode map, String key, String path, Override o, Origins origins) {
    Node existing = find(map, key);
    if (existing instanceof MappingNode m) {
      return m;
    }
    if (existing != null && !ConfigBinder.isEmpty(existing)) {
      throw origins.error(
          existing, path + ": expected a map of keys, got " + ConfigBinder.describe(existing));
    }
    MappingNode created =
        new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
    set(map, key, path, created, o, origins);
    return created;
  }

  private static void set(
      MappingNode map, String key, String path, Node value, Override o, Origins origins) {
    List<String> displaced = ConfigSchema.alternatives(path);
    // a key the file gives twice is replaced outright; the alternative form only if the file
    // gave it (two overrides that contradict each other stay an error)
    map.getValue()
        .removeIf(
            t -> {
              String k = keyOf(t);
              return key.equals(k)
                  || displaced.contains(k) && !origins.fromOverride(t.getValueNode());
            });
    ScalarNode keyNode = new ScalarNode(Tag.STR, key, null, null, DumperOptions.ScalarStyle.PLAIN);
    origins.markOverride(keyNode, o.raw());
    origins.markOverride(value, o.raw());
    map.getValue().add(new NodeTuple(keyNode, value));
  }

  private static Node find(MappingNode map, String key) {
    Node found = null;
    for (NodeTuple t : map.getValue()) {
      if (key.equals(keyOf(t))) {
        found = t.getValueNode();
      }
    }
    return found;
  }

  private static String keyOf(NodeTuple t) {
    return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
  }

  /** The value as a YAML node; an empty value is a YAML null (and fails where a value is due). */
  private static Node compose(Override o) {
    try {
      Node n = ConfigLoader.yaml().compose(new StringReader(o.value()));
      return n != null
          ? n
          : new ScalarNode(Tag.NULL, "", null, null, DumperOptions.ScalarStyle.PLAIN);
    } catch (MarkedYAMLException e) {
      throw Origins.overrideError(
          o.raw(), "YAML syntax error: " + ConfigLoader.oneLine(e.getProblem()));
    } catch (YAMLException e) {
      throw Origins.overrideError(o.raw(), "YAML error: " + ConfigLoader.oneLine(e.getMessage()));
    }
  }
}
