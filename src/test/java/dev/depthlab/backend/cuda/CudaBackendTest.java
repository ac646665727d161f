package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
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
import org.junit.jupiter.api.Test;

/** Availability and fallback of the CUDA backend (its call budget: {@link CudaRoundTripsTest}). */
class CudaBackendTest {
  /**
   * Whatever step of opening the GPU fails (the real probe runs all of {@link JCudaDevice#STEPS}
   * and answers unusable with the failing step's reason; here a probe that answers so), {@code
   * auto} falls back to the CPU with the reason, {@code --backend cuda} fails with it (exit 1), and
   * the device is never opened.
   */
  @Test
  void aFailedProbeMakesAutoFallBackToTheCpu() {
    String step = "kernels";
    String reason = "NVRTC failed to compile kernels/ (simulated)";
    List<String> opened = new ArrayList<>();
    CudaBackend cuda =
        new CudaBackend(
            () -> Availability.unusable(reason, java.util.Map.of("step", step)),
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
    assertEquals("cpu", reg.select("auto", notices::add).name());
    assertEquals(List.of("cuda unavailable (" + reason + "); using the next backend"), notices);
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

  /** This machine's real probe: usable with a device, or one line of reason. */
  @Test
  void theRealProbeRunsEveryStepOrSaysWhichFailed() {
    Availability av = new CudaBackend().availability();
    System.out.println("cuda availability here: " + av);
    if (av.usable()) {
      Device gpu = JCudaDevice.shared();
      assertTrue(av.details().get("kernels").startsWith("NVRTC compute_"), av.toString());
      long p = gpu.alloc(64);
      gpu.free(p);
    } else {
      assertFalse(av.reason().isBlank());
      assertFalse(av.reason().contains("\n"), "one line: " + av.reason());
      assertThrows(IllegalStateException.class, JCudaDevice::shared);
    }
  }
}
