package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.reference.ReferenceBackend;
import dev.depthlab.common.Rng;
import dev.depthlab.data.DataSet;
import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CUDA group's Hessian-vector products (emulated device), computed on the device ({@link
 * DeviceRPass}) after a few SGD steps there, equal the reference group's products at the parameters
 * read back (the trained ones, not the initial) within {@link HessianVectorChecks#tolerance}: the
 * R-pass reads the device's current parameters, not a copy from before the steps.
 */
class CudaHessianVectorTest {
  @Test
  void productsEqualTheReferenceAtTheDeviceParameters() {
    NetworkSpec net =
        new NetworkSpec(new int[] {2, 4, 4, 1}, Activation.TANH, 0.01, Reduction.SUM, 1e-8);
    Rng rng = new Rng(11);
    List<ReplicaSetup> setups = new ArrayList<>();
    List<Parameters> dirs = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      int n = 12;
      double[] x = new double[2 * n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[2 * i] = rng.uniform(-1, 1);
        x[2 * i + 1] = rng.uniform(-1, 1);
        y[i] = x[2 * i] > x[2 * i + 1] ? 1 : 0;
      }
      DataSet set = new DataSet("t", 2, x, y);
      setups.add(new ReplicaSetup(Initializer.draw(net, Init.XAVIER_NORMAL, 0.1, rng), set, set));
      dirs.add(Initializer.draw(net, Init.XAVIER_NORMAL, 0.5, rng));
    }
    GroupSpec spec = new GroupSpec(net, Precision.FP64, 6, 2);
    int[][] order = new int[3][];
    int[][] batch = new int[3][];
    for (int r = 0; r < 3; r++) {
      order[r] = new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
      batch[r] = new int[] {1, 4, 7, 10, 11};
    }
    try (Group cuda = new CudaBackend(NativeTools.emulatedDevice()).createGroup(spec, setups)) {
      cuda.beginEpoch(order);
      cuda.step(0, 6, 0.1);
      cuda.step(6, 6, 0.1);
      cuda.endEpoch();
      List<Parameters> trained = cuda.allParameters();
      Gradients got = cuda.hessianTimes(batch, dirs);
      List<ReplicaSetup> at = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        at.add(new ReplicaSetup(trained.get(r), setups.get(r).train(), setups.get(r).test()));
      }
      try (Group ref = new ReferenceBackend().createGroup(spec, at)) {
        Gradients want = ref.hessianTimes(batch, dirs);
        double tol = HessianVectorChecks.tolerance(Precision.FP64);
        for (int r = 0; r < 3; r++) {
          double err =
              HessianVectorChecks.relative(
                  HessianVectorChecks.flat(got, r), HessianVectorChecks.flat(want, r));
          assertTrue(err <= tol, "replica " + r + ": relative error " + err);
        }
        assertArrayEquals(want.loss(), got.loss(), 1e-13, "batch loss");
      }
    }
  }
}
