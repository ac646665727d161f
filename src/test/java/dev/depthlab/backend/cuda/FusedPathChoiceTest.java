package dev.depthlab.backend.cuda;

import static dev.depthlab.backend.cuda.ParityChecks.BATCH;
import static dev.depthlab.backend.cuda.ParityChecks.N_TRAIN;
import static dev.depthlab.backend.cuda.ParityChecks.setups;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.UserError;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ConfigYaml;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The choice between the fused and the layered path ({@link CudaBackend#usesFused}, {@code
 * cuda.kernel}), the fused path's shared-memory layout, and what bench reports of the paths.
 */
class FusedPathChoiceTest {
  private static Device device() {
    return NativeTools.emulatedDevice();
  }

  private static GroupSpec groupSpec(NetworkSpec spec, Precision p) {
    return FusedParityChecks.groupSpec(spec, p);
  }

  // ---------------------------------------------------------------------------------------------
  // The automatic choice

  @Test
  void autoTakesTheFusedPathExactlyWhenTheShapeQualifies() {
    GroupSpec seedStudy =
        new GroupSpec(ParityChecks.spec(Activation.RELU, 8, Reduction.SUM), Precision.FP64, 32, 63);
    GroupSpec wide =
        new GroupSpec(
            new NetworkSpec(new int[] {2, 65, 1}, Activation.RELU, 0.01, Reduction.SUM, 1e-8),
            Precision.FP64,
            32,
            63);
    // 64 wide, 8 deep, batch 256: activations alone are 256 x (8 + 2 x 8 x 64 + 1) x 8 > 99 KiB
    GroupSpec bigBatch =
        new GroupSpec(
            NetworkSpec.of(8, 8, 64, Activation.RELU, 0.01, Reduction.SUM, 1e-8),
            Precision.FP64,
            256,
            8);
    assertAll(
        () -> assertTrue(CudaBackend.usesFused(CudaBackend.KernelPath.AUTO, seedStudy)),
        () -> assertFalse(CudaBackend.usesFused(CudaBackend.KernelPath.LAYERED, seedStudy)),
        () -> assertTrue(CudaBackend.usesFused(CudaBackend.KernelPath.FUSED, seedStudy)),
        () -> assertFalse(CudaBackend.usesFused(CudaBackend.KernelPath.AUTO, wide)),
        () -> assertFalse(CudaBackend.usesFused(CudaBackend.KernelPath.AUTO, bigBatch)),
        () -> {
          UserError e =
              assertThrows(
                  UserError.class, () -> CudaBackend.usesFused(CudaBackend.KernelPath.FUSED, wide));
          assertEquals(UserError.USAGE, e.exitCode(), e.getMessage());
          assertTrue(e.getMessage().contains("65 units"), e.getMessage());
        },
        // a Turing or Volta GPU allows a block less shared memory than the budget: layered there
        () -> {
          Map<String, String> turing = Map.of("compute capability", "7.5");
          Map<String, String> a100 = Map.of("compute capability", "8.0");
          Map<String, String> h100 = Map.of("compute capability", "9.0");
          var auto = CudaBackend.KernelPath.AUTO;
          assertFalse(CudaBackend.usesFused(auto, seedStudy, turing));
          assertTrue(CudaBackend.usesFused(auto, seedStudy, a100));
          assertTrue(CudaBackend.usesFused(auto, seedStudy, h100));
          UserError e =
              assertThrows(
                  UserError.class,
                  () -> CudaBackend.usesFused(CudaBackend.KernelPath.FUSED, seedStudy, turing));
          assertTrue(e.getMessage().contains("compute capability 7.5"), e.getMessage());
        });
  }

  /**
   * The seed study's fp64 depth-8 net at batch 32 keeps everything in shared memory, by hand from
   * {@link FusedLayout}: 16 B x 32 (loss, correctness) + 4 B x (4 + 12 x 9) table entries + 8 B x
   * (2 x 1969 parameters + 114 W-row pads (one per row of an even-width layer: 2 + 7 x 16) + 37
   * pads staggering the weight gradients (29 before layer 0, then 1 before each of the 8 others) +
   * 32 x 259 activation columns + 32 input-row pads (the output layer's 16-wide input rows padded
   * to 17) + 32 labels) = 512 + 448 + 99,528 = 100,488 bytes; the same at batch 16 without the
   * parameters: 256 + 448 + 8 x (1969 + 8 stagger pads + 16 x 260 + 16) = 49,928.
   */
  @Test
  void sharedMemoryLayoutSizes() {
    NetworkSpec net = ParityChecks.spec(Activation.RELU, 8, Reduction.SUM);
    GroupSpec b32 = new GroupSpec(net, Precision.FP64, 32, 63);
    GroupSpec b16 = new GroupSpec(net, Precision.FP64, 16, 63);
    assertEquals(100_488, FusedEpoch.sharedBytes(b32, true));
    assertEquals(49_928, FusedEpoch.sharedBytes(b16, false));
    assertTrue(FusedEpoch.weightsFit(b32));
  }

  /**
   * What bench prints as launches per step ({@link CudaBackend#launchesPerStep}) against the calls
   * counted on the device over an epoch of 4 steps (the last one partial): the layered path's 5
   * (depth + 1) + 2 a step, the fused path's one launch an epoch, which also copies in only twice
   * (the order at beginEpoch, the step table at endEpoch) and reads the diagnostics once.
   */
  @Test
  void launchesPerStepAreThoseCountedOnTheDevice() {
    NetworkSpec spec = ParityChecks.spec(Activation.TANH, 3, Reduction.SUM);
    GroupSpec gs = new GroupSpec(spec, Precision.FP64, BATCH, 4);
    for (CudaBackend.KernelPath path :
        List.of(CudaBackend.KernelPath.LAYERED, CudaBackend.KernelPath.FUSED)) {
      CountingDevice dev = new CountingDevice(device());
      CudaBackend backend = new CudaBackend(dev, path);
      try (Group g = backend.createGroup(gs, setups(spec, 0, 2))) {
        int[][] order = new int[2][N_TRAIN];
        CountingDevice.Snapshot before = dev.counts().snapshot();
        g.beginEpoch(order);
        int steps = 0;
        for (int off = 0; off < N_TRAIN; off += BATCH) {
          g.step(off, Math.min(BATCH, N_TRAIN - off), 0.01);
          steps++;
        }
        g.endEpoch();
        CountingDevice.Snapshot d = dev.counts().snapshot().minus(before);
        double perStep = (double) (d.launches() + d.gemms()) / steps;
        assertEquals(
            backend.launchesPerStep(gs, steps), perStep, 1e-12, path + " launches per step");
        if (path == CudaBackend.KernelPath.FUSED) {
          assertEquals(1, d.launches() + d.gemms(), "fused: one launch an epoch");
          assertEquals(2, d.copiesIn(), "fused: the order and the step table");
          assertEquals(1, d.copiesOut(), "fused: the diagnostics");
        } else {
          assertEquals(5 * 4 + 2, perStep, "layered: 5 (depth + 1) + 2");
        }
      }
    }
  }

  /**
   * bench times the CUDA backend as three rows, one per GPU path (fused, layered step by step,
   * layered as graphs); other backends as they are.
   */
  @Test
  void benchHasARowPerGpuPath() {
    List<String> names = new CudaBackend().benchRows().stream().map(b -> b.name()).toList();
    assertEquals(List.of("cuda-fused", "cuda-layered", "cuda-graphs"), names);
    assertEquals(List.of("cpu"), new CpuBackend().benchRows().stream().map(b -> b.name()).toList());
    assertEquals("cuda", new CudaBackend().name());
  }

  /**
   * {@code cuda.kernel}: auto, fused and layered by name through the config, anything else a
   * one-line refusal naming the key.
   */
  @Test
  void theKernelKeyParses() {
    for (CudaBackend.KernelPath k : CudaBackend.KernelPath.values()) {
      assertEquals(k, CudaBackend.KernelPath.of(k.key()));
    }
    assertThrows(IllegalArgumentException.class, () -> CudaBackend.KernelPath.of("fast"));
    StudyConfig fused =
        ConfigLoader.load(
            Path.of("config/quick.yaml"), List.of("cuda.kernel=fused", "cuda.graphs=off"));
    assertEquals(
        Map.of("cuda", Map.of("graphs", "off", "kernel", "fused")),
        fused.backendOptions().sections());
    // the registry hands the settings to the backend: graphs off, and fused (one launch an epoch)
    CudaBackend configured =
        (CudaBackend) BackendRegistry.standard(fused.backendOptions()).all().get(0);
    assertEquals(CudaBackend.Graphs.OFF, configured.graphs());
    NetworkSpec small = NetworkSpec.of(2, 2, 16, Activation.RELU, 0, Reduction.SUM, 1e-8);
    assertEquals(
        1.0 / 7, configured.launchesPerStep(new GroupSpec(small, Precision.FP64, 32, 7), 7));
    assertEquals(
        ConfigYaml.hash(ConfigLoader.load(Path.of("config/quick.yaml"), List.of())),
        ConfigYaml.hash(fused),
        "how the GPU runs is not part of the protocol");
    UserError e =
        assertThrows(
            UserError.class,
            () -> ConfigLoader.load(Path.of("config/quick.yaml"), List.of("cuda.kernel=fast")));
    assertTrue(e.getMessage().contains("cuda.kernel"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
