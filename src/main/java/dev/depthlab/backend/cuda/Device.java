package dev.depthlab.backend.cuda;

import java.util.Map;

/**
 * A CUDA device as {@link CudaBackend} sees it: its properties, its memory and its kernels, and the
 * {@link Lane}s that run work on it. {@link JCudaDevice} is the real GPU; the tests' EmulatedDevice
 * (src/test) runs the same kernels on the CPU.
 *
 * <p>Device memory is addressed by {@code long} handles: {@link #alloc} returns one, and a handle
 * plus a byte offset inside the same allocation names a sub-buffer. Memory belongs to the device,
 * not to a lane: any lane may use it. Work runs only on lanes ({@link #openLane}): copies, GEMMs,
 * kernel launches and graphs, each lane an in-order queue of its own.
 *
 * <p>Threading contract: the device's methods may be called from any thread. Memory is zeroed
 * before {@code alloc} returns. {@link #free} does not wait for lanes: whoever frees makes sure
 * first that no lane's pending work still uses the memory (that lane's {@link Lane#synchronize}, or
 * a sync point of it such as a copy out); the emulated device fails such work when it runs.
 */
public interface Device extends AutoCloseable {
  /** A short name, e.g. the GPU's name or "emulated". */
  String name();

  /** What is known about the device: name, memory, versions, compute capability. */
  Map<String, String> details();

  /** Allocates {@code bytes} of device memory, zero-filled. */
  long alloc(long bytes);

  /** Frees an allocation; no lane's pending work may still use it (see the class comment). */
  void free(long ptr);

  /** Allocations of the device not yet freed; tests check that groups free theirs. */
  int liveAllocations();

  /**
   * Whether this device's lanes can capture graphs ({@link Lane#beginCapture}). The default, for
   * devices that cannot, is false; groups then enqueue every call themselves.
   */
  default boolean supportsGraphs() {
    return false;
  }

  /**
   * A new lane on this device (see {@link Lane}): its own in-order queue over the device's memory
   * and kernels. Close it when done; closing the device closes lanes still open.
   */
  Lane openLane();

  /** Closes the lanes still open (waiting for their work) and frees everything allocated. */
  @Override
  void close();
}
