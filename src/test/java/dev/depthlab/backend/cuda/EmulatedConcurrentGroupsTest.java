package dev.depthlab.backend.cuda;

/**
 * The concurrent-groups checks on the emulated device (runs everywhere g++ is present, and must in
 * CI).
 */
class EmulatedConcurrentGroupsTest extends ConcurrentGroupsChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice();
  }
}
