package dev.depthlab.train;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Gradients;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.ReplicaSetup;
import dev.depthlab.backend.StepLog;
import dev.depthlab.backend.Traits;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verdict of {@code depthlab gradcheck}: the CPU reference passes, and a backend whose gradient
 * is wrong in one element fails it, by whichever of the three bounds it breaks.
 */
class GradcheckRunTest {
  /** Two depths x two seeds of a small study. */
  private static final StudyConfig CFG =
      ConfigLoader.parse(
          """
          name: t
          data: {sets: [circle], n_train: 64, test: {n: 16, seed_offset: 100}}
          model: {depths: [1, 3], width: 6}
          seeds: [3, 4, 5]
          """,
          "t.yaml",
          List.of());

  @Test
  void theCpuReferencePasses() {
    GradcheckRun.Outcome o = GradcheckRun.run(CFG, List.of(new CpuBackend()), 2, 16);
    GradcheckRun.Verdict v = o.verdict();
    assertAll(
        () -> assertTrue(v.passed(), v.toString()),
        () -> assertFalse(v.compared()),
        () -> assertTrue(Double.isNaN(v.worstCross()), "nothing to compare: " + v),
        () -> assertTrue(v.worstFp64() > 0 && v.worstFp64() < v.fp64Tolerance(), v.toString()),
        () -> assertTrue(v.worstFp32() > 0 && v.worstFp32() < v.fp32Tolerance(), v.toString()),
        () -> assertEquals(1e-6, v.fp64Tolerance()),
        () -> assertEquals(1e-3, v.fp32Tolerance()),
        () -> assertEquals(1e-10, v.crossTolerance()));
    // depth, then seed: the first two seeds of the study, every depth
    List<String> order = o.rows().stream().map(r -> r.depth() + "/" + r.seed()).toList();
    assertEquals(List.of("1/3", "1/4", "3/3", "3/4"), order);
    for (GradcheckRun.Row r : o.rows()) {
      assertEquals("circle", r.dataset());
      assertEquals("cpu", r.backend());
    }
  }

  /** A gradient off in one element by this share of its layer's norm: each bound in turn. */
  private enum Fault {
    /** Far beyond the fp64 bound against finite differences (and so the cross bound). */
    FP64_WRONG(Precision.FP64, 1e-4),
    /** Beyond the fp32 bound; fp64 untouched. */
    FP32_WRONG(Precision.FP32, 1e-2),
    /** Within the fp64 bound against finite differences, beyond the bound between backends. */
    FP64_SLIGHTLY_OFF(Precision.FP64, 1e-8);

    final Precision precision;
    final double share;

    Fault(Precision precision, double share) {
      this.precision = precision;
      this.share = share;
    }
  }

  private static GradcheckRun.Verdict withFault(Fault f) {
    Backend wrong = new FaultyBackend(new CpuBackend(), f.precision, f.share);
    GradcheckRun.Outcome o = GradcheckRun.run(CFG, List.of(new CpuBackend(), wrong), 2, 16);
    assertEquals(8, o.rows().size(), "two backends at each of 2 depths x 2 seeds");
    for (GradcheckRun.Row r : o.rows()) {
      if (r.backend().equals("cpu")) {
        assertTrue(
            r.fp64Error() < 1e-6 && r.fp32Checked() && r.fp32Error() < 1e-3,
            "the CPU rows pass: " + r);
      }
    }
    return o.verdict();
  }

  @Test
  void aWrongFp64GradientFails() {
    GradcheckRun.Verdict v = withFault(Fault.FP64_WRONG);
    assertAll(
        () -> assertFalse(v.passed(), v.toString()),
        () -> assertTrue(v.worstFp64() > v.fp64Tolerance(), v.toString()),
        () -> assertTrue(v.worstFp32() < v.fp32Tolerance(), v.toString()),
        () -> assertTrue(v.compared() && v.worstCross() > v.crossTolerance(), v.toString()));
  }

  @Test
  void aWrongFp32GradientFails() {
    GradcheckRun.Verdict v = withFault(Fault.FP32_WRONG);
    assertAll(
        () -> assertFalse(v.passed(), v.toString()),
        () -> assertTrue(v.worstFp64() < v.fp64Tolerance(), v.toString()),
        () -> assertTrue(v.worstFp32() > v.fp32Tolerance(), v.toString()),
        () -> assertTrue(v.worstCross() < v.crossTolerance(), "cross is fp64 only: " + v));
  }

  @Test
  void backendsThatDisagreeFailEvenWithinTheFiniteDifferenceBounds() {
    GradcheckRun.Verdict v = withFault(Fault.FP64_SLIGHTLY_OFF);
    assertAll(
        () -> assertFalse(v.passed(), v.toString()),
        () -> assertTrue(v.worstFp64() < v.fp64Tolerance(), v.toString()),
        () -> assertTrue(v.worstFp32() < v.fp32Tolerance(), v.toString()),
        () -> assertTrue(v.worstCross() > v.crossTolerance(), v.toString()));
  }

  @Test
  void needsABackendASeedAndASample() {
    assertThrows(IllegalArgumentException.class, () -> GradcheckRun.run(CFG, List.of(), 1, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> GradcheckRun.run(CFG, List.of(new CpuBackend()), 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> GradcheckRun.run(CFG, List.of(new CpuBackend()), 1, 0));
  }

  /**
   * The CPU backend, except that in groups of one precision the gradient of the first layer's first
   * weight is off by {@code share} of that layer's weight-gradient norm.
   */
  private record FaultyBackend(Backend inner, Precision precision, double share)
      implements Backend {
    @Override
    public String name() {
      return "wrong";
    }

    @Override
    public Availability availability() {
      return Availability.usable(Map.of());
    }

    @Override
    public Traits traits() {
      return inner.traits();
    }

    @Override
    public Group createGroup(GroupSpec spec, List<ReplicaSetup> replicas) {
      Group g = inner.createGroup(spec, replicas);
      return spec.precision() == precision ? new FaultyGroup(g, share) : g;
    }
  }

  private record FaultyGroup(Group inner, double share) implements Group {
    @Override
    public Gradients gradients(int[][] indices) {
      Gradients g = inner.gradients(indices);
      for (double[][] layers : g.weights()) {
        double norm = 0;
        for (double x : layers[0]) {
          norm += x * x;
        }
        layers[0][0] += share * Math.sqrt(norm);
      }
      return g;
    }

    @Override
    public void beginEpoch(int[][] order) {
      inner.beginEpoch(order);
    }

    @Override
    public void step(int offset, int count, double lr) {
      inner.step(offset, count, lr);
    }

    @Override
    public StepLog endEpoch() {
      return inner.endEpoch();
    }

    @Override
    public Evaluation evaluate() {
      return inner.evaluate();
    }

    @Override
    public void setParameters(List<Parameters> all) {
      inner.setParameters(all);
    }

    @Override
    public double[] predict(int replica, double[] inputs) {
      return inner.predict(replica, inputs);
    }

    @Override
    public List<Parameters> allParameters() {
      return inner.allParameters();
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
