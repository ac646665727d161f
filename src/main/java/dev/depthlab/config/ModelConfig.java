package dev.depthlab.config;

import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import java.util.List;

/**
 * The networks of a study: either {@code depths} x {@code width} hidden layers, or one explicit
 * list of layer sizes {@code layers} (input first, output 1 last; then {@code depths} is empty).
 */
public record ModelConfig(
    List<Integer> depths,
    int width,
    List<Integer> layers,
    Activation activation,
    double leakySlope,
    Init init,
    double biasInit) {

  public ModelConfig {
    depths = List.copyOf(depths);
    layers = layers == null ? List.of() : List.copyOf(layers);
  }

  public boolean explicitLayers() {
    return !layers.isEmpty();
  }
}
