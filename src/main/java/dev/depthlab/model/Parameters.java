package dev.depthlab.model;

/**
 * One network's weights and biases, always held in double on the host. Layer {@code l}'s weights
 * are row-major {@code [fanIn][fanOut]}: {@code w[l][i * fanOut + j]} connects input {@code i} to
 * output {@code j}, so a layer computes {@code z = a W + b} on row-major activations.
 */
public record Parameters(double[][] weights, double[][] biases) {

  /** Zeros shaped like {@code spec}. */
  public static Parameters zeros(NetworkSpec spec) {
    int layers = spec.layers();
    double[][] w = new double[layers][];
    double[][] b = new double[layers][];
    for (int l = 0; l < layers; l++) {
      w[l] = new double[spec.fanIn(l) * spec.fanOut(l)];
      b[l] = new double[spec.fanOut(l)];
    }
    return new Parameters(w, b);
  }

  public int layers() {
    return weights.length;
  }

  /** A deep copy. */
  public Parameters copy() {
    double[][] w = new double[weights.length][];
    double[][] b = new double[biases.length][];
    for (int l = 0; l < weights.length; l++) {
      w[l] = weights[l].clone();
      b[l] = biases[l].clone();
    }
    return new Parameters(w, b);
  }

  /** Frobenius norm of layer {@code l}'s weights. */
  public double weightNorm(int l) {
    double s = 0;
    for (double v : weights[l]) {
      s = Math.fma(v, v, s);
    }
    return Math.sqrt(s);
  }
}
