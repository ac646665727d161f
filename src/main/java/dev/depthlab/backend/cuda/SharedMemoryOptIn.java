package dev.depthlab.backend.cuda;

import java.util.HashMap;
import java.util.Map;

/**
 * Each kernel function's opt-in to more than {@link #WITHOUT_OPT_IN} bytes of dynamic shared memory
 * per block ({@code CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES}), shared by every lane of a
 * device.
 *
 * <p>The attribute belongs to the function, not to a group or a stream, and {@code cuLaunchKernel}
 * checks every launch against its value at that moment. Set to each group's own size, the last
 * group to prepare would win: a depth-6 fp64 group (75,032 bytes) prepared after a depth-8 one
 * (100,488 bytes) would lower the limit, and every later depth-8 launch would fail with {@code
 * CUDA_ERROR_INVALID_VALUE}. So a function's limit only ever rises, to the largest size any group
 * has asked for, and reading and setting it happen under one lock (this object's).
 */
final class SharedMemoryOptIn {
  /** Dynamic shared memory a block may use without the opt-in. */
  static final int WITHOUT_OPT_IN = 48 * 1024;

  /** Sets a function's attribute (on a GPU {@code cuFuncSetAttribute}); throws when refused. */
  @FunctionalInterface
  interface Attribute {
    void set(String kernel, int bytes);
  }

  private final Attribute attribute;

  /** Kernel name to the limit set so far; absent: {@link #WITHOUT_OPT_IN}. Guarded by this. */
  private final Map<String, Integer> limits = new HashMap<>();

  SharedMemoryOptIn(Attribute attribute) {
    this.attribute = attribute;
  }

  /**
   * Makes sure {@code kernel} may launch with {@code bytes} of dynamic shared memory: raises its
   * limit to {@code bytes} when it is lower, never lowers it.
   */
  synchronized void ensure(String kernel, int bytes) {
    if (bytes > limit(kernel)) {
      attribute.set(kernel, bytes);
      limits.put(kernel, bytes);
    }
  }

  /** The limit set for {@code kernel} so far. */
  synchronized int limit(String kernel) {
    return limits.getOrDefault(kernel, WITHOUT_OPT_IN);
  }
}
