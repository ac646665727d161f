package dev.depthlab.signal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.common.MeanStd;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import dev.depthlab.report.SignalCsv;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Measured signal propagation on wide networks (width 256) against the mean-field theory: ReLU with
 * He init preserves the forward second moment (its expectation over draws is exactly preserved at
 * any width, so only Monte Carlo error separates measurement and theory), and a tanh network
 * follows the length map (exact in expectation at layer 1, up to O(1/width) beyond).
 */
class SignalStudyTest {
  private static final int WIDTH = 256;
  private static final int DEPTH = 4;
  private static final int DRAWS = 60;
  private static final int BATCH = 32;

  private static SignalStudy.Measured measure(Activation act, Init init) {
    return measure(act, new Initializer.Scheme(init, 0.0, 1.0, 0.0));
  }

  private static SignalStudy.Measured measure(Activation act, Initializer.Scheme scheme) {
    NetworkSpec net = NetworkSpec.of(2, DEPTH, WIDTH, act, 0.01, Reduction.SUM, 1e-8);
    Rng rng = new Rng(2017);
    double[] x = new double[2 * BATCH];
    double[] y = new double[BATCH];
    for (int i = 0; i < BATCH; i++) {
      x[2 * i] = 2 * rng.nextDouble() - 1;
      x[2 * i + 1] = 2 * rng.nextDouble() - 1;
      y[i] = i % 2;
    }
    DataSet set = new DataSet("uniform", 2, x, y);
    List<Parameters> params = new ArrayList<>();
    List<DataSet> sets = new ArrayList<>();
    for (int d = 0; d < DRAWS; d++) {
      params.add(Initializer.draw(net, scheme, rng));
      sets.add(set);
    }
    return SignalStudy.measure(net, scheme, params, sets, BATCH);
  }

  /** Measured mean over draws within {@code k} standard errors (plus {@code rel}) of theory. */
  private static List<Executable> withinError(
      double[][] measured, double[][] theory, double k, double rel, String what) {
    List<Executable> checks = new ArrayList<>();
    for (int h = 0; h < DEPTH; h++) {
      MeanStd m = MeanStd.of(SignalStudy.column(measured, h));
      double t = MeanStd.of(SignalStudy.column(theory, h)).mean();
      double se = m.std() / Math.sqrt(DRAWS);
      int layer = h + 1;
      checks.add(
          () ->
              assertTrue(
                  Math.abs(m.mean() - t) <= k * se + rel * t,
                  what
                      + " layer "
                      + layer
                      + ": measured "
                      + m.mean()
                      + " +- "
                      + se
                      + " (s.e.), theory "
                      + t));
    }
    return checks;
  }

  @Test
  void reluHeInitPreservesTheForwardVariance() {
    SignalStudy.Measured m = measure(Activation.RELU, Init.HE_NORMAL);
    double first = MeanStd.of(SignalStudy.column(m.forwardTheory(), 0)).mean();
    List<Executable> checks = withinError(m.forward(), m.forwardTheory(), 4, 0, "relu forward");
    // the theory itself: every layer's prediction equals the first's (sigma_w^2 = 2, E = v / 2)
    for (int h = 1; h < DEPTH; h++) {
      double t = MeanStd.of(SignalStudy.column(m.forwardTheory(), h)).mean();
      checks.add(() -> assertEquals(first, t, 1e-12 * first, "theory preserved"));
    }
    // ratio of the last layer's measured mean square to the first's: 1 within Monte Carlo error
    MeanStd last = MeanStd.of(SignalStudy.column(m.forward(), DEPTH - 1));
    MeanStd one = MeanStd.of(SignalStudy.column(m.forward(), 0));
    double ratio = last.mean() / one.mean();
    double err = Math.hypot(last.std() / last.mean(), one.std() / one.mean()) / Math.sqrt(DRAWS);
    checks.add(() -> assertEquals(1.0, ratio, 4 * err, "layer 4 / layer 1, s.e. " + err));
    assertAll(checks);
  }

  @Test
  void wideTanhFollowsTheLengthMap() {
    SignalStudy.Measured m = measure(Activation.TANH, Init.HE_NORMAL);
    // 4 standard errors plus 1% for the finite width; measured: within 1 s.e. and 0.7% (Jensen gap
    // of the concave map, O(1/width))
    assertAll(withinError(m.forward(), m.forwardTheory(), 4, 0.01, "tanh forward"));
  }

  @Test
  void wideReluBackwardFollowsChi() {
    SignalStudy.Measured m = measure(Activation.RELU, Init.HE_NORMAL);
    // the gradient-independence assumption; chi_1 = 1 for ReLU with He init; 4 s.e. plus 2%
    // (measured: within 1 s.e.)
    assertAll(withinError(m.backward(), m.backwardTheory(), 4, 0.02, "relu backward"));
  }

  @Test
  void drawSeedsAreTheStudysSeedsThenBeyondTheirMax() {
    assertEquals(List.of(3L, 7L), SignalStudy.drawSeeds(List.of(3L, 7L, 5L), 2));
    assertEquals(List.of(3L, 7L, 5L, 8L, 9L), SignalStudy.drawSeeds(List.of(3L, 7L, 5L), 5));
  }

  @Test
  void correlationOfTwoInputsFollowsTheCorrelationMap() {
    // tanh, gaussian init in the chaotic phase (sigma_w^2 = 2.25, sigma_b^2 = 0.01): the pair's
    // correlation falls towards c* layer by layer; at width 256 the measured mean over 60 draws
    // (one fixed pair) within 4 standard errors + 0.01 of the map, for Gaussian and orthogonal
    for (Init init : new Init[] {Init.GAUSSIAN, Init.ORTHOGONAL}) {
      SignalStudy.Measured m =
          measure(Activation.TANH, new Initializer.Scheme(init, 0.0, 1.5, 0.1));
      List<Executable> checks = new ArrayList<>();
      double first = m.corrTheory()[0][0];
      double last = m.corrTheory()[0][DEPTH - 1];
      checks.add(
          () ->
              assertTrue(
                  last < first - 0.005,
                  "the map moves the pair's correlation: " + first + " -> " + last));
      for (int h = 0; h < DEPTH; h++) {
        MeanStd c = MeanStd.of(SignalStudy.column(m.corr(), h));
        double t = m.corrTheory()[0][h];
        double se = c.std() / Math.sqrt(DRAWS);
        String who = init + " layer " + (h + 1) + ": measured " + c.mean() + " +- " + se;
        checks.add(() -> assertTrue(Math.abs(c.mean() - t) <= 4 * se + 0.01, who + ", map " + t));
      }
      assertAll(checks);
    }
  }

  @Test
  void spreadIsNumpysDefaultQuantile() {
    // numpy.quantile([5, 1, 4, 2, 3, 10], [0.25, 0.5, 0.75]) = [2.25, 3.5, 4.75]
    SignalCsv.Spread s = SignalCsv.Spread.of(new double[] {5, 1, 4, 2, 3, 10});
    assertAll(
        () -> assertEquals(2.25, s.q1(), 1e-15),
        () -> assertEquals(3.5, s.median(), 1e-15),
        () -> assertEquals(4.75, s.q3(), 1e-15));
  }
}
