package dev.depthlab.config;

import dev.depthlab.model.Precision;
import java.util.List;

/** A whole study, resolved: what {@code config/*.yaml} holds after defaults and overrides. */
public record StudyConfig(
    String name,
    DataConfig data,
    ModelConfig model,
    TrainingConfig training,
    List<Long> seeds,
    Precision precision,
    String backend,
    DiagnosticsConfig diagnostics) {

  public StudyConfig {
    seeds = List.copyOf(seeds);
  }

  public StudyConfig withName(String n) {
    return new StudyConfig(n, data, model, training, seeds, precision, backend, diagnostics);
  }
}
