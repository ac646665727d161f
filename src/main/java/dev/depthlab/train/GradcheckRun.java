package dev.depthlab.train;

import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.data.DatasetSpec;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * The check behind {@code depthlab gradcheck}: at the initial parameters of a study's runs (its
 * first data set, every depth, the first seeds), each backend's gradients in fp64 and fp32 against
 * central finite differences of the plain reference ({@link GradCheck}), and every backend's fp64
 * gradients against the first backend's; the tolerances and the pass/fail verdict live here.
 */
public final class GradcheckRun {
  /** fp64 against finite differences, whose own error at {@code GradCheck.H} is near 1e-10. */
  public static final double FP64_TOLERANCE = 1e-6;

  /** fp32 against finite differences (of the double reference): float rounding, near 1e-7 here. */
  public static final double FP32_TOLERANCE = 1e-3;

  /** Backends against each other in fp64: both compute in double, at most in another order. */
  public static final double CROSS_TOLERANCE_FP64 = 1e-10;

  private GradcheckRun() {}

  /**
   * One backend at one run: the norm-wise relative errors of its fp64 and fp32 gradients against
   * finite differences (max over layers), and how many parameters were left out because their
   * finite difference crosses a ReLU kink (see {@link GradCheck}). A backend that does not compute
   * in fp32 ({@link dev.depthlab.backend.Traits#supports}) has {@code fp32Checked} false and a NaN
   * fp32 error.
   */
  public record Row(
      String dataset,
      int depth,
      long seed,
      String backend,
      double fp64Error,
      boolean fp32Checked,
      double fp32Error,
      int excluded) {}

  /**
   * The worst errors over all rows, the tolerances they were held to, and the verdict. {@code
   * worstCross} is the largest fp64 difference of a backend from the first one; NaN, and {@code
   * compared} false, when only one backend was checked.
   */
  public record Verdict(
      double worstFp64,
      double worstFp32,
      double worstCross,
      boolean compared,
      double fp64Tolerance,
      double fp32Tolerance,
      double crossTolerance,
      boolean passed) {}

  /** The rows in order (depth, then seed, then backend) and the verdict over them. */
  public record Outcome(List<Row> rows, Verdict verdict) {}

  /** What the finite differences are taken of under an output-gradient rule, in words. */
  public static String objective(OutputGradient rule) {
    return rule == OutputGradient.FUSED
        ? "the unclipped BCE (p - y is its exact gradient)"
        : "the clipped BCE continued beyond each clip bound by its tangent line";
  }

  /**
   * Checks {@code backends} (at least one; the first is the others' reference) on the first {@code
   * seeds} seeds of {@code cfg} (all if it has fewer), at every depth, on a batch of the first
   * {@code batch} training samples (all if there are fewer).
   */
  public static Outcome run(StudyConfig cfg, List<Backend> backends, int seeds, int batch) {
    if (backends.isEmpty() || seeds < 1 || batch < 1) {
      throw new IllegalArgumentException(
          backends.size()
              + " backends, "
              + seeds
              + " seeds, batch "
              + batch
              + ": each must be >= 1");
    }
    List<Row> rows = new ArrayList<>();
    // a failed comparison is a NaN as often as a large number, so "passed" asks error < tolerance
    boolean passed = true;
    double worst64 = 0;
    double worst32 = 0;
    double worstCross = 0;
    DatasetSpec ds = cfg.data().sets().get(0);
    for (int depth : RunSpec.depthsOf(cfg)) {
      for (int si = 0; si < Math.min(seeds, cfg.seeds().size()); si++) {
        RunSpec run = new RunSpec(cfg, ds, depth, cfg.seeds().get(si));
        ReplicaSetup setup = Trainer.setupFor(run);
        int[] idx = firstSamples(Math.min(batch, setup.train().size()));
        Gradients reference = null;
        for (Backend b : backends) {
          Gradients g64 = gradients(b, run, setup, idx, Precision.FP64);
          GradCheck.Result r64 = againstFiniteDifferences(run, setup, idx, g64);
          passed &= r64.maxRelError() < FP64_TOLERANCE;
          worst64 = Math.max(worst64, r64.maxRelError());
          boolean fp32 = b.traits().supports(Precision.FP32);
          double err32 = Double.NaN;
          if (fp32) {
            Gradients g32 = gradients(b, run, setup, idx, Precision.FP32);
            err32 = againstFiniteDifferences(run, setup, idx, g32).maxRelError();
            passed &= err32 < FP32_TOLERANCE;
            worst32 = Math.max(worst32, err32);
          }
          if (reference == null) {
            reference = g64;
          } else {
            double cross =
                GradCheck.maxRelDifference(
                    reference.weights()[0],
                    reference.biases()[0],
                    g64.weights()[0],
                    g64.biases()[0]);
            worstCross = Math.max(worstCross, cross);
            passed &= cross < CROSS_TOLERANCE_FP64;
          }
          // which parameters sit at a kink depends on the reference alone, not on the precision
          rows.add(
              new Row(
                  ds.label(),
                  depth,
                  run.seed(),
                  b.name(),
                  r64.maxRelError(),
                  fp32,
                  err32,
                  r64.excluded()));
        }
      }
    }
    boolean compared = backends.size() > 1;
    return new Outcome(
        List.copyOf(rows),
        new Verdict(
            worst64,
            worst32,
            compared ? worstCross : Double.NaN,
            compared,
            FP64_TOLERANCE,
            FP32_TOLERANCE,
            CROSS_TOLERANCE_FP64,
            passed));
  }

  private static int[] firstSamples(int n) {
    int[] idx = new int[n];
    for (int k = 0; k < n; k++) {
      idx[k] = k;
    }
    return idx;
  }

  private static Gradients gradients(
      Backend b, RunSpec run, ReplicaSetup setup, int[] idx, Precision p) {
    return GradCheck.backendGradients(
        b, run.net(), p, setup.initial(), setup.train(), setup.test(), idx);
  }

  private static GradCheck.Result againstFiniteDifferences(
      RunSpec run, ReplicaSetup setup, int[] idx, Gradients g) {
    return GradCheck.check(
        run.net(), setup.initial(), setup.train(), idx, g.weights()[0], g.biases()[0]);
  }
}
