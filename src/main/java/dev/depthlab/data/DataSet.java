package dev.depthlab.data;

/** Placeholder until the data branch merges. */
public record DataSet(String name, int features, double[] x, double[] y) {
  public int size() {
    return y.length;
  }
}
