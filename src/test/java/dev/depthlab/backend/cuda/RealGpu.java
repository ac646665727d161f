package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * The real GPU of the device-parameterised tests ({@code Gpu*Test}): the device the probe opened,
 * or the test is skipped with the probe's reason (printed once per test class).
 */
final class RealGpu {
  private static final Set<String> told = ConcurrentHashMap.newKeySet();

  private RealGpu() {}

  /** {@link JCudaProbe#shared()}, or aborts the calling test with the reason. */
  static Device require(Class<?> test) {
    Availability av = JCudaProbe.probe();
    String who = test.getSimpleName();
    if (!av.usable()) {
      String reason = "no usable CUDA device: " + av.reason();
      if (told.add(who)) {
        System.out.println("SKIPPED " + who + ": " + reason);
      }
      Assumptions.abort(reason);
    }
    Device gpu = JCudaProbe.shared();
    if (told.add(who)) {
      System.out.println(who + " on " + gpu.details());
    }
    return gpu;
  }
}
