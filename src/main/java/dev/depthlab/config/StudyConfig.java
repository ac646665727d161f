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
    DiagnosticsConfig diagnostics,
    CudaConfig cuda) {

  public StudyConfig {
    seeds = List.copyOf(seeds);
  }

  /** With the CUDA backend's defaults ({@link CudaConfig#DEFAULT}). */
  public StudyConfig(
      String name,
      DataConfig data,
      ModelConfig model,
      TrainingConfig training,
      List<Long> seeds,
      Precision precision,
      String backend,
      DiagnosticsConfig diagnostics) {
    this(name, data, model, training, seeds, precision, backend, diagnostics, CudaConfig.DEFAULT);
  }

  public StudyConfig withName(String n) {
    return new StudyConfig(n, data, model, training, seeds, precision, backend, diagnostics, cuda);
  }
}
