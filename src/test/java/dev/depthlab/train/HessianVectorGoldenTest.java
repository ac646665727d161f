package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The R-operator's products against NumPy's complex-step values ({@code tools/hvp_golden.py},
 * committed in {@code hvp_golden.txt}): a 2-3-3-1 tanh network, 7 samples, both reductions, on the
 * reference and the CPU backend. The complex step is exact to rounding, so the two agree to 1e-12
 * of the product's largest element.
 */
class HessianVectorGoldenTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"reference, SUM", "reference, MEAN", "cpu, SUM", "cpu, MEAN"})
  void productsMatchTheComplexStep(String backendName, Reduction red) throws IOException {
    Map<String, double[]> g = golden();
    double[] s = g.get("sizes");
    int[] sizes = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      sizes[i] = (int) s[i];
    }
    NetworkSpec net =
        new NetworkSpec(sizes, Activation.TANH, 0.01, red, 1e-8, OutputGradient.FUSED);
    Parameters theta = Sharpness.unflatten(g.get("theta"), Parameters.zeros(net));
    Parameters v = Sharpness.unflatten(g.get("v"), Parameters.zeros(net));
    DataSet train = new DataSet("golden", 2, g.get("x"), g.get("y"));
    int n = train.size();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    Backend backend = backendName.equals("cpu") ? new CpuBackend() : new ReferenceBackend();
    GroupSpec spec = new GroupSpec(net, Precision.FP64, n, 1);
    double[] want = g.get(red == Reduction.SUM ? "hv_sum" : "hv_mean");
    try (Group group = backend.createGroup(spec, List.of(new ReplicaSetup(theta, train, train)))) {
      Gradients h = group.hessianTimes(new int[][] {all}, List.of(v));
      double[] got = Sharpness.flatten(new Parameters(h.weights()[0], h.biases()[0]));
      double big = 0;
      for (double w : want) {
        big = Math.max(big, Math.abs(w));
      }
      for (int k = 0; k < want.length; k++) {
        assertTrue(
            Math.abs(got[k] - want[k]) <= 1e-12 * big,
            "element " + k + ": R-op " + got[k] + ", complex step " + want[k]);
      }
    }
  }

  private static Map<String, double[]> golden() throws IOException {
    Map<String, double[]> out = new HashMap<>();
    try (InputStream in = HessianVectorGoldenTest.class.getResourceAsStream("/hvp_golden.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] parts = line.trim().split(" ");
        double[] values = new double[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
          values[i - 1] = Double.parseDouble(parts[i]);
        }
        out.put(parts[0], values);
      }
    }
    return out;
  }
}
