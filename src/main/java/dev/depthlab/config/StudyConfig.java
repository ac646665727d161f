package dev.depthlab.config;

import dev.depthlab.model.Precision;
import java.util.List;

/**
 * A whole study, resolved: what {@code config/*.yaml} holds after defaults and overrides. {@code
 * onFailure} ({@code on_failure}: {@code fail} or {@code cpu}) says whether a sweep retries a group
 * whose backend failed on the CPU; like the backend, it is not part of the protocol hash.
 */
public record StudyConfig(
    String name,
    DataConfig data,
    ModelConfig model,
    TrainingConfig training,
    List<Long> seeds,
    Precision precision,
    String backend,
    DiagnosticsConfig diagnostics,
    CudaConfig cuda,
    String onFailure) {

  /** {@code on_failure: fail}: a failed group's runs are marked failed; a rerun retries them. */
  public static final String ON_FAILURE_FAIL = "fail";

  /** {@code on_failure: cpu}: a failed group is retried on the CPU backend at once. */
  public static final String ON_FAILURE_CPU = "cpu";

  public StudyConfig {
    seeds = List.copyOf(seeds);
  }

  /** With the CUDA backend's defaults ({@link CudaConfig#DEFAULT}) and {@code on_failure: fail}. */
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

  /** With {@code on_failure: fail}. */
  public StudyConfig(
      String name,
      DataConfig data,
      ModelConfig model,
      TrainingConfig training,
      List<Long> seeds,
      Precision precision,
      String backend,
      DiagnosticsConfig diagnostics,
      CudaConfig cuda) {
    this(
        name, data, model, training, seeds, precision, backend, diagnostics, cuda, ON_FAILURE_FAIL);
  }

  public StudyConfig withName(String n) {
    return new StudyConfig(
        n, data, model, training, seeds, precision, backend, diagnostics, cuda, onFailure);
  }
}
