package dev.depthlab.train;

import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.NetworkSpec;
import java.util.List;

/**
 * One run of a study: a config, the data set, the depth (number of hidden layers; for an explicit
 * layer list, the list's hidden count) and the seed. The network's input width is the data set's
 * ({@link DatasetSpec#inputs}: 2, or a CSV file's feature count).
 */
public record RunSpec(StudyConfig config, DatasetSpec dataset, int depth, long seed) {

  public NetworkSpec net() {
    var m = config.model();
    var t = config.training();
    if (m.explicitLayers()) {
      int[] sizes = m.layers().stream().mapToInt(Integer::intValue).toArray();
      return new NetworkSpec(
          sizes, m.activation(), m.leakySlope(), t.reduction(), t.clipEps(), t.outputGradient());
    }
    return NetworkSpec.of(
            dataset.inputs(),
            depth,
            m.width(),
            m.activation(),
            m.leakySlope(),
            t.reduction(),
            t.clipEps())
        .withOutputGradient(t.outputGradient());
  }

  /** The run's folder below the study folder: {@code runs/<dataset>/depth-<d>/seed-<s>}. */
  public String relativeDir() {
    return "runs/" + dataset.label() + "/depth-" + depth + "/seed-" + seed;
  }

  /** A short name for logs: {@code circle d8 s0}. */
  public String shortName() {
    return dataset.label() + " d" + depth + " s" + seed;
  }

  /** The depths a config's model section produces (the explicit list counts as one). */
  public static List<Integer> depthsOf(StudyConfig config) {
    var m = config.model();
    return m.explicitLayers() ? List.of(m.layers().size() - 2) : m.depths();
  }
}
