package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code config/batch-sharpness.yaml} loads as the example docs/sweep.md describes: minibatch SGD
 * (not full batch), batches of 32 of 2000 points, 2/lr = 20 on the mean loss, and the sharpness
 * with its batch sharpness estimated every 4 epochs.
 */
class BatchSharpnessConfigTest {
  @Test
  void theExampleLoadsAsMinibatchSgdWithSharpness() {
    StudyConfig c = ConfigLoader.load(Path.of("config/batch-sharpness.yaml"), List.of());
    assertAll(
        () -> assertFalse(c.training().fullBatch(), "SGD, not gradient descent"),
        () -> assertEquals(32, c.training().batchSize()),
        () -> assertEquals(2000, c.data().nTrain()),
        () -> assertEquals(20.0, 2 / c.training().lr(), 1e-12),
        () -> assertTrue(c.diagnostics().sharpness().on()),
        () -> assertEquals(4, c.diagnostics().sharpness().every()),
        () -> assertEquals(List.of(8), c.model().depths()),
        () -> assertEquals(3, c.seeds().size()));
  }
}
