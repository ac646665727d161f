package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Group.predict of both CPU twins against a plain forward pass written here, bit for bit: the twins
 * sum each unit as bias, then inputs in increasing order, each one fused multiply-add, with
 * StrictMath's functions (docs/arithmetic.md), so the plain loop in the twin's precision must give
 * the same bits. Covers more points than one evaluation chunk and picks each replica's own
 * parameters.
 */
class CpuPredictTest {
  private static final int POINTS = CpuNet.EVAL_CHUNK + 45;
  private static final int REPLICAS = 2;

  @ParameterizedTest
  @EnumSource(Activation.class)
  void predictIsThePlainForwardPass(Activation act) {
    NetworkSpec net = NetworkSpec.of(2, 3, 8, act, 0.01, Reduction.SUM, 1e-8);
    List<ReplicaSetup> setups = new ArrayList<>();
    for (int r = 0; r < REPLICAS; r++) {
      DataSet train = Datasets.generate(DatasetSpec.of("circle"), 40, 0.0, new Rng(10 + r));
      // a non-zero bias keeps ReLU units alive in every layer
      Parameters p = Initializer.draw(net, Init.HE_NORMAL, 0.05, new Rng(20 + r));
      setups.add(new ReplicaSetup(p, train, train));
    }
    Rng rng = new Rng(7);
    double[] x = new double[2 * POINTS];
    for (int k = 0; k < x.length; k++) {
      x[k] = 3.0 * rng.nextDouble() - 1.5;
    }
    List<Executable> checks = new ArrayList<>();
    for (Precision precision : Precision.values()) {
      try (Group g = new CpuBackend().createGroup(new GroupSpec(net, precision, 8, 1), setups)) {
        for (int r = 0; r < REPLICAS; r++) {
          double[] got = g.predict(r, x);
          Parameters p = setups.get(r).initial();
          for (int s = 0; s < POINTS; s++) {
            double want =
                precision == Precision.FP64 ? plain64(net, p, x, s) : plain32(net, p, x, s);
            String where = precision + " replica " + r + " point " + s;
            double value = got[s];
            checks.add(() -> assertEquals(want, value, 0.0, where));
          }
        }
      }
    }
    assertAll(checks);
  }

  private static double act64(Activation act, double v, double slope) {
    return switch (act) {
      case RELU -> v > 0 ? v : 0.0;
      case LEAKY_RELU -> v > 0 ? v : slope * v;
      case TANH -> StrictMath.tanh(v);
    };
  }

  private static double plain64(NetworkSpec net, Parameters p, double[] x, int s) {
    int[] sizes = net.sizes();
    double[] a = {x[2 * s], x[2 * s + 1]};
    for (int l = 0; l < net.layers(); l++) {
      double[] z = new double[sizes[l + 1]];
      for (int j = 0; j < z.length; j++) {
        z[j] = p.biases()[l][j];
        for (int i = 0; i < a.length; i++) {
          z[j] = Math.fma(p.weights()[l][i * z.length + j], a[i], z[j]);
        }
        if (l < net.layers() - 1) {
          z[j] = act64(net.activation(), z[j], net.leakySlope());
        }
      }
      a = z;
    }
    return 1.0 / (1.0 + StrictMath.exp(-a[0]));
  }

  /** The same pass in float: parameters and inputs rounded once, every operation in float. */
  private static double plain32(NetworkSpec net, Parameters p, double[] x, int s) {
    int[] sizes = net.sizes();
    float slope = (float) net.leakySlope();
    float[] a = {(float) x[2 * s], (float) x[2 * s + 1]};
    for (int l = 0; l < net.layers(); l++) {
      float[] z = new float[sizes[l + 1]];
      for (int j = 0; j < z.length; j++) {
        z[j] = (float) p.biases()[l][j];
        for (int i = 0; i < a.length; i++) {
          z[j] = Math.fma((float) p.weights()[l][i * z.length + j], a[i], z[j]);
        }
        if (l < net.layers() - 1) {
          float v = z[j];
          z[j] =
              switch (net.activation()) {
                case RELU -> v > 0 ? v : 0.0f;
                case LEAKY_RELU -> v > 0 ? v : slope * v;
                case TANH -> (float) StrictMath.tanh(v);
              };
        }
      }
      a = z;
    }
    // the twin rounds the sigmoid, computed in double, to float
    return (float) (1.0 / (1.0 + StrictMath.exp(-a[0])));
  }
}
