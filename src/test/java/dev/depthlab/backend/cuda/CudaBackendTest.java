package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Availability;
import dev.depthlab.backend.BackendRegistry;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.cpu.CpuBackend;
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
  @Test
  void availabilityNeverThrowsAndExplainsItself() {
    Availability av = new CudaBackend().availability();
    System.out.println("cuda availability: " + av);
    if (av.usable()) {
      assertTrue(av.details().containsKey("device"), av.toString());
      assertTrue(av.details().containsKey("compute capability"), av.toString());
    } else {
      assertFalse(av.reason().isBlank());
      assertFalse(av.reason().contains("\n"), "one line: " + av.reason());
    }
  }

  @Test
  void anUnusableCudaFailsCreateGroupAndAutoFallsBackToCpu() {
    Availability av = new CudaBackend().availability();
    if (av.usable()) {
      return; // nothing to fall back from on a machine with a GPU
    }
    NetworkSpec spec = NetworkSpec.of(2, 1, 4, Activation.RELU, 0.01, Reduction.SUM, 1e-8);
    UserError e =
        assertThrows(
            UserError.class,
            () ->
                new CudaBackend()
                    .createGroup(new GroupSpec(spec, Precision.FP64, 4, 4), List.of()));
    assertEquals(UserError.FAILURE, e.exitCode());
    assertTrue(e.getMessage().contains(av.reason()), e.getMessage());

    List<String> notices = new ArrayList<>();
    BackendRegistry reg = new BackendRegistry(List.of(new CudaBackend(), new CpuBackend()));
    assertEquals("cpu", reg.select("auto", notices::add).name());
    assertEquals(
        List.of("cuda unavailable (" + av.reason() + "); using the next backend"), notices);
    UserError named = assertThrows(UserError.class, () -> reg.select("cuda", s -> {}));
    assertEquals(UserError.FAILURE, named.exitCode());
  }
}
