package dev.depthlab.config;

import dev.depthlab.common.BackendOptions;
import dev.depthlab.model.Precision;
import java.util.List;

/**
 * A whole study, resolved: what {@code config/*.yaml} holds after defaults and overrides. {@code
 * onFailure} ({@code on_failure}: {@code fail} or {@code cpu}) says whether a sweep retries a group
 * whose backend failed on the CPU; like the backend, it is not part of the protocol hash. {@code
 * backendOptions}: the backends' own settings ({@code cuda.graphs}, ...), carried opaquely and
 * never hashed (how a backend runs, not what it computes).
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
    BackendOptions backendOptions,
    String onFailure) {

  /** {@code on_failure: fail}: a failed group's runs are marked failed; a rerun retries them. */
  public static final String ON_FAILURE_FAIL = "fail";

  /** {@code on_failure: cpu}: a failed group is retried on the CPU backend at once. */
  public static final String ON_FAILURE_CPU = "cpu";

  public StudyConfig {
    seeds = List.copyOf(seeds);
  }

  /**
   * With every backend on its defaults ({@link BackendOptions#NONE}) and {@code on_failure: fail}.
   */
  public StudyConfig(
      String name,
      DataConfig data,
      ModelConfig model,
      TrainingConfig training,
      List<Long> seeds,
      Precision precision,
      String backend,
      DiagnosticsConfig diagnostics) {
    this(name, data, model, training, seeds, precision, backend, diagnostics, BackendOptions.NONE);
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
      BackendOptions backendOptions) {
    this(
        name,
        data,
        model,
        training,
        seeds,
        precision,
        backend,
        diagnostics,
        backendOptions,
        ON_FAILURE_FAIL);
  }

  public StudyConfig withName(String n) {
    return new StudyConfig(
        n,
        data,
        model,
        training,
        seeds,
        precision,
        backend,
        diagnostics,
        backendOptions,
        onFailure);
  }
}
