package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.train.EpochRecord;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A csv data set with three features trains end to end on the CUDA backend (emulated device), its
 * seeds in one group, and matches the CPU backend run by run within {@link ParityChecks#trajTol}.
 */
class EmulatedCsvDataTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Precision.class)
  void aThreeFeatureCsvSetTrainsOnCudaLikeOnTheCpu(Precision p) throws Exception {
    StringBuilder rows = new StringBuilder("u,v,w,y\n");
    dev.depthlab.common.Rng rng = new dev.depthlab.common.Rng(3);
    for (int i = 0; i < 150; i++) {
      double u = rng.uniform(-1, 1);
      double v = rng.uniform(-1, 1);
      double w = rng.uniform(-1, 1);
      rows.append(u).append(',').append(v).append(',').append(w).append(',');
      rows.append(u * v + w > 0 ? 1 : 0).append('\n');
    }
    Files.writeString(dir.resolve("uvw.csv"), rows);
    Files.writeString(
        dir.resolve("s.yaml"),
        "data: {sets: [{kind: csv, path: uvw.csv, label: y}], test: {n: 40}}\n"
            + "model: {depths: [3], width: 8}\ntraining: {epochs: 3, batch_size: 16, lr: 0.01}\n"
            + "seeds: [0, 1, 2]\nprecision: "
            + p.key()
            + "\n");
    StudyConfig cfg = ConfigLoader.load(dir.resolve("s.yaml"), List.of());
    DatasetSpec set = cfg.data().sets().get(0);
    List<RunSpec> runs = new ArrayList<>();
    for (long seed : cfg.seeds()) {
      runs.add(new RunSpec(cfg, set, 3, seed));
    }
    assertEquals(3, runs.get(0).net().inputs());
    List<RunResult> cuda =
        Trainer.train(new CudaBackend(NativeTools.emulatedDevice()), runs, TrainListener.NONE);
    double worst = 0;
    for (int r = 0; r < runs.size(); r++) {
      RunResult cpu =
          Trainer.train(new CpuBackend(), List.of(runs.get(r)), TrainListener.NONE).get(0);
      for (int e = 0; e < cpu.epochs().size(); e++) {
        EpochRecord a = cpu.epochs().get(e);
        EpochRecord b = cuda.get(r).epochs().get(e);
        double err =
            Math.abs(a.batchLoss() - b.batchLoss()) / Math.max(Math.abs(a.batchLoss()), 1e-12);
        worst = Math.max(worst, err);
        assertEquals(
            a.testAccuracy(), b.testAccuracy(), 1.0 / 40 + 1e-12, "seed " + r + " epoch " + e);
      }
    }
    System.out.printf("csv 3 features, %s: worst relative batch-loss error %.2g%n", p.key(), worst);
    assertTrue(worst <= ParityChecks.trajTol(p), "worst " + worst);
  }
}
