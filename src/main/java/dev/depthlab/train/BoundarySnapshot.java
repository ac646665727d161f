package dev.depthlab.train;

/**
 * One decision-boundary snapshot of a run: after epoch {@code epoch} (0: before training), the
 * predicted probability of class 1 at every point of {@code grid} (row-major, y from the top), and
 * the seconds the prediction took (what snapshots cost, for run.json).
 */
public record BoundarySnapshot(
    int epoch, BoundaryGrid grid, double[] probabilities, double seconds) {
  public BoundarySnapshot {
    if (probabilities.length != grid.size() * grid.size()) {
      throw new IllegalArgumentException(
          probabilities.length + " probabilities for a " + grid.size() + "^2 grid");
    }
  }
}
