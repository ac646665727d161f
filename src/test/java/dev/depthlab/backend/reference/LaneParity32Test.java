package dev.depthlab.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.model.Activation;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
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
 * The CPU backend's fp32 replicas in lanes (LaneNet32: sixteen replicas a block on AVX-512) held
 * bit for bit, replica by replica, to the fp32 reference: the same replica trained alone, in a
 * group of one ({@code CpuNet32}, which never runs in lanes), through the {@link Group} contract.
 * There is no plain fp32 reference backend; CpuNet32 itself is held to the scalar fp32 kernels by
 * GoldenBitsTest's relu-fp32 study in both surefire executions. Compared: a 20-step trajectory (two
 * epochs whose last batches hold 2 and 5 samples; every step's loss, squared gradient norms, batch
 * accuracy and traced layer), the parameters after it, evaluation before and after, predictions
 * after, and gradients on a batch with repeats after. Twenty-one replicas (a full block and five
 * one by one) and twenty-nine (a full block and thirteen padded to a block); every activation x
 * reduction x output gradient x depth 1..8, hidden widths cycling 16, 3, 32, 5. In the
 * scalar-cpu-path execution the same cases hold the fallback (replicas one by one).
 */
class LaneParity32Test {
  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (Reduction red : Reduction.values()) {
        for (OutputGradient rule : OutputGradient.values()) {
          for (int depth = 1; depth <= 8; depth++) {
            for (int replicas : new int[] {21, 29}) {
              out.add(Arguments.of(act, red, rule, depth, replicas));
            }
          }
        }
      }
    }
    return out.stream();
  }

  @Test
  void theBackendSaysWhetherFp32LanesRun() {
    CpuBackend cpu = new CpuBackend();
    String lanes = cpu.availability().details().get("lanes");
    String path = cpu.availability().details().get("path");
    System.out.println("LaneParity32Test: path " + path + "; lanes " + lanes);
    boolean vector = path.startsWith("vector");
    assertEquals(vector, lanes.contains(" fp32 lanes"), lanes);
    var net =
        ParityCase.narrow(Activation.RELU, Reduction.SUM, OutputGradient.FUSED, 2, 0, 2).net();
    assertEquals(vector, cpu.seedsTogether(net, Precision.FP32), "fp32 narrow");
    var wide = ParityCase.network(Activation.RELU, Reduction.SUM, OutputGradient.FUSED, 3);
    assertEquals(false, cpu.seedsTogether(wide, Precision.FP32), "a 40-wide layer");
  }

  /** What one group did over a case's steps, replica by replica. */
  private record Run(
      List<StepLog> logs,
      List<Parameters> params,
      Evaluation initialEval,
      Evaluation finalEval,
      double[][] finalGrid,
      Gradients grads) {}

  /** Replicas {@code from .. from + n} of the case, as one group of n. */
  private static Run run(ParityCase c, int from, int n) {
    var setups = c.setups().subList(from, from + n);
    int[][] batch = java.util.Arrays.copyOfRange(c.batchWithRepeats(), from, from + n);
    try (Group g = new CpuBackend().createGroup(c.spec(Precision.FP32), setups)) {
      Evaluation initialEval = g.evaluate();
      List<StepLog> logs = new ArrayList<>();
      for (ParityCase.Epoch epoch : c.epochs()) {
        g.beginEpoch(java.util.Arrays.copyOfRange(epoch.order(), from, from + n));
        for (int[] step : epoch.steps()) {
          g.step(step[0], step[1], ParityCase.LR);
        }
        logs.add(g.endEpoch());
      }
      double[][] grid = new double[n][];
      for (int r = 0; r < n; r++) {
        grid[r] = g.predict(r, ParityCase.grid());
      }
      List<Parameters> params = g.allParameters();
      Evaluation finalEval = g.evaluate();
      return new Run(logs, params, initialEval, finalEval, grid, g.gradients(batch));
    }
  }

  @ParameterizedTest(name = "{0} {1} {2} depth {3}, {4} replicas")
  @MethodSource("cases")
  void everyReplicaIsBitIdenticalToItsOwnFp32Run(
      Activation act, Reduction red, OutputGradient rule, int depth, int replicas) {
    ParityCase c = ParityCase.narrow(act, red, rule, depth, 9, replicas);
    Run all = run(c, 0, replicas);
    Bits bits = new Bits("fp32 lanes, " + c);
    int layers = c.net().layers();
    for (int r = 0; r < replicas; r++) {
      Run one = run(c, r, 1);
      for (int e = 0; e < one.logs().size(); e++) {
        StepLog a = one.logs().get(e);
        StepLog b = all.logs().get(e);
        assertEquals(a.steps(), b.steps(), "steps of epoch " + e);
        for (int s = 0; s < a.steps(); s++) {
          String at = "epoch " + e + " step " + s + " replica " + r;
          assertTrue(Double.isFinite(a.loss(0, s)), at + ": the fp32 loss is finite");
          bits.same(at + " loss", a.loss(0, s), b.loss(r, s));
          bits.same(at + " batch accuracy", a.accuracy(0, s), b.accuracy(r, s));
          for (int l = 0; l < layers; l++) {
            bits.same(at + " gradSq layer " + l, a.gradSq(0, s, l), b.gradSq(r, s, l));
          }
        }
        assertEquals(a.traced().length, b.traced().length, "traced steps of epoch " + e);
        for (int k = 0; k < a.traced().length; k++) {
          bits.same("epoch " + e + " trace " + k + " replica " + r, a.traced(0, k), b.traced(r, k));
        }
      }
      ReferenceParityTest.sameParameters(
          bits, "after 20 steps, replica " + r + ":", one.params(), all.params().subList(r, r + 1));
      same(bits, "initial", r, one.initialEval(), all.initialEval());
      same(bits, "after 20 steps", r, one.finalEval(), all.finalEval());
      bits.same("replica " + r + " trained grid point", one.finalGrid()[0], all.finalGrid()[r]);
      for (int l = 0; l < layers; l++) {
        String at = "replica " + r + " gradient layer " + l;
        bits.same(at + " weights", one.grads().weights()[0][l], all.grads().weights()[r][l]);
        bits.same(at + " biases", one.grads().biases()[0][l], all.grads().biases()[r][l]);
      }
      bits.same("replica " + r + " gradient loss", one.grads().loss()[0], all.grads().loss()[r]);
    }
    bits.check();
  }

  private static void same(Bits bits, String when, int r, Evaluation one, Evaluation all) {
    String at = when + " replica " + r;
    bits.same(at + " train loss", one.trainLoss()[0], all.trainLoss()[r]);
    bits.same(at + " train accuracy", one.trainAccuracy()[0], all.trainAccuracy()[r]);
    bits.same(at + " test loss", one.testLoss()[0], all.testLoss()[r]);
    bits.same(at + " test accuracy", one.testAccuracy()[0], all.testAccuracy()[r]);
    bits.same(at + " dead fraction", one.deadFraction()[0], all.deadFraction()[r]);
  }
}
