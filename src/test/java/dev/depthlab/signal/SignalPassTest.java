package dev.depthlab.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.reference.ReferenceBackend;
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
 * The per-layer dL/dz that {@code depthlab signal} reports against the reference backend's
 * gradients through the Backend contract: the reference's bias gradient of weight layer l is {@code
 * sum over the batch of dz[l]} in sample order, so with a batch of one sample it is that sample's
 * dz[l] itself, and with a batch of several it is their sum. Both must agree bit for bit (the same
 * sums in the same order), for every activation, reduction and output-gradient rule.
 */
class SignalPassTest {
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
  void dzIsTheReferenceBackendsBiasGradient(Activation act, Reduction red, OutputGradient rule) {
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
    SignalPass pass = new SignalPass(net, p);
    for (int s = 0; s < n; s++) {
      Gradients g = reference(net, p, train, new int[] {s});
      pass.sample(train, s, 1);
      for (int l = 0; l < net.layers(); l++) {
        double[] want = g.biases()[0][l];
        for (int j = 0; j < want.length; j++) {
          assertEquals(want[j], pass.dz(l)[j], 0.0, "sample " + s + " layer " + l + " unit " + j);
        }
      }
    }
    int[] batch = {0, 3, 5, 7, 11};
    Gradients g = reference(net, p, train, batch);
    for (int l = 0; l < net.layers(); l++) {
      double[] sum = new double[net.fanOut(l)];
      for (int s : batch) {
        pass.sample(train, s, batch.length);
        for (int j = 0; j < sum.length; j++) {
          sum[j] += pass.dz(l)[j];
        }
      }
      for (int j = 0; j < sum.length; j++) {
        assertEquals(g.biases()[0][l][j], sum[j], 0.0, "batch of 5, layer " + l + " unit " + j);
      }
    }
  }

  private static Gradients reference(NetworkSpec net, Parameters p, DataSet train, int[] idx) {
    return GradCheck.backendGradients(
        new ReferenceBackend(), net, Precision.FP64, p, train, train, idx);
  }
}
