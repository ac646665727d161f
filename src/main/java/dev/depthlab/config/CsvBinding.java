package dev.depthlab.config;

import dev.depthlab.common.UserError;
import dev.depthlab.data.CsvData;
import dev.depthlab.data.CsvSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Binds one {@code {kind: csv, ...}} entry of {@code data.sets}: {@code path} and {@code label}
 * (the label column) required; {@code features} (default: every other column), {@code test_path},
 * {@code name} (default: the file name without extension) optional. Relative paths resolve against
 * {@code base} (the config file's folder). Each file's SHA-256 is taken now, unless the entry
 * records it ({@code sha256}, {@code test_sha256}: a study.yaml, or a user pinning the content);
 * then the file is checked against it when its rows are read.
 */
final class CsvBinding {
  static final List<String> KEYS =
      List.of("kind", "name", "path", "label", "features", "test_path", "sha256", "test_sha256");
  private final Origins origins;
  private final Path base;

  CsvBinding(Origins origins, Path base) {
    this.origins = origins;
    this.base = base;
  }

  CsvSource bind(MappingNode map, String path) {
    Map<String, Node> v = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
      if (!KEYS.contains(key)) {
        throw origins.error(
            t.getKeyNode(),
            path
                + ": unknown key '"
                + key
                + "' for a csv data set; known keys: "
                + String.join(", ", KEYS));
      }
      if (v.put(key, t.getValueNode()) != null) {
        throw origins.error(t.getKeyNode(), "duplicate key '" + path + "." + key + "'");
      }
    }
    for (String needed : List.of("path", "label")) {
      if (!v.containsKey(needed)) {
        throw origins.error(
            map,
            path
                + ": a csv data set needs "
                + needed
                + ":, e.g. {kind: csv, path: my.csv, label: y}");
      }
    }
    Path file = file(v.get("path"), path + ".path");
    String label = text(v.get("label"), path + ".label");
    String sha =
        v.containsKey("sha256")
            ? text(v.get("sha256"), path + ".sha256")
            : digest(file, v.get("path"), path + ".path");
    Path test = v.containsKey("test_path") ? file(v.get("test_path"), path + ".test_path") : null;
    String testSha = null;
    if (test != null) {
      testSha =
          v.containsKey("test_sha256")
              ? text(v.get("test_sha256"), path + ".test_sha256")
              : digest(test, v.get("test_path"), path + ".test_path");
    }
    List<String> features;
    if (v.containsKey("features")) {
      features = names(v.get("features"), path + ".features");
    } else {
      features = new ArrayList<>(header(file, v.get("path"), path + ".path"));
      features.remove(label);
    }
    if (features.isEmpty()) {
      throw origins.error(map, path + ": a csv data set needs at least one feature column");
    }
    String name =
        v.containsKey("name") ? text(v.get("name"), path + ".name") : CsvSource.defaultName(file);
    if (!ConfigBinder.NAME.matcher(name).matches()) {
      throw origins.error(
          v.getOrDefault("name", v.get("path")),
          path + ".name: '" + name + "' may use letters, digits, '.', '_' and '-' only");
    }
    return new CsvSource(
        name,
        file.toString(),
        label,
        features,
        test == null ? null : test.toString(),
        sha,
        testSha);
  }

  private Path file(Node n, String key) {
    String typed = text(n, key);
    return base.resolve(typed).toAbsolutePath().normalize();
  }

  private String digest(Path file, Node n, String key) {
    if (!Files.isRegularFile(file)) {
      throw origins.error(
          n,
          key + ": no such file '" + ((ScalarNode) n).getValue() + "' (looked for " + file + ")");
    }
    try {
      return CsvData.sha256(file);
    } catch (UserError e) {
      throw origins.error(n, key + ": " + e.getMessage());
    }
  }

  private List<String> header(Path file, Node n, String key) {
    try {
      return CsvData.header(file);
    } catch (UserError e) {
      throw origins.error(n, key + ": " + e.getMessage());
    }
  }

  private List<String> names(Node n, String key) {
    if (!(n instanceof SequenceNode seq)) {
      throw origins.error(n, key + ": expected a list of column names, e.g. [x1, x2]");
    }
    List<String> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      String name = text(item, key);
      if (out.contains(name)) {
        throw origins.error(item, key + ": column '" + name + "' is listed twice");
      }
      out.add(name);
    }
    return out;
  }

  private String text(Node n, String key) {
    if (n instanceof ScalarNode s && !s.getValue().isBlank()) {
      return s.getValue();
    }
    throw origins.error(n, key + ": expected a non-empty text, got " + ConfigBinder.describe(n));
  }
}
