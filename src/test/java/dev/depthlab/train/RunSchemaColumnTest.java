package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.train.RunSchema.Epochs;
import org.junit.jupiter.api.Test;

/** {@link RunSchema.Column#matches}: a key, or a per-layer key with a layer number in place. */
class RunSchemaColumnTest {
  @Test
  void aPlainColumnMatchesItsKeyOnly() {
    assertTrue(Epochs.BATCH_LOSS.matches("batch_loss"));
    assertFalse(Epochs.BATCH_LOSS.matches("batch_loss_x"));
    assertFalse(Epochs.BATCH_LOSS.matches("train_loss"));
  }

  @Test
  void aPerLayerColumnMatchesEveryLayersKey() {
    for (int n : new int[] {1, 2, 9, 10, 123}) {
      assertTrue(Epochs.DEAD.matches(Epochs.DEAD.of(n)), Epochs.DEAD.of(n));
      assertTrue(
          Epochs.LAYER_GRAD_NORM_MEAN.matches(Epochs.LAYER_GRAD_NORM_MEAN.of(n)),
          Epochs.LAYER_GRAD_NORM_MEAN.of(n));
      assertFalse(Epochs.LAYER_GRAD_NORM_MEAN.matches(Epochs.LAYER_GRAD_NORM_STD.of(n)));
    }
    for (String other : new String[] {"dead_h", "dead_hx", "dead_h1x", "dead_h-1", "xdead_h1"}) {
      assertFalse(Epochs.DEAD.matches(other), other);
    }
    assertFalse(Epochs.LAYER_GRAD_NORM_MEAN.matches("grad_norm_l_mean"));
    assertFalse(Epochs.LAYER_GRAD_NORM_MEAN.matches("grad_norm_mean"));
  }
}
