package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The shared-memory groups checks on a fresh emulated device per case, and the emulator's own rule
 * they rest on: a launch above its function's current dynamic shared-memory limit is refused.
 */
class EmulatedSharedMemoryGroupsTest extends SharedMemoryGroupsChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0L);
  }

  @Override
  void release(Device dev) {
    dev.close();
  }

  @Test
  void aLaunchAboveItsFunctionsCurrentLimitIsRefused() {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0L)) {
      String kernel = "fused_epoch_f64";
      assertEquals(SharedMemoryOptIn.WITHOUT_OPT_IN, dev.maxDynamicShared(kernel));
      dev.setMaxDynamicShared(kernel, 100_488);
      assertEquals(100_488, dev.maxDynamicShared(kernel));
      dev.setMaxDynamicShared(kernel, 75_032); // an attribute may be lowered, as on a GPU
      assertEquals(75_032, dev.maxDynamicShared(kernel));
      IllegalArgumentException tooMuch =
          assertThrows(
              IllegalArgumentException.class,
              () -> dev.setMaxDynamicShared(kernel, EmulatedDevice.MAX_SHARED + 1));
      assertTrue(tooMuch.getMessage().contains("CUDA_ERROR_INVALID_VALUE"), tooMuch.getMessage());
    }
  }

  @Test
  void theBackendsPolicyOnlyRaisesALimit() {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0L)) {
      // prepared through the device, as FusedEpoch does: the policy sets the attribute
      try (var big = create(dev, 8);
          var small = create(dev, 6)) {
        int want = FusedEpoch.sharedBytes(groupSpec(8), true);
        assertEquals(100_488, want, "the seed study's fp64 depth 8 at batch 32");
        assertEquals(75_032, FusedEpoch.sharedBytes(groupSpec(6), true));
        assertEquals(want, dev.maxDynamicShared("fused_epoch_f64"));
      }
      // a launch above a lowered limit (what the old code did) fails at enqueue
      dev.setMaxDynamicShared("fused_epoch_f64", 75_032);
      try (var big = create(dev, 8)) {
        // the policy remembers it raised the limit to 100,488, so it does not set it again here;
        // the launch meets the lowered attribute and is refused, as cuLaunchKernel refuses it
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> train(big, 8, null));
        assertTrue(
            e.getMessage().contains("CUDA_ERROR_INVALID_VALUE")
                && e.getMessage().contains("100488"),
            e.getMessage());
      }
    }
  }
}
