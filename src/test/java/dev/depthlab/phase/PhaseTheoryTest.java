package dev.depthlab.phase;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The theory laid over a phase grid: the critical sigma_w of ReLU (chi_1 = sigma_w^2 / 2, so the
 * interpolated crossing is computable by hand), xi_c and the 6 xi_c verdict of tanh against SciPy
 * (tools/meanfield_golden.py), and which grids get a theory at all.
 */
class PhaseTheoryTest {
  private static StudyConfig cfg(String activation, double sigmaB) {
    return ConfigLoader.parse(
        "name: t\nmodel:\n  activation: "
            + activation
            + "\n  init: gaussian\n  sigma_b: "
            + sigmaB
            + "\n",
        "t.yaml",
        List.of());
  }

  @Test
  void reluCriticalLineIsTheInterpolatedCrossingOfChi1() {
    // chi_1 = 0.72 at sigma_w 1.2 and 1.28 at 1.6: linear in between, 1 at sigma_w = 1.4
    PhaseGrid grid =
        PhaseGrid.of(
            Axis.parse("--x", "model.sigma_w=1.2,1.6"),
            Axis.parse("--y", "model.sigma_b=0,0.1"),
            List.of());
    List<PhaseTheory.Point> t = PhaseTheory.of(grid, cfg("relu", 0)).orElseThrow();
    assertAll(
        () -> assertEquals(4, t.size()),
        () -> assertEquals(0.72, t.get(0).chi1(), 1e-15),
        () -> assertEquals(1.28, t.get(1).chi1(), 1e-15),
        () -> assertEquals(1.4, PhaseTheory.criticalSigmaW(t, 0), 1e-14),
        () -> assertEquals(1.4, PhaseTheory.criticalSigmaW(t, 1), 1e-14, "sigma_b row"));
  }

  @Test
  void tanhDepthVerdictUsesSixXiC() throws IOException {
    JsonNode golden;
    try (InputStream in = PhaseTheoryTest.class.getResourceAsStream("/meanfield-golden.json")) {
      golden = new ObjectMapper().readTree(in);
    }
    // the golden point sigma_w^2 = 1, sigma_b^2 = 0.05: xi_c = 3.627, so 6 xi_c = 21.8 layers
    JsonNode g = golden.get("tanh_points").get(2);
    assertEquals(1.0, g.get("sigma_w2").asDouble());
    double xiC = g.get("xi_c").asDouble();
    PhaseGrid grid =
        PhaseGrid.of(
            Axis.parse("--x", "model.sigma_w=1"),
            Axis.parse("--y", "model.depths=16,32"),
            List.of());
    List<PhaseTheory.Point> t = PhaseTheory.of(grid, cfg("tanh", Math.sqrt(0.05))).orElseThrow();
    assertAll(
        () -> assertEquals(xiC, t.get(0).xiC(), 1e-7 * xiC * xiC),
        () -> assertEquals(6 * xiC, t.get(0).maxDepth(), 1e-6 * xiC * xiC),
        () -> assertTrue(16 <= t.get(0).maxDepth() && 32 > t.get(1).maxDepth()));
  }

  @Test
  void onlySigmaWAgainstSigmaBOrDepthOfAParametrisedInitGetsATheory() {
    PhaseGrid lr =
        PhaseGrid.of(
            Axis.parse("--x", "model.sigma_w=1,2"),
            Axis.parse("--y", "training.lr=0.1,0.2"),
            List.of());
    PhaseGrid ok =
        PhaseGrid.of(
            Axis.parse("--x", "model.sigma_w=1,2"),
            Axis.parse("--y", "model.depths=1,2"),
            List.of());
    StudyConfig named = ConfigLoader.parse("name: t\n", "t.yaml", List.of());
    assertAll(
        () -> assertTrue(PhaseTheory.of(lr, cfg("tanh", 0)).isEmpty(), "lr axis"),
        () -> assertTrue(PhaseTheory.of(ok, named).isEmpty(), "he_normal"),
        () -> assertTrue(PhaseTheory.of(ok, cfg("tanh", 0)).isPresent()));
  }

  @Test
  void positionIsLinearBetweenCategoryCentres() {
    double[] v = {4, 8, 16, 32};
    assertAll(
        () -> assertEquals(0.5, TheoryOverlay.position(v, 4), 1e-15),
        () -> assertEquals(2.0, TheoryOverlay.position(v, 12), 1e-15),
        () -> assertEquals(3.5, TheoryOverlay.position(v, 32), 1e-15),
        () -> assertEquals(4.0, TheoryOverlay.position(v, 40), 1e-15, "beyond the end"));
  }
}
