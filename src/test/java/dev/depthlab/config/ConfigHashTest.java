package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The protocol hash: stable, sensitive to the protocol, blind to the backend. */
class ConfigHashTest {
  private static StudyConfig seed(String... overrides) {
    return ConfigLoader.parse("", "seed-study.yaml", List.of(overrides));
  }

  @Test
  void hashOfTheSeedProtocolIsPinned() {
    // results on disk are keyed by this value: a change here orphans every stored study, so it
    // must be a deliberate change of the canonical form (and a note in the docs)
    assertEquals(PINNED, ConfigYaml.hash(ConfigLoader.defaults()));
    assertEquals(PINNED.substring(0, 16), ConfigYaml.shortHash(ConfigLoader.defaults()));
  }

  private static final String PINNED =
      "618ecbd9009b350b1f9b0c445b7b1f11b9d5f06ea52b2ad34215a15ae264cffc";

  @Test
  void hashIsSha256HexAndTheSameForEqualConfigs() {
    String h = ConfigYaml.hash(seed());
    assertTrue(h.matches("[0-9a-f]{64}"), h);
    assertEquals(h, ConfigYaml.hash(ConfigLoader.defaults().withName("seed-study")));
    // the same protocol written differently (flow style, reordered keys) hashes the same
    StudyConfig reordered =
        ConfigLoader.parse(
            "training: {lr: 0.001, epochs: 1000}\nname: seed-study\n", "x.yaml", List.of());
    assertEquals(h, ConfigYaml.hash(reordered));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "training.lr=0.0011",
        "precision=fp32",
        "seeds=[0, 1, 2, 3, 4, 5, 6, 7, 8]",
        "data.sets=[{kind: circle, radius: 0.4}, nested_rings]",
        "model.depths=[1, 2, 4, 6]",
        "data.test.seed_offset=101",
        "data.test.fraction=0.2",
        "training.reduction=mean",
        "training.sampling=random_batches",
        "diagnostics.step_weights={layer: 1, every: 1}",
        "training.output_gradient=chained",
        "diagnostics.steps=true",
        "name=other"
      })
  void hashChangesWithTheProtocol(String override) {
    assertNotEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(seed(override)), override);
  }

  @Test
  void keysAddedLaterKeepTheHashAtTheirDefault() {
    // stored studies ran with the default; saying so explicitly must not orphan their results
    StudyConfig explicit =
        ConfigLoader.parse("training: {sampling: epoch_shuffle}\n", "seed-study.yaml", List.of());
    assertEquals(PINNED, ConfigYaml.hash(explicit));
    assertFalse(ConfigYaml.toYaml(explicit).contains("sampling"));
    assertTrue(ConfigYaml.toYaml(seed("training.sampling=random_batches")).contains("sampling"));
    StudyConfig noTrace =
        ConfigLoader.parse("diagnostics: {step_weights: }\n", "seed-study.yaml", List.of());
    assertEquals(PINNED, ConfigYaml.hash(noTrace));
    // output_gradient came after results were stored too, all of them with its default (fused)
    StudyConfig fused = seed("training.output_gradient=fused");
    assertEquals(PINNED, ConfigYaml.hash(fused));
    assertFalse(ConfigYaml.toYaml(fused).contains("output_gradient"));
    assertTrue(
        ConfigYaml.toYaml(seed("training.output_gradient=chained"))
            .contains("  output_gradient: chained\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "cuda"})
  void hashIgnoresTheBackend(String backend) {
    StudyConfig other = seed("backend=" + backend);
    assertEquals(backend, other.backend());
    assertEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(other));
  }
}
