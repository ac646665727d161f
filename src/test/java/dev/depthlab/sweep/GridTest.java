package dev.depthlab.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.train.RunSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expanding a study into runs, and a multirun into variants. */
class GridTest {
  private static final String TINY =
      "name: tiny\ndata: {sets: [circle, nested_rings], n_train: 64}\n"
          + "model: {depths: [1, 3]}\ntraining: {epochs: 2}\nseeds: [0, 1, 2]\n";

  private static StudyConfig load(List<String> overrides) {
    return ConfigLoader.parse(TINY, "tiny.yaml", overrides);
  }

  @Test
  void dataSetsTimesDepthsTimesSeedsInConfigOrder() {
    List<RunSpec> runs = Grid.runs(load(List.of()));
    assertEquals(12, runs.size());
    assertEquals("circle d1 s0", runs.get(0).shortName());
    assertEquals("circle d1 s2", runs.get(2).shortName());
    assertEquals("circle d3 s0", runs.get(3).shortName());
    assertEquals("nested_rings d3 s2", runs.get(11).shortName());
  }

  @Test
  void singleValuedOverridesGiveOneVariantInTheRoot() {
    Path root = Path.of("out");
    List<Variant> v = Grid.variants(List.of("training.lr=0.5"), root, GridTest::load);
    assertEquals(1, v.size());
    assertEquals("", v.get(0).label());
    assertEquals(root, v.get(0).dir());
    assertEquals(0.5, v.get(0).config().training().lr());
  }

  @Test
  void listsExpandToTheCartesianProductEachInItsOwnFolder() {
    Path root = Path.of("out");
    List<Variant> v =
        Grid.variants(
            List.of("training.lr=0.1,0.01", "seeds=[7]", "model.width=4,8,16"),
            root,
            GridTest::load);
    assertEquals(6, v.size());
    assertEquals("training.lr=0.1,model.width=4", v.get(0).label());
    assertEquals(root.resolve("training.lr=0.01,model.width=16"), v.get(5).dir());
    assertEquals(0.01, v.get(5).config().training().lr());
    assertEquals(16, v.get(5).config().model().width());
    for (Variant x : v) {
      assertEquals(List.of(7L), x.config().seeds(), "the single-valued override applies to all");
      assertEquals(4, Grid.runs(x.config()).size());
    }
  }

  @Test
  void labelsAreSafeFolderNames() {
    assertEquals("model.depths=_1_2_", Grid.label(List.of("model.depths=[1, 2]")));
  }
}
