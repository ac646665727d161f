package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.train.EpochRecord;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code diagnostics.sharpness} through the Trainer on the emulated CUDA backend, whose Lanczos
 * steps multiply by the device R-pass ({@link DeviceRPass}), gives the CPU backend's sharpness and
 * batch sharpness (host R-pass) on every estimated epoch, within 1e-9 relative: the two backends'
 * fp64 trajectories and products differ only by summation order (rounding), and Lanczos from the
 * same fixed start turns that into a difference of the same order.
 */
class EmulatedSharpnessTest {
  @Test
  void sharpnessEqualsTheCpuBackends() {
    StudyConfig cfg =
        ConfigLoader.parse(
            """
            name: t
            data: {sets: [circle], n_train: 100, test: {n: 50, seed_offset: 100}}
            model: {depths: [2], width: 8}
            training: {epochs: 4, batch_size: 16, lr: 0.05}
            seeds: [0, 1]
            diagnostics: {every: 1, sharpness: {every: 2, iterations: 8}}
            """,
            "test.yaml",
            List.of("precision=fp64"));
    List<RunResult> cpu = train(new CpuBackend(), cfg);
    List<RunResult> cuda = train(new CudaBackend(NativeTools.emulatedDevice()), cfg);
    int estimates = 0;
    for (int s = 0; s < cpu.size(); s++) {
      List<EpochRecord> want = cpu.get(s).epochs();
      List<EpochRecord> got = cuda.get(s).epochs();
      assertEquals(want.size(), got.size());
      for (int e = 0; e < want.size(); e++) {
        double w = want.get(e).sharpness();
        double g = got.get(e).sharpness();
        assertEquals(Double.isNaN(w), Double.isNaN(g), "seed " + s + " epoch " + e);
        if (Double.isNaN(w)) {
          continue;
        }
        estimates++;
        System.out.printf("seed %d epoch %d: sharpness cpu %.15g, cuda %.15g%n", s, e, w, g);
        assertTrue(w > 0, "a positive sharpness: " + w);
        assertEquals(w, g, 1e-9 * Math.abs(w), "sharpness, seed " + s + " epoch " + e);
        double wb = want.get(e).batchSharpness();
        double gb = got.get(e).batchSharpness();
        assertEquals(wb, gb, 1e-9 * Math.abs(wb), "batch sharpness, seed " + s + " epoch " + e);
      }
    }
    assertEquals(2 * 2, estimates, "epochs 2 and 4 of both seeds");
  }

  private static List<RunResult> train(Backend backend, StudyConfig cfg) {
    List<RunSpec> runs = new ArrayList<>();
    for (long s : cfg.seeds()) {
      runs.add(new RunSpec(cfg, DatasetSpec.of("circle"), 2, s));
    }
    return Trainer.train(backend, runs, TrainListener.NONE);
  }
}
