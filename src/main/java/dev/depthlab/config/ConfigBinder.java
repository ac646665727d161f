package dev.depthlab.config;

import dev.depthlab.common.BackendOption;
import dev.depthlab.common.BackendOptions;
import dev.depthlab.common.UserError;
import dev.depthlab.data.CsvSource;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.TestSplit;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns a composed (and overridden) YAML node tree into a validated {@link StudyConfig}: missing
 * keys take {@link ConfigLoader#defaults()}, every refusal names the line (or override) and key.
 */
final class ConfigBinder {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  // YAML-style decimals; refuses what Double.parseDouble would also take: NaN, Infinity, 1d, 0x1p3
  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  private final Origins origins;
  private final String derivedName;
  private final ConfigSchema schema;
  private final java.nio.file.Path base;
  private final StudyConfig d = ConfigLoader.defaults();

  /**
   * {@code derivedName}: the name a config without {@code name:} gets (its file name); {@code
   * schema}: the known keys, the backends' settings among them; {@code base}: the folder a CSV data
   * set's relative path is resolved against.
   */
  ConfigBinder(Origins origins, String derivedName, ConfigSchema schema, java.nio.file.Path base) {
    this.origins = origins;
    this.derivedName = derivedName;
    this.schema = schema;
    this.base = base;
  }

  StudyConfig bind(MappingNode root) {
    Section top = new Section("", root);
    String name = name(top);
    DataConfig data = data(top.child("data"));
    ModelConfig model = model(top.child("model"), data.sets());
    TrainingConfig training = training(top.child("training"));
    StudyConfig c =
        new StudyConfig(
            name,
            data,
            model,
            training,
            seeds(top),
            precision(top),
            choice(top, "backend", d.backend(), schema.catalog().choices()),
            diagnostics(top.child("diagnostics"), training.epochs(), model),
            backendOptions(top),
            choice(
                top,
                "on_failure",
                d.onFailure(),
                List.of(StudyConfig.ON_FAILURE_FAIL, StudyConfig.ON_FAILURE_CPU)));
    if (c.precision() == Precision.FP32) {
      requireFp32(root, "model.bias_init", c.model().biasInit());
      requireFp32(root, "model.leaky_slope", c.model().leakySlope());
      requireFp32(root, "model.sigma_w", c.model().sigmaW());
      requireFp32(root, "model.sigma_b", c.model().sigmaB());
      requireFp32(root, "training.lr", c.training().lr());
      requireFp32(root, "training.clip_eps", c.training().clipEps());
    }
    Limits.check(c)
        .ifPresent(
            v -> {
              throw origins.error(nodeAt(root, v.path()), v.message());
            });
    return c;
  }

  /**
   * The settings of each backend that declares some, checked against its declared values; a section
   * is kept (whole) only when a value differs from its default ({@link BackendOptions}).
   */
  private BackendOptions backendOptions(Section top) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    for (String backend : schema.catalog().sections()) {
      Section section = top.child(backend);
      Map<String, String> values = new LinkedHashMap<>();
      boolean changed = false;
      for (BackendOption o : schema.catalog().optionsOf(backend)) {
        String v = choice(section, o.key(), o.defaultValue(), o.values());
        values.put(o.key(), v);
        changed |= !v.equals(o.defaultValue());
      }
      if (changed) {
        sections.put(backend, values);
      }
    }
    return new BackendOptions(sections);
  }

  /**
   * Refuses a value an fp32 study computes with that fp32 cannot hold: it would become infinite
   * ({@code bias_init 1e39}) or 0, and training would report the result as a divergence.
   */
  private void requireFp32(MappingNode root, String path, double v) {
    float f = (float) v;
    if (!Float.isFinite(f) || v != 0 && f == 0) {
      throw origins.error(
          nodeAt(root, path),
          path
              + ": "
              + v
              + (Float.isFinite(f) ? " underflows to 0" : " overflows")
              + " in fp32 (precision fp32 holds magnitudes 1.4e-45 to 3.4e38); use precision"
              + " fp64 or a value in that range");
    }
  }

  /** The value node at a dotted key path, or the deepest map on the way (null: the whole file). */
  private static Node nodeAt(MappingNode root, String path) {
    Node at = null;
    MappingNode map = root;
    for (String key : path.split("\\.")) {
      Node next = null;
      for (NodeTuple t : map == null ? List.<NodeTuple>of() : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          next = t.getValueNode();
        }
      }
      if (next == null) {
        return at;
      }
      at = next;
      map = next instanceof MappingNode m ? m : null;
    }
    return at;
  }

  private String name(Section top) {
    Node n = top.value("name");
    if (n == null) {
      if (!validName(derivedName)) {
        throw new UserError(
            origins.source()
                + ": name: '"
                + derivedName
                + "' (from the file name) must match [A-Za-z0-9._-]+; give name: in the config");
      }
      return derivedName;
    }
    String name = string(n, "name", "a name");
    if (!validName(name)) {
      throw origins.error(
          n, "name: must match [A-Za-z0-9._-]+ (not only dots), got '" + name + "'");
    }
    return name;
  }

  /** Names become folder names: "." and ".." would leave results/. */
  static boolean validName(String name) {
    return NAME.matcher(name).matches() && !name.chars().allMatch(c -> c == '.');
  }

  private DataConfig data(Section s) {
    List<DatasetSpec> sets =
        s.has("sets") ? datasets(s.value("sets"), s.path("sets")) : d.data().sets();
    int nTrain = intValue(s, "n_train", d.data().nTrain(), v -> v >= 2, "must be >= 2");
    TestSplit test = test(s.child("test"));
    double noise = number(s, "noise", d.data().noise(), v -> v >= 0, "must be >= 0");
    return new DataConfig(sets, nTrain, test, noise);
  }

  private List<DatasetSpec> datasets(Node n, String path) {
    List<Node> items = sequence(n, path, "a list of data sets (names or {kind: ...} maps)");
    if (items.isEmpty()) {
      throw origins.error(n, path + ": must name at least one data set");
    }
    List<DatasetSpec> sets = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (Node item : items) {
      DatasetSpec spec = dataset(item, path);
      // two equal entries would write into the same run folders
      if (!labels.add(spec.label())) {
        throw origins.error(item, path + ": data set '" + spec.label() + "' is listed twice");
      }
      sets.add(spec);
    }
    return sets;
  }

  /** Shape only: the data package checks kinds and their parameters. */
  private DatasetSpec dataset(Node item, String path) {
    if (item instanceof ScalarNode) {
      return DatasetSpec.of(nonEmpty(item, path, "a data set name or {kind: ...} map"));
    }
    if (!(item instanceof MappingNode map)) {
      throw origins.error(
          item, path + ": expected a data set name or {kind: ...} map, got " + describe(item));
    }
    String kind = null;
    for (NodeTuple t : map.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && "kind".equals(k.getValue())) {
        kind = nonEmpty(t.getValueNode(), path + ".kind", "a data set kind");
      }
    }
    if (CsvSource.KIND.equals(kind)) {
      return DatasetSpec.of(new CsvBinding(origins, base).bind(map, path));
    }
    Map<String, Double> params = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      String key = nonEmpty(t.getKeyNode(), path, "a parameter name");
      if (key.equals("kind")) {
        kind = nonEmpty(t.getValueNode(), path + ".kind", "a data set kind");
      } else if (params.put(key, decimal(t.getValueNode(), path + "." + key, "a number")) != null) {
        throw origins.error(t.getKeyNode(), "duplicate key '" + path + "." + key + "'");
      }
    }
    if (kind == null) {
      throw origins.error(item, path + ": a data set map needs kind:, e.g. {kind: circle}");
    }
    return new DatasetSpec(kind, params);
  }

  private TestSplit test(Section s) {
    TestSplit def = d.data().test();
    if (s.has("fraction")) {
      for (String other : List.of("n", "seed_offset")) {
        if (s.has(other)) {
          throw origins.error(
              s.keyNode(other),
              s.path(other) + ": cannot be combined with " + s.path("fraction") + " (give one)");
        }
      }
      return TestSplit.split(number(s, "fraction", 0, v -> v > 0 && v < 1, "must be in (0, 1)"));
    }
    int n = intValue(s, "n", def.n(), v -> v >= 1, "must be >= 1");
    long offset = integer(s, "seed_offset", def.seedOffset(), v -> true, "");
    return TestSplit.drawn(n, offset);
  }

  /** The data sets' one input width; sets of different widths cannot share a layer list. */
  private int inputs(List<DatasetSpec> sets, Section s) {
    int w = sets.get(0).inputs();
    for (DatasetSpec set : sets) {
      if (set.inputs() != w) {
        throw origins.error(
            s.keyNode("layers"),
            s.path("layers")
                + ": data sets '"
                + sets.get(0).label()
                + "' ("
                + w
                + " inputs) and '"
                + set.label()
                + "' ("
                + set.inputs()
                + ") cannot share one layer list; use model.depths");
      }
    }
    return w;
  }

  private ModelConfig model(Section s, List<DatasetSpec> sets) {
    ModelConfig m = d.model();
    Activation activation = enumChoice(s, "activation", m.activation(), Activation.values());
    double slope = number(s, "leaky_slope", m.leakySlope(), v -> v >= 0, "must be >= 0");
    Init init = enumChoice(s, "init", m.init(), Init.values());
    double biasInit = number(s, "bias_init", m.biasInit(), v -> true, "");
    double sigmaW = number(s, "sigma_w", m.sigmaW(), v -> v > 0, "must be > 0");
    double sigmaB = number(s, "sigma_b", m.sigmaB(), v -> v >= 0, "must be >= 0");
    if (init.parametrised()) {
      if (biasInit != 0.0) {
        throw origins.error(
            s.keyNode("bias_init"),
            s.path("bias_init")
                + ": init "
                + init.key()
                + " draws biases from N(0, sigma_b^2): give model.sigma_b instead");
      }
    } else {
      for (String key : List.of("sigma_w", "sigma_b")) {
        if (s.has(key)) {
          throw origins.error(
              s.keyNode(key),
              s.path(key)
                  + ": read only by init gaussian or orthogonal, not "
                  + init.key()
                  + " (set model.init)");
        }
      }
    }
    if (s.has("layers")) {
      for (String other : List.of("depths", "width")) {
        if (s.has(other)) {
          throw origins.error(
              s.keyNode(other),
              s.path(other) + ": cannot be combined with " + s.path("layers") + " (give one)");
        }
      }
      List<Integer> layers = layers(s.value("layers"), s.path("layers"), inputs(sets, s));
      return new ModelConfig(
          List.of(), 0, layers, activation, slope, init, biasInit, sigmaW, sigmaB);
    }
    List<Integer> depths = m.depths();
    if (s.has("depths")) {
      depths = intList(s.value("depths"), s.path("depths"), v -> v >= 0, "must be >= 0");
    }
    int width = intValue(s, "width", m.width(), v -> v >= 1, "must be >= 1");
    return new ModelConfig(
        depths, width, List.of(), activation, slope, init, biasInit, sigmaW, sigmaB);
  }

  private List<Integer> layers(Node n, String path, int inputs) {
    List<Integer> layers = new ArrayList<>();
    for (Node item : sequence(n, path, "a list of integers")) {
      long v = parseInteger(item, path, "a list of integers");
      if (v < 1 || v > Integer.MAX_VALUE) {
        throw rangeError(item, path, "every size must be >= 1");
      }
      layers.add((int) v);
    }
    if (layers.isEmpty() || layers.get(0) != inputs) {
      throw origins.error(
          n,
          path
              + ": must start with "
              + inputs
              + " (every data set has "
              + inputs
              + " inputs), got "
              + layers);
    }
    if (layers.get(layers.size() - 1) != 1) {
      throw origins.error(n, path + ": must end with 1 (one sigmoid output), got " + layers);
    }
    return layers;
  }

  private TrainingConfig training(Section s) {
    TrainingConfig t = d.training();
    int epochs = intValue(s, "epochs", t.epochs(), v -> v >= 1, "must be >= 1");
    int batchSize = t.batchSize();
    double batchFraction = t.batchFraction();
    if (s.has("batch_fraction")) {
      if (s.has("batch_size")) {
        throw origins.error(
            s.keyNode("batch_size"),
            s.path("batch_size")
                + ": cannot be combined with "
                + s.path("batch_fraction")
                + " (give one)");
      }
      batchSize = 0;
      batchFraction = number(s, "batch_fraction", 0, v -> v > 0 && v <= 1, "must be in (0, 1]");
    } else {
      batchSize = intValue(s, "batch_size", t.batchSize(), v -> v >= 1, "must be >= 1");
    }
    boolean fullBatch = bool(s, "full_batch", t.fullBatch());
    if (fullBatch) {
      for (String other : List.of("batch_size", "batch_fraction")) {
        if (s.has(other)) {
          throw origins.error(
              s.keyNode(other),
              s.path(other) + ": cannot be combined with " + s.path("full_batch") + ": true");
        }
      }
      batchSize = 0;
      batchFraction = 1.0;
    }
    double lr = number(s, "lr", t.lr(), v -> v > 0, "must be > 0");
    Reduction reduction = enumChoice(s, "reduction", t.reduction(), Reduction.values());
    double clip = number(s, "clip_eps", t.clipEps(), v -> v >= 0 && v < 0.5, "must be in [0, 0.5)");
    Sampling sampling = enumChoice(s, "sampling", t.sampling(), Sampling.values());
    if (fullBatch && sampling != Sampling.EPOCH_SHUFFLE) {
      throw origins.error(
          s.keyNode("sampling"),
          s.path("sampling")
              + ": "
              + sampling.key()
              + " draws batches; full_batch takes every sample");
    }
    OutputGradient outputGradient =
        enumChoice(s, "output_gradient", t.outputGradient(), OutputGradient.values());
    double limit =
        number(
            s.child("health"),
            "grad_norm_limit",
            t.gradNormLimit(),
            v -> v > 0 && Double.isFinite(v),
            "must be > 0");
    return new TrainingConfig(
        epochs,
        batchSize,
        batchFraction,
        lr,
        reduction,
        clip,
        sampling,
        outputGradient,
        limit,
        fullBatch);
  }

  private List<Long> seeds(Section top) {
    if (!top.has("seeds")) {
      return d.seeds();
    }
    Node n = top.value("seeds");
    String path = top.path("seeds");
    Set<Long> seeds = new LinkedHashSet<>();
    for (Node item : sequence(n, path, "a list of integers")) {
      long v = parseInteger(item, path, "a list of integers");
      // seeds name folders (seed-<s>); a minus sign there only invites confusion
      if (v < 0) {
        throw rangeError(item, path, "must be >= 0");
      }
      if (!seeds.add(v)) {
        throw origins.error(item, path + ": seed " + v + " is listed twice");
      }
    }
    if (seeds.isEmpty()) {
      throw origins.error(n, path + ": must list at least one seed");
    }
    return new ArrayList<>(seeds);
  }

  private Precision precision(Section top) {
    return enumChoice(top, "precision", d.precision(), Precision.values());
  }

  /** A true/false key of {@code s}; {@code def} when absent. */
  private boolean bool(Section s, String key, boolean def) {
    if (!s.has(key)) {
      return def;
    }
    Node n = s.value(key);
    String v = string(n, s.path(key), "true or false").toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw origins.error(n, s.path(key) + ": expected true or false, got " + describe(n));
    }
    return v.equals("true");
  }

  private DiagnosticsConfig diagnostics(Section s, int epochs, ModelConfig model) {
    DiagnosticsConfig def = d.diagnostics();
    int every = intValue(s, "every", def.every(), v -> v >= 1, "must be >= 1");
    boolean steps = def.steps();
    if (s.has("steps")) {
      Node n = s.value("steps");
      String v = string(n, s.path("steps"), "true or false").toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw origins.error(n, s.path("steps") + ": expected true or false, got " + describe(n));
      }
      steps = v.equals("true");
    }
    return new DiagnosticsConfig(
        every,
        steps,
        gradStats(s.child("grad_stats"), epochs),
        stepWeights(s, model),
        snapshots(s.child("snapshots"), epochs),
        sharpness(s.child("sharpness"), epochs),
        signal(s.child("signal")),
        jacobian(s.child("jacobian"), epochs));
  }

  /**
   * {@code jacobian: {every: K, probes: P}}; absent or empty: off. {@code every} is required when
   * the section is there; 256 probe points bound the cost (one n x n Jacobian and its SVD each).
   */
  private DiagnosticsConfig.Jacobian jacobian(Section s, int epochs) {
    if (!s.has("every") && !s.has("probes")) {
      return DiagnosticsConfig.Jacobian.OFF;
    }
    if (!s.has("every")) {
      throw origins.error(
          s.keyNode("probes"), s.path("probes") + ": needs " + s.path("every") + " beside it");
    }
    int every = intValue(s, "every", 0, v -> v >= 1 && v <= epochs, "must be in 1.." + epochs);
    int probes =
        intValue(
            s,
            "probes",
            DiagnosticsConfig.Jacobian.DEFAULT_PROBES,
            v -> v >= 1 && v <= 256,
            "must be in 1..256");
    return new DiagnosticsConfig.Jacobian(every, probes);
  }

  /**
   * {@code signal: {draws: N, batch: B}}; absent or empty: off. {@code draws} is required when the
   * section is there; 10,000 draws and 100,000 points bound the analysis's cost.
   */
  private DiagnosticsConfig.Signal signal(Section s) {
    if (!s.has("draws") && !s.has("batch")) {
      return DiagnosticsConfig.Signal.OFF;
    }
    if (!s.has("draws")) {
      throw origins.error(
          s.keyNode("batch"), s.path("batch") + ": needs " + s.path("draws") + " beside it");
    }
    int draws = intValue(s, "draws", 0, v -> v >= 1 && v <= 10_000, "must be in 1..10000");
    int batch =
        intValue(
            s,
            "batch",
            DiagnosticsConfig.Signal.DEFAULT_BATCH,
            v -> v >= 1 && v <= 100_000,
            "must be in 1..100000");
    return new DiagnosticsConfig.Signal(draws, batch);
  }

  /**
   * {@code sharpness: {every: K, iterations: N}}; absent or empty: off. {@code every} is required
   * when the section is there; 1000 Lanczos steps (1001 full-set Hessian-vector products an
   * estimate) bound the cost.
   */
  private DiagnosticsConfig.Sharpness sharpness(Section s, int epochs) {
    if (!s.has("every") && !s.has("iterations")) {
      return DiagnosticsConfig.Sharpness.OFF;
    }
    if (!s.has("every")) {
      throw origins.error(
          s.keyNode("iterations"),
          s.path("iterations") + ": needs " + s.path("every") + " beside it");
    }
    int every = intValue(s, "every", 0, v -> v >= 1 && v <= epochs, "must be in 1.." + epochs);
    int iterations =
        intValue(
            s,
            "iterations",
            DiagnosticsConfig.Sharpness.DEFAULT_ITERATIONS,
            v -> v >= 1 && v <= 1000,
            "must be in 1..1000");
    return new DiagnosticsConfig.Sharpness(every, iterations);
  }

  /**
   * {@code snapshots: {every: K, grid: G}}; absent: the final epoch on the default grid. The grid
   * needs two points a side to span the square; 401 (160,801 predictions a snapshot) bounds the
   * file size.
   */
  private DiagnosticsConfig.Snapshots snapshots(Section s, int epochs) {
    DiagnosticsConfig.Snapshots def = d.diagnostics().snapshots();
    int every =
        intValue(s, "every", def.every(), v -> v >= 0 && v <= epochs, "must be in 0.." + epochs);
    int grid = intValue(s, "grid", def.grid(), v -> v >= 2 && v <= 401, "must be in 2..401");
    return new DiagnosticsConfig.Snapshots(every, grid);
  }

  /** The window of the gradient statistics must lie inside the run: from_epoch <= epochs. */
  private DiagnosticsConfig.GradStats gradStats(Section s, int epochs) {
    DiagnosticsConfig.GradStats def = d.diagnostics().gradStats();
    int from = intValue(s, "from_epoch", def.fromEpoch(), v -> v >= 1, "must be >= 1");
    if (from > epochs) {
      throw rangeError(
          s.value("from_epoch"),
          s.path("from_epoch"),
          "must be <= training.epochs (" + epochs + ")");
    }
    String published = def.published();
    if (s.has("published")) {
      Node n = s.value("published");
      published = nonEmpty(n, s.path("published"), "the name of a published table");
      if (!validName(published)
          || ConfigBinder.class.getResource(
                  DiagnosticsConfig.GradStats.publishedResource(published))
              == null) {
        throw origins.error(
            n,
            s.path("published")
                + ": no published table '"
                + published
                + "' (depthlab ships config/published/<name>.csv)");
      }
    }
    return new DiagnosticsConfig.GradStats(from, published);
  }

  /** {@code step_weights: {layer: L, every: k}}; absent or empty: off. */
  private DiagnosticsConfig.StepWeights stepWeights(Section parent, ModelConfig model) {
    Section s = parent.child("step_weights");
    if (!s.has("layer") && !s.has("every")) {
      return DiagnosticsConfig.StepWeights.OFF;
    }
    if (!s.has("layer")) {
      throw origins.error(
          s.keyNode("every"), s.path("every") + ": needs " + s.path("layer") + " beside it");
    }
    // the layer must exist in every network of the study: the one with the fewest layers decides
    int layers =
        model.explicitLayers()
            ? model.layers().size() - 1
            : model.depths().stream().mapToInt(Integer::intValue).min().orElse(0) + 1;
    int layer =
        intValue(
            s,
            "layer",
            0,
            v -> v >= 1 && v <= layers,
            "must be a weight layer of every network of the study, 1.." + layers);
    int every = intValue(s, "every", 1, v -> v >= 1, "must be >= 1");
    return new DiagnosticsConfig.StepWeights(layer, every);
  }

  // ---- typed readers -------------------------------------------------------------------------

  private long integer(Section s, String key, long def, LongPredicate ok, String rule) {
    if (!s.has(key)) {
      return def;
    }
    Node n = s.value(key);
    long v = parseInteger(n, s.path(key), "an integer");
    if (!ok.test(v)) {
      throw rangeError(n, s.path(key), rule);
    }
    return v;
  }

  /** An int-valued key whose rule is a lower bound; values beyond int are out of range too. */
  private int intValue(Section s, String key, int def, LongPredicate ok, String rule) {
    return (int) integer(s, key, def, v -> ok.test(v) && v <= Integer.MAX_VALUE, rule);
  }

  private double number(Section s, String key, double def, DoublePredicate ok, String rule) {
    if (!s.has(key)) {
      return def;
    }
    Node n = s.value(key);
    double v = decimal(n, s.path(key), "a number");
    if (!ok.test(v)) {
      throw rangeError(n, s.path(key), rule);
    }
    return v;
  }

  private List<Integer> intList(Node n, String path, LongPredicate ok, String rule) {
    Set<Integer> values = new LinkedHashSet<>();
    for (Node item : sequence(n, path, "a list of integers")) {
      long v = parseInteger(item, path, "a list of integers");
      if (!ok.test(v) || v > Integer.MAX_VALUE) {
        throw rangeError(item, path, rule);
      }
      if (!values.add((int) v)) {
        throw origins.error(item, path + ": " + v + " is listed twice");
      }
    }
    if (values.isEmpty()) {
      throw origins.error(n, path + ": must not be empty");
    }
    return new ArrayList<>(values);
  }

  private <E extends Enum<E>> E enumChoice(Section s, String key, E def, E[] values) {
    List<String> keys = Arrays.stream(values).map(ConfigBinder::key).collect(Collectors.toList());
    String v = choice(s, key, key(def), keys);
    return values[keys.indexOf(v)];
  }

  private String choice(Section s, String key, String def, List<String> allowed) {
    if (!s.has(key)) {
      return def;
    }
    Node n = s.value(key);
    String v = string(n, s.path(key), "one of " + String.join(", ", allowed));
    if (!allowed.contains(v)) {
      throw origins.error(
          n, s.path(key) + ": must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }
    return v;
  }

  /** The config name of an enum constant: {@code LEAKY_RELU} is {@code leaky_relu}. */
  static String key(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private long parseInteger(Node n, String path, String expected) {
    String text = string(n, path, expected);
    if (!INTEGER.matcher(text).matches()) {
      throw origins.error(n, path + ": expected " + expected + ", got " + describe(n));
    }
    try {
      return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
    } catch (NumberFormatException e) {
      throw rangeError(n, path, "out of range");
    }
  }

  private double decimal(Node n, String path, String expected) {
    String text = string(n, path, expected);
    if (!DECIMAL.matcher(text).matches()) {
      throw origins.error(n, path + ": expected " + expected + ", got " + describe(n));
    }
    double v = Double.parseDouble(text);
    // 1e999 is a decimal that overflows to infinity
    if (!Double.isFinite(v)) {
      throw rangeError(n, path, "must be a finite number");
    }
    // 1e-400 underflows to 0: a non-zero digit before the exponent, yet zero
    if (v == 0 && text.replaceFirst("[eE].*", "").matches(".*[1-9].*")) {
      throw rangeError(
          n, path, "underflows to 0 (the smallest fp64 magnitude is 4.9e-324); write 0 or more");
    }
    return v;
  }

  private String nonEmpty(Node n, String path, String expected) {
    String s = string(n, path, expected);
    if (s.isBlank()) {
      throw origins.error(n, path + ": expected " + expected + ", got " + describe(n));
    }
    return s;
  }

  /** The text of a scalar; a list, a map or an empty value is an error. */
  private String string(Node n, String path, String expected) {
    if (n instanceof ScalarNode s && !isEmpty(s)) {
      return s.getValue();
    }
    throw origins.error(n, path + ": expected " + expected + ", got " + describe(n));
  }

  private List<Node> sequence(Node n, String path, String expected) {
    if (n instanceof SequenceNode s) {
      return s.getValue();
    }
    throw origins.error(n, path + ": expected " + expected + ", got " + describe(n));
  }

  private UserError rangeError(Node n, String path, String rule) {
    return origins.error(n, path + ": " + rule + ", got " + ((ScalarNode) n).getValue());
  }

  /** A YAML null: {@code key:} with nothing after it, {@code ~} or {@code null}. */
  static boolean isEmpty(Node n) {
    return n instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  static String describe(Node n) {
    if (n instanceof ScalarNode s) {
      return isEmpty(s) ? "nothing" : "'" + s.getValue() + "'";
    }
    return n instanceof SequenceNode ? "a list" : "a map";
  }

  /**
   * One map of the config: its keys checked against the schema (unknown keys get a suggestion,
   * duplicates are refused) and indexed by name. An absent or empty section has no keys.
   */
  private final class Section {
    private final String path;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    Section(String path, MappingNode node) {
      this.path = path;
      if (node == null) {
        return;
      }
      for (NodeTuple t : node.getValue()) {
        Node keyNode = t.getKeyNode();
        String key = keyNode instanceof ScalarNode k ? k.getValue() : null;
        if (key == null || !schema.isKnown(path, key)) {
          String shown = key == null ? describe(keyNode) : "'" + path(key) + "'";
          String hint = key == null ? "" : ConfigSchema.didYouMean(key, schema.keys(path));
          if (key != null && hint.isEmpty()) {
            hint = schema.suggestPath(path(key)); // a leaf name in another section: lr
          }
          throw origins.error(keyNode, "unknown key " + shown + hint);
        }
        if (entries.put(key, t) != null) {
          throw origins.error(keyNode, "duplicate key '" + path(key) + "'");
        }
      }
    }

    String path(String key) {
      return ConfigSchema.join(path, key);
    }

    boolean has(String key) {
      return entries.containsKey(key);
    }

    Node value(String key) {
      NodeTuple t = entries.get(key);
      return t == null ? null : t.getValueNode();
    }

    Node keyNode(String key) {
      return entries.get(key).getKeyNode();
    }

    /** A nested section; {@code model:} with nothing after it counts as empty. */
    Section child(String key) {
      Node n = value(key);
      if (n == null || isEmpty(n)) {
        return new Section(path(key), null);
      }
      if (n instanceof MappingNode m) {
        return new Section(path(key), m);
      }
      throw origins.error(n, path(key) + ": expected a map of keys, got " + describe(n));
    }
  }
}
