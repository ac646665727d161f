package dev.depthlab.config;

import dev.depthlab.data.DatasetSpec;
import dev.depthlab.data.TestSplit;
import java.util.List;

/**
 * Which data sets a study uses and how each run's train and test sets are drawn. {@code noise} is
 * the label-noise level, interpreted by each data set kind (see {@code Datasets}).
 */
public record DataConfig(List<DatasetSpec> sets, int nTrain, TestSplit test, double noise) {
  public DataConfig {
    sets = List.copyOf(sets);
  }
}
