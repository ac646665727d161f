package dev.depthlab.backend.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.model.Activation;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Reduction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU path against the plain reference, bit for bit, on networks whose hidden layers are all 40
 * wide: consecutive wide layers of one shape take the CPU's paired SGD update (two squared-norm
 * chains in one loop), which {@link ReferenceParityTest}'s cycling widths never give. Depth 2 has
 * one 40 x 40 layer (updated alone), depth 3 two (one pair), depth 4 three (a pair, then one
 * alone); every step's per-layer squared gradient norm and the parameters after 20 steps must
 * match.
 */
class WideUpdateParityTest {
  @ParameterizedTest(name = "{0} depth {1}")
  @CsvSource({"RELU, 2", "RELU, 3", "TANH, 3", "LEAKY_RELU, 4"})
  void pairedUpdatesAreBitIdentical(Activation act, int depth) {
    ParityCase c =
        ParityCase.wide(act, Reduction.values()[0], OutputGradient.values()[0], depth, 5);
    ReferenceParityTest.Trajectory ref = ReferenceParityTest.trajectory(new ReferenceBackend(), c);
    ReferenceParityTest.Trajectory cpu = ReferenceParityTest.trajectory(new CpuBackend(), c);
    Bits bits = new Bits("wide update, " + c);
    int layers = c.net().layers();
    for (int e = 0; e < ref.logs().size(); e++) {
      StepLog a = ref.logs().get(e);
      StepLog b = cpu.logs().get(e);
      for (int r = 0; r < ParityCase.REPLICAS; r++) {
        for (int s = 0; s < a.steps(); s++) {
          String at = "epoch " + e + " step " + s + " replica " + r;
          bits.same(at + " loss", a.loss(r, s), b.loss(r, s));
          for (int l = 0; l < layers; l++) {
            double g = a.gradSq(r, s, l);
            assertTrue(g > 0 && Double.isFinite(g), at + ": a non-zero finite norm to compare");
            bits.same(at + " gradSq layer " + l, g, b.gradSq(r, s, l));
          }
        }
      }
    }
    ReferenceParityTest.sameParameters(bits, "after 20 steps", ref.params(), cpu.params());
    bits.check();
  }
}
