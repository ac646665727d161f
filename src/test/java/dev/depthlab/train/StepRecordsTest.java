package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Parameters;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-step records the nn_scratch pictures need: each step's batch accuracy, and a chosen
 * layer's weights and biases every k steps (diagnostics.step_weights), checked against quantities
 * computed another way.
 */
class StepRecordsTest {
  /** 50 points in batches of 16: 4 steps per epoch (16, 16, 16, 2), 3 epochs, 12 steps. */
  private static StudyConfig small(String precision, String lr, String stepWeights) {
    return ConfigLoader.parse(
        """
        name: t
        data: {sets: [circle], n_train: 50, test: {n: 20, seed_offset: 100}}
        model: {depths: [2], width: 4}
        training: {epochs: 3, batch_size: 16, lr: %s}
        seeds: [4]
        diagnostics: {every: 1, steps: true%s}
        """
            .formatted(lr, stepWeights.isEmpty() ? "" : ", step_weights: " + stepWeights),
        "test.yaml",
        List.of("precision=" + precision));
  }

  private record Trained(RunResult result, List<StepRecord> steps, List<WeightRecord> weights) {}

  private static Trained train(StudyConfig cfg) {
    List<StepRecord> steps = new ArrayList<>();
    List<WeightRecord> weights = new ArrayList<>();
    RunSpec run = new RunSpec(cfg, DatasetSpec.of("circle"), 2, cfg.seeds().get(0));
    RunResult r =
        Trainer.train(
                new CpuBackend(),
                List.of(run),
                new TrainListener() {
                  @Override
                  public void onSteps(int replica, List<StepRecord> s) {
                    steps.addAll(s);
                  }

                  @Override
                  public void onStepWeights(int replica, List<WeightRecord> w) {
                    weights.addAll(w);
                  }
                })
            .get(0);
    return new Trained(r, steps, weights);
  }

  /**
   * With parameters that do not move (lr 1e-30 vanishes against every weight in fp32 and fp64;
   * 1e-300 would underflow to 0 in fp32, which the loader refuses), an epoch's batches visit every
   * training sample once, so their accuracies weighted by batch size add up to the full-pass
   * training accuracy of the evaluation: the same rule on the same predictions.
   */
  @ParameterizedTest
  @ValueSource(strings = {"fp64", "fp32"})
  void batchAccuraciesOfAnEpochAddUpToTheTrainingAccuracy(String precision) {
    Trained t = train(small(precision, "1.0e-30", ""));
    int[] sizes = {16, 16, 16, 2};
    List<Executable> checks = new ArrayList<>();
    for (EpochRecord e : t.result().epochs()) {
      double correct = 0;
      for (StepRecord s : t.steps()) {
        if (s.epoch() == e.epoch()) {
          correct += s.accuracy() * sizes[s.step() - 1];
        }
      }
      double acc = correct / 50;
      checks.add(() -> assertEquals(e.trainAccuracy(), acc, 1e-12, "epoch " + e.epoch()));
    }
    checks.add(
        () ->
            assertTrue(
                t.steps().stream().anyMatch(s -> s.accuracy() > 0 && s.accuracy() < 1),
                "some batch holds right and wrong predictions, else the sum proves little"));
    assertAll(checks);
  }

  @Test
  void theTracedLayerIsTheParametersAfterItsStep() {
    // every step: step 0 is the initial layer, step 12 (the last) the final one
    Trained every1 = train(small("fp64", "0.05", "{layer: 2, every: 1}"));
    // every 5th step: steps 0, 5, 10, across epoch boundaries
    Trained every5 = train(small("fp64", "0.05", "{layer: 2, every: 5}"));
    Trained none = train(small("fp64", "0.05", ""));
    RunSpec run = every1.result().spec();
    Parameters init = Trainer.setupFor(run).initial();
    Parameters last = every1.result().finalParameters();
    List<WeightRecord> w1 = every1.weights();
    List<WeightRecord> w5 = every5.weights();
    assertAll(
        () -> assertEquals(13, w1.size(), "step 0 and each of 12 steps"),
        () -> assertArrayEquals(layer(init, 1), w1.get(0).values(), "step 0: the initial layer"),
        () -> assertArrayEquals(layer(last, 1), w1.get(12).values(), "step 12: the final layer"),
        () ->
            assertEquals(
                List.of(0L, 5L, 10L), w5.stream().map(WeightRecord::step).toList(), "steps"),
        () -> assertEquals(List.of(0, 2, 3), w5.stream().map(WeightRecord::epoch).toList()),
        () -> assertEquals(List.of(0, 1, 2), w5.stream().map(WeightRecord::epochStep).toList()),
        () -> assertArrayEquals(w1.get(5).values(), w5.get(1).values(), "step 5"),
        () -> assertArrayEquals(w1.get(10).values(), w5.get(2).values(), "step 10"),
        () -> assertTrue(w1.get(1).values()[0] != w1.get(0).values()[0], "the layer moves"),
        () ->
            assertArrayEquals(
                none.result().finalParameters().weights()[1],
                last.weights()[1],
                "tracing does not change the training"));
  }

  /** Layer l's weights then biases. */
  private static double[] layer(Parameters p, int l) {
    double[] w = p.weights()[l];
    double[] b = p.biases()[l];
    double[] v = new double[w.length + b.length];
    System.arraycopy(w, 0, v, 0, w.length);
    System.arraycopy(b, 0, v, w.length, b.length);
    return v;
  }
}
