package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Gradients;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.Datasets;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's gradients against central finite differences of GradCheck's independent scalar
 * reference (fp64), and fp32 against fp64. Kinks: see {@link GradCheck}.
 */
class CpuGradientTest {
  private static final int BATCH = 12;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (int depth : new int[] {1, 2, 4, 8}) {
        for (Reduction red : Reduction.values()) {
          out.add(Arguments.of(act, depth, red));
        }
      }
    }
    return out.stream();
  }

  private record Case(NetworkSpec net, Parameters params, DataSet data, int[] batch) {}

  private static Case make(Activation act, int depth, Reduction red, long seed) {
    NetworkSpec net = NetworkSpec.of(2, depth, 8, act, 0.01, red, 1e-8);
    Rng rng = new Rng(seed);
    // a non-zero bias init keeps some ReLU units active at every depth
    Parameters p = Initializer.draw(net, Init.HE_NORMAL, 0.05, rng);
    DataSet data = Datasets.generate(DatasetSpec.of("circle"), 64, 0.0, new Rng(seed + 1000));
    int[] batch = new int[BATCH];
    for (int k = 0; k < BATCH; k++) {
      batch[k] = (int) ((k * 37L + seed) % 64);
    }
    return new Case(net, p, data, batch);
  }

  @ParameterizedTest(name = "{0} depth {1} {2}")
  @MethodSource("cases")
  void fp64GradientsMatchFiniteDifferences(Activation act, int depth, Reduction red) {
    List<Executable> checks = new ArrayList<>();
    double worst = 0;
    int excluded = 0;
    for (long seed = 0; seed < 10; seed++) {
      Case c = make(act, depth, red, seed);
      Gradients g =
          GradCheck.backendGradients(
              new CpuBackend(), c.net, Precision.FP64, c.params, c.data, c.data, c.batch);
      GradCheck.Result r =
          GradCheck.check(c.net, c.params, c.data, c.batch, g.weights()[0], g.biases()[0]);
      worst = Math.max(worst, r.maxRelError());
      excluded += r.excluded();
      long s = seed;
      checks.add(() -> assertTrue(r.checked() > 0, "seed " + s + ": nothing checked"));
      for (int l = 0; l < depth + 1; l++) {
        int layer = l;
        checks.add(
            () ->
                assertTrue(
                    r.weightRel()[layer] < 1e-6,
                    "seed "
                        + s
                        + " layer "
                        + layer
                        + " weights: relative error "
                        + r.weightRel()[layer]));
        checks.add(
            () ->
                assertTrue(
                    r.biasRel()[layer] < 1e-6,
                    "seed "
                        + s
                        + " layer "
                        + layer
                        + " biases: relative error "
                        + r.biasRel()[layer]));
      }
    }
    System.out.printf(
        "fd %s depth %d %s: max rel error %.2e, %d kink-crossing params excluded%n",
        act.key(), depth, red.key(), worst, excluded);
    assertAll(checks);
  }

  @ParameterizedTest(name = "{0} depth {1} {2}")
  @MethodSource("cases")
  void fp32GradientsMatchFp64(Activation act, int depth, Reduction red) {
    List<Executable> checks = new ArrayList<>();
    for (long seed = 0; seed < 10; seed++) {
      Case c = make(act, depth, red, seed);
      CpuBackend cpu = new CpuBackend();
      Gradients g64 =
          GradCheck.backendGradients(cpu, c.net, Precision.FP64, c.params, c.data, c.data, c.batch);
      Gradients g32 =
          GradCheck.backendGradients(cpu, c.net, Precision.FP32, c.params, c.data, c.data, c.batch);
      double rel =
          GradCheck.maxRelDifference(
              g64.weights()[0], g64.biases()[0], g32.weights()[0], g32.biases()[0]);
      long s = seed;
      checks.add(() -> assertTrue(rel < 1e-4, "seed " + s + ": fp32 vs fp64 " + rel));
      checks.add(
          () ->
              assertTrue(
                  rel > 0,
                  "seed "
                      + s
                      + ": fp32 equals fp64 bit for bit, so "
                      + "fp32 is not computing in float"));
    }
    assertAll(checks);
  }
}
