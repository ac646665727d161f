package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Device} that forwards every call to another device and throws at a chosen call, as a GPU
 * does when it runs out of memory ({@link Fault#ALLOC}), a launch fails ({@link Fault#LAUNCH}) or
 * the device is lost ({@link Fault#SYNCHRONIZE}: that call and every later one throw). Lanes count
 * into the same counter, as in {@link CountingDevice}.
 */
final class FaultyDevice implements Device {
  /** Which call throws, and what it says (the words of the CUDA error it stands for). */
  enum Fault {
    ALLOC("CUDA_ERROR_OUT_OF_MEMORY: out of memory"),
    LAUNCH("CUDA_ERROR_LAUNCH_FAILED: unspecified launch failure"),
    SYNCHRONIZE("CUDA_ERROR_DEVICE_UNAVAILABLE: device lost");

    final String message;

    Fault(String message) {
      this.message = message;
    }
  }

  private static final class State {
    final Fault fault;
    final long at;
    final AtomicLong calls = new AtomicLong();
    final AtomicBoolean lost = new AtomicBoolean();

    State(Fault fault, long at) {
      this.fault = fault;
      this.at = at;
    }
  }

  private final Device inner;
  private final State state;

  /** Throws at the {@code at}-th (1-based) call of kind {@code fault} over the device's lanes. */
  FaultyDevice(Device inner, Fault fault, long at) {
    this(inner, new State(fault, at));
  }

  private FaultyDevice(Device inner, State state) {
    this.inner = inner;
    this.state = state;
  }

  /** How many calls of the fault's kind were made so far (the faulty one included). */
  long calls() {
    return state.calls.get();
  }

  private void maybeThrow(Fault kind) {
    if (state.lost.get()) {
      throw new IllegalStateException(Fault.SYNCHRONIZE.message);
    }
    if (kind == state.fault && state.calls.incrementAndGet() == state.at) {
      if (kind == Fault.SYNCHRONIZE) {
        state.lost.set(true);
      }
      throw new IllegalStateException(kind.message);
    }
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Map<String, String> details() {
    return inner.details();
  }

  @Override
  public long alloc(long bytes) {
    maybeThrow(Fault.ALLOC);
    return inner.alloc(bytes);
  }

  @Override
  public void free(long ptr) {
    // freeing always works (a lost device's memory is gone with it): groups clean up after a fault
    inner.free(ptr);
  }

  @Override
  public int liveAllocations() {
    return inner.liveAllocations();
  }

  @Override
  public Lane openLane() {
    return new FaultyLane(inner.openLane());
  }

  @Override
  public void close() {
    inner.close(); // closing waits and releases, as on a lost device: never throws here
  }

  /** A lane of the inner device that throws as the device's {@link State} says. */
  private final class FaultyLane implements Lane {
    private final Lane inner;

    FaultyLane(Lane inner) {
      this.inner = inner;
    }

    @Override
    public void copyIn(long dst, double[] src) {
      maybeThrow(null);
      inner.copyIn(dst, src);
    }

    @Override
    public void copyIn(long dst, float[] src) {
      maybeThrow(null);
      inner.copyIn(dst, src);
    }

    @Override
    public void copyIn(long dst, int[] src) {
      maybeThrow(null);
      inner.copyIn(dst, src);
    }

    @Override
    public void copyOut(long src, double[] dst) {
      maybeThrow(null);
      inner.copyOut(src, dst);
    }

    @Override
    public void copyOut(long src, float[] dst) {
      maybeThrow(null);
      inner.copyOut(src, dst);
    }

    @Override
    public void gemm(
        Gemm layout, double alpha, long a, long b, double beta, long c, Precision precision) {
      maybeThrow(null);
      inner.gemm(layout, alpha, a, b, beta, c, precision);
    }

    @Override
    public Launcher prepare(String name, int block, Object... args) {
      Launcher l = inner.prepare(name, block, args);
      return new Launcher() {
        @Override
        public void setInt(int slot, int value) {
          l.setInt(slot, value);
        }

        @Override
        public void setPointer(int slot, long pointer) {
          l.setPointer(slot, pointer);
        }

        @Override
        public void setDouble(int slot, double value) {
          l.setDouble(slot, value);
        }

        @Override
        public void enqueue(int grid) {
          maybeThrow(Fault.LAUNCH);
          l.enqueue(grid);
        }
      };
    }

    @Override
    public void synchronize() {
      maybeThrow(Fault.SYNCHRONIZE);
      inner.synchronize();
    }

    @Override
    public void close() {
      inner.close(); // closing waits and releases, as on a lost device: never throws here
    }
  }
}
