package dev.depthlab.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The device memory of one group: what it allocates on the {@link Device} (freed together by {@link
 * #release}), and its copies on the group's {@link Lane} in the group's precision (T is double in
 * fp64, float in fp32; the host always sees doubles).
 */
final class GroupMemory {
  private final Device device;
  private final Lane lane;
  private final boolean fp64;

  /** Bytes per element of T. */
  final int elem;

  private final List<Long> owned = new ArrayList<>();

  GroupMemory(Device device, Lane lane, boolean fp64) {
    this.device = device;
    this.lane = lane;
    this.fp64 = fp64;
    this.elem = fp64 ? 8 : 4;
  }

  Lane lane() {
    return lane;
  }

  /** At least 8 bytes of zeroed device memory, freed with the group. */
  long alloc(long bytes) {
    long p = device.alloc(Math.max(bytes, 8));
    owned.add(p);
    return p;
  }

  /** Frees one allocation early; the lane must have finished with it (see {@link Device#free}). */
  void free(long p) {
    device.free(p);
    owned.remove(Long.valueOf(p));
  }

  /** The address {@code elements} elements of T past {@code base}. */
  long el(long base, long elements) {
    return base + elements * elem;
  }

  /** Copies {@code v} into T elements at {@code dst} (nothing for an empty array). */
  void upload(long dst, double[] v) {
    if (v.length == 0) {
      return;
    }
    if (fp64) {
      lane.copyIn(dst, v);
    } else {
      float[] f = new float[v.length];
      for (int k = 0; k < v.length; k++) {
        f[k] = (float) v[k];
      }
      lane.copyIn(dst, f);
    }
  }

  /** {@code n} T elements at {@code src}, as doubles. */
  double[] download(long src, int n) {
    double[] out = new double[n];
    if (fp64) {
      lane.copyOut(src, out);
    } else {
      float[] f = new float[n];
      lane.copyOut(src, f);
      for (int k = 0; k < n; k++) {
        out[k] = f[k];
      }
    }
    return out;
  }

  /**
   * Frees every allocation (after the caller waited for the lane); a failure is added to {@code
   * failure}, or becomes it, and the rest are freed all the same.
   */
  RuntimeException release(RuntimeException failure) {
    for (long p : owned) {
      try {
        device.free(p);
      } catch (RuntimeException e) {
        failure = CudaGroup.keep(failure, e);
      }
    }
    owned.clear();
    return failure;
  }
}
