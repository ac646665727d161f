package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.UserError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code training.full_batch}: the batch is the whole training set; the key enters the protocol
 * hash only when set (a study without it keeps its hash, {@link ConfigHashTest}'s pin); it survives
 * study.yaml; it refuses a batch size, a batch fraction and random batches beside it in one line
 * that names the key; an override displaces the file's batch size.
 */
class FullBatchConfigTest {
  private static StudyConfig seed(String... overrides) {
    return ConfigLoader.parse("", "seed-study.yaml", List.of(overrides));
  }

  @Test
  void theBatchIsTheTrainingSet() {
    StudyConfig c = seed("training.full_batch=true");
    assertTrue(c.training().fullBatch());
    assertEquals(2000, c.training().batchFor(2000));
    assertEquals(137, c.training().batchFor(137));
    assertFalse(seed().training().fullBatch());
    assertEquals(32, seed().training().batchFor(2000));
  }

  @Test
  void hashedOnlyWhenSet() {
    assertEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(seed("training.full_batch=false")));
    assertNotEquals(ConfigYaml.hash(seed()), ConfigYaml.hash(seed("training.full_batch=true")));
    assertFalse(ConfigYaml.toYaml(seed()).contains("full_batch"));
  }

  @Test
  void survivesStudyYaml() {
    StudyConfig c = seed("training.full_batch=true");
    String yaml = ConfigYaml.toYaml(c);
    assertTrue(yaml.contains("  full_batch: true\n"), yaml);
    assertFalse(yaml.contains("batch_size") || yaml.contains("batch_fraction"), yaml);
    assertEquals(c, ConfigLoader.parse(yaml, "study.yaml", List.of()));
  }

  @Test
  void anOverrideDisplacesTheFilesBatchSize() {
    StudyConfig c =
        ConfigLoader.load(Path.of("config/seed-study.yaml"), List.of("training.full_batch=true"));
    assertTrue(c.training().fullBatch());
    assertEquals(2000, c.training().batchFor(2000));
  }

  @Test
  void refusesABatchBesideIt() {
    for (String other :
        List.of("batch_size: 32", "batch_fraction: 0.5", "sampling: random_batches")) {
      UserError e =
          assertThrows(
              UserError.class,
              () ->
                  ConfigLoader.parse(
                      "training:\n  full_batch: true\n  " + other + "\n", "x.yaml", List.of()),
              other);
      String key = other.substring(0, other.indexOf(':'));
      assertTrue(e.getMessage().startsWith("x.yaml:3: training." + key + ": "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
    UserError bad =
        assertThrows(
            UserError.class,
            () -> ConfigLoader.parse("training:\n  full_batch: yes\n", "x.yaml", List.of()));
    assertTrue(
        bad.getMessage().contains("training.full_batch: expected true or false"), bad.getMessage());
  }

  @Test
  void theExampleLoadsAsGradientDescent() {
    StudyConfig c = ConfigLoader.load(Path.of("config/edge-of-stability.yaml"), List.of());
    assertTrue(c.training().fullBatch());
    assertEquals(4.0, 2 / c.training().lr());
  }
}
