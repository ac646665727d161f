package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code training.full_batch} on the CUDA backend (emulated device): 2 seeds of a depth-2 tanh net,
 * 5 steps of gradient descent on 150 points, with the sharpness and batch sharpness on; every
 * epoch's loss, and the sharpness and batch sharpness of epochs 2, 4 and 5, agree with the
 * reference to rounding (cuBLAS sums in its own order: 1e-9 relative).
 */
class FullBatchOnCudaTest {
  private static List<RunResult> train(Backend backend, StudyConfig cfg) {
    List<RunSpec> runs = new ArrayList<>();
    for (long s : cfg.seeds()) {
      runs.add(new RunSpec(cfg, cfg.data().sets().get(0), 2, s));
    }
    return Trainer.train(backend, runs, new TrainListener() {});
  }

  @Test
  void gradientDescentMatchesTheReference() {
    StudyConfig cfg =
        ConfigLoader.parse(
            """
            name: gd
            data: {sets: [circle], n_train: 150, test: {n: 20, seed_offset: 100}}
            model: {depths: [2], width: 8, activation: tanh}
            training: {epochs: 5, full_batch: true, lr: 0.5, reduction: mean}
            seeds: [0, 1]
            diagnostics: {every: 1, sharpness: {every: 2, iterations: 30}}
            """,
            "gd.yaml",
            List.of());
    List<RunResult> ref = train(new ReferenceBackend(), cfg);
    List<RunResult> cuda = train(new CudaBackend(NativeTools.emulatedDevice()), cfg);
    List<Executable> checks = new ArrayList<>();
    for (int r = 0; r < ref.size(); r++) {
      for (int e = 0; e < 5; e++) {
        var a = ref.get(r).epochs().get(e);
        var b = cuda.get(r).epochs().get(e);
        String who = "replica " + r + " epoch " + (e + 1);
        checks.add(() -> assertEquals(a.batchLoss(), b.batchLoss(), 1e-9 * a.batchLoss(), who));
        if (Double.isNaN(a.sharpness())) { // epochs 1 and 3 have no estimate
          checks.add(() -> assertEquals(Double.NaN, b.sharpness(), who));
          continue;
        }
        checks.add(() -> assertEquals(a.sharpness(), b.sharpness(), 1e-9 * a.sharpness(), who));
        checks.add(
            () ->
                assertEquals(
                    a.batchSharpness(),
                    b.batchSharpness(),
                    1e-9 * Math.abs(a.batchSharpness()),
                    who));
      }
    }
    assertAll(checks);
  }
}
