package dev.depthlab.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.model.Activation;
import dev.depthlab.model.Init;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Reduction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The resource estimate against counts made another way: the parameter arrays {@link
 * Parameters#zeros} really allocates for the network a run builds, the CPU net's activation buffers
 * counted from the layer sizes of its {@link NetworkSpec} (CpuNet64: a, z, dz of a batch), and the
 * analytic sums of a depths-and-width network against the same network as explicit layers.
 */
class ResourceEstimateTest {
  private static StudyConfig study(String yaml) {
    return ConfigLoader.parse(yaml, "x.yaml", List.of());
  }

  private static long allocated(Parameters p) {
    long n = 0;
    for (int l = 0; l < p.layers(); l++) {
      n += p.weights()[l].length + p.biases()[l].length;
    }
    return n;
  }

  @ParameterizedTest(name = "depth {0} width {1}")
  @CsvSource({"0, 16", "1, 16", "2, 3", "8, 16", "4, 100", "20, 7"})
  void parametersAreTheArraysARunAllocates(int depth, int width) {
    StudyConfig c = study("model: {depths: [" + depth + "], width: " + width + "}\n");
    NetworkSpec net = NetworkSpec.of(2, depth, width, Activation.RELU, 0, Reduction.SUM, 1e-8);
    assertEquals(
        allocated(Parameters.zeros(net)), ResourceEstimate.forRun(c).parameters(), "parameters");
  }

  @Test
  void theDeepestNetworkOfTheStudyIsTheOneCounted() {
    StudyConfig c = study("model: {depths: [1, 6, 2], width: 10}\n");
    NetworkSpec deepest = NetworkSpec.of(2, 6, 10, Activation.RELU, 0, Reduction.SUM, 1e-8);
    assertEquals(allocated(Parameters.zeros(deepest)), ResourceEstimate.forRun(c).parameters());
  }

  @Test
  void explicitLayersAreCountedLayerByLayer() {
    StudyConfig c = study("model: {layers: [2, 5, 9, 3, 1]}\n");
    NetworkSpec net =
        new NetworkSpec(new int[] {2, 5, 9, 3, 1}, Activation.RELU, 0, Reduction.SUM, 1e-8);
    assertEquals(allocated(Parameters.zeros(net)), ResourceEstimate.forRun(c).parameters());
  }

  /** The CPU net's a[l] (batch x fanIn), z[l] and dz[l] (batch x fanOut), in doubles. */
  @ParameterizedTest(name = "depth {0} width {1} batch {2}")
  @CsvSource({"1, 16, 32", "8, 16, 32", "3, 64, 500", "0, 16, 8"})
  void activationsHoldTheCpuNetsBatchBuffers(int depth, int width, int batch) {
    StudyConfig c =
        study(
            "model: {depths: ["
                + depth
                + "], width: "
                + width
                + "}\ntraining: {batch_size: "
                + batch
                + "}\n");
    NetworkSpec net = NetworkSpec.of(2, depth, width, Activation.RELU, 0, Reduction.SUM, 1e-8);
    double buffers = 0;
    for (int l = 0; l < net.layers(); l++) {
      buffers += 8.0 * batch * (net.fanIn(l) + 2 * net.fanOut(l));
    }
    ResourceEstimate e = ResourceEstimate.forRun(c);
    assertTrue(
        e.activationBytes() >= buffers,
        "activations " + e.activationBytes() + " hold the batch buffers " + buffers);
    // the rest is the evaluation chunks and the index lists: within a few times the buffers
    assertTrue(
        e.activationBytes() <= buffers + 6.0 * 8 * ResourceEstimate.EVAL_CHUNK * (width + 2) * 2,
        "activations " + e.activationBytes() + " not far beyond " + buffers);
  }

  @Test
  void aDepthOfAMillionIsCountedNotBuilt() {
    // built directly: the loader refuses this depth (Limits), with this estimate in its message
    StudyConfig d = ConfigLoader.defaults();
    StudyConfig deep =
        new StudyConfig(
            d.name(),
            d.data(),
            new ModelConfig(
                List.of(1_000_000), 16, List.of(), Activation.RELU, 0, Init.HE_NORMAL, 0),
            d.training(),
            d.seeds(),
            d.precision(),
            d.backend(),
            d.diagnostics());
    ResourceEstimate e = ResourceEstimate.forRun(deep);
    // 2x16 + 16 biases, 999,999 layers of 16x16 + 16, 16 + 1 at the output
    assertEquals(48 + 999_999.0 * 272 + 17, e.parameters());
    assertTrue(e.hostBytes() > 20.0 * (1L << 30), "over 20 GiB: " + e.hostBytes());
  }

  @Test
  void depthsAndWidthCountLikeTheSameExplicitLayers() {
    ResourceEstimate a = ResourceEstimate.forRun(study("model: {depths: [3], width: 7}\n"));
    ResourceEstimate b = ResourceEstimate.forRun(study("model: {layers: [2, 7, 7, 7, 1]}\n"));
    assertAll(
        () -> assertEquals(b.parameters(), a.parameters()),
        () -> assertEquals(b.parameterBytes(), a.parameterBytes()),
        () -> assertEquals(b.activationBytes(), a.activationBytes()),
        () -> assertEquals(b.deviceBytes(), a.deviceBytes()),
        () -> assertEquals(b.runFlops(), a.runFlops()));
  }

  @Test
  void aGroupIsItsReplicasTimesOneRun() {
    StudyConfig c = study("seeds: [0, 1, 2, 3]\n");
    ResourceEstimate one = ResourceEstimate.forRun(c);
    ResourceEstimate four = ResourceEstimate.forGroup(c, 4);
    assertEquals(4 * one.hostBytes(), four.hostBytes(), 1e-6 * four.hostBytes());
    // on the device, the predict buffers are the group's, once: a little under four runs
    assertTrue(
        four.deviceBytes() > 3 * one.deviceBytes() && four.deviceBytes() < 4 * one.deviceBytes(),
        four.deviceBytes() + " against one run's " + one.deviceBytes());
  }

  /** 6 FLOP per weight and sample of a step, 2 per weight and point of a diagnostic pass. */
  @Test
  void computeCountsEveryRunOfTheStudy() {
    StudyConfig c =
        study(
            "data: {sets: [circle, xor], n_train: 100, test: {n: 50}}\nmodel: {depths: [1, 3],"
                + " width: 4}\ntraining: {epochs: 5, batch_size: 30}\nseeds: [0, 1, 2]\n");
    double total = 0;
    for (int depth : List.of(1, 3)) {
      NetworkSpec net = NetworkSpec.of(2, depth, 4, Activation.RELU, 0, Reduction.SUM, 1e-8);
      double weights = 0;
      for (int l = 0; l < net.layers(); l++) {
        weights += net.fanIn(l) * net.fanOut(l);
      }
      // 4 steps an epoch (30, 30, 30, 10 samples) are counted as 4 full batches
      double run = 5 * 4 * 6 * weights * 30 + 5 * 2 * weights * 150;
      total += 2 * 3 * run;
    }
    assertEquals(total, ResourceEstimate.forRun(c).studyFlops(), 1e-9 * total);
  }

  @Test
  void sizesArePrintedInBinaryUnits() {
    assertAll(
        () -> assertEquals("512 B", ResourceEstimate.bytes(512)),
        () -> assertEquals("1.5 KiB", ResourceEstimate.bytes(1536)),
        () -> assertEquals("75 GiB", ResourceEstimate.bytes(74.6 * (1L << 30))),
        () -> assertEquals("2.0 TiB", ResourceEstimate.bytes(2.0 * (1L << 40))));
  }
}
