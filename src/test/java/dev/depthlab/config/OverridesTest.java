package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.UserError;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.TestSplit;
import dev.depthlab.model.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --set key.path=value}: applied before validation, named in errors, expanded for sweeps.
 */
class OverridesTest {
  private static final String SEED = "config/seed-study.yaml";
  private static final String SCRATCH = "config/scratch.yaml";

  private static StudyConfig load(String file, String... sets) {
    return ConfigLoader.load(Path.of(file), List.of(sets));
  }

  private static String refusal(String file, String... sets) {
    UserError e = assertThrows(UserError.class, () -> load(file, sets));
    assertEquals(2, e.exitCode());
    return e.getMessage();
  }

  @Test
  void scalar() {
    StudyConfig c = load(SEED, "training.lr=0.01", "training.epochs=50", "name=short");
    assertEquals(0.01, c.training().lr());
    assertEquals(50, c.training().epochs());
    assertEquals("short", c.name());
    assertEquals(32, c.training().batchSize(), "untouched keys keep the file's values");
  }

  @Test
  void lists() {
    StudyConfig c = load(SEED, "model.depths=[1,2]", "data.sets=[circle]", "seeds=[3, 4]");
    assertEquals(List.of(1, 2), c.model().depths());
    assertEquals(List.of(DatasetSpec.of("circle")), c.data().sets());
    assertEquals(List.of(3L, 4L), c.seeds());
  }

  @Test
  void listOfMaps() {
    StudyConfig c = load(SEED, "data.sets=[{kind: circle, radius: 0.3}, nested_rings]");
    assertEquals(
        List.of(new DatasetSpec("circle", Map.of("radius", 0.3)), DatasetSpec.of("nested_rings")),
        c.data().sets());
  }

  @Test
  void aKeyTheFileDoesNotHave() {
    String yaml = "name: tiny\nmodel:\n  width: 4\n";
    StudyConfig c =
        ConfigLoader.parse(yaml, "t.yaml", List.of("diagnostics.every=5", "model.activation=tanh"));
    assertEquals(5, c.diagnostics().every());
    assertEquals(Activation.TANH, c.model().activation());
    assertEquals(4, c.model().width());
  }

  @Test
  void aNestedSectionIsCreated() {
    StudyConfig c = ConfigLoader.parse("", "t.yaml", List.of("data.test.n=50"));
    assertEquals(TestSplit.drawn(50, 100), c.data().test());
  }

  @Test
  void theLaterOfTwoWins() {
    assertEquals(0.5, load(SEED, "training.lr=0.1", "training.lr=0.5").training().lr());
  }

  @Test
  void theOtherFormOfAKeyInTheFileIsReplaced() {
    StudyConfig layers = load(SEED, "model.layers=[2, 4, 1]");
    assertEquals(List.of(2, 4, 1), layers.model().layers());
    assertEquals(List.of(), layers.model().depths());

    StudyConfig depths = load(SCRATCH, "model.depths=[1, 2]");
    assertEquals(List.of(1, 2), depths.model().depths());
    assertFalse(depths.model().explicitLayers());
    assertEquals(16, depths.model().width());

    assertEquals(8, load(SCRATCH, "training.batch_size=8").training().batchFor(480));
    assertEquals(TestSplit.split(0.25), load(SEED, "data.test.fraction=0.25").data().test());
    assertEquals(TestSplit.drawn(100, 100), load(SCRATCH, "data.test.n=100").data().test());
  }

  @Test
  void twoOverridesThatContradictAreRefused() {
    assertEquals(
        "--set training.batch_size=8: training.batch_size: cannot be combined with"
            + " training.batch_fraction (give one)",
        refusal(SEED, "training.batch_fraction=0.1", "training.batch_size=8"));
  }

  @Test
  void unknownKeyNamesTheOverride() {
    assertEquals(
        "--set model.widht=3: unknown key 'model.widht' (did you mean 'model.width'?)",
        refusal(SEED, "model.widht=3"));
    assertEquals(
        "--set training.lr.x=3: unknown key 'training.lr.x' (did you mean 'training.lr'?)",
        refusal(SEED, "training.lr.x=3"));
    assertEquals("--set =3: expected key.path=value (no key before '=')", refusal(SEED, "=3"));
  }

  @Test
  void missingEqualsSign() {
    assertEquals(
        "--set training.lr: expected key.path=value (no '=' found)", refusal(SEED, "training.lr"));
  }

  @Test
  void badValuesFailTheSameValidationAndNameTheOverride() {
    assertEquals(
        "--set training.lr=-1: training.lr: must be > 0, got -1", refusal(SEED, "training.lr=-1"));
    assertEquals(
        "--set data.sets=[{kind: circle, r: x}]: data.sets.r: expected a number, got 'x'",
        refusal(SEED, "data.sets=[{kind: circle, r: x}]"));
    assertEquals(
        "--set training={lr: 0.1, epoch: 3}: unknown key 'training.epoch' (did you mean"
            + " 'epochs'?)",
        refusal(SEED, "training={lr: 0.1, epoch: 3}"));
    assertEquals("--set name=: name: expected a name, got nothing", refusal(SEED, "name="));
    assertTrue(
        refusal(SEED, "model.depths=[1,2")
            .startsWith("--set model.depths=[1,2: YAML syntax error:"));
  }

  @Test
  void aBadFileSectionUnderAnOverrideIsStillTheFilesError() {
    UserError e =
        assertThrows(
            UserError.class,
            () -> ConfigLoader.parse("name: a\nmodel: 5\n", "f.yaml", List.of("model.width=3")));
    assertEquals("f.yaml:2: model: expected a map of keys, got '5'", e.getMessage());
  }

  @Test
  void multirunIsRefusedByLoad(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("s.yaml");
    Files.writeString(f, "name: s\n");
    UserError e =
        assertThrows(UserError.class, () -> ConfigLoader.load(f, List.of("training.lr=0.1,0.01")));
    assertEquals(
        "--set training.lr=0.1,0.01: several values are only allowed with 'sweep'", e.getMessage());
    assertEquals(2, e.exitCode());
    assertThrows(
        UserError.class, () -> ConfigLoader.builtIn("quick", List.of("model.depths=[1],[2]")));
  }

  @Test
  void expandIsTheCartesianProductFirstKeySlowest() {
    assertEquals(
        List.of(
            List.of("a=1", "b=x"),
            List.of("a=1", "b=y"),
            List.of("a=2", "b=x"),
            List.of("a=2", "b=y")),
        Overrides.expand(List.of("a=1,2", "b=x,y")));
    assertEquals(
        List.of(List.of("a=1", "c=3", "b=x"), List.of("a=1", "c=3", "b=y")),
        Overrides.expand(List.of("a=1", "c=3", "b=x, y")));
    assertEquals(List.of(List.of()), Overrides.expand(List.of()));
  }

  @Test
  void commasInsideBracketsBracesAndQuotesDoNotSplit() {
    assertEquals(
        List.of(List.of("model.depths=[1,2]"), List.of("model.depths=[4,8]")),
        Overrides.expand(List.of("model.depths=[1,2],[4,8]")));
    List<String> one = List.of("data.sets=[{kind: circle, radius: 0.3}, nested_rings]");
    assertEquals(List.of(one), Overrides.expand(one));
    assertEquals(List.of(List.of("name='a,b'")), Overrides.expand(List.of("name='a,b'")));
    assertFalse(Overrides.isMultirun(one));
    assertFalse(Overrides.isMultirun(List.of("a=1", "name='a,b'")));
    assertTrue(Overrides.isMultirun(List.of("a=1", "b=[1],[2]")));
  }

  @Test
  void expandRefusesEmptyValuesAndMissingEquals() {
    assertEquals(
        "--set a=1,,2: empty value in a comma-separated list",
        assertThrows(UserError.class, () -> Overrides.expand(List.of("a=1,,2"))).getMessage());
    assertThrows(UserError.class, () -> Overrides.expand(List.of("a")));
  }

  @Test
  void everyExpandedRunLoads() {
    List<List<String>> runs =
        Overrides.expand(List.of("training.lr=0.1,0.01", "model.depths=[1],[2, 3]"));
    assertEquals(4, runs.size());
    List<StudyConfig> configs =
        runs.stream().map(r -> load(SEED, r.toArray(String[]::new))).toList();
    assertEquals(0.1, configs.get(1).training().lr());
    assertEquals(List.of(2, 3), configs.get(1).model().depths());
    assertEquals(0.01, configs.get(2).training().lr());
    assertEquals(List.of(1), configs.get(2).model().depths());
  }
}
