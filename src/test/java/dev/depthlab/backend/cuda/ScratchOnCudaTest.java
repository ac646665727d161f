package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Backend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.StepRecord;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import dev.depthlab.train.WeightRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * config/scratch.yaml through the Trainer on the CUDA backend (emulated device) against {@link
 * ParityChecks#COMPARAND}: random batches (an epoch order that repeats samples), the steps' batch
 * accuracy and the traced layer, for 3 seeds as one group of replicas, in fp64 and in its own fp32.
 */
class ScratchOnCudaTest {
  private record Trained(
      List<RunResult> results, List<List<StepRecord>> steps, List<List<WeightRecord>> weights) {}

  private static Trained train(Backend backend, StudyConfig cfg) {
    List<RunSpec> runs = new ArrayList<>();
    List<List<StepRecord>> steps = new ArrayList<>();
    List<List<WeightRecord>> weights = new ArrayList<>();
    for (long s : cfg.seeds()) {
      runs.add(new RunSpec(cfg, cfg.data().sets().get(0), 2, s));
      steps.add(new ArrayList<>());
      weights.add(new ArrayList<>());
    }
    List<RunResult> results =
        Trainer.train(
            backend,
            runs,
            new TrainListener() {
              @Override
              public void onSteps(int replica, List<StepRecord> s) {
                steps.get(replica).addAll(s);
              }

              @Override
              public void onStepWeights(int replica, List<WeightRecord> w) {
                weights.get(replica).addAll(w);
              }
            });
    return new Trained(results, steps, weights);
  }

  @Test
  void theScratchProtocolMatchesTheComparandOnTheCudaPath() {
    for (String precision : new String[] {"fp64", "fp32"}) {
      StudyConfig cfg =
          ConfigLoader.load(
              Path.of("config/scratch.yaml"),
              List.of("seeds=[0, 1, 2]", "training.epochs=3", "precision=" + precision));
      Trained gpu = train(new CudaBackend(NativeTools.emulatedDevice()), cfg);
      Trained ref = train(ParityChecks.COMPARAND, cfg);
      // as ParityChecks' trajectories: rounding differences only, amplified a little by 36 steps
      double tol = precision.equals("fp64") ? 1e-9 : 1e-3;
      List<Executable> checks = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        List<StepRecord> a = gpu.steps().get(r);
        List<StepRecord> b = ref.steps().get(r);
        checks.add(() -> assertEquals(b.size(), a.size(), ParityChecks.vs(precision + " steps")));
        for (int s = 0; s < Math.min(a.size(), b.size()); s++) {
          String who = precision + " replica " + r + " step " + s;
          StepRecord x = a.get(s);
          StepRecord y = b.get(s);
          checks.add(
              () ->
                  assertEquals(y.loss(), x.loss(), tol * y.loss(), ParityChecks.vs(who + " loss")));
          // a prediction within rounding of 0.5 may flip in fp32: one sample of 40
          double flips = precision.equals("fp64") ? 0 : 1.0 / 40;
          checks.add(
              () ->
                  assertEquals(
                      y.accuracy(), x.accuracy(), flips, ParityChecks.vs(who + " accuracy")));
        }
        List<WeightRecord> wa = gpu.weights().get(r);
        List<WeightRecord> wb = ref.weights().get(r);
        checks.add(() -> assertEquals(37, wa.size(), "cuda: records of step 0 and 36 steps"));
        checks.add(() -> assertEquals(wb.size(), wa.size(), ParityChecks.vs("records")));
        for (int k = 0; k < Math.min(wa.size(), wb.size()); k++) {
          WeightRecord x = wa.get(k);
          WeightRecord y = wb.get(k);
          String who = precision + " replica " + r + " record " + k;
          checks.add(() -> assertEquals(y.step(), x.step(), ParityChecks.vs(who + " step")));
          for (int e = 0; e < y.values().length; e++) {
            double want = y.values()[e];
            double got = x.values()[e];
            checks.add(
                () ->
                    assertEquals(
                        want, got, tol * Math.max(1, Math.abs(want)), ParityChecks.vs(who)));
          }
        }
      }
      assertAll(checks);
    }
  }
}
