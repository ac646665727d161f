package dev.depthlab.backend.cuda;

/** Each kernel alone against its Java version, on the emulated device (runs wherever g++ is). */
class EmulatedKernelsTest extends KernelChecks {
  @Override
  Device device() {
    return NativeTools.emulatedDevice();
  }
}
