package dev.depthlab.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.model.Activation;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's replicas in lanes (fp64 groups of narrow networks: every replica of a block in
 * its own SIMD lane) held to the plain reference bit for bit, replica by replica, through the
 * {@link dev.depthlab.backend.Group} contract: a 20-step trajectory (every step's loss, squared
 * gradient norms, batch accuracy and traced layer, the parameters after it), evaluation before and
 * after training and predictions after it. Ten replicas (a block of eight lanes, two one by one)
 * and thirteen (a block of eight, a block of five padded to eight). Every activation x reduction x
 * output gradient x depth 1..8, hidden widths cycling 16, 3, 32, 5. In the scalar-cpu-path
 * execution the same cases hold the fallback (replicas one by one) to the reference.
 */
class LaneParityTest {
  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (Reduction red : Reduction.values()) {
        for (OutputGradient rule : OutputGradient.values()) {
          for (int depth = 1; depth <= 8; depth++) {
            for (int replicas : new int[] {10, 13}) {
              out.add(Arguments.of(act, red, rule, depth, replicas));
            }
          }
        }
      }
    }
    return out.stream();
  }

  @Test
  void theBackendSaysWhetherLanesRun() {
    String lanes = new CpuBackend().availability().details().get("lanes");
    String path = new CpuBackend().availability().details().get("path");
    System.out.println("LaneParityTest: path " + path + "; lanes " + lanes);
    // lanes run exactly on the vector path; the scalar-cpu-path execution runs the fallback
    assertEquals(path.startsWith("vector"), lanes.startsWith("replicas in"), lanes);
    var net =
        ParityCase.narrow(Activation.RELU, Reduction.SUM, OutputGradient.FUSED, 2, 0, 2).net();
    assertEquals(
        path.startsWith("vector"), new CpuBackend().seedsTogether(net, Precision.FP64), "fp64");
    // fp32 lanes: LaneParity32Test
    assertEquals(
        path.startsWith("vector"), new CpuBackend().seedsTogether(net, Precision.FP32), "fp32");
    // what a sweep asks: auto passes over CUDA here (no GPU) and must keep the CPU's answer
    var auto =
        dev.depthlab.backend.registry.BackendRegistry.standard().select("auto", notice -> {});
    assertEquals("cpu", auto.name());
    assertEquals(path.startsWith("vector"), auto.seedsTogether(net, Precision.FP64), "auto");
    var wide = ParityCase.network(Activation.RELU, Reduction.SUM, OutputGradient.FUSED, 3);
    assertEquals(false, new CpuBackend().seedsTogether(wide, Precision.FP64), "a 40-wide layer");
  }

  @ParameterizedTest(name = "{0} {1} {2} depth {3}, {4} replicas")
  @MethodSource("cases")
  void everyReplicaIsBitIdenticalToTheReference(
      Activation act, Reduction red, OutputGradient rule, int depth, int replicas) {
    ParityCase c = ParityCase.narrow(act, red, rule, depth, 5, replicas);
    var ref = ReferenceParityTest.trajectory(new ReferenceBackend(), c);
    var cpu = ReferenceParityTest.trajectory(new CpuBackend(), c);
    Bits bits = new Bits("lanes, " + c);
    int layers = c.net().layers();
    for (int e = 0; e < ref.logs().size(); e++) {
      StepLog a = ref.logs().get(e);
      StepLog b = cpu.logs().get(e);
      assertEquals(a.steps(), b.steps(), "steps of epoch " + e);
      assertEquals(a.traced().length, b.traced().length, "traced steps of epoch " + e);
      for (int r = 0; r < replicas; r++) {
        for (int s = 0; s < a.steps(); s++) {
          String at = "epoch " + e + " step " + s + " replica " + r;
          bits.same(at + " loss", a.loss(r, s), b.loss(r, s));
          bits.same(at + " batch accuracy", a.accuracy(r, s), b.accuracy(r, s));
          for (int l = 0; l < layers; l++) {
            bits.same(at + " gradSq layer " + l, a.gradSq(r, s, l), b.gradSq(r, s, l));
          }
        }
        for (int k = 0; k < a.traced().length; k++) {
          bits.same(
              "epoch " + e + " trace record " + k + " replica " + r,
              a.traced(r, k),
              b.traced(r, k));
        }
      }
      for (double loss : a.loss()) {
        assertTrue(Double.isFinite(loss), c + ": the reference's step losses are finite");
      }
    }
    ReferenceParityTest.sameParameters(bits, "after 20 steps", ref.params(), cpu.params());
    ReferenceParityTest.sameEvaluation(bits, "initial", ref.initialEval(), cpu.initialEval());
    ReferenceParityTest.sameEvaluation(bits, "after 20 steps", ref.finalEval(), cpu.finalEval());
    for (int r = 0; r < replicas; r++) {
      bits.same("replica " + r + " trained grid point", ref.finalGrid()[r], cpu.finalGrid()[r]);
    }
    bits.check();
  }
}
