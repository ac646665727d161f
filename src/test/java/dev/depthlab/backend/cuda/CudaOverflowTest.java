package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.GroupSpec;
import dev.depthlab.common.UserError;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import org.junit.jupiter.api.Test;

/**
 * No silent overflow in the CUDA backend's launch and buffer arithmetic: a thread count or a buffer
 * past 2^31 - 1 (the kernels' 32-bit indices) is refused by name, never wrapped into a negative
 * number that a grid would round up to one block (the old {@code Math.max(1, negative)}).
 */
class CudaOverflowTest {
  @Test
  void gridsAreExactUpToTheLargestIntAndRefusedBeyond() {
    assertEquals(1, CudaKernelCalls.grid(0));
    assertEquals(1, CudaKernelCalls.grid(CudaKernelCalls.BLOCK));
    assertEquals(2, CudaKernelCalls.grid(CudaKernelCalls.BLOCK + 1));
    // (2^31 - 1) threads: 2^24 blocks of 128; in int arithmetic threads + 127 wrapped negative
    assertEquals(1 << 24, CudaKernelCalls.grid(Integer.MAX_VALUE));
    assertEquals(Integer.MAX_VALUE, CudaKernelCalls.threads(Integer.MAX_VALUE, 1));
    assertEquals(10 * 32 * 16, CudaKernelCalls.threads(10, 32, 16));
    // 46341^2 = 2,147,488,281 wraps to a negative int; 65536 x 32768 = 2^31 wraps to MIN_VALUE
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CudaKernelCalls.threads(46341, 46341));
    assertTrue(e.getMessage().contains("32-bit"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CudaKernelCalls.threads(65536, 32768));
    assertThrows(IllegalArgumentException.class, () -> CudaKernelCalls.threads(10, -1));
    assertThrows(IllegalArgumentException.class, () -> CudaKernelCalls.grid(-5));
  }

  @Test
  void bufferElementsAreExactAndRefusedPastTheKernelsIndices() {
    assertEquals(Integer.MAX_VALUE, GroupLayout.elements("x", Integer.MAX_VALUE));
    UserError e =
        assertThrows(UserError.class, () -> GroupLayout.elements("the batch", 1, 32768, 65536));
    assertTrue(
        e.getMessage().startsWith("cuda: the batch would hold more than 2147483647 elements"),
        e.getMessage());
    // refused at the first partial product past the limit, so no product reaches Long.MAX_VALUE
    assertThrows(
        UserError.class,
        () -> GroupLayout.elements("x", Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
    assertThrows(UserError.class, () -> GroupLayout.elements("x", 4, -1));
  }

  /**
   * A group whose batch activations pass 2^31 elements (2-65536-1, batch 32768: 2^31 values in the
   * hidden layer's rows) fails at creation with the one-line reason, on the emulated device, before
   * it allocates anything; nothing is left allocated.
   */
  @Test
  void aGroupPastTheLimitIsRefusedBeforeItAllocatesOrLaunches() {
    EmulatedDevice dev = NativeTools.emulatedDevice();
    int live = dev.liveAllocations();
    long launches = dev.launches();
    NetworkSpec net = NetworkSpec.of(2, 1, 65536, Activation.RELU, 0.01, Reduction.SUM, 1e-8);
    GroupSpec spec = new GroupSpec(net, Precision.FP32, 32768, 1);
    UserError e =
        assertThrows(
            UserError.class,
            () -> new CudaBackend(dev).createGroup(spec, ParityChecks.setups(net, 0, 1)).close());
    assertTrue(
        e.getMessage().startsWith("cuda: layer 0's batch outputs would hold more than"),
        e.getMessage());
    assertEquals(live, dev.liveAllocations(), "nothing left allocated");
    assertEquals(launches, dev.launches(), "nothing launched");
  }
}
