package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.common.Version;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one path from training to run folders: what it writes is what the training measured, read
 * back from the files and checked against each other and against the returned results.
 */
class RunRecorderTest {
  /** 40 points in batches of 16: 3 steps per epoch (16, 16, 8), 4 epochs. */
  private static StudyConfig cfg(String diagnostics) {
    return ConfigLoader.parse(
        """
        name: t
        data: {sets: [circle], n_train: 40, test: {n: 20, seed_offset: 100}}
        model: {depths: [2], width: 4}
        training: {epochs: 4, batch_size: 16, lr: 0.05}
        seeds: [1, 2]
        diagnostics: %s
        """
            .formatted(diagnostics),
        "t.yaml",
        List.of());
  }

  private static List<RunSpec> runs(StudyConfig c) {
    return c.seeds().stream().map(s -> new RunSpec(c, DatasetSpec.of("circle"), 2, s)).toList();
  }

  @Test
  void writesEachRunsFolderFromWhatItsTrainingMeasured(@TempDir Path tmp) throws IOException {
    StudyConfig c = cfg("{steps: true, step_weights: {layer: 2, every: 1}}");
    List<Path> dirs = List.of(tmp.resolve("a"), tmp.resolve("b"));
    List<String> events = new ArrayList<>();
    List<RunResult> results =
        new RunRecorder(new CpuBackend())
            .trainAndRecord(
                runs(c),
                dirs,
                new RunRecorder.Listener() {
                  @Override
                  public void onEpochDone(int epoch, int epochs) {
                    events.add("epoch " + epoch + "/" + epochs);
                  }

                  @Override
                  public void onRunWritten(int replica, RunResult result) {
                    // the folder is complete by the time its run is announced
                    events.add("run " + replica + " " + RunFolder.isFinished(dirs.get(replica)));
                  }
                });
    assertEquals(
        List.of("epoch 1/4", "epoch 2/4", "epoch 3/4", "epoch 4/4", "run 0 true", "run 1 true"),
        events);
    ObjectMapper json = new ObjectMapper();
    for (int r = 0; r < 2; r++) {
      Path dir = dirs.get(r);
      RunResult res = results.get(r);
      JsonNode run = json.readTree(dir.resolve(RunFolder.RUN_JSON).toFile());
      List<String[]> epochs = rows(dir.resolve(RunFolder.EPOCHS_CSV));
      List<String[]> steps = rows(dir.resolve(RunFolder.STEPS_CSV));
      List<String[]> weights = rows(dir.resolve(RunFolder.STEP_WEIGHTS_CSV));
      assertAll(
          () -> assertEquals(res.spec().seed(), run.path("seed").asLong()),
          () -> assertEquals(ConfigYaml.hash(c), run.path("config_hash").asText()),
          () -> assertEquals("cpu", run.path("backend").asText()),
          () -> assertEquals(Version.STRING, run.path("versions").path("depthlab").asText()),
          () -> assertEquals(4, epochs.size()),
          () -> assertEquals(4 * 3, steps.size(), "3 steps an epoch"),
          // layer 2 (4 x 4 weights and 4 biases) at step 0 and after each of the 12 steps
          () -> assertEquals(13 * (16 + 4), weights.size()));
      for (int e = 0; e < 4; e++) {
        // an epoch's batch loss is the mean of its steps' losses: the same sum, in the same order
        double sum = 0;
        for (int s = 0; s < 3; s++) {
          sum += Double.parseDouble(steps.get(3 * e + s)[2]);
        }
        assertEquals(res.epochs().get(e).batchLoss(), sum / 3, "epoch " + (e + 1));
        assertEquals(
            res.epochs().get(e).batchLoss(), Double.parseDouble(epochs.get(e)[1]), "epochs.csv");
      }
      // the last record of the traced layer is the final parameters the result holds
      double[] finalW = res.finalParameters().weights()[1];
      double[] finalB = res.finalParameters().biases()[1];
      List<String[]> last = weights.subList(weights.size() - 20, weights.size());
      for (int k = 0; k < 20; k++) {
        double want = k < 16 ? finalW[k] : finalB[k - 16];
        assertEquals(want, Double.parseDouble(last.get(k)[7]), "parameter " + k);
        assertEquals("12", last.get(k)[0], "step");
      }
    }
  }

  @Test
  void writesNoStepFilesUnlessAsked(@TempDir Path tmp) {
    StudyConfig c = cfg("{steps: false}");
    List<Path> dirs = List.of(tmp.resolve("a"), tmp.resolve("b"));
    new RunRecorder(new CpuBackend()).trainAndRecord(runs(c), dirs, new RunRecorder.Listener() {});
    for (Path d : dirs) {
      assertTrue(RunFolder.isFinished(d), d.toString());
      assertFalse(Files.exists(d.resolve(RunFolder.STEPS_CSV)), d.toString());
      assertFalse(Files.exists(d.resolve(RunFolder.STEP_WEIGHTS_CSV)), d.toString());
    }
  }

  @Test
  void needsOneFolderPerRun(@TempDir Path tmp) {
    StudyConfig c = cfg("{steps: false}");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new RunRecorder(new CpuBackend())
                .trainAndRecord(runs(c), List.of(tmp), new RunRecorder.Listener() {}));
  }

  /** The data rows of a CSV that has no quoted fields. */
  private static List<String[]> rows(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    return lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
  }
}
