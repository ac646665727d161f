package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.backend.registry.BackendRegistry;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Availability and fallback of the CUDA backend (its call budget: {@link CudaRoundTripsTest}). */
class CudaBackendTest {
  /**
   * Whatever step of opening the GPU fails (the real probe runs all of {@link JCudaProbe#STEPS} and
   * answers unusable with the failing step's reason; here a probe that answers so), {@code auto}
   * falls back to the CPU with the reason, {@code --backend cuda} fails with it (exit 1), and the
   * device is never opened.
   */
  @Test
  void aFailedProbeMakesAutoFallBackToTheCpu() {
    String step = "kernels";
    String reason = "NVRTC failed to compile kernels/ (simulated)";
    List<String> opened = new ArrayList<>();
    CudaBackend cuda =
        new CudaBackend(
            () -> Availability.unusable(reason, Map.of("step", step)),
            () -> {
              opened.add(step);
              return NativeTools.emulatedDevice();
            });
    NetworkSpec spec = NetworkSpec.of(2, 1, 4, Activation.RELU, 0.01, Reduction.SUM, 1e-8);
    UserError e =
        assertThrows(
            UserError.class,
            () -> cuda.createGroup(new GroupSpec(spec, Precision.FP64, 4, 4), List.of()));
    assertEquals(UserError.FAILURE, e.exitCode());
    assertEquals("cuda: " + reason, e.getMessage());

    List<String> notices = new ArrayList<>();
    BackendRegistry reg = new BackendRegistry(List.of(cuda, new CpuBackend()));
    Backend chosen = reg.select("auto", notices::add);
    assertEquals("cpu", chosen.name());
    // quiet without an NVIDIA driver, loud with one (this machine's driver decides which)
    assertEquals(
        List.of(
            CudaBackend.fallbackNotice(Availability.unusable(reason), CudaBackend.driverPresent())),
        notices);
    // the run's record says why the GPU was not used
    assertEquals("cuda: " + reason, chosen.availability().details().get(Availability.PASSED_OVER));
    assertEquals(
        new CpuBackend().availability().details().get("device"),
        chosen.availability().details().get("device"));
    UserError named = assertThrows(UserError.class, () -> reg.select("cuda", s -> {}));
    assertEquals(UserError.FAILURE, named.exitCode());
    assertEquals("cuda backend unavailable: " + reason, named.getMessage());
    assertEquals(List.of(), opened, "the device must not be opened after a failed probe");
  }

  /** A probe that throws is reported as unusable, not propagated. */
  @Test
  void aThrowingProbeIsUnusableWithItsMessage() {
    CudaBackend cuda =
        new CudaBackend(
            () -> {
              throw new UnsatisfiedLinkError("libJCudaDriver: cannot open\nsecond line");
            },
            NativeTools::emulatedDevice);
    Availability av = cuda.availability();
    assertFalse(av.usable());
    assertEquals("CUDA probe failed: libJCudaDriver: cannot open", av.reason());
  }

  /**
   * The usable branch of the backend on a stub probe (so it runs on every machine): the backend is
   * usable, {@code auto} picks it without a notice, and its groups live on the probe's device and
   * free their memory there.
   */
  @Test
  void aUsableProbeHandsItsDeviceToTheGroups() {
    EmulatedDevice emulated = NativeTools.emulatedDevice();
    List<String> opened = new ArrayList<>();
    CudaBackend cuda =
        new CudaBackend(
            () -> Availability.usable(Map.of("device", "stub")),
            () -> {
              opened.add("device");
              return emulated;
            });
    assertTrue(cuda.availability().usable());
    List<String> notices = new ArrayList<>();
    BackendRegistry reg = new BackendRegistry(List.of(cuda, new CpuBackend()));
    assertEquals("cuda", reg.select("auto", notices::add).name());
    assertEquals(List.of(), notices);
    assertSame(emulated, cuda.device());

    NetworkSpec spec = NetworkSpec.of(2, 1, 4, Activation.RELU, 0.01, Reduction.SUM, 1e-8);
    int before = emulated.liveAllocations();
    try (Group g =
        cuda.createGroup(
            new GroupSpec(spec, Precision.FP64, 4, 4), ParityChecks.setups(spec, 0, 2))) {
      assertTrue(emulated.liveAllocations() > before, "the group allocates on the probe's device");
      assertEquals(2, g.allParameters().size());
    }
    assertEquals(before, emulated.liveAllocations(), "the group frees what it allocated");
    assertEquals(List.of("device", "device"), opened, "device() and createGroup ask the supplier");
  }

  /**
   * Where this machine has a usable GPU: the real probe went through every step of {@link
   * JCudaProbe#STEPS} (the kernels compiled or came from the PTX cache) and the device allocates.
   * Skipped, with the probe's reason, elsewhere.
   */
  @Test
  void theRealProbeOpensAUsableGpuThroughEveryStep() {
    Device gpu = RealGpu.require(getClass());
    Availability av = new CudaBackend().availability();
    assertTrue(av.usable(), av.toString());
    assertTrue(av.details().get("kernels").startsWith("NVRTC compute_"), av.toString());
    long p = gpu.alloc(64);
    gpu.free(p);
  }

  /**
   * Where this machine has no usable GPU: the real probe says why in one line, the shared device is
   * refused, and {@code --backend cuda} fails (exit 1) with that line. Skipped, with the reason,
   * where a GPU is usable.
   */
  @Test
  void withoutAUsableGpuTheRealProbeSaysWhyInOneLine() {
    CudaBackend cuda = new CudaBackend();
    Availability av = cuda.availability();
    System.out.println("cuda availability here: " + av);
    if (av.usable()) {
      String reason = "this machine has a usable GPU: " + av.details().get("device");
      System.out.println("SKIPPED withoutAUsableGpuTheRealProbeSaysWhyInOneLine: " + reason);
      Assumptions.abort(reason);
    }
    assertFalse(av.reason().isBlank());
    assertFalse(av.reason().contains("\n"), "one line: " + av.reason());
    assertThrows(IllegalStateException.class, JCudaProbe::shared);
    UserError e = assertThrows(UserError.class, cuda::device);
    assertEquals(UserError.FAILURE, e.exitCode());
    assertEquals("cuda: " + av.reason(), e.getMessage());
  }

  /**
   * A failed probe with an NVIDIA driver present is a setup problem: the notice stands out and
   * names the fix; without a driver it stays one quiet line.
   */
  @Test
  void theFallbackIsLoudWhereADriverIsPresent() {
    Availability av = Availability.unusable("libcublas.so.12 not found in 5 folders searched");
    assertEquals(
        "cuda unavailable (libcublas.so.12 not found in 5 folders searched); using the next"
            + " backend",
        CudaBackend.fallbackNotice(av, false));
    List<String> loud = CudaBackend.fallbackNotice(av, true).lines().toList();
    assertEquals(4, loud.size(), loud.toString());
    assertTrue(loud.get(0).startsWith("depthlab: WARNING ====="), loud.get(0));
    assertEquals(loud.get(0), loud.get(3));
    assertEquals(
        "depthlab: WARNING: an NVIDIA driver is present, but the GPU is NOT used: cuda unavailable"
            + " (libcublas.so.12 not found in 5 folders searched); using the next backend",
        loud.get(1));
    assertTrue(loud.get(2).contains("fix: run tools/cuda-libs.sh"), loud.get(2));
  }
}
