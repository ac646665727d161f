package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The parity checks on a real CUDA device; skipped, with the reason printed, without one. */
class GpuParityTest extends ParityChecks {
  private static JCudaDevice gpu;

  @BeforeAll
  static void openDevice() {
    Availability av = JCudaDevice.probe();
    if (!av.usable()) {
      System.out.println("SKIPPED GpuParityTest: no usable CUDA device: " + av.reason());
      Assumptions.abort("no usable CUDA device: " + av.reason());
    }
    gpu = new JCudaDevice();
    System.out.println("GpuParityTest on " + gpu.details());
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
