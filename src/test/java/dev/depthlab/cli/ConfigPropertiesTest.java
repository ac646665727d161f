package dev.depthlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.Traits;
import dev.depthlab.common.UserError;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.runner.Studies;
import dev.depthlab.sweep.ResourceCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Random configs through everything that runs before training: loading ({@link Studies#load}: YAML,
 * overrides, binding, limits, data set checks, the host preflight) and the backend preflight
 * ({@link ResourceCheck#requireFits}) on a host-like and a device-like backend. Every outcome must
 * be a study or a {@link UserError} of exit code 2 with a one-line message; any other exception
 * fails. Keys are drawn from the schema (and a few unknown ones), values of the right and the wrong
 * types, sizes from 0 to far beyond the limits.
 */
class ConfigPropertiesTest {
  /** Every key of the schema (docs/config.md), with two that do not exist. */
  private static final List<String> KEYS =
      List.of(
          "name",
          "data.sets",
          "data.n_train",
          "data.test.n",
          "data.test.seed_offset",
          "data.test.fraction",
          "data.noise",
          "model.depths",
          "model.width",
          "model.layers",
          "model.activation",
          "model.leaky_slope",
          "model.init",
          "model.bias_init",
          "training.epochs",
          "training.batch_size",
          "training.batch_fraction",
          "training.sampling",
          "training.lr",
          "training.reduction",
          "training.clip_eps",
          "training.output_gradient",
          "seeds",
          "precision",
          "backend",
          "diagnostics.every",
          "diagnostics.steps",
          "diagnostics.grad_stats.from_epoch",
          "diagnostics.grad_stats.published",
          "diagnostics.step_weights.layer",
          "diagnostics.step_weights.every",
          "diagnostics.snapshots.every",
          "diagnostics.snapshots.grid",
          "diagnostics.sharpness.every",
          "diagnostics.sharpness.iterations",
          "model.widht",
          "colour");

  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("depthlab-config-properties");
      DIR.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A backend computing on the host, one run a group (the CPU's traits). */
  private static final Backend HOST = stub("host", Traits.host(), Map.of());

  /** A device backend that trains the seeds together, with 16 GiB of memory. */
  private static final Backend DEVICE =
      stub("device", new Traits(true, 16, false), Map.of("memory", "16384 MiB"));

  private static Backend stub(String name, Traits traits, Map<String, String> details) {
    return new Backend() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Availability availability() {
        return Availability.usable(details);
      }

      @Override
      public Traits traits() {
        return traits;
      }

      @Override
      public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
        throw new AssertionError("the preflight creates no group");
      }
    };
  }

  /** Enough configs load for the preflight to be exercised, not only the refusals. */
  @Property(tries = 1500, seed = "13")
  @StatisticsReport(onFailureOnly = true)
  void everyConfigLoadsOrIsRefusedInOneLine(
      @ForAll("configs") String yaml, @ForAll("overrides") List<String> overrides)
      throws IOException {
    Path file = Files.createTempFile(DIR, "c", ".yaml");
    try {
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      StudyConfig c = Studies.load(file, null, overrides);
      Statistics.collect("loaded");
      ResourceCheck.requireFits(HOST, c, true);
      ResourceCheck.requireFits(DEVICE, c, true);
      Statistics.collect("passed the preflight");
    } catch (UserError e) {
      Statistics.collect("refused");
      assertEquals(2, e.exitCode(), "usage error: " + e.getMessage());
      assertFalse(e.getMessage().isBlank(), "a message");
      assertFalse(e.getMessage().matches("(?s).*[\\r\\n\\u2028\\u2029\\u0085].*"), e.getMessage());
    } finally {
      Files.delete(file);
    }
    Statistics.coverage(
        c -> {
          c.check("loaded").percentage(p -> p >= 5);
          c.check("passed the preflight").percentage(p -> p >= 2);
        });
  }

  @Provide
  Arbitrary<String> configs() {
    Arbitrary<Tuple.Tuple2<String, String>> entry =
        Combinators.combine(key(), value()).as(Tuple::of);
    return entry.list().ofMaxSize(6).map(ConfigPropertiesTest::yaml);
  }

  @Provide
  Arbitrary<List<String>> overrides() {
    Arbitrary<String> set = Combinators.combine(key(), value()).as((k, v) -> k + "=" + v);
    return set.list().ofMaxSize(2);
  }

  private static Arbitrary<String> key() {
    return Arbitraries.of(KEYS);
  }

  /** YAML text of a value: numbers of every size, words, lists, maps, and a few traps. */
  private static Arbitrary<String> value() {
    Arbitrary<String> small = Arbitraries.integers().between(-3, 40).map(String::valueOf);
    Arbitrary<String> size = Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf);
    Arbitrary<String> power =
        Arbitraries.integers().between(0, 40).map(e -> String.valueOf(1L << Math.min(e, 62)));
    Arbitrary<String> decimal =
        Arbitraries.doubles().between(-2, 2).map(d -> Double.toString(d).replace('E', 'e'));
    Arbitrary<String> special =
        Arbitraries.of(
            ".nan",
            ".inf",
            "-.inf",
            "NaN",
            "Infinity",
            "1e999",
            "-0.0",
            "1e-400",
            "99999999999999999999",
            "0x10",
            "1_000",
            "true",
            "false",
            "~",
            "",
            "null",
            "'quoted'",
            "\"a\\nb\"",
            "!!str 3",
            "!!float 1",
            "!custom x",
            "&a [*a]");
    Arbitrary<String> word =
        Arbitraries.of(
            "relu",
            "tanh",
            "leaky_relu",
            "gelu",
            "he_normal",
            "xavier_normal",
            "sum",
            "mean",
            "fp32",
            "fp64",
            "fp16",
            "cpu",
            "cuda",
            "reference",
            "auto",
            "tpu",
            "epoch_shuffle",
            "random_batches",
            "fused",
            "chained",
            "circle",
            "xor",
            "spiral",
            "squares",
            "nn-depth-study-gradnorm",
            "../x",
            "/etc/x",
            "a/b",
            "..",
            "x.y-z_1");
    Arbitrary<String> list =
        Arbitraries.oneOf(small, power, word)
            .list()
            .ofMaxSize(6)
            .map(l -> "[" + String.join(", ", l) + "]");
    Arbitrary<String> dataset =
        Combinators.combine(
                Arbitraries.of("circle", "spiral", "moons", "gaussian", "nested_rings", "bogus"),
                Arbitraries.of("radius", "turns", "jitter", "separation", "std", "inner", "kind"),
                Arbitraries.oneOf(decimal, special, size))
            .as((k, p, v) -> "[{kind: " + k + ", " + p + ": " + v + "}]");
    Arbitrary<String> map =
        Combinators.combine(Arbitraries.of("every", "grid", "layer", "n", "x"), small)
            .as((k, v) -> "{" + k + ": " + v + "}");
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(12);
    return Arbitraries.frequencyOf(
        Tuple.of(6, small),
        Tuple.of(3, size),
        Tuple.of(3, power),
        Tuple.of(3, decimal),
        Tuple.of(3, special),
        Tuple.of(4, word),
        Tuple.of(4, list),
        Tuple.of(2, dataset),
        Tuple.of(2, map),
        Tuple.of(1, text));
  }

  /** Block YAML of dotted keys and their values; a repeated key is written twice (refused). */
  private static String yaml(List<Tuple.Tuple2<String, String>> entries) {
    Map<String, Object> root = new LinkedHashMap<>();
    List<String> repeated = new ArrayList<>();
    for (var e : entries) {
      String[] parts = e.get1().split("\\.");
      Map<String, Object> at = root;
      boolean clash = false;
      for (int i = 0; i < parts.length - 1 && !clash; i++) {
        Object next = at.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
        if (next instanceof Map<?, ?> m) {
          @SuppressWarnings("unchecked")
          Map<String, Object> child = (Map<String, Object>) m;
          at = child;
        } else {
          clash = true;
        }
      }
      String leaf = parts[parts.length - 1];
      if (clash || at.get(leaf) instanceof Map) {
        repeated.add(e.get1() + ": " + e.get2());
      } else if (at.containsKey(leaf)) {
        repeated.add(e.get1().replace('.', '_') + ": " + e.get2());
      } else {
        at.put(leaf, e.get2());
      }
    }
    StringBuilder y = new StringBuilder();
    write(y, root, 0);
    // the odd ones out, at the top level: unknown keys (a dotted name is not a path in YAML)
    repeated.forEach(r -> y.append(r).append('\n'));
    return y.toString();
  }

  private static void write(StringBuilder y, Map<String, Object> map, int indent) {
    for (var e : map.entrySet()) {
      y.append("  ".repeat(indent)).append(e.getKey()).append(':');
      if (e.getValue() instanceof Map<?, ?> m) {
        y.append('\n');
        @SuppressWarnings("unchecked")
        Map<String, Object> child = (Map<String, Object>) m;
        write(y, child, indent + 1);
      } else {
        y.append(' ').append(e.getValue()).append('\n');
      }
    }
  }
}
