package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.model.Initializer;
import dev.depthlab.train.EpochRecord;
import dev.depthlab.train.RunResult;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * model.init gaussian and orthogonal train on every backend: the quick study's depth-4 tanh nets, 3
 * seeds, 4 epochs, on the reference, the CPU backend and the CUDA backend (emulated device), fp64;
 * every epoch's loss of the three agrees to rounding, and the loss falls from epoch 1 to 4. The
 * parameters trained from are Initializer's draw (the host decides every random number).
 */
class ParametrisedInitOnEveryBackendTest {
  private static List<RunResult> train(Backend backend, StudyConfig cfg) {
    List<RunSpec> runs = new ArrayList<>();
    for (long s : cfg.seeds()) {
      runs.add(new RunSpec(cfg, cfg.data().sets().get(0), 4, s));
    }
    return Trainer.train(backend, runs, new TrainListener() {});
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gaussian", "orthogonal"})
  void trainsAlikeOnEveryBackend(String init) {
    StudyConfig cfg =
        ConfigLoader.load(
            Path.of("config/quick.yaml"),
            List.of(
                "seeds=[0, 1, 2]",
                "training.epochs=4",
                "model.activation=tanh",
                "model.init=" + init,
                "model.sigma_w=1.3",
                "model.sigma_b=0.1"));
    RunSpec first = new RunSpec(cfg, cfg.data().sets().get(0), 4, 0);
    assertEquals(
        Initializer.draw(
                first.net(), cfg.model().initScheme(), dev.depthlab.common.Seeds.INIT.rng(0))
            .weights()[2][5],
        Trainer.setupFor(first).initial().weights()[2][5],
        0.0,
        "the run starts from Initializer's draw");
    List<RunResult> ref = train(new ReferenceBackend(), cfg);
    List<RunResult> cpu = train(new CpuBackend(), cfg);
    List<RunResult> cuda = train(new CudaBackend(NativeTools.emulatedDevice()), cfg);
    List<Executable> checks = new ArrayList<>();
    for (int r = 0; r < ref.size(); r++) {
      List<EpochRecord> a = ref.get(r).epochs();
      int rr = r;
      checks.add(() -> assertEquals(4, a.size(), init + " replica " + rr + " epochs"));
      for (int e = 0; e < a.size(); e++) {
        double want = a.get(e).batchLoss();
        double c1 = cpu.get(r).epochs().get(e).batchLoss();
        double c2 = cuda.get(r).epochs().get(e).batchLoss();
        String who = init + " replica " + r + " epoch " + e;
        checks.add(() -> assertEquals(want, c1, 1e-9 * want, "cpu vs reference, " + who));
        checks.add(() -> assertEquals(want, c2, 1e-9 * want, "cuda vs reference, " + who));
      }
      checks.add(
          () ->
              assertTrue(
                  a.get(3).batchLoss() < a.get(0).batchLoss(),
                  init
                      + " replica "
                      + rr
                      + " loss falls: "
                      + a.get(0).batchLoss()
                      + " -> "
                      + a.get(3).batchLoss()));
    }
    assertAll(checks);
  }
}
