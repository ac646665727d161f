package dev.depthlab.signal;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.reference.ReferenceTrace;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import dev.depthlab.train.JacobianSpectrum;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The hidden stack's Jacobian against central finite differences of a forward pass written here,
 * and the singular values against NumPy's dense SVD (tools/svd_golden.py, svd-golden.json).
 */
class JacobianSpectrumTest {
  @Test
  void singularValuesMatchNumpy() throws IOException {
    JsonNode g;
    try (InputStream in = JacobianSpectrumTest.class.getResourceAsStream("/svd-golden.json")) {
      g = new ObjectMapper().readTree(in);
    }
    List<Executable> checks = new ArrayList<>();
    for (JsonNode c : g.get("cases")) {
      JsonNode m = c.get("matrix");
      double[][] a = new double[m.size()][m.get(0).size()];
      for (int i = 0; i < a.length; i++) {
        for (int j = 0; j < a[0].length; j++) {
          a[i][j] = m.get(i).get(j).asDouble();
        }
      }
      double[] sv = JacobianSpectrum.singularValues(a);
      JsonNode want = c.get("sv");
      String name = c.get("name").asText();
      checks.add(() -> assertEquals(want.size(), sv.length, name + " count"));
      for (int i = 0; i < Math.min(sv.length, want.size()); i++) {
        double w = want.get(i).asDouble();
        double got = sv[i];
        // via A^T A: a singular value s carries an absolute error ~ eps * s_max^2 / s
        double tol = 1e-12 * want.get(0).asDouble() * Math.max(1.0, want.get(0).asDouble() / w);
        String who = name + " sv " + i;
        checks.add(() -> assertEquals(w, got, Math.min(tol, 1e-6 * w + 1e-9), who));
      }
    }
    assertAll(checks);
  }

  @Test
  void jacobianIsTheFiniteDifferenceOfTheStack() {
    for (Activation act : Activation.values()) {
      NetworkSpec net = NetworkSpec.of(2, 4, 6, act, 0.1, Reduction.SUM, 1e-8);
      Parameters p =
          Initializer.draw(net, new Initializer.Scheme(Init.GAUSSIAN, 0, 1.4, 0.3), new Rng(5));
      DataSet set = new DataSet("one", 2, new double[] {0.3, -0.7}, new double[] {1});
      ReferenceTrace t = new ReferenceTrace(net, new ReplicaSetup(p, set, set));
      t.sample(0, 1);
      double[][] z = new double[net.depth()][];
      for (int h = 0; h < z.length; h++) {
        z[h] = t.z(h).clone();
      }
      double[][] j = JacobianSpectrum.jacobian(net, p, z);
      MeanField mf = new MeanField(act, 0.1, 0);
      double[] a1 = new double[6];
      for (int i = 0; i < 6; i++) {
        a1[i] = mf.phi(z[0][i]);
      }
      List<Executable> checks = new ArrayList<>();
      double h = 1e-6;
      for (int i = 0; i < 6; i++) {
        double[] up = a1.clone();
        double[] down = a1.clone();
        up[i] += h;
        down[i] -= h;
        double[] fu = stack(net, p, mf, up);
        double[] fd = stack(net, p, mf, down);
        for (int k = 0; k < 6; k++) {
          double fdv = (fu[k] - fd[k]) / (2 * h);
          double got = j[i][k];
          String who = act + " d a_L[" + k + "] / d a_1[" + i + "]";
          checks.add(() -> assertEquals(fdv, got, 1e-7, who));
        }
      }
      assertAll(checks);
    }
  }

  /** a_L from a_1: layers 1..depth-1, z = a W + b, a = phi(z), written out here. */
  private static double[] stack(NetworkSpec net, Parameters p, MeanField mf, double[] a1) {
    double[] a = a1;
    for (int l = 1; l < net.depth(); l++) {
      int in = net.fanIn(l);
      int out = net.fanOut(l);
      double[] z = p.biases()[l].clone();
      for (int i = 0; i < in; i++) {
        for (int c = 0; c < out; c++) {
          z[c] += a[i] * p.weights()[l][i * out + c];
        }
      }
      for (int c = 0; c < out; c++) {
        z[c] = mf.phi(z[c]);
      }
      a = z;
    }
    return a;
  }
}
