package dev.depthlab.model;

import dev.depthlab.common.Rng;

/**
 * Draws initial parameters on the host: weights layer by layer, row-major, from {@code N(0, std^2)}
 * of the chosen scheme; biases constant. Every backend receives these exact numbers.
 */
public final class Initializer {
  private Initializer() {}

  public static Parameters draw(NetworkSpec spec, Init init, double biasInit, Rng rng) {
    Parameters p = Parameters.zeros(spec);
    for (int l = 0; l < spec.layers(); l++) {
      double std = init.std(spec.fanIn(l), spec.fanOut(l));
      double[] w = p.weights()[l];
      for (int k = 0; k < w.length; k++) {
        w[k] = std * rng.nextGaussian();
      }
      java.util.Arrays.fill(p.biases()[l], biasInit);
    }
    return p;
  }
}
