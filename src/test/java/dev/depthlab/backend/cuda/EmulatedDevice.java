package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Device} on the CPU for tests without a GPU, strict wherever a GPU would merely be
 * lenient or lucky. Memory is direct {@link ByteBuffer}s in native order; a handle is a native
 * address, so kernels (C++) and the GEMM (Java) see the same bytes. Kernel launches run the same
 * {@code kernels/*.cu} source compiled for the host with {@code native/shim.h} into {@code
 * native/build/libdepthlab-emulator.so} (built by {@code native/build-emulator.sh}). The GEMM
 * follows cuBLAS's column-major contract element for element, summing k in order.
 *
 * <p>What it checks, so that a test fails where a GPU would fail or race:
 *
 * <ul>
 *   <li><b>Launch limits</b>: block 1..1024 and a multiple of 32 (whole warps), grid >= 1; kernel
 *       name and argument types against the kernel's signature; every pointer argument inside a
 *       live allocation. All refused at the call, with {@link IllegalArgumentException}.
 *   <li><b>Asynchronous lanes</b>: GEMMs and launches only enqueue. A lane's queue runs on a worker
 *       thread of its own, and only when that lane reaches a sync point ({@code copyIn}, {@code
 *       copyOut}, {@code synchronize}, {@code close}); {@link #synchronizeAll} drains every lane.
 *       The device's {@code free} waits for no lane: a lane's pending work that uses freed memory
 *       fails when it runs. Holding the work until then makes a missing synchronisation fail every
 *       time rather than by bad luck: whoever reads memory that another lane wrote without
 *       synchronising sees the old bytes. A failure of deferred work is thrown ({@link
 *       IllegalStateException}, naming the kernel) at that lane's next sync point; the lane's
 *       remaining queued work is dropped, as after a GPU fault.
 *   <li><b>Graphs</b>: {@link Lane#beginCapture} records a lane's GEMMs and launches (with their
 *       argument values at that moment) instead of queueing them; the graph {@link Lane#endCapture}
 *       returns queues the same work again at each launch, reading memory as it is then. A sync
 *       point of a capturing lane ({@code copyIn}, {@code copyOut}, {@code synchronize}, {@code
 *       close}), and the device's {@code alloc} and {@code free} on the capturing thread, are an
 *       {@link IllegalStateException}, as a real stream capture in thread-local mode forbids them;
 *       a graph whose memory was freed fails when its work runs.
 *   <li><b>Thread order</b>: a launch runs its blocks and threads {@link ThreadOrder#FORWARD
 *       forward}, {@link ThreadOrder#REVERSE in reverse} or {@link ThreadOrder#SHUFFLED shuffled};
 *       a race-free kernel gives the same bits in every order.
 *   <li><b>Barriers and shared memory</b>: the kernels of a file that calls {@code __syncthreads}
 *       (kernels/fused.cu) run block by block, a block's threads as fibers that meet at each
 *       barrier, in the launch's thread order; a divergent {@code __syncthreads} fails the launch.
 *       Dynamic shared memory ({@link Lane#prepareWithSharedMemory}, at most {@link #MAX_SHARED}
 *       bytes, refused at the call beyond) is filled with 0xFF (NaN) before each block, as a GPU
 *       leaves it undefined (native/shim.h).
 *   <li><b>cuBLAS in a capture</b>: a GEMM enqueued while its lane captures is refused unless the
 *       lane has its own workspace ({@link Lane#useOwnGemmWorkspace}, cublasSetWorkspace) and has
 *       run a GEMM uncaptured before (cuBLAS allocates and initialises lazily otherwise).
 *   <li><b>Per-function attributes</b>: each kernel keeps its own dynamic shared-memory limit
 *       ({@code CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES}, 48 KiB until raised), set through
 *       the backend's own {@link SharedMemoryOptIn} when a launch past 48 KiB is prepared, or
 *       directly ({@link #setMaxDynamicShared}); a launch above the function's limit <em>at enqueue
 *       time</em> is refused with CUDA_ERROR_INVALID_VALUE, as {@code cuLaunchKernel} refuses it.
 *   <li><b>Red zones</b>: {@value #GUARD} bytes of 0xFF before and after every allocation (NaN in
 *       fp32 and fp64, so an out-of-bounds read poisons results), checked after every launch for
 *       the allocations its pointer arguments point into; an overwritten guard is reported with the
 *       kernel, the argument and the offsets. Copies and GEMMs are bounds-checked against the size
 *       asked for, not the guards.
 * </ul>
 *
 * <p>Lanes may be driven from several threads at once: the allocation table is a concurrent map,
 * the counters are atomic, a lane's queue is guarded by the lane, and a launch mutates nothing
 * global (the kernel table is read-only; the CUDA built-ins of {@code native/shim.h} are
 * thread-locals of the worker running it).
 */
public final class EmulatedDevice implements Device {
  /** Where native/build-emulator.sh puts the library, relative to the project root. */
  public static final Path DEFAULT_LIBRARY = Path.of("native", "build", "libdepthlab-emulator.so");

  /**
   * Bytes of 0xFF on each side of an allocation: far more than an off-by-a-few index reaches, and a
   * multiple of 16, so the bytes handed out keep the buffer's (malloc's) alignment.
   */
  static final int GUARD = 256;

  /** The order in which a launch runs its blocks and threads (see the class comment). */
  public enum ThreadOrder {
    FORWARD,
    REVERSE,
    SHUFFLED
  }

  private static final int MAX_BLOCK = 1024;
  private static final int WARP = 32;
  private static final byte POISON = (byte) 0xFF;
  private static final AtomicInteger DEVICES = new AtomicInteger();

  private static Path loaded;

  /** Kernel name to its entry in the library (the table there is fixed at build time). */
  private static final Map<String, Kernel> KERNELS = new ConcurrentHashMap<>();

  private final ConcurrentSkipListMap<Long, Allocation> allocations = new ConcurrentSkipListMap<>();
  private final Set<EmulatedLane> lanes = ConcurrentHashMap.newKeySet();
  private final AtomicLong launches = new AtomicLong();
  private final AtomicLong gemms = new AtomicLong();
  private final AtomicLong graphLaunches = new AtomicLong();
  private final AtomicInteger laneIds = new AtomicInteger();

  /**
   * Each function's emulated {@code CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES}: absent means
   * {@link SharedMemoryOptIn#WITHOUT_OPT_IN}. Per device (a GPU's functions belong to its module),
   * shared by its lanes.
   */
  private final Map<String, Integer> sharedLimits = new ConcurrentHashMap<>();

  /** The backend's own opt-in policy (the code the real device runs), over the map above. */
  private final SharedMemoryOptIn optIn = new SharedMemoryOptIn(this::setMaxDynamicShared);

  private final ThreadOrder order;
  private final long seed;
  private final String threadPrefix;
  private final EmulatedLane root;
  private volatile boolean closed;

  /** Loads the emulator library (once per JVM) from {@code library}; launches run forward. */
  public EmulatedDevice(Path library) {
    this(library, ThreadOrder.FORWARD, 0L);
  }

  /**
   * Loads the emulator library (once per JVM) from {@code library}; launches run their threads in
   * {@code order} ({@code seed} picks the shuffles, a different one per launch of a lane).
   */
  public EmulatedDevice(Path library, ThreadOrder order, long seed) {
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
    this.order = order;
    this.seed = seed;
    this.threadPrefix = "emulated-device-" + DEVICES.incrementAndGet() + " ";
    this.root = new EmulatedLane("root lane");
  }

  static native long address(ByteBuffer direct);

  /** The kernel's index in the library's table, or -1 when there is none of that name. */
  private static native int kernelIndex(String kernel);

  /** The kernel's parameter codes (p pointer, i int, d double). */
  private static native String kernelSignature(int kernel);

  /** The kernel's argument list as written in its DL_ENTRY line, e.g. "(x, y, n)". */
  private static native String kernelArgs(int kernel);

  /** Runs one launch on the calling thread; {@code order} is a {@link ThreadOrder} ordinal. */
  private static native void launch(
      int kernel, int grid, int block, int sharedBytes, long[] args, int order, long seed);

  /**
   * Turns the library's shared-memory accounting on (clearing what it counted before) or off: while
   * on, every DL_SMEM access of a block-synchronous kernel is recorded and each warp request's bank
   * conflicts counted ({@link SharedAccessCounts}). Global to the library: one test at a time.
   */
  static native void countSharedAccesses(boolean on);

  /** What the accounting counted since it was turned on, as native/emulator.cpp prints it. */
  static native String sharedAccessCounts();

  /** The most dynamic shared memory a block may ask for: an H100's opt-in maximum (227 KiB). */
  static final int MAX_SHARED = 227 * 1024;

  /** A kernel of the library: where it is, its parameter codes and names. */
  private record Kernel(String name, int index, String signature, String[] argNames) {
    static Kernel find(String name) {
      return KERNELS.computeIfAbsent(
          name,
          n -> {
            int i = kernelIndex(n);
            if (i < 0) {
              return null;
            }
            String args = kernelArgs(i);
            return new Kernel(
                n, i, kernelSignature(i), args.substring(1, args.length() - 1).split(",\\s*"));
          });
    }

    String arg(int i) {
      return "argument " + i + " (" + (i < argNames.length ? argNames[i] : "?") + ")";
    }
  }

  @Override
  public String name() {
    return "emulated";
  }

  @Override
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("device", "emulated on the CPU (kernels/*.cu via g++ and native/shim.h)");
    d.put("library", String.valueOf(loaded));
    d.put(
        "thread order",
        order == ThreadOrder.SHUFFLED ? order + " (seed " + seed + ")" : "" + order);
    return d;
  }

  /**
   * The emulated {@code cuFuncSetAttribute(kernel, MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes)}: any
   * value from 0 to {@link #MAX_SHARED} (a GPU refuses more with CUDA_ERROR_INVALID_VALUE), lower
   * or higher than before; later launches of the function are checked against it.
   */
  void setMaxDynamicShared(String kernel, int bytes) {
    if (Kernel.find(kernel) == null) {
      throw new IllegalArgumentException("no kernel named " + kernel);
    }
    if (bytes < 0 || bytes > MAX_SHARED) {
      throw new IllegalArgumentException(
          kernel
              + ": cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES, "
              + bytes
              + "): CUDA_ERROR_INVALID_VALUE (at most "
              + MAX_SHARED
              + ")");
    }
    sharedLimits.put(kernel, bytes);
  }

  /** The function's current dynamic shared-memory limit (see {@link #setMaxDynamicShared}). */
  int maxDynamicShared(String kernel) {
    return sharedLimits.getOrDefault(kernel, SharedMemoryOptIn.WITHOUT_OPT_IN);
  }

  /** Kernel launches enqueued so far on every lane (tests count them). */
  public long launches() {
    return launches.get();
  }

  /** GEMM calls enqueued so far on every lane. */
  public long gemms() {
    return gemms.get();
  }

  /** Graph launches so far on every lane (each replays a captured list of GEMMs and launches). */
  public long graphLaunches() {
    return graphLaunches.get();
  }

  /** The name prefix of this device's worker threads (tests check that none outlive a lane). */
  String threadPrefix() {
    return threadPrefix;
  }

  @Override
  public int liveAllocations() {
    return allocations.size();
  }

  /**
   * A zero-filled allocation of {@code bytes}. Refused on a thread whose lane is capturing, as a
   * real capture in thread-local mode refuses {@code cuMemAlloc} there.
   */
  @Override
  public long alloc(long bytes) {
    checkOpen("alloc");
    Allocation a = new Allocation(bytes);
    allocations.put(a.base, a);
    return a.base;
  }

  /**
   * Frees at once, without waiting for any lane: a lane's pending work that still uses the memory
   * fails when it runs (see {@link Device#free}).
   */
  @Override
  public void free(long ptr) {
    checkOpen("free");
    Allocation a = allocations.remove(ptr);
    if (a == null) {
      throw new IllegalArgumentException("not an allocation: 0x" + Long.toHexString(ptr));
    }
    a.freed = true;
  }

  private void checkOpen(String what) {
    if (closed) {
      throw new IllegalStateException("device is closed");
    }
    EmulatedLane capturing = capturingHere.get();
    if (capturing != null) {
      capturing.notCapturing(what);
    }
  }

  /**
   * The lane each thread is capturing on, if any: a capture in thread-local mode ({@code
   * cuStreamBeginCapture}'s mode in JCudaLane) forbids that thread's allocations and frees.
   */
  private final ThreadLocal<EmulatedLane> capturingHere = new ThreadLocal<>();

  /**
   * The device's own lane, open as long as the device: for tests that run kernels and copies
   * without a lane of their own.
   */
  Lane root() {
    return root;
  }

  /**
   * Drains every lane (side by side, as a GPU runs streams) and the root; throws the root's
   * failure. Another lane's failure stays with that lane, for its owner's next sync point.
   */
  void synchronizeAll() {
    List<Future<?>> running = new ArrayList<>();
    for (EmulatedLane lane : lanes) {
      running.add(lane.drain());
    }
    for (Future<?> f : running) {
      await(f);
    }
    root.synchronize();
  }

  @Override
  public boolean supportsGraphs() {
    return true;
  }

  @Override
  public Lane openLane() {
    if (closed) {
      throw new IllegalStateException("device is closed");
    }
    EmulatedLane lane = new EmulatedLane("lane " + laneIds.incrementAndGet());
    lanes.add(lane);
    return lane;
  }

  /** Closes the lanes still open (waiting for their work) and frees every allocation. */
  @Override
  public void close() {
    closed = true;
    RuntimeException first = null;
    for (EmulatedLane lane : List.copyOf(lanes)) {
      try {
        lane.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    try {
      root.close();
    } catch (RuntimeException e) {
      first = first == null ? e : first;
    }
    for (Allocation a : allocations.values()) {
      a.freed = true;
    }
    allocations.clear();
    if (first != null) {
      throw first;
    }
  }

  // ---- memory ----

  /** One allocation: the {@code size} bytes asked for at {@code base}, a guard on either side. */
  private static final class Allocation {
    final long base;
    final int size;
    final ByteBuffer whole;
    volatile boolean freed;

    Allocation(long bytes) {
      if (bytes < 0 || bytes > Integer.MAX_VALUE - 2 * GUARD) {
        throw new IllegalArgumentException("emulated allocation of " + bytes + " bytes");
      }
      size = (int) bytes;
      whole = ByteBuffer.allocateDirect(size + 2 * GUARD).order(ByteOrder.nativeOrder());
      base = address(whole) + GUARD;
      poison();
    }

    void poison() {
      for (int i = 0; i < GUARD; i++) {
        whole.put(i, POISON);
        whole.put(GUARD + size + i, POISON);
      }
    }

    boolean contains(long ptr) {
      return ptr >= base && ptr < base + size;
    }

    /** {@code bytes} from {@code ptr} (already checked to lie inside), in native order. */
    ByteBuffer view(long ptr, long bytes) {
      int from = GUARD + (int) (ptr - base);
      return whole.slice(from, (int) bytes).order(ByteOrder.nativeOrder());
    }

    /** Whether both guards still hold only 0xFF. */
    boolean intact() {
      return intact(0) && intact(GUARD + size);
    }

    private boolean intact(int from) {
      for (int i = from; i < from + GUARD; i += 8) {
        if (whole.getLong(i) != -1L) {
          return false;
        }
      }
      return true;
    }

    /**
     * The overwritten guard bytes as offsets from {@code base}, e.g. "-8..-1 before the start and
     * 64..71 past the end".
     */
    String damage() {
      String before = runs(0);
      String after = runs(GUARD + size);
      return (before.isEmpty() ? "" : before + " before the start")
          + (before.isEmpty() || after.isEmpty() ? "" : " and ")
          + (after.isEmpty() ? "" : after + " past the end");
    }

    private String runs(int from) {
      StringBuilder sb = new StringBuilder();
      int runStart = -1;
      for (int i = from; i <= from + GUARD; i++) {
        boolean bad = i < from + GUARD && whole.get(i) != POISON;
        if (bad && runStart < 0) {
          runStart = i;
        } else if (!bad && runStart >= 0) {
          sb.append(sb.length() == 0 ? "" : ", ");
          sb.append(runStart - GUARD).append("..").append(i - 1 - GUARD);
          runStart = -1;
        }
      }
      return sb.toString();
    }
  }

  /** The live allocation holding {@code ptr}, or null. */
  private Allocation find(long ptr) {
    Map.Entry<Long, Allocation> e = allocations.floorEntry(ptr);
    return e != null && e.getValue().contains(ptr) ? e.getValue() : null;
  }

  /** The allocation holding all of {@code [ptr, ptr + bytes)}, for a copy or a GEMM operand. */
  private Allocation holding(long ptr, long bytes, String what) {
    Allocation a = find(ptr);
    if (a == null || bytes < 0 || ptr + bytes > a.base + a.size) {
      throw new IllegalArgumentException(
          what
              + ": bytes [0x"
              + Long.toHexString(ptr)
              + ", +"
              + bytes
              + ") outside any allocation"
              + (a == null ? "" : " (" + (ptr - a.base) + " bytes into one of " + a.size + ")"));
    }
    return a;
  }

  private static void await(Future<?> f) {
    if (f == null) {
      return;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the queued work must finish before the caller may go on
        } catch (ExecutionException e) {
          throw new IllegalStateException("emulated lane worker failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- queued work ----

  /** A GEMM or launch, checked when enqueued and run later on its lane's worker. */
  private interface Work {
    /** Runs it; throws {@link IllegalStateException} naming itself when it fails. */
    void run();

    /** E.g. "bias_act_f64<<<3, 128>>>". */
    String describe();
  }

  /** A kernel launch with its argument slots and the allocations its pointers point into. */
  private final class Launch implements Work {
    final Kernel kernel;
    final int grid;
    final int block;
    final long[] slots;
    final long launchSeed;
    final int sharedBytes;

    /** Distinct allocations the pointer arguments point into, and which arguments point there. */
    final List<Allocation> touched = new ArrayList<>(4);

    final List<List<Integer>> touchedBy = new ArrayList<>(4);

    Launch(Kernel kernel, int grid, int block, int sharedBytes, long[] slots, long launchSeed) {
      this.sharedBytes = sharedBytes;
      this.kernel = kernel;
      this.grid = grid;
      this.block = block;
      this.slots = slots;
      this.launchSeed = launchSeed;
    }

    void touches(Allocation a, int arg) {
      int i = touched.indexOf(a);
      if (i < 0) {
        touched.add(a);
        touchedBy.add(new ArrayList<>(2));
        i = touched.size() - 1;
      }
      touchedBy.get(i).add(arg);
    }

    @Override
    public String describe() {
      return kernel.name() + "<<<" + grid + ", " + block + ">>>";
    }

    private String args(int i) {
      StringBuilder sb = new StringBuilder();
      for (int arg : touchedBy.get(i)) {
        sb.append(sb.length() == 0 ? "" : ", ").append(kernel.arg(arg));
        long at = slots[arg] - touched.get(i).base;
        sb.append(at == 0 ? "" : " at byte " + at);
      }
      return sb.toString();
    }

    @Override
    public void run() {
      for (int i = 0; i < touched.size(); i++) {
        if (touched.get(i).freed) {
          throw new IllegalStateException(
              describe() + ": " + args(i) + " points into memory freed before the launch ran");
        }
      }
      launch(kernel.index(), grid, block, sharedBytes, slots, order.ordinal(), launchSeed);
      for (int i = 0; i < touched.size(); i++) {
        Allocation a = touched.get(i);
        if (!a.intact()) {
          String bytes = a.damage();
          a.poison(); // report it once
          throw new IllegalStateException(
              describe()
                  + " wrote outside its buffer: guard bytes "
                  + bytes
                  + " of the "
                  + a.size
                  + "-byte allocation behind "
                  + args(i));
        }
      }
    }
  }

  /** A strided-batched GEMM on views taken (and bounds-checked) when it was enqueued. */
  private record QueuedGemm(
      Gemm g,
      double alpha,
      ByteBuffer av,
      ByteBuffer bv,
      double beta,
      ByteBuffer cv,
      Precision precision,
      List<Allocation> operands)
      implements Work {

    @Override
    public String describe() {
      return "gemm " + precision + " m " + g.m() + " n " + g.n() + " k " + g.k() + " batch "
          + g.batch();
    }

    @Override
    public void run() {
      for (Allocation a : operands) {
        if (a.freed) {
          throw new IllegalStateException(
              describe() + ": an operand was freed before the GEMM ran");
        }
      }
      if (precision == Precision.FP64) {
        fp64(
            g.transA(),
            g.transB(),
            g.m(),
            g.n(),
            g.k(),
            alpha,
            av.asDoubleBuffer(),
            g.lda(),
            g.strideA(),
            bv.asDoubleBuffer(),
            g.ldb(),
            g.strideB(),
            beta,
            cv.asDoubleBuffer(),
            g.ldc(),
            g.strideC(),
            g.batch());
      } else {
        fp32(
            g.transA(),
            g.transB(),
            g.m(),
            g.n(),
            g.k(),
            (float) alpha,
            av.asFloatBuffer(),
            g.lda(),
            g.strideA(),
            bv.asFloatBuffer(),
            g.ldb(),
            g.strideB(),
            (float) beta,
            cv.asFloatBuffer(),
            g.ldc(),
            g.strideC(),
            g.batch());
      }
    }

    // static, with every size a parameter: fields would be reloaded after each off-heap store
    private static void fp64(
        boolean transA,
        boolean transB,
        int m,
        int n,
        int k,
        double alpha,
        DoubleBuffer a,
        int lda,
        long strideA,
        DoubleBuffer b,
        int ldb,
        long strideB,
        double beta,
        DoubleBuffer c,
        int ldc,
        long strideC,
        int batch) {
      for (int p = 0; p < batch; p++) {
        int ao = (int) (p * strideA);
        int bo = (int) (p * strideB);
        int co = (int) (p * strideC);
        for (int j = 0; j < n; j++) {
          for (int i = 0; i < m; i++) {
            double sum = 0.0;
            for (int l = 0; l < k; l++) {
              double x = a.get(ao + (transA ? l + i * lda : i + l * lda));
              double y = b.get(bo + (transB ? j + l * ldb : l + j * ldb));
              sum += x * y;
            }
            int ci = co + i + j * ldc;
            c.put(ci, beta == 0.0 ? alpha * sum : alpha * sum + beta * c.get(ci));
          }
        }
      }
    }

    private static void fp32(
        boolean transA,
        boolean transB,
        int m,
        int n,
        int k,
        float alpha,
        FloatBuffer a,
        int lda,
        long strideA,
        FloatBuffer b,
        int ldb,
        long strideB,
        float beta,
        FloatBuffer c,
        int ldc,
        long strideC,
        int batch) {
      for (int p = 0; p < batch; p++) {
        int ao = (int) (p * strideA);
        int bo = (int) (p * strideB);
        int co = (int) (p * strideC);
        for (int j = 0; j < n; j++) {
          for (int i = 0; i < m; i++) {
            float sum = 0.0f;
            for (int l = 0; l < k; l++) {
              float x = a.get(ao + (transA ? l + i * lda : i + l * lda));
              float y = b.get(bo + (transB ? j + l * ldb : l + j * ldb));
              sum += x * y;
            }
            int ci = co + i + j * ldc;
            c.put(ci, beta == 0.0f ? alpha * sum : alpha * sum + beta * c.get(ci));
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

  // ---- lanes ----

  /**
   * One in-order queue (a CUDA stream on a GPU). Work waits in {@code pending} until a sync point
   * of this lane (or the device's synchronize) hands it to the lane's worker thread and waits for
   * it.
   */
  private final class EmulatedLane implements Lane {
    private final String label;

    /** Enqueued and not yet handed to the worker; guarded by this. */
    private List<Work> pending = new ArrayList<>();

    /** Started by the first drain with work; stopped by close; guarded by this. */
    private ExecutorService worker;

    /** The first failure of deferred work not yet thrown; later work is dropped until then. */
    private final AtomicReference<IllegalStateException> failure = new AtomicReference<>();

    /** Launches enqueued, so that each gets its own shuffle; guarded by this. */
    private long launchCount;

    /** Whether {@link #useOwnGemmWorkspace} was called (cublasSetWorkspace). Guarded by this. */
    private boolean ownWorkspace;

    /** Whether a GEMM has been enqueued uncaptured (cuBLAS initialised). Guarded by this. */
    private boolean gemmOutsideCapture;

    /** The work recorded since {@link #beginCapture}; null when not capturing. Guarded by this. */
    private List<Work> capture;

    private volatile boolean closed;

    EmulatedLane(String label) {
      this.label = label;
    }

    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException(this == root ? "device is closed" : label + " is closed");
      }
    }

    /** Hands the pending work to the worker; the future completes when it has run. */
    Future<?> drain() {
      synchronized (this) {
        if (pending.isEmpty()) {
          return null;
        }
        List<Work> batch = pending;
        pending = new ArrayList<>();
        if (worker == null) {
          worker =
              Executors.newSingleThreadExecutor(
                  r -> {
                    Thread t = new Thread(r, threadPrefix + label);
                    t.setDaemon(true);
                    return t;
                  });
        }
        // submitted under the lock, so batches of concurrent drains run in enqueue order
        return worker.submit(() -> runAll(batch));
      }
    }

    private void runAll(List<Work> batch) {
      for (Work w : batch) {
        if (failure.get() != null) {
          return;
        }
        try {
          w.run();
        } catch (RuntimeException e) {
          String msg = e.getMessage() == null ? e.toString() : e.getMessage();
          if (!msg.startsWith(w.describe())) {
            msg = w.describe() + ": " + msg;
          }
          failure.compareAndSet(null, new IllegalStateException(label + ": " + msg, e));
        }
      }
    }

    /** Waits for this lane's queue; throws the first failure of its deferred work. */
    private void sync() {
      await(drain());
      IllegalStateException f = failure.getAndSet(null);
      if (f != null) {
        // thrown here, where the lane's owner waits, with the worker's trace as the cause
        throw new IllegalStateException(f.getMessage(), f);
      }
    }

    private void enqueue(Work w) {
      synchronized (this) {
        (capture != null ? capture : pending).add(w);
      }
    }

    /** Refuses a sync point while capturing, as a real stream capture does. */
    void notCapturing(String what) {
      synchronized (this) {
        if (capture != null) {
          throw new IllegalStateException(
              label + ": " + what + " inside a stream capture (a sync point)");
        }
      }
    }

    @Override
    public void useOwnGemmWorkspace() {
      checkOpen();
      notCapturing("useOwnGemmWorkspace");
      synchronized (this) {
        ownWorkspace = true;
      }
    }

    /**
     * A GEMM in a capture needs the lane's own workspace and an earlier uncaptured GEMM (see {@link
     * Lane#useOwnGemmWorkspace}); cuBLAS would otherwise allocate, or initialise, inside it.
     */
    private void checkGemmCapture() {
      synchronized (this) {
        if (capture == null) {
          gemmOutsideCapture = true;
        } else if (!ownWorkspace) {
          throw new IllegalStateException(
              label
                  + ": cuBLAS gemm inside a stream capture on a lane without its own workspace"
                  + " (cublasSetWorkspace): cuBLAS would allocate during the capture");
        } else if (!gemmOutsideCapture) {
          throw new IllegalStateException(
              label
                  + ": the lane's first cuBLAS gemm inside a stream capture (cuBLAS initialises a"
                  + " handle on its first calls: run one uncaptured first)");
        }
      }
    }

    @Override
    public void beginCapture() {
      checkOpen();
      synchronized (this) {
        if (capture != null) {
          throw new IllegalStateException(label + " is already capturing");
        }
        capture = new ArrayList<>();
        capturingHere.set(this);
      }
    }

    @Override
    public Graph endCapture() {
      checkOpen();
      List<Work> work;
      synchronized (this) {
        if (capture == null) {
          throw new IllegalStateException(label + " is not capturing");
        }
        work = List.copyOf(capture);
        capture = null;
        capturingHere.remove();
      }
      return new LaneGraph(work);
    }

    /** Captured work, queued again on this lane at each launch. */
    private final class LaneGraph implements Graph {
      private final List<Work> work;
      private volatile boolean released;

      LaneGraph(List<Work> work) {
        this.work = work;
      }

      @Override
      public void launch() {
        checkOpen();
        if (released) {
          throw new IllegalStateException("graph is released");
        }
        graphLaunches.incrementAndGet();
        synchronized (EmulatedLane.this) {
          (capture != null ? capture : pending).addAll(work);
        }
      }

      @Override
      public int nodes() {
        return work.size();
      }

      @Override
      public void close() {
        released = true;
      }
    }

    private ByteBuffer hostAccess(long ptr, long bytes, String what) {
      checkOpen();
      notCapturing(what);
      sync();
      return holding(ptr, bytes, what).view(ptr, bytes);
    }

    @Override
    public void copyIn(long dst, double[] src) {
      hostAccess(dst, 8L * src.length, "copyIn").asDoubleBuffer().put(src);
    }

    @Override
    public void copyIn(long dst, float[] src) {
      hostAccess(dst, 4L * src.length, "copyIn").asFloatBuffer().put(src);
    }

    @Override
    public void copyIn(long dst, int[] src) {
      hostAccess(dst, 4L * src.length, "copyIn").asIntBuffer().put(src);
    }

    @Override
    public void copyOut(long src, double[] dst) {
      hostAccess(src, 8L * dst.length, "copyOut").asDoubleBuffer().get(dst);
    }

    @Override
    public void copyOut(long src, float[] dst) {
      hostAccess(src, 4L * dst.length, "copyOut").asFloatBuffer().get(dst);
    }

    @Override
    public void gemm(
        Gemm g, double alpha, long a, long b, double beta, long c, Precision precision) {
      checkOpen();
      boolean ta = g.transA();
      boolean tb = g.transB();
      int m = g.m();
      int n = g.n();
      int k = g.k();
      checkLd("lda", g.lda(), ta ? k : m);
      checkLd("ldb", g.ldb(), tb ? n : k);
      checkLd("ldc", g.ldc(), m);
      int size = precision == Precision.FP64 ? 8 : 4;
      // the extent each operand spans over the whole batch, so out-of-bounds access fails here
      long last = g.batch() - 1;
      long spanA = last * g.strideA() + (long) g.lda() * ((ta ? m : k) - 1) + (ta ? k : m);
      long spanB = last * g.strideB() + (long) g.ldb() * ((tb ? k : n) - 1) + (tb ? n : k);
      long spanC = last * g.strideC() + (long) g.ldc() * (n - 1) + m;
      Allocation aa = holding(a, spanA * size, "gemm operand A");
      Allocation ba = holding(b, spanB * size, "gemm operand B");
      Allocation ca = holding(c, spanC * size, "gemm operand C");
      checkGemmCapture();
      gemms.incrementAndGet();
      enqueue(
          new QueuedGemm(
              g,
              alpha,
              aa.view(a, spanA * size),
              ba.view(b, spanB * size),
              beta,
              ca.view(c, spanC * size),
              precision,
              List.of(aa, ba, ca)));
    }

    @Override
    public Launcher prepare(String name, int block, Object... args) {
      return prepareWithSharedMemory(name, block, 0, args);
    }

    @Override
    public Launcher prepareWithSharedMemory(
        String name, int block, int sharedBytes, Object... args) {
      checkOpen();
      if (sharedBytes < 0 || sharedBytes > MAX_SHARED) {
        throw new IllegalArgumentException(
            name
                + ": "
                + sharedBytes
                + " bytes of shared memory; a block may have 0.."
                + MAX_SHARED);
      }
      if (block < 1 || block > MAX_BLOCK || block % WARP != 0) {
        throw new IllegalArgumentException(
            name
                + ": block of "
                + block
                + " threads; a block must have 1.."
                + MAX_BLOCK
                + " threads, a multiple of "
                + WARP);
      }
      Kernel kernel = Kernel.find(name);
      if (kernel == null) {
        throw new IllegalArgumentException("no kernel named " + name);
      }
      if (sharedBytes > SharedMemoryOptIn.WITHOUT_OPT_IN) {
        optIn.ensure(name, sharedBytes); // as JCudaDevice does
      }
      long[] slots = new long[args.length];
      StringBuilder sig = new StringBuilder(args.length);
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
          throw new IllegalArgumentException(name + ": " + kernel.arg(i) + " is " + o);
        }
      }
      if (!kernel.signature().contentEquals(sig)) {
        throw new IllegalArgumentException(
            name + " takes (" + kernel.signature() + "), got (" + sig + ")");
      }
      return new EmulatedLauncher(kernel, block, sharedBytes, slots);
    }

    /** A prepared launch: the argument slots, copied into each enqueued launch. */
    private final class EmulatedLauncher implements Launcher {
      private final Kernel kernel;
      private final int block;
      private final int sharedBytes;
      private final long[] slots;

      EmulatedLauncher(Kernel kernel, int block, int sharedBytes, long[] slots) {
        this.kernel = kernel;
        this.block = block;
        this.sharedBytes = sharedBytes;
        this.slots = slots;
      }

      private void set(int slot, char type, long bits) {
        char want = kernel.signature().charAt(slot);
        if (want != type) {
          throw new IllegalArgumentException(
              kernel.name()
                  + ": "
                  + kernel.arg(slot)
                  + " is of type '"
                  + want
                  + "', not '"
                  + type
                  + "'");
        }
        slots[slot] = bits;
      }

      @Override
      public void setInt(int slot, int value) {
        set(slot, 'i', value);
      }

      @Override
      public void setPointer(int slot, long pointer) {
        set(slot, 'p', pointer);
      }

      @Override
      public void setDouble(int slot, double value) {
        set(slot, 'd', Double.doubleToRawLongBits(value));
      }

      @Override
      public void enqueue(int grid) {
        checkOpen();
        String name = kernel.name();
        if (grid < 1) {
          throw new IllegalArgumentException(
              name + ": grid of " + grid + " blocks; a grid must have 1.." + Integer.MAX_VALUE);
        }
        int limit = maxDynamicShared(name);
        if (sharedBytes > limit) {
          // cuLaunchKernel checks the function's attribute as it is now, not as it was when the
          // launch was prepared
          throw new IllegalArgumentException(
              name
                  + ": launch with "
                  + sharedBytes
                  + " bytes of dynamic shared memory, above the function's"
                  + " MAX_DYNAMIC_SHARED_SIZE_BYTES of "
                  + limit
                  + ": CUDA_ERROR_INVALID_VALUE");
        }
        long launchSeed;
        synchronized (EmulatedLane.this) {
          launchSeed = seed + 0x9E3779B97F4A7C15L * ++launchCount;
        }
        long[] now = slots.clone();
        Launch l = new Launch(kernel, grid, block, sharedBytes, now, launchSeed);
        String sig = kernel.signature();
        for (int i = 0; i < now.length; i++) {
          if (sig.charAt(i) == 'p') {
            Allocation a = find(now[i]);
            if (a == null) {
              throw new IllegalArgumentException(
                  name
                      + ": "
                      + kernel.arg(i)
                      + " = 0x"
                      + Long.toHexString(now[i])
                      + " points outside every live allocation");
            }
            l.touches(a, i);
          }
        }
        launches.incrementAndGet();
        EmulatedLane.this.enqueue(l);
      }
    }

    @Override
    public void synchronize() {
      checkOpen();
      notCapturing("synchronize");
      sync();
    }

    /** Waits for the queue (throwing its failure, if any) and stops the worker thread. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      notCapturing("close");
      closed = true;
      lanes.remove(this);
      try {
        sync();
      } finally {
        ExecutorService w;
        synchronized (this) {
          w = worker;
          worker = null;
        }
        if (w != null) {
          w.shutdown();
          boolean interrupted = false;
          while (true) {
            try {
              if (w.awaitTermination(1, TimeUnit.MINUTES)) {
                break;
              }
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }
}
