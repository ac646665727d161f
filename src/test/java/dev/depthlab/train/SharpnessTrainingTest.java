package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run with {@code diagnostics.sharpness} on trains exactly as with it off: epochs.csv is the same
 * bytes but for the three added last columns (sharpness, its Lanczos residual, batch sharpness),
 * which hold finite estimates (a positive sharpness) on the asked epochs (2, 4 and the last, 5) and
 * are empty on the others.
 */
class SharpnessTrainingTest {
  private static StudyConfig config(String precision, String sharpness) {
    return ConfigLoader.parse(
        """
        name: t
        data: {sets: [circle], n_train: 100, test: {n: 50, seed_offset: 100}}
        model: {depths: [2], width: 8}
        training: {epochs: 5, batch_size: 16, lr: 0.05}
        seeds: [0, 1]
        diagnostics: {every: 1%s}
        """
            .formatted(sharpness),
        "test.yaml",
        List.of("precision=" + precision));
  }

  private static List<String> epochsCsv(Backend backend, StudyConfig cfg, Path dir)
      throws Exception {
    List<RunSpec> runs = new ArrayList<>();
    for (long s : cfg.seeds()) {
      runs.add(new RunSpec(cfg, DatasetSpec.of("circle"), 2, s));
    }
    List<RunResult> results = Trainer.train(backend, runs, new TrainListener() {});
    RunFolder.write(
        dir,
        results.get(1),
        null,
        new RunFolder.Provenance("h", backend.name(), "test", "0", null));
    return Files.readAllLines(dir.resolve(RunFolder.EPOCHS_CSV));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"cpu, fp64", "cpu, fp32", "reference, fp64"})
  void trainingIsUnchangedAndTheColumnIsFilledOnItsEpochs(
      String backendName, String precision, @TempDir Path tmp) throws Exception {
    Backend backend = backendName.equals("cpu") ? new CpuBackend() : new ReferenceBackend();
    List<String> off = epochsCsv(backend, config(precision, ""), tmp.resolve("off"));
    List<String> on =
        epochsCsv(
            backend,
            config(precision, ", sharpness: {every: 2, iterations: 5}"),
            tmp.resolve("on"));
    assertEquals(off.size(), on.size());
    assertTrue(on.get(0).endsWith(",sharpness,sharpness_residual,batch_sharpness"), on.get(0));
    for (int i = 0; i < off.size(); i++) {
      String[] cells = on.get(i).split(",", -1);
      int cut = cells.length - 3;
      String kept = String.join(",", java.util.Arrays.copyOfRange(cells, 0, cut));
      assertEquals(off.get(i), kept, "epochs.csv line " + i);
      if (i == 0) {
        continue;
      }
      for (int k = cut; k < cells.length; k++) {
        if (i == 2 || i == 4 || i == 5) {
          double s = Double.parseDouble(cells[k]);
          assertTrue(Double.isFinite(s) && (k > cut || s > 0), "epoch " + i + ": " + cells[k]);
        } else {
          assertEquals("", cells[k], "epoch " + i + " has no estimate");
        }
      }
    }
  }
}
