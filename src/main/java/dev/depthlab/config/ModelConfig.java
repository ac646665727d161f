package dev.depthlab.config;

import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.Initializer;
import java.util.List;

/**
 * The networks of a study: either {@code depths} x {@code width} hidden layers, or one explicit
 * list of layer sizes {@code layers} (input first, output 1 last; then {@code depths} is empty).
 * {@code sigmaW} and {@code sigmaB} are read by the parametrised inits only ({@link
 * Init#parametrised}); the named ones keep the defaults 1 and 0.
 */
public record ModelConfig(
    List<Integer> depths,
    int width,
    List<Integer> layers,
    Activation activation,
    double leakySlope,
    Init init,
    double biasInit,
    double sigmaW,
    double sigmaB) {

  /** The default {@code sigma_w} (the gain of orthogonal). */
  public static final double SIGMA_W = 1.0;

  /** A model with a named init (sigma_w and sigma_b at their defaults, unused). */
  public ModelConfig(
      List<Integer> depths,
      int width,
      List<Integer> layers,
      Activation activation,
      double leakySlope,
      Init init,
      double biasInit) {
    this(depths, width, layers, activation, leakySlope, init, biasInit, SIGMA_W, 0.0);
  }

  public ModelConfig {
    depths = List.copyOf(depths);
    layers = layers == null ? List.of() : List.copyOf(layers);
  }

  /** How the study's networks are initialised. */
  public Initializer.Scheme initScheme() {
    return new Initializer.Scheme(init, biasInit, sigmaW, sigmaB);
  }

  public boolean explicitLayers() {
    return !layers.isEmpty();
  }
}
