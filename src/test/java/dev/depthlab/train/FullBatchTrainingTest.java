package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Parameters;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code training.full_batch: true} is gradient descent: each epoch is one step, and after 6 epochs
 * the run's parameters are, bit for bit, those of 6 steps {@code w = fma(-lr, g, w)} with g the
 * gradient of the whole training set in index order taken through the reference group's {@link
 * Group#gradients} (the contract's own arithmetic, docs/arithmetic.md). The CPU backend sums in the
 * reference's order, so it is held to the same bits.
 */
class FullBatchTrainingTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"reference", "cpu"})
  void eachEpochIsOneGradientDescentStep(String name) {
    Backend backend = name.equals("cpu") ? new CpuBackend() : new ReferenceBackend();
    StudyConfig cfg =
        ConfigLoader.parse(
            """
            name: gd
            data: {sets: [circle], n_train: 60, test: {n: 20, seed_offset: 100}}
            model: {depths: [2], width: 8, activation: tanh}
            training: {epochs: 6, full_batch: true, lr: 0.3, reduction: mean}
            seeds: [4]
            """,
            "gd.yaml",
            List.of());
    RunSpec run = new RunSpec(cfg, DatasetSpec.of("circle"), 2, 4);
    RunResult result = Trainer.train(backend, List.of(run), new TrainListener() {}).get(0);
    assertEquals(6, result.epochs().size());
    for (EpochRecord e : result.epochs()) {
      assertEquals(0.0, e.gradNormStd(), "epoch " + e.epoch() + " has one step");
    }
    ReplicaSetup setup = Trainer.setupFor(run);
    int n = setup.train().size();
    int[][] all = new int[1][n];
    for (int i = 0; i < n; i++) {
      all[0][i] = i;
    }
    Parameters p = setup.initial().copy();
    GroupSpec spec = new GroupSpec(run.net(), cfg.precision(), n, 1);
    try (Group g = new ReferenceBackend().createGroup(spec, List.of(setup))) {
      for (int step = 0; step < 6; step++) {
        g.setParameters(List.of(p));
        Gradients grad = g.gradients(all);
        for (int l = 0; l < p.layers(); l++) {
          update(p.weights()[l], grad.weights()[0][l], 0.3);
          update(p.biases()[l], grad.biases()[0][l], 0.3);
        }
      }
    }
    for (int l = 0; l < p.layers(); l++) {
      assertArrayEquals(p.weights()[l], result.finalParameters().weights()[l], 0.0, "W" + l);
      assertArrayEquals(p.biases()[l], result.finalParameters().biases()[l], 0.0, "b" + l);
    }
  }

  private static void update(double[] w, double[] g, double lr) {
    for (int k = 0; k < w.length; k++) {
      w[k] = Math.fma(-lr, g[k], w[k]);
    }
  }
}
