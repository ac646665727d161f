package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The parity checks on a real CUDA device; skipped, with the reason printed, without one. */
class GpuParityTest extends ParityChecks {
  private static JCudaDevice gpu;
  private static Availability availability;

  @BeforeAll
  static void openDevice() {
    availability = JCudaDevice.probe();
    if (!availability.usable()) {
      System.out.println("SKIPPED GpuParityTest: no usable CUDA device: " + availability.reason());
      return;
    }
    gpu = JCudaDevice.shared();
    System.out.println("GpuParityTest on " + gpu.details());
  }

  /** Per test, so the report counts every parity check as skipped, with the reason. */
  @BeforeEach
  void requireDevice() {
    Assumptions.assumeTrue(
        availability.usable(), () -> "no usable CUDA device: " + availability.reason());
  }

  @Override
  Device device() {
    return gpu;
  }
}
