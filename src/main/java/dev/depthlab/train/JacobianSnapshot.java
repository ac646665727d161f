package dev.depthlab.train;

import dev.depthlab.data.DataSet;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;

/**
 * The hidden stack's Jacobian spectra of one run at one moment ({@code diagnostics.jacobian}):
 * after {@code epoch} (0: before training), at each probe point p (the first training points, the
 * same every time), the singular values {@code sv[p]} of {@code J = d a_L / d a_1}, largest first
 * ({@link JacobianSpectrum}). Computed on the host in fp64 from the parameters the backend holds
 * (an fp32 run's read back exactly), so every backend gives the same numbers for the same weights.
 */
public record JacobianSnapshot(int epoch, double[][] sv) {

  /**
   * The snapshot of {@code p} at the first {@code probes} points of {@code train} (all if fewer).
   */
  public static JacobianSnapshot of(
      int epoch, NetworkSpec net, Parameters p, DataSet train, int probes) {
    int n = Math.min(probes, train.size());
    int f = train.features();
    double[][] sv = new double[n][];
    for (int k = 0; k < n; k++) {
      double[] x = new double[f];
      System.arraycopy(train.x(), k * f, x, 0, f);
      double[][] z = JacobianSpectrum.preActivations(net, p, x);
      sv[k] = JacobianSpectrum.singularValues(JacobianSpectrum.jacobian(net, p, z));
    }
    return new JacobianSnapshot(epoch, sv);
  }

  /** Whether a network has a hidden stack to take the Jacobian of: two hidden layers or more. */
  public static boolean applies(NetworkSpec net) {
    return net.depth() >= 2;
  }
}
