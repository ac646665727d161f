package dev.depthlab.backend.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-layer numbers the signal analysis reads ({@link ReferenceTrace}) against independent
 * computations. dz: the reference backend's gradients through the Backend contract, whose bias
 * gradient of weight layer l is {@code sum over the batch of dz[l]} in sample order (a batch of one
 * sample: that sample's dz[l] itself). z: a plain forward pass written here, and at the output the
 * contract's {@code predict} (its sigmoid). All bit for bit, for every activation, reduction and
 * output-gradient rule.
 */
class ReferenceTraceTest {
  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (Reduction red : Reduction.values()) {
        for (OutputGradient rule : OutputGradient.values()) {
          out.add(Arguments.of(act, red, rule));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void zAndDzAreTheReferencesOwn(Activation act, Reduction red, OutputGradient rule) {
    NetworkSpec net = NetworkSpec.of(2, 3, 8, act, 0.05, red, 1e-8).withOutputGradient(rule);
    Rng rng = new Rng(41);
    // a bias of 0.1 so that no pre-activation is an exact zero by construction
    Parameters p = Initializer.draw(net, Init.HE_NORMAL, 0.1, rng);
    int n = 12;
    double[] x = new double[2 * n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = 2 * rng.nextDouble() - 1;
      x[2 * i + 1] = 2 * rng.nextDouble() - 1;
      y[i] = i % 3 == 0 ? 1 : 0;
    }
    DataSet train = new DataSet("t", 2, x, y);
    ReferenceTrace trace = new ReferenceTrace(net, new ReplicaSetup(p, train, train));
    double[] predicted;
    try (var g =
        new ReferenceBackend()
            .createGroup(
                new GroupSpec(net, Precision.FP64, 1, 1),
                List.of(new ReplicaSetup(p, train, train)))) {
      predicted = g.predict(0, x);
    }
    for (int s = 0; s < n; s++) {
      Gradients g = reference(net, p, train, new int[] {s});
      trace.sample(s, 1);
      double[][] z = plainForward(net, p, x, s);
      for (int l = 0; l < net.layers(); l++) {
        double[] want = g.biases()[0][l];
        for (int j = 0; j < want.length; j++) {
          assertEquals(
              want[j], trace.dz(l)[j], 0.0, "dz: sample " + s + " layer " + l + " unit " + j);
          assertEquals(
              z[l][j], trace.z(l)[j], 0.0, "z: sample " + s + " layer " + l + " unit " + j);
        }
      }
      double out = trace.z(net.layers() - 1)[0];
      assertEquals(predicted[s], 1.0 / (1.0 + StrictMath.exp(-out)), 0.0, "output, sample " + s);
    }
    int[] batch = {0, 3, 5, 7, 11};
    Gradients g = reference(net, p, train, batch);
    for (int l = 0; l < net.layers(); l++) {
      double[] sum = new double[net.fanOut(l)];
      for (int s : batch) {
        trace.sample(s, batch.length);
        for (int j = 0; j < sum.length; j++) {
          sum[j] += trace.dz(l)[j];
        }
      }
      for (int j = 0; j < sum.length; j++) {
        assertEquals(g.biases()[0][l][j], sum[j], 0.0, "batch of 5, layer " + l + " unit " + j);
      }
    }
  }

  /**
   * Every weight layer's pre-activations of sample s, written out plainly: {@code z_j = b_j + sum_i
   * a_i w[i*out+j]} as fused multiply-adds over i in order (docs/arithmetic.md), hidden layers then
   * activated.
   */
  private static double[][] plainForward(NetworkSpec net, Parameters p, double[] x, int s) {
    int[] sizes = net.sizes();
    double[] a = {x[2 * s], x[2 * s + 1]};
    double[][] z = new double[net.layers()][];
    for (int l = 0; l < net.layers(); l++) {
      int out = sizes[l + 1];
      z[l] = new double[out];
      double[] next = new double[out];
      for (int j = 0; j < out; j++) {
        double sum = p.biases()[l][j];
        for (int i = 0; i < sizes[l]; i++) {
          sum = Math.fma(a[i], p.weights()[l][i * out + j], sum);
        }
        z[l][j] = sum;
        next[j] =
            switch (net.activation()) {
              case RELU -> Math.max(sum, 0.0);
              case LEAKY_RELU -> sum > 0.0 ? sum : net.leakySlope() * sum;
              default -> StrictMath.tanh(sum);
            };
      }
      a = next;
    }
    return z;
  }

  private static Gradients reference(NetworkSpec net, Parameters p, DataSet train, int[] idx) {
    return GradCheck.backendGradients(
        new ReferenceBackend(), net, Precision.FP64, p, train, train, idx);
  }
}
