package dev.depthlab.backend.cuda;

/**
 * The sweep --jobs checks on the emulated device (runs everywhere g++ is present, and must in CI).
 */
class EmulatedSweepJobsTest extends SweepJobsChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice();
  }
}
