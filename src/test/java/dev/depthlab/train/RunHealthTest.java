package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.Parameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run health ({@link RunHealth}): exploded and collapsed runs are flagged with the right epoch, the
 * epoch checked against the run's own step log and dead-unit columns, and the checks never change a
 * number.
 */
class RunHealthTest {
  private static final RunFolder.Provenance PROV =
      new RunFolder.Provenance("h", "cpu", "test", "0", null);

  /** The seed protocol (ReLU, He init, sum reduction, batch 32) on a small set, with steps. */
  private static StudyConfig config(String extra) {
    return ConfigLoader.parse(
        """
        name: health
        data: {sets: [circle], n_train: 200, test: {n: 50, seed_offset: 100}}
        model: {depths: [4], width: 16}
        training: {epochs: 6, batch_size: 32}
        seeds: [0]
        backend: cpu
        diagnostics: {every: 1, steps: true}
        """,
        "health.yaml",
        List.of(extra.split(";")));
  }

  private record Trained(RunResult result, List<StepRecord> steps) {}

  private static Trained train(StudyConfig cfg) {
    List<StepRecord> steps = new ArrayList<>();
    RunResult r =
        Trainer.train(
                new CpuBackend(),
                List.of(new RunSpec(cfg, DatasetSpec.of("circle"), 4, 0)),
                new TrainListener() {
                  @Override
                  public void onSteps(int replica, List<StepRecord> s) {
                    steps.addAll(s);
                  }
                })
            .get(0);
    return new Trained(r, steps);
  }

  @Test
  void lr5IsExplodedAtTheFirstEpochWithAStepNormAboveTheLimit(@TempDir Path tmp) throws Exception {
    Trained t = train(config("training.lr=5"));
    RunSummary s = t.result().summary();
    // the independent count: the first epoch of steps.csv's norms with one above 1e6
    int expected = 0;
    double max = 0;
    for (StepRecord step : t.steps()) {
      max = Math.max(max, step.gradNorm());
      if (expected == 0 && step.gradNorm() > 1e6) {
        expected = step.epoch();
      }
    }
    assertTrue(expected > 0, "lr 5 should give norms above 1e6; largest " + max);
    assertTrue(Double.isFinite(t.result().epochs().get(5).batchLoss()), "loss stays finite");
    assertEquals(RunSummary.EXPLODED, s.status());
    assertEquals(expected, s.statusEpoch());
    RunFolder.write(tmp, t.result(), null, PROV);
    var json = new ObjectMapper().readTree(tmp.resolve(RunFolder.RUN_JSON).toFile());
    assertEquals("exploded", json.path("status").asText());
    assertEquals(expected, json.path("status_epoch").asInt());
    assertTrue(RunFolder.isFinished(tmp), "an exploded run is finished");
  }

  @Test
  void theLimitIsAConfigKeyAndTheChecksChangeNoNumber(@TempDir Path tmp) throws Exception {
    Trained loose = train(config("training.lr=5;training.health.grad_norm_limit=1e300"));
    Trained tight = train(config("training.lr=5"));
    // lr 5 also kills every unit of a layer after the first epoch: without the bound, that shows
    assertEquals(RunSummary.COLLAPSED, loose.result().summary().status());
    assertEquals(RunSummary.EXPLODED, tight.result().summary().status());
    RunFolder.write(tmp.resolve("loose"), loose.result(), loose.steps(), PROV);
    RunFolder.write(tmp.resolve("tight"), tight.result(), tight.steps(), PROV);
    for (String f : List.of(RunFolder.EPOCHS_CSV, RunFolder.STEPS_CSV)) {
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve("loose").resolve(f)),
          Files.readAllBytes(tmp.resolve("tight").resolve(f)),
          f + ": the health bound must only observe");
    }
  }

  @Test
  void aFirstLayerKilledByItsBiasIsCollapsedAtTheFirstEvaluation() {
    // bias -10: every first-layer pre-activation w.x - 10 is negative for circle's points (|x| <=
    // ~1.5, He weights ~N(0, 1)), so ReLU outputs 0 everywhere: the layer is dead from step one
    Trained t = train(config("model.bias_init=-10"));
    EpochRecord first = t.result().epochs().get(0);
    assertEquals(1.0, first.deadFraction()[0], "dead_h1 at epoch 1 (the independent reading)");
    assertEquals(RunSummary.COLLAPSED, t.result().summary().status());
    assertEquals(1, t.result().summary().statusEpoch());
  }

  @Test
  void aHealthyRunStaysOk(@TempDir Path tmp) throws Exception {
    RunResult r = train(config("training.lr=0.01")).result();
    assertEquals(RunSummary.OK, r.summary().status());
    assertEquals(0, r.summary().statusEpoch());
    RunFolder.write(tmp, r, null, PROV);
    var json = new ObjectMapper().readTree(tmp.resolve(RunFolder.RUN_JSON).toFile());
    assertFalse(json.has("status_epoch"), "an ok run's run.json has no status_epoch");
    assertFalse(json.has("passed_over"), "a run that auto did not divert has no passed_over");
    // auto passed over the GPU: run.json says why (BackendRegistry's PASSED_OVER detail)
    Path diverted = tmp.resolve("diverted");
    RunFolder.write(
        diverted,
        r,
        null,
        new RunFolder.Provenance(
            "h", "cpu", "test", "0", "cuda: no NVIDIA driver (libcuda.so.1 not found)"));
    var why = new ObjectMapper().readTree(diverted.resolve(RunFolder.RUN_JSON).toFile());
    assertEquals(
        "cuda: no NVIDIA driver (libcuda.so.1 not found)", why.get("passed_over").asText());
  }

  @Test
  void theMostSevereStatusWinsWithItsOwnFirstEpoch() {
    RunHealth h = new RunHealth();
    h.observe(RunSummary.COLLAPSED, 2);
    h.observe(RunSummary.COLLAPSED, 3);
    assertEquals(RunSummary.COLLAPSED, h.status());
    assertEquals(2, h.epoch());
    h.observe(RunSummary.DIVERGED, 5);
    h.observe(RunSummary.EXPLODED, 6);
    assertEquals(RunSummary.DIVERGED, h.status());
    assertEquals(5, h.epoch());
    // a constant prediction counts from the evaluation it started holding, reset by any other
    h.constantAt(2, true);
    h.constantAt(4, false);
    h.constantAt(6, true);
    h.constantAt(8, true);
    assertEquals(6, h.constantSince());
  }

  @Test
  void constantPredictionsAndNonFiniteParametersAreSeen() {
    assertTrue(RunHealth.constant(new double[] {0.1, 0.2, 0.49}));
    assertTrue(RunHealth.constant(new double[] {0.5, 0.9, 1.0}));
    assertFalse(RunHealth.constant(new double[] {0.1, 0.5}));
    // 100 points, 40 positive: a constant prediction scores 0.4 or 0.6
    assertTrue(RunHealth.mayBeConstant(0.6, 100, 40));
    assertTrue(RunHealth.mayBeConstant(0.4, 100, 40));
    assertFalse(RunHealth.mayBeConstant(0.59, 100, 40));
    double[][] w = {{1, 2}, {3}};
    double[][] b = {{0}, {0}};
    assertTrue(RunHealth.finite(new Parameters(w, b)));
    w[1][0] = Double.POSITIVE_INFINITY;
    assertFalse(RunHealth.finite(new Parameters(w, b)));
  }
}
