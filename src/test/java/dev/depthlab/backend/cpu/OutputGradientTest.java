package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Gradients;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.GradCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two output gradient rules in closed form, through the CPU backend: a net without hidden
 * layers, zero weights and output bias b, so z = b and the bias gradient of one sample is the
 * rule's dL/dz. Fused is sigmoid(b) - y everywhere; chained equals it where p is not clipped and,
 * beyond a clip bound, is ((1 - y) / (1 - pc) - y / pc) p (1 - p): a confidently right output keeps
 * about p - y, a confidently wrong one is damped to about e^-(|b| - 18.4) of it, and to exactly 0
 * once p rounds to 1 (|b| > 36.7 in double, > 17.3 in float, where moreover 1 - 1e-8 rounds to 1,
 * so that only p = 1 is clipped on that side).
 */
class OutputGradientTest {
  private static final double EPS = 1e-8;

  /** dL/dz of one sample with label y at z = b, by the backend. */
  private static double ruleAt(OutputGradient rule, Precision precision, double b, double y) {
    NetworkSpec net =
        NetworkSpec.of(2, 0, 1, Activation.RELU, 0.01, Reduction.SUM, EPS).withOutputGradient(rule);
    Parameters p = Parameters.zeros(net);
    p.biases()[0][0] = b;
    DataSet one = new DataSet("one", 2, new double[] {0.3, -0.7}, new double[] {y});
    Gradients g =
        GradCheck.backendGradients(new CpuBackend(), net, precision, p, one, one, new int[] {0});
    return g.biases()[0][0][0];
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static void assertRel(double expected, double got, double tol, String what) {
    double rel = Math.abs(got - expected) / Math.abs(expected);
    assertTrue(rel <= tol, what + ": " + got + " vs " + expected + ", relative " + rel);
  }

  /**
   * fp64, b from inside the clip to far beyond it, both sides, both labels. {@code damping}: the
   * closed form of chained / fused beyond the bound, sigmoid(-|b|) / eps for a wrong output, 1 for
   * a right one (up to 1 + eps), 1 inside; {@code tol} its relative tolerance, wider where 1 - p is
   * below 1e-13 and known, after p is rounded to double, only to 1.1e-16 / (1 - p).
   */
  @ParameterizedTest(name = "b {0} y {1}")
  @CsvSource({
    // inside the clip: the two rules agree to rounding
    "2, 0, inside, 1e-14",
    "2, 1, inside, 1e-14",
    "-3, 0, inside, 1e-14",
    "-3, 1, inside, 1e-14",
    // just beyond (|b| > 18.42): wrong outputs damped, right ones not
    "19, 0, wrong, 1e-6",
    "-19, 1, wrong, 1e-6",
    "19, 1, right, 1e-7",
    "-19, 0, right, 1e-7",
    "20, 0, wrong, 1e-6",
    "-20, 1, wrong, 1e-6",
    "25, 0, wrong, 1e-4",
    "-25, 1, wrong, 1e-6",
    "30, 0, wrong, 3e-3",
    "-30, 1, wrong, 1e-6",
    "-40, 1, wrong, 1e-6",
  })
  void fp64AgainstTheClosedForm(double b, double y, String where, double tol) {
    double fused = ruleAt(OutputGradient.FUSED, Precision.FP64, b, y);
    double chained = ruleAt(OutputGradient.CHAINED, Precision.FP64, b, y);
    double s = sigmoid(b);
    assertEquals(s - y, fused, 1e-15 * Math.max(1, Math.abs(s - y)), "fused is p - y");
    double expected =
        switch (where) {
          case "inside" -> s - y;
          case "right" -> (s - y) / (1 - EPS);
          default -> (s - y) * sigmoid(-Math.abs(b)) / EPS; // (s - y) is +-(1 - tiny)
        };
    assertRel(expected, chained, tol, "chained at b " + b + " y " + y);
    if (where.equals("wrong")) {
      assertTrue(
          Math.abs(chained) < 0.8 * Math.abs(fused),
          "chained " + chained + " is not damped against fused " + fused);
    }
  }

  /** Once p rounds to 1, chained's p (1 - p) is 0: no gradient at all, while fused pulls with 1. */
  @ParameterizedTest(name = "{0} b {1}")
  @CsvSource({"FP64, 37", "FP64, 50", "FP32, 17.5", "FP32, 20", "FP32, 40"})
  void chainedIsZeroWherePRoundsToOne(Precision precision, double b) {
    assertEquals(0.0, ruleAt(OutputGradient.CHAINED, precision, b, 0.0), "y = 0");
    assertEquals(0.0, Math.abs(ruleAt(OutputGradient.CHAINED, precision, b, 1.0)), "y = 1");
    assertEquals(1.0, ruleAt(OutputGradient.FUSED, precision, b, 0.0), "fused, y = 0");
  }

  /**
   * fp32: inside the clip the rules agree to float rounding; below it (p < eps) a wrong output is
   * damped as in double, with eps the float 1e-8 (the fp32 paths evaluate chained in double from
   * their float p, label and eps, then round).
   */
  @ParameterizedTest(name = "b {0} y {1}")
  @CsvSource({
    "2, 0, inside",
    "-3, 1, inside",
    "15, 0, inside",
    "-19, 1, wrong",
    "-20, 1, wrong",
    "-30, 1, wrong",
    "-20, 0, right"
  })
  void fp32AgainstTheClosedForm(double b, double y, String where) {
    double fused = ruleAt(OutputGradient.FUSED, Precision.FP32, b, y);
    double chained = ruleAt(OutputGradient.CHAINED, Precision.FP32, b, y);
    double s = sigmoid(b);
    assertRel(s - y, fused, 1e-6, "fused");
    double epsF = (float) EPS;
    double expected =
        switch (where) {
          case "inside" -> s - y;
          case "right" -> (s - y) / (1 - epsF);
          default -> (s - y) * sigmoid(-Math.abs(b)) / epsF;
        };
    assertRel(expected, chained, 1e-6, "chained at b " + b + " y " + y);
  }
}
