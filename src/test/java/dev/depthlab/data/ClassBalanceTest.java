package dev.depthlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.Rng;
import org.junit.jupiter.api.Test;

/** The class-balance summary and its imbalance warning. */
class ClassBalanceTest {
  @Test
  void circleIsFlaggedXorIsNot() {
    DataSet circle = Datasets.generate(DatasetSpec.of("circle"), 2000, 0.0, new Rng(0));
    ClassBalance b = ClassBalance.of(circle);
    assertEquals(2000, b.n());
    assertEquals(circle.positives(), b.positives());
    assertEquals(2000 - circle.positives(), b.negatives());
    assertTrue(b.imbalanced(), b.describe());
    assertTrue(b.describe().contains("imbalanced") && b.describe().startsWith("2000 points"));
    DataSet xorSet = Datasets.generate(DatasetSpec.of("xor"), 2000, 0, new Rng(0));
    ClassBalance xor = ClassBalance.of(xorSet);
    assertFalse(xor.imbalanced(), xor.describe());
    assertFalse(xor.describe().contains("imbalanced"));
  }

  @Test
  void thresholdIsOnTheMinorityClass() {
    assertTrue(new ClassBalance(100, 71).imbalanced(), "29% negatives is a minority below 30%");
    assertFalse(new ClassBalance(100, 70).imbalanced());
    assertFalse(new ClassBalance(100, 30).imbalanced());
    assertTrue(new ClassBalance(100, 29).imbalanced());
    assertFalse(new ClassBalance(0, 0).imbalanced());
    assertEquals("10 points: 5 positive (50.0%), 5 negative", new ClassBalance(10, 5).describe());
  }
}
