package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Device} that forwards every call to another device and counts them by kind, its lanes
 * included (a lane of a counting device counts into the same {@link Counts}). Tests use it to check
 * how often the CUDA backend enqueues work and how often it waits for the device.
 */
final class CountingDevice implements Device {
  /** Calls so far, by kind, over a device and all its lanes. */
  static final class Counts {
    final AtomicLong copiesIn = new AtomicLong();
    final AtomicLong copiesOut = new AtomicLong();
    final AtomicLong launches = new AtomicLong();
    final AtomicLong gemms = new AtomicLong();
    final AtomicLong allocs = new AtomicLong();
    final AtomicLong frees = new AtomicLong();
    final AtomicLong synchronizes = new AtomicLong();

    /** When set, the next endCapture throws after ending the capture, as a failed instantiation. */
    final java.util.concurrent.atomic.AtomicBoolean failNextCapture =
        new java.util.concurrent.atomic.AtomicBoolean();

    /** When set, the next synchronize throws after waiting, as a faulted kernel would surface. */
    final java.util.concurrent.atomic.AtomicBoolean faultNextSynchronize =
        new java.util.concurrent.atomic.AtomicBoolean();

    /** Host-to-device plus device-to-host copies. */
    long copies() {
      return copiesIn.get() + copiesOut.get();
    }

    /** Kernel launches plus cuBLAS calls: what a step enqueues. */
    long calls() {
      return launches.get() + gemms.get();
    }

    /** The calls that make the host wait for the device: copies, alloc, free, synchronize. */
    long blocking() {
      return copies() + allocs.get() + frees.get() + synchronizes.get();
    }

    Snapshot snapshot() {
      return new Snapshot(
          copiesIn.get(),
          copiesOut.get(),
          launches.get(),
          gemms.get(),
          allocs.get(),
          frees.get(),
          synchronizes.get());
    }
  }

  /** The counts at one moment; {@link #minus} gives what happened in between. */
  record Snapshot(
      long copiesIn,
      long copiesOut,
      long launches,
      long gemms,
      long allocs,
      long frees,
      long synchronizes) {
    Snapshot minus(Snapshot o) {
      return new Snapshot(
          copiesIn - o.copiesIn,
          copiesOut - o.copiesOut,
          launches - o.launches,
          gemms - o.gemms,
          allocs - o.allocs,
          frees - o.frees,
          synchronizes - o.synchronizes);
    }

    long copies() {
      return copiesIn + copiesOut;
    }

    long calls() {
      return launches + gemms;
    }
  }

  private final Device inner;
  private final Counts counts = new Counts();

  /** Whether graph capture is forwarded; without, this is a device that has no graphs. */
  private final boolean graphs;

  CountingDevice(Device inner) {
    this(inner, false);
  }

  /** Forwarding graph capture too (see {@link Counts#failNextCapture}). */
  static CountingDevice withGraphs(Device inner) {
    return new CountingDevice(inner, true);
  }

  private CountingDevice(Device inner, boolean graphs) {
    this.inner = inner;
    this.graphs = graphs;
  }

  Counts counts() {
    return counts;
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
    counts.allocs.incrementAndGet();
    return inner.alloc(bytes);
  }

  @Override
  public void free(long ptr) {
    counts.frees.incrementAndGet();
    inner.free(ptr);
  }

  @Override
  public int liveAllocations() {
    return inner.liveAllocations();
  }

  @Override
  public boolean supportsGraphs() {
    return graphs && inner.supportsGraphs();
  }

  @Override
  public Lane openLane() {
    return new CountingLane(inner.openLane());
  }

  @Override
  public void close() {
    inner.close();
  }

  /** A lane of the inner device, counted into the device's {@link Counts}. */
  private final class CountingLane implements Lane {
    private final Lane inner;

    CountingLane(Lane inner) {
      this.inner = inner;
    }

    @Override
    public void copyIn(long dst, double[] src) {
      counts.copiesIn.incrementAndGet();
      inner.copyIn(dst, src);
    }

    @Override
    public void copyIn(long dst, float[] src) {
      counts.copiesIn.incrementAndGet();
      inner.copyIn(dst, src);
    }

    @Override
    public void copyIn(long dst, int[] src) {
      counts.copiesIn.incrementAndGet();
      inner.copyIn(dst, src);
    }

    @Override
    public void copyOut(long src, double[] dst) {
      counts.copiesOut.incrementAndGet();
      inner.copyOut(src, dst);
    }

    @Override
    public void copyOut(long src, float[] dst) {
      counts.copiesOut.incrementAndGet();
      inner.copyOut(src, dst);
    }

    @Override
    public void gemm(
        Gemm layout, double alpha, long a, long b, double beta, long c, Precision precision) {
      counts.gemms.incrementAndGet();
      inner.gemm(layout, alpha, a, b, beta, c, precision);
    }

    @Override
    public Launcher prepare(String name, int block, Object... args) {
      return counted(inner.prepare(name, block, args));
    }

    @Override
    public Launcher prepareWithSharedMemory(
        String name, int block, int sharedBytes, Object... args) {
      return counted(inner.prepareWithSharedMemory(name, block, sharedBytes, args));
    }

    private Launcher counted(Launcher l) {
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
          counts.launches.incrementAndGet();
          l.enqueue(grid);
        }
      };
    }

    @Override
    public void synchronize() {
      counts.synchronizes.incrementAndGet();
      inner.synchronize();
      if (counts.faultNextSynchronize.getAndSet(false)) {
        throw new IllegalStateException("simulated kernel fault surfacing at synchronize");
      }
    }

    @Override
    public void useOwnGemmWorkspace() {
      inner.useOwnGemmWorkspace();
    }

    @Override
    public void beginCapture() {
      if (!graphs) {
        Lane.super.beginCapture(); // refuses, as a device without graphs does
      }
      inner.beginCapture();
    }

    @Override
    public Graph endCapture() {
      if (!graphs) {
        return Lane.super.endCapture();
      }
      Graph g = inner.endCapture();
      if (counts.failNextCapture.getAndSet(false)) {
        g.close();
        throw new IllegalStateException("simulated cuGraphInstantiate failure");
      }
      return g;
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
