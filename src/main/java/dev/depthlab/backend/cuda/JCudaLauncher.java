package dev.depthlab.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/**
 * A prepared launch on a {@link JCudaLane}: one small Java array per argument and the {@code
 * kernelParams} pointer array over them, built once; a setter writes into an argument's array, and
 * {@code cuLaunchKernel} copies the current values when it enqueues.
 */
final class JCudaLauncher implements Lane.Launcher {
  private final JCudaLane lane;
  private final String kernel;
  private final CUfunction fn;
  private final int block;
  private final int sharedBytes;
  private final Object[] values;
  private final Pointer params;

  JCudaLauncher(
      JCudaLane lane, String kernel, CUfunction fn, int block, int sharedBytes, Object[] args) {
    this.lane = lane;
    this.kernel = kernel;
    this.fn = fn;
    this.block = block;
    this.sharedBytes = sharedBytes;
    values = new Object[args.length];
    Pointer[] slots = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      Object o = args[i];
      if (o instanceof Long p) {
        long[] v = {p}; // a device pointer parameter is its address
        values[i] = v;
        slots[i] = Pointer.to(v);
      } else if (o instanceof Integer n) {
        int[] v = {n};
        values[i] = v;
        slots[i] = Pointer.to(v);
      } else if (o instanceof Double d) {
        double[] v = {d};
        values[i] = v;
        slots[i] = Pointer.to(v);
      } else {
        throw new IllegalArgumentException("kernel argument " + i + " of " + kernel + ": " + o);
      }
    }
    params = Pointer.to(slots);
  }

  private <T> T slot(int i, Class<T> type) {
    if (!type.isInstance(values[i])) {
      throw new IllegalArgumentException(
          kernel + ": argument " + i + " is not a " + type.getComponentType());
    }
    return type.cast(values[i]);
  }

  @Override
  public void setInt(int slot, int value) {
    slot(slot, int[].class)[0] = value;
  }

  @Override
  public void setPointer(int slot, long pointer) {
    slot(slot, long[].class)[0] = pointer;
  }

  @Override
  public void setDouble(int slot, double value) {
    slot(slot, double[].class)[0] = value;
  }

  @Override
  public void enqueue(int grid) {
    lane.enter();
    JCudaDriver.cuLaunchKernel(fn, grid, 1, 1, block, 1, 1, sharedBytes, lane.stream, params, null);
    lane.enqueued();
  }
}
