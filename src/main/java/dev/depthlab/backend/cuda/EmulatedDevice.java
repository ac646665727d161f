package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Device} on the CPU, for tests without a GPU. Memory is direct {@link ByteBuffer}s in
 * native order; a handle is the buffer's native address, so kernels (C++) and the GEMM (Java) see
 * the same bytes. Kernel launches run the same {@code kernels/*.cu} source compiled for the host
 * with {@code native/shim.h} into {@code native/build/libdepthlab-emulator.so} (built by {@code
 * native/build-emulator.sh}); the launch loops over every block and thread in order. The GEMM
 * follows cuBLAS's column-major contract element for element, summing k in order.
 *
 * <p>Every call runs to completion before it returns, so a lane ({@link #openLane}) is simply a
 * view of this device. Two groups may run at once from two threads: the allocation table is a
 * concurrent map, the call counters are atomic, and a launch mutates nothing global (the kernel
 * table is read-only after load; the CUDA built-ins of {@code native/shim.h} are thread-locals; the
 * argument slots live on the calling thread's stack).
 */
public final class EmulatedDevice implements Device {
  /** Where native/build-emulator.sh puts the library, relative to the project root. */
  public static final Path DEFAULT_LIBRARY = Path.of("native", "build", "libdepthlab-emulator.so");

  private static Path loaded;

  private final ConcurrentSkipListMap<Long, ByteBuffer> buffers = new ConcurrentSkipListMap<>();
  private final AtomicLong launches = new AtomicLong();
  private final AtomicLong gemms = new AtomicLong();

  /** Loads the emulator library (once per JVM) from {@code library}. */
  public EmulatedDevice(Path library) {
    synchronized (EmulatedDevice.class) {
      if (loaded == null) {
        Path abs = library.toAbsolutePath();
        if (!Files.isRegularFile(abs)) {
          throw new IllegalStateException(
              "emulator library " + abs + " not found; run native/build-emulator.sh");
        }
        System.load(abs.toString());
        loaded = abs;
      }
    }
  }

  static native long address(ByteBuffer direct);

  /** The kernel's parameter codes (p pointer, i int, d double), or null when unknown. */
  static native String signature(String kernel);

  private static native void launch(String kernel, int grid, int block, long[] args);

  @Override
  public String name() {
    return "emulated";
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("device", "emulated on the CPU (kernels/*.cu via g++ and native/shim.h)");
    d.put("library", String.valueOf(loaded));
    return d;
  }

  /** Kernel launches and GEMM calls made so far (tests count them). */
  public long launches() {
    return launches.get();
  }

  public long gemms() {
    return gemms.get();
  }

  @Override
  public int liveAllocations() {
    return buffers.size();
  }

  @Override
  public long alloc(long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("emulated allocation too large: " + bytes);
    }
    ByteBuffer b =
        ByteBuffer.allocateDirect((int) Math.max(bytes, 8)).order(ByteOrder.nativeOrder());
    long addr = address(b);
    buffers.put(addr, b);
    return addr;
  }

  @Override
  public void free(long ptr) {
    if (buffers.remove(ptr) == null) {
      throw new IllegalArgumentException("not an allocation: " + ptr);
    }
  }

  /** The allocation holding {@code ptr}, positioned at ptr's byte offset. */
  private ByteBuffer at(long ptr, long bytes) {
    Map.Entry<Long, ByteBuffer> e = buffers.floorEntry(ptr);
    if (e == null || ptr + bytes > e.getKey() + e.getValue().capacity()) {
      throw new IllegalArgumentException("access outside any allocation: " + ptr + " + " + bytes);
    }
    ByteBuffer b = e.getValue().duplicate().order(ByteOrder.nativeOrder());
    b.position((int) (ptr - e.getKey()));
    return b.slice().order(ByteOrder.nativeOrder());
  }

  @Override
  public void copyIn(long dst, double[] src) {
    at(dst, 8L * src.length).asDoubleBuffer().put(src);
  }

  @Override
  public void copyIn(long dst, float[] src) {
    at(dst, 4L * src.length).asFloatBuffer().put(src);
  }

  @Override
  public void copyIn(long dst, int[] src) {
    at(dst, 4L * src.length).asIntBuffer().put(src);
  }

  @Override
  public void copyOut(long src, double[] dst) {
    at(src, 8L * dst.length).asDoubleBuffer().get(dst);
  }

  @Override
  public void copyOut(long src, float[] dst) {
    at(src, 4L * dst.length).asFloatBuffer().get(dst);
  }

  @Override
  public void gemmStridedBatched(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double alpha,
      long a,
      int lda,
      long strideA,
      long b,
      int ldb,
      long strideB,
      double beta,
      long c,
      int ldc,
      long strideC,
      int batch,
      Precision precision) {
    gemms.incrementAndGet();
    checkLd("lda", lda, transA ? k : m);
    checkLd("ldb", ldb, transB ? n : k);
    checkLd("ldc", ldc, m);
    int size = precision == Precision.FP64 ? 8 : 4;
    // the extent each operand spans over the whole batch, so out-of-bounds reads fail loudly
    long spanA = (batch - 1) * strideA + (long) lda * ((transA ? m : k) - 1) + (transA ? k : m);
    long spanB = (batch - 1) * strideB + (long) ldb * ((transB ? k : n) - 1) + (transB ? n : k);
    long spanC = (batch - 1) * strideC + (long) ldc * (n - 1) + m;
    if (precision == Precision.FP64) {
      DoubleBuffer av = at(a, spanA * size).asDoubleBuffer();
      DoubleBuffer bv = at(b, spanB * size).asDoubleBuffer();
      DoubleBuffer cv = at(c, spanC * size).asDoubleBuffer();
      for (int p = 0; p < batch; p++) {
        int ao = (int) (p * strideA);
        int bo = (int) (p * strideB);
        int co = (int) (p * strideC);
        for (int j = 0; j < n; j++) {
          for (int i = 0; i < m; i++) {
            double sum = 0.0;
            for (int l = 0; l < k; l++) {
              double x = av.get(ao + (transA ? l + i * lda : i + l * lda));
              double y = bv.get(bo + (transB ? j + l * ldb : l + j * ldb));
              sum += x * y;
            }
            int ci = co + i + j * ldc;
            cv.put(ci, beta == 0.0 ? alpha * sum : alpha * sum + beta * cv.get(ci));
          }
        }
      }
    } else {
      FloatBuffer av = at(a, spanA * size).asFloatBuffer();
      FloatBuffer bv = at(b, spanB * size).asFloatBuffer();
      FloatBuffer cv = at(c, spanC * size).asFloatBuffer();
      float fa = (float) alpha;
      float fb = (float) beta;
      for (int p = 0; p < batch; p++) {
        int ao = (int) (p * strideA);
        int bo = (int) (p * strideB);
        int co = (int) (p * strideC);
        for (int j = 0; j < n; j++) {
          for (int i = 0; i < m; i++) {
            float sum = 0.0f;
            for (int l = 0; l < k; l++) {
              float x = av.get(ao + (transA ? l + i * lda : i + l * lda));
              float y = bv.get(bo + (transB ? j + l * ldb : l + j * ldb));
              sum += x * y;
            }
            int ci = co + i + j * ldc;
            cv.put(ci, fb == 0.0f ? fa * sum : fa * sum + fb * cv.get(ci));
          }
        }
      }
    }
  }

  private static void checkLd(String what, int ld, int rows) {
    if (ld < Math.max(1, rows)) {
      throw new IllegalArgumentException(
          what + " " + ld + " < " + rows + " (cuBLAS would reject it)");
    }
  }

  @Override
  public void launch(String name, int grid, int block, Object... args) {
    launches.incrementAndGet();
    long[] slots = new long[args.length];
    StringBuilder sig = new StringBuilder();
    for (int i = 0; i < args.length; i++) {
      Object o = args[i];
      if (o instanceof Long p) {
        slots[i] = p;
        sig.append('p');
      } else if (o instanceof Integer v) {
        slots[i] = v;
        sig.append('i');
      } else if (o instanceof Double v) {
        slots[i] = Double.doubleToRawLongBits(v);
        sig.append('d');
      } else {
        throw new IllegalArgumentException("kernel argument " + i + " of " + name + ": " + o);
      }
    }
    String expected = signature(name);
    if (expected == null) {
      throw new IllegalArgumentException("no kernel named " + name);
    }
    if (!expected.contentEquals(sig)) {
      throw new IllegalArgumentException(name + " takes (" + expected + "), got (" + sig + ")");
    }
    launch(name, grid, block, slots);
  }

  @Override
  public void synchronize() {
    // every call already ran to completion
  }

  @Override
  public Device openLane() {
    return new Lane();
  }

  @Override
  public void close() {
    buffers.clear();
  }

  /** A view of the device (every call is synchronous here); close() only retires the view. */
  private final class Lane implements Device {
    private volatile boolean closed;

    private EmulatedDevice dev() {
      if (closed) {
        throw new IllegalStateException("lane is closed");
      }
      return EmulatedDevice.this;
    }

    @Override
    public String name() {
      return EmulatedDevice.this.name();
    }

    @Override
    public Map<String, String> details() {
      return EmulatedDevice.this.details();
    }

    @Override
    public long alloc(long bytes) {
      return dev().alloc(bytes);
    }

    @Override
    public void free(long ptr) {
      dev().free(ptr);
    }

    @Override
    public int liveAllocations() {
      return EmulatedDevice.this.liveAllocations();
    }

    @Override
    public void copyIn(long dst, double[] src) {
      dev().copyIn(dst, src);
    }

    @Override
    public void copyIn(long dst, float[] src) {
      dev().copyIn(dst, src);
    }

    @Override
    public void copyIn(long dst, int[] src) {
      dev().copyIn(dst, src);
    }

    @Override
    public void copyOut(long src, double[] dst) {
      dev().copyOut(src, dst);
    }

    @Override
    public void copyOut(long src, float[] dst) {
      dev().copyOut(src, dst);
    }

    @Override
    public void gemmStridedBatched(
        boolean transA,
        boolean transB,
        int m,
        int n,
        int k,
        double alpha,
        long a,
        int lda,
        long strideA,
        long b,
        int ldb,
        long strideB,
        double beta,
        long c,
        int ldc,
        long strideC,
        int batch,
        Precision precision) {
      dev()
          .gemmStridedBatched(
              transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc,
              strideC, batch, precision);
    }

    @Override
    public void launch(String name, int grid, int block, Object... args) {
      dev().launch(name, grid, block, args);
    }

    @Override
    public void synchronize() {
      dev();
    }

    @Override
    public Device openLane() {
      return EmulatedDevice.this.openLane();
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
