package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.Rng;
import dev.depthlab.config.Sampling;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The two sampling modes: what a step's batch can hold, and how often each sample comes. */
class EpochOrdersTest {
  private static final int N = 10;
  private static final int B = 4; // batches [0, 4), [4, 8), [8, 10)

  @Test
  void epochShuffleIsTheFormerPermutationPerEpoch() {
    // the default must draw exactly what the training loop drew before sampling modes existed:
    // identity, then one Fisher-Yates shuffle per epoch from the shuffle stream
    EpochOrders orders = new EpochOrders(Sampling.EPOCH_SHUFFLE, new Rng(7), N, B);
    Rng reference = new Rng(7);
    int[] order = new int[N];
    for (int epoch = 0; epoch < 5; epoch++) {
      orders.next(order);
      int[] expected = new int[N];
      for (int i = 0; i < N; i++) {
        expected[i] = i;
      }
      reference.shuffle(expected);
      assertArrayEquals(expected, order, "epoch " + epoch);
    }
  }

  @Test
  void randomBatchesDrawEachBatchAfreshWithoutRepeatsInside() {
    EpochOrders orders = new EpochOrders(Sampling.RANDOM_BATCHES, new Rng(3), N, B);
    int epochs = 20_000;
    int[] order = new int[N];
    // count[k][i]: how often sample i was in batch k
    int[][] count = new int[3][N];
    int epochsWithARepeat = 0;
    for (int e = 0; e < epochs; e++) {
      orders.next(order);
      Set<Integer> seen = new HashSet<>();
      boolean repeat = false;
      for (int k = 0; k < 3; k++) {
        Set<Integer> batch = new HashSet<>();
        for (int s = k * B; s < Math.min((k + 1) * B, N); s++) {
          assertTrue(order[s] >= 0 && order[s] < N);
          assertTrue(batch.add(order[s]), "a batch holds distinct samples: epoch " + e);
          repeat |= !seen.add(order[s]);
          count[k][order[s]]++;
        }
      }
      epochsWithARepeat += repeat ? 1 : 0;
    }
    // batches are independent draws: an epoch is a permutation only by chance, with probability
    // C(6,4) / C(10,4) * C(2,2) / C(10,2) = 1/630
    assertTrue(
        epochsWithARepeat > epochs * 0.99, "epochs with a repeated sample: " + epochsWithARepeat);
    // each sample is in batch k with probability size_k / N: 0.4, 0.4, 0.2 (5 sd bounds)
    int[] sizes = {4, 4, 2};
    for (int k = 0; k < 3; k++) {
      double p = sizes[k] / (double) N;
      double sd = Math.sqrt(epochs * p * (1 - p));
      for (int i = 0; i < N; i++) {
        assertEquals(epochs * p, count[k][i], 5 * sd, "batch " + k + ", sample " + i);
      }
    }
  }

  @Test
  void randomBatchesAreReproducibleAndDifferFromTheEpochShuffle() {
    int[] a = new int[N];
    int[] b = new int[N];
    int[] c = new int[N];
    EpochOrders x = new EpochOrders(Sampling.RANDOM_BATCHES, new Rng(11), N, B);
    EpochOrders y = new EpochOrders(Sampling.RANDOM_BATCHES, new Rng(11), N, B);
    EpochOrders z = new EpochOrders(Sampling.EPOCH_SHUFFLE, new Rng(11), N, B);
    for (int e = 0; e < 3; e++) {
      x.next(a);
      y.next(b);
      z.next(c);
      assertArrayEquals(a, b);
    }
    assertNotEquals(Arrays.toString(a), Arrays.toString(c));
  }
}
