package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The concurrent-groups checks on a real CUDA device (lanes are streams running side by side);
 * skipped, with the reason printed, without one.
 */
class GpuConcurrentGroupsTest extends ConcurrentGroupsChecks {
  private static JCudaDevice gpu;
  private static Availability availability;

  @BeforeAll
  static void openDevice() {
    availability = JCudaDevice.probe();
    if (!availability.usable()) {
      System.out.println(
          "SKIPPED GpuConcurrentGroupsTest: no usable CUDA device: " + availability.reason());
      return;
    }
    gpu = new JCudaDevice();
    System.out.println("GpuConcurrentGroupsTest on " + gpu.details());
  }

  /** Per test, so the report counts every check as skipped, with the reason. */
  @BeforeEach
  void requireDevice() {
    Assumptions.assumeTrue(
        availability.usable(), () -> "no usable CUDA device: " + availability.reason());
  }

  @AfterAll
  static void closeDevice() {
    if (gpu != null) {
      gpu.close();
    }
  }

  @Override
  Device device() {
    return gpu;
  }
}
