package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.cuda.EmulatedDevice.ThreadOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The emulator's warp-level rendezvous (native/shim.h: {@code __syncwarp}, {@code
 * __shfl_xor_sync}): a warp's threads meet as a block's do at {@code __syncthreads}, in every
 * thread order, and a warp some of whose threads never arrive fails the launch.
 */
class EmulatedWarpSyncTest {
  private static final int BLOCK = 128;
  private static final int GRID = 2;

  /**
   * test_warp_xor_sum (native/faults/barriers.cu): a butterfly of shuffles leaves every lane with
   * its warp's sum, computed here; without the rendezvous a lane would read a slot another lane has
   * not written yet (or has overwritten).
   */
  @ParameterizedTest
  @EnumSource(ThreadOrder.class)
  void shufflesGiveEveryLaneItsWarpsSum(ThreadOrder order) {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(order, 23);
        Lane lane = dev.openLane()) {
      int n = GRID * BLOCK;
      double[] v = new double[n];
      for (int t = 0; t < n; t++) {
        v[t] = (t * 37) % 101;
      }
      long p = dev.alloc(8L * n);
      lane.copyIn(p, v);
      lane.launch("test_warp_xor_sum_f64", GRID, BLOCK, p);
      double[] got = new double[n];
      lane.copyOut(p, got);
      double[] want = new double[n];
      for (int w = 0; w < n; w += 32) {
        double sum = 0;
        for (int t = w; t < w + 32; t++) {
          sum += v[t];
        }
        for (int t = w; t < w + 32; t++) {
          want[t] = sum;
        }
      }
      assertArrayEquals(want, got, order.toString());
    }
  }

  /** A warp whose odd lanes return before its __syncwarp fails the launch, naming the place. */
  @ParameterizedTest
  @EnumSource(ThreadOrder.class)
  void aDivergentSyncwarpFailsLoudly(ThreadOrder order) {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(order, 29);
        Lane lane = dev.openLane()) {
      long p = dev.alloc(8L * BLOCK);
      lane.launch("fault_divergent_syncwarp_f64", 1, BLOCK, p);
      IllegalStateException e = assertThrows(IllegalStateException.class, lane::synchronize);
      String msg = e.getMessage();
      assertAll(
          () -> assertTrue(msg.contains("fault_divergent_syncwarp_f64"), msg),
          () -> assertTrue(msg.contains("divergent __syncwarp"), msg),
          () -> assertTrue(msg.contains("returned"), msg),
          () -> assertTrue(msg.contains("barriers.cu:"), msg));
    }
  }
}
