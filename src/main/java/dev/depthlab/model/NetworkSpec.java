package dev.depthlab.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The architecture of a fully connected binary classifier: layer sizes from input to the single
 * sigmoid output, the hidden activation, and the loss settings (reduction, clip, the output
 * gradient rule). Layer {@code l} (0-based) maps {@code sizes[l]} inputs to {@code sizes[l+1]}
 * outputs; there are {@code layers()} such layers, {@code layers() - 1} of them hidden.
 */
public record NetworkSpec(
    int[] sizes,
    Activation activation,
    double leakySlope,
    Reduction reduction,
    double clipEps,
    OutputGradient outputGradient) {

  public NetworkSpec {
    if (sizes.length < 2 || sizes[sizes.length - 1] != 1) {
      throw new IllegalArgumentException("sizes must end in one output: " + Arrays.toString(sizes));
    }
    sizes = sizes.clone();
    Objects.requireNonNull(outputGradient, "outputGradient");
  }

  /** With the default output gradient, {@code FUSED}. */
  public NetworkSpec(
      int[] sizes, Activation activation, double leakySlope, Reduction reduction, double clipEps) {
    this(sizes, activation, leakySlope, reduction, clipEps, OutputGradient.FUSED);
  }

  /** The same network with output gradient rule {@code rule}. */
  public NetworkSpec withOutputGradient(OutputGradient rule) {
    return new NetworkSpec(sizes, activation, leakySlope, reduction, clipEps, rule);
  }

  /** input -> depth hidden layers of {@code width} -> 1, with the {@code FUSED} output gradient. */
  public static NetworkSpec of(
      int inputs,
      int depth,
      int width,
      Activation activation,
      double leakySlope,
      Reduction reduction,
      double clipEps) {
    int[] sizes = new int[depth + 2];
    Arrays.fill(sizes, width);
    sizes[0] = inputs;
    sizes[depth + 1] = 1;
    return new NetworkSpec(sizes, activation, leakySlope, reduction, clipEps);
  }

  /** Number of weight layers (hidden + output). */
  public int layers() {
    return sizes.length - 1;
  }

  /** Number of hidden layers. */
  public int depth() {
    return sizes.length - 2;
  }

  public int fanIn(int layer) {
    return sizes[layer];
  }

  public int fanOut(int layer) {
    return sizes[layer + 1];
  }

  public int inputs() {
    return sizes[0];
  }

  /** Largest layer width, input included. */
  public int maxWidth() {
    int m = 0;
    for (int s : sizes) {
      m = Math.max(m, s);
    }
    return m;
  }

  @Override
  public int[] sizes() {
    return sizes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkSpec s
        && Arrays.equals(sizes, s.sizes)
        && activation == s.activation
        && Double.compare(leakySlope, s.leakySlope) == 0
        && reduction == s.reduction
        && Double.compare(clipEps, s.clipEps) == 0
        && outputGradient == s.outputGradient;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sizes) * 31 + activation.hashCode();
  }

  /** For people: "layers 2-16-16-1, relu" (the sizes input first, the hidden activation). */
  public String describe() {
    StringBuilder sb = new StringBuilder("layers ");
    for (int l = 0; l < sizes.length; l++) {
      sb.append(l == 0 ? "" : "-").append(sizes[l]);
    }
    return sb.append(", ").append(activation.key()).toString();
  }

  @Override
  public String toString() {
    return "NetworkSpec" + Arrays.toString(sizes) + " " + activation.key();
  }
}
