package dev.depthlab.config;

import dev.depthlab.common.BackendCatalog;
import dev.depthlab.common.BackendOption;
import dev.depthlab.common.UserError;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.TestSplit;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads a study config: a YAML file, text or built-in study, with {@code --set} overrides applied,
 * missing keys defaulted to the nn-depth-study protocol, and every value validated. Errors are
 * {@link UserError}s whose one line names the source, the line (or the override) and the key.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** The config in {@code file}, with {@code overrides} applied (single-valued only). */
  public static StudyConfig load(Path file, List<String> overrides) {
    if (!Files.isRegularFile(file)) {
      throw new UserError("config file not found: " + file);
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new UserError("config file " + file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new UserError("cannot read config file " + file + ": " + e.getMessage());
    }
    Path base = file.toAbsolutePath().normalize().getParent();
    return parse(text, file.toString(), overrides, BackendCatalog.standard(), base);
  }

  /**
   * A study.yaml the tool wrote, read without asking the backends: its backend name and backend
   * settings are taken as recorded (they were validated when the study was written). The report
   * reads study folders this way, so it loads no backend class ({@code ReportReadsOnlyFilesTest}).
   */
  public static StudyConfig loadRecorded(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage());
    }
    return parseRecorded(text, file.toString());
  }

  /** As {@link #loadRecorded}, from the text of a study.yaml. */
  public static StudyConfig parseRecorded(String yamlText, String sourceName) {
    return parse(yamlText, sourceName, List.of(), recordedCatalog(yamlText));
  }

  /** The backend names and settings that {@code yamlText} records, each accepted as written. */
  private static BackendCatalog recordedCatalog(String yamlText) {
    Object doc;
    try {
      doc = new Yaml(new LoaderOptions()).load(yamlText);
    } catch (YAMLException e) {
      doc = null; // parse() reports the error with its line
    }
    List<String> names = new ArrayList<>();
    List<BackendOption> options = new ArrayList<>();
    if (doc instanceof java.util.Map<?, ?> top) {
      Object backend = top.get("backend");
      if (backend != null && !"auto".equals(String.valueOf(backend))) {
        names.add(String.valueOf(backend));
      }
      List<String> study = ConfigSchema.topLevelKeys();
      for (var e : top.entrySet()) {
        String section = String.valueOf(e.getKey());
        if (study.contains(section) || !(e.getValue() instanceof java.util.Map<?, ?> settings)) {
          continue;
        }
        for (var kv : settings.entrySet()) {
          String value = String.valueOf(kv.getValue());
          options.add(
              new BackendOption(
                  section, String.valueOf(kv.getKey()), value, List.of(value), "as recorded"));
        }
      }
    }
    return new BackendCatalog(names, options);
  }

  /** The built-in study {@code config/<name>.yaml} packed into the jar, e.g. {@code quick}. */
  public static StudyConfig builtIn(String name, List<String> overrides) {
    String source = "config/" + name + ".yaml";
    String text;
    try (InputStream in =
        ConfigBinder.validName(name)
            ? ConfigLoader.class.getResourceAsStream("/" + source)
            : null) {
      if (in == null) {
        throw new UserError("no built-in config '" + name + "'");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("cannot read built-in config " + source + ": " + e.getMessage());
    }
    return parse(text, source, overrides);
  }

  /**
   * The config in {@code yamlText}; {@code sourceName} (a path) names it in messages and, without a
   * {@code name:} key, gives the study its name (the file name without extension).
   */
  public static StudyConfig parse(String yamlText, String sourceName, List<String> overrides) {
    return parse(yamlText, sourceName, overrides, BackendCatalog.standard());
  }

  /**
   * As above, with the backend names and settings of {@code backends} (the standard ones: {@link
   * BackendCatalog#standard()}).
   */
  public static StudyConfig parse(
      String yamlText, String sourceName, List<String> overrides, BackendCatalog backends) {
    return parse(yamlText, sourceName, overrides, backends, Path.of("").toAbsolutePath());
  }

  /**
   * As above; {@code base}: the folder a data file's relative path is resolved against (the config
   * file's folder; for text and built-in studies, the current folder).
   */
  private static StudyConfig parse(
      String yamlText,
      String sourceName,
      List<String> overrides,
      BackendCatalog backends,
      Path base) {
    refuseMultirun(overrides);
    ConfigSchema schema = ConfigSchema.of(backends);
    Origins origins = new Origins(sourceName);
    MappingNode root = root(yamlText, origins);
    Overrides.apply(root, overrides, origins, schema);
    refuseTags(root, origins);
    return new ConfigBinder(origins, baseName(sourceName), schema, base).bind(root);
  }

  /** The seed protocol (nn-depth-study), which is also every missing key's value. */
  public static StudyConfig defaults() {
    return new StudyConfig(
        "seed-study",
        new DataConfig(
            List.of(DatasetSpec.of("circle"), DatasetSpec.of("nested_rings")),
            2000,
            TestSplit.drawn(400, 100),
            0.0),
        new ModelConfig(
            List.of(1, 2, 4, 6, 8), 16, List.of(), Activation.RELU, 0.01, Init.HE_NORMAL, 0.0),
        new TrainingConfig(1000, 32, 0.0, 0.001, Reduction.SUM, 1e-8),
        LongStream.range(0, 10).boxed().toList(),
        Precision.FP64,
        "auto",
        new DiagnosticsConfig(1, false));
  }

  private static void refuseMultirun(List<String> overrides) {
    for (String raw : overrides) {
      if (Overrides.isMultirun(List.of(raw))) {
        throw Origins.overrideError(raw, "several values are only allowed with 'sweep'");
      }
    }
  }

  /** The document's top-level map; an empty document is an empty map (all defaults). */
  private static MappingNode root(String yamlText, Origins origins) {
    Node node;
    try {
      node = yaml().compose(new StringReader(yamlText));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String at = m == null ? "" : ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1);
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      // "but found another document" only makes sense after its context
      if (problem != null && problem.startsWith("but ") && e.getContext() != null) {
        problem = e.getContext() + " " + problem;
      }
      throw new UserError(origins.source() + at + ": YAML syntax error: " + oneLine(problem));
    } catch (YAMLException e) {
      throw new UserError(origins.source() + ": YAML error: " + oneLine(e.getMessage()));
    }
    if (node == null) {
      return new MappingNode(Tag.MAP, new ArrayList<>(), DumperOptions.FlowStyle.BLOCK);
    }
    if (!(node instanceof MappingNode map)) {
      throw origins.error(
          node,
          "the config must be a map of keys (name, data, model, ...), got "
              + ConfigBinder.describe(node));
    }
    return map;
  }

  /**
   * A YAML reader for configs and {@code --set} values, bounded so no input can exhaust memory or
   * time: no duplicate keys, few aliases (a "billion laughs" document is refused), a shallow
   * nesting and a 1 MiB document (a study config is a few hundred bytes).
   */
  static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setMergeOnCompose(false);
    return new Yaml(options);
  }

  static final int MAX_ALIASES = 20;
  static final int MAX_NESTING = 20;
  static final int MAX_CODE_POINTS = 1 << 20;

  /** The tags plain YAML gives a config's values; any other (!!java..., !custom) is refused. */
  private static final Set<Tag> PLAIN_TAGS =
      Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.SEQ, Tag.MAP);

  /** Refuses explicit tags beyond plain YAML's: a config names values, never Java objects. */
  static void refuseTags(Node root, Origins origins) {
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (!seen.add(n)) {
        continue;
      }
      if (!PLAIN_TAGS.contains(n.getTag())) {
        throw origins.error(
            n,
            "YAML tag "
                + n.getTag().getValue()
                + " is not allowed in a config (plain values only)");
      }
      if (n instanceof MappingNode m) {
        for (NodeTuple t : m.getValue()) {
          todo.push(t.getKeyNode());
          todo.push(t.getValueNode());
        }
      } else if (n instanceof SequenceNode q) {
        todo.addAll(q.getValue());
      }
    }
  }

  /** A parser's message on one line (some span several). */
  static String oneLine(String message) {
    return message == null ? "(no detail)" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** "config/x.yaml" gives "x". */
  static String baseName(String sourceName) {
    String file =
        sourceName.substring(
            Math.max(sourceName.lastIndexOf('/'), sourceName.lastIndexOf('\\')) + 1);
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }
}
