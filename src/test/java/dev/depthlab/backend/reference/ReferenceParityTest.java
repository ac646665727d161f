package dev.depthlab.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Backend;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimised CPU path ({@link CpuBackend}, fp64) held to the plain reference bit for bit,
 * through the {@link Group} contract only: gradients on a batch, a 20-step trajectory (every step's
 * loss, per-layer squared gradient norm, batch accuracy and traced layer, the parameters after it),
 * evaluation before and after training, and predictions on a grid. Every activation x reduction x
 * output gradient x depth 1..8, two replicas of their own parameters and data each. Both paths sum
 * in the same order (see {@link ReferenceNet}), so any differing bit is a defect in one of them.
 */
class ReferenceParityTest {
  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (Reduction red : Reduction.values()) {
        for (OutputGradient rule : OutputGradient.values()) {
          for (int depth = 1; depth <= 8; depth++) {
            out.add(Arguments.of(act, red, rule, depth));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2} depth {3}")
  @MethodSource("cases")
  void gradientsOnABatchAreBitIdentical(
      Activation act, Reduction red, OutputGradient rule, int depth) {
    ParityCase c = ParityCase.make(act, red, rule, depth, 1);
    int[][] batch = c.batchWithRepeats();
    Gradients ref = gradients(new ReferenceBackend(), c, batch);
    Gradients cpu = gradients(new CpuBackend(), c, batch);
    Bits bits = new Bits("gradients, " + c);
    for (int r = 0; r < ParityCase.REPLICAS; r++) {
      bits.same("replica " + r + " batch loss", ref.loss()[r], cpu.loss()[r]);
      for (int l = 0; l < c.net().layers(); l++) {
        bits.same("replica " + r + " dW layer " + l, ref.weights()[r][l], cpu.weights()[r][l]);
        bits.same("replica " + r + " db layer " + l, ref.biases()[r][l], cpu.biases()[r][l]);
      }
    }
    bits.check();
  }

  @ParameterizedTest(name = "{0} {1} {2} depth {3}")
  @MethodSource("cases")
  void twentyStepsAreBitIdentical(Activation act, Reduction red, OutputGradient rule, int depth) {
    ParityCase c = ParityCase.make(act, red, rule, depth, 2);
    Trajectory ref = trajectory(new ReferenceBackend(), c);
    Trajectory cpu = trajectory(new CpuBackend(), c);
    Bits bits = new Bits("20 steps, " + c);
    int layers = c.net().layers();
    for (int e = 0; e < ref.logs.size(); e++) {
      StepLog a = ref.logs.get(e);
      StepLog b = cpu.logs.get(e);
      assertEquals(a.steps(), b.steps(), "steps of epoch " + e);
      assertEquals(
          java.util.Arrays.toString(a.traced()),
          java.util.Arrays.toString(b.traced()),
          "traced steps of epoch " + e);
      for (int r = 0; r < ParityCase.REPLICAS; r++) {
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
    }
    for (StepLog log : ref.logs) {
      for (double loss : log.loss()) {
        // a diverged case would compare NaN with NaN and prove little
        assertTrue(Double.isFinite(loss), c + ": the reference's step losses are finite");
      }
    }
    sameParameters(bits, "after 20 steps", ref.params, cpu.params);
    bits.check();
  }

  @ParameterizedTest(name = "{0} {1} {2} depth {3}")
  @MethodSource("cases")
  void evaluationIsBitIdentical(Activation act, Reduction red, OutputGradient rule, int depth) {
    ParityCase c = ParityCase.make(act, red, rule, depth, 3);
    Trajectory ref = trajectory(new ReferenceBackend(), c);
    Trajectory cpu = trajectory(new CpuBackend(), c);
    Bits bits = new Bits("evaluation, " + c);
    sameEvaluation(bits, "initial", ref.initialEval, cpu.initialEval);
    sameEvaluation(bits, "after 20 steps", ref.finalEval, cpu.finalEval);
    bits.check();
  }

  @ParameterizedTest(name = "{0} {1} {2} depth {3}")
  @MethodSource("cases")
  void predictionsOnAGridAreBitIdentical(
      Activation act, Reduction red, OutputGradient rule, int depth) {
    ParityCase c = ParityCase.make(act, red, rule, depth, 4);
    Trajectory ref = trajectory(new ReferenceBackend(), c);
    Trajectory cpu = trajectory(new CpuBackend(), c);
    Bits bits = new Bits("predict, " + c);
    for (int r = 0; r < ParityCase.REPLICAS; r++) {
      bits.same("replica " + r + " initial grid point", ref.initialGrid[r], cpu.initialGrid[r]);
      bits.same("replica " + r + " trained grid point", ref.finalGrid[r], cpu.finalGrid[r]);
    }
    bits.check();
  }

  static Gradients gradients(Backend backend, ParityCase c, int[][] batch) {
    try (Group g = backend.createGroup(c.spec(Precision.FP64), c.setups())) {
      return g.gradients(batch);
    }
  }

  /** What one backend produced over a case's 20 steps. */
  record Trajectory(
      List<StepLog> logs,
      List<Parameters> params,
      Evaluation initialEval,
      Evaluation finalEval,
      double[][] initialGrid,
      double[][] finalGrid) {}

  /** Evaluates and predicts, runs the case's epochs of steps, and evaluates and predicts again. */
  static Trajectory trajectory(Backend backend, ParityCase c) {
    try (Group g = backend.createGroup(c.spec(Precision.FP64), c.setups())) {
      Evaluation initialEval = g.evaluate();
      double[][] initialGrid = grids(g);
      List<StepLog> logs = new ArrayList<>();
      for (ParityCase.Epoch epoch : c.epochs()) {
        g.beginEpoch(epoch.order());
        for (int[] step : epoch.steps()) {
          g.step(step[0], step[1], ParityCase.LR);
        }
        logs.add(g.endEpoch());
      }
      return new Trajectory(
          logs, g.allParameters(), initialEval, g.evaluate(), initialGrid, grids(g));
    }
  }

  private static double[][] grids(Group g) {
    double[][] out = new double[g.allParameters().size()][];
    for (int r = 0; r < out.length; r++) {
      out[r] = g.predict(r, ParityCase.grid());
    }
    return out;
  }

  static void sameParameters(Bits bits, String when, List<Parameters> ref, List<Parameters> cpu) {
    for (int r = 0; r < ref.size(); r++) {
      for (int l = 0; l < ref.get(r).layers(); l++) {
        String at = when + " replica " + r + " layer " + l;
        bits.same(at + " weights", ref.get(r).weights()[l], cpu.get(r).weights()[l]);
        bits.same(at + " biases", ref.get(r).biases()[l], cpu.get(r).biases()[l]);
      }
    }
  }

  static void sameEvaluation(Bits bits, String when, Evaluation ref, Evaluation cpu) {
    bits.same(when + " train loss replica", ref.trainLoss(), cpu.trainLoss());
    bits.same(when + " train accuracy replica", ref.trainAccuracy(), cpu.trainAccuracy());
    bits.same(when + " test loss replica", ref.testLoss(), cpu.testLoss());
    bits.same(when + " test accuracy replica", ref.testAccuracy(), cpu.testAccuracy());
    for (int r = 0; r < ref.deadFraction().length; r++) {
      bits.same(
          when + " replica " + r + " dead fraction hidden layer",
          ref.deadFraction()[r],
          cpu.deadFraction()[r]);
    }
  }
}
