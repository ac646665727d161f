package dev.depthlab.backend.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;

import dev.depthlab.backend.Availability;
import dev.depthlab.model.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;
import jcuda.runtime.cudaStream_t;

/**
 * The real {@link Device}: device 0 through the CUDA driver API (JCuda), cuBLAS (JCublas2) for the
 * GEMMs and NVRTC (JNvrtc) for the kernels, compiled once per device architecture and cached as PTX
 * under {@code ~/.cache/depthlab/ptx/<sm>/<hash>.ptx}.
 *
 * <h2>Lanes</h2>
 *
 * All work goes to a {@link Lane} (see {@link Device}): a CUDA stream created with {@code
 * cuStreamCreate(CU_STREAM_NON_BLOCKING)}, so it never waits for the legacy default stream nor for
 * other lanes, and a cuBLAS handle of its own bound to it ({@code cublasSetStream}); one handle per
 * stream is also what cuBLAS requires for bit-reproducible GEMMs when several streams are active.
 * On a lane:
 *
 * <ul>
 *   <li>kernels: {@code cuLaunchKernel(..., hStream = the lane's stream, ...)};
 *   <li>GEMMs: {@code cublas<D|S>gemmStridedBatched} on the lane's handle;
 *   <li>copies: {@code cuMemcpyHtoDAsync} / {@code cuMemcpyDtoHAsync} on the lane's stream, each
 *       followed by {@code cuStreamSynchronize} of that stream only (the source and target are Java
 *       arrays, pageable and only pinned by JCuda for the duration of the call, so the copy must be
 *       complete before returning). The synchronous {@code cuMemcpy*} would run on the legacy
 *       stream, which does not order with a non-blocking stream: it could overtake the lane's
 *       pending kernels;
 *   <li>alloc: {@code cuMemAlloc}, zeroed by {@code cuMemsetD8Async} on the lane's stream, then
 *       {@code cuStreamSynchronize}; free: {@code cuStreamSynchronize} then {@code cuMemFree}.
 * </ul>
 *
 * Every lane call first makes the device's (primary) context current on the calling thread ({@code
 * cuCtxSetCurrent}, once per thread), so groups may be driven from any thread. The device's own
 * copy/GEMM/launch methods use a root lane opened with the device; its {@link #synchronize} waits
 * for the whole context. The kernel module is loaded once in the constructor (NVRTC compile and PTX
 * cache under a JVM-wide lock); function handles are looked up through a concurrent map; the
 * allocation table is a concurrent map.
 */
public final class JCudaDevice implements Device {
  private static Availability probed;

  /** Serialises NVRTC compiles, the PTX cache and module loads across devices in this JVM. */
  private static final Object KERNEL_LOCK = new Object();

  private final CUcontext context = new CUcontext();
  private final ConcurrentSkipListMap<Long, CUdeviceptr> allocations =
      new ConcurrentSkipListMap<>();
  private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
  private final Set<Lane> lanes = ConcurrentHashMap.newKeySet();

  /** Whether this device's context has been made current on the calling thread. */
  private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private final CUmodule module = new CUmodule();
  private final Map<String, String> details;
  private final String name;
  private final Lane root;

  /** A device pointer whose raw address is readable (JCuda keeps it protected). */
  private static final class Addressed extends CUdeviceptr {
    long address() {
      return getNativePointer();
    }
  }

  /**
   * Whether a CUDA device can be used, and why not; never throws and prints nothing. The answer is
   * computed once per JVM.
   */
  public static synchronized Availability probe() {
    if (probed == null) {
      probed = computeAvailability();
    }
    return probed;
  }

  private static Availability computeAvailability() {
    Map<String, String> d = new LinkedHashMap<>();
    try {
      JCudaDriver.setExceptionsEnabled(false);
      int rc = JCudaDriver.cuInit(0);
      if (rc != CUresult.CUDA_SUCCESS) {
        return Availability.unusable(initFailure(rc));
      }
      int[] v = new int[1];
      JCudaDriver.cuDriverGetVersion(v);
      d.put("driver", "CUDA " + v[0] / 1000 + "." + (v[0] % 1000) / 10 + " (driver API)");
      if (v[0] < 12000) {
        return Availability.unusable(
            "NVIDIA driver too old: it supports CUDA "
                + v[0] / 1000
                + "."
                + (v[0] % 1000) / 10
                + ", JCuda 12.6 needs a CUDA 12 driver");
      }
      int[] count = new int[1];
      JCudaDriver.cuDeviceGetCount(count);
      if (count[0] == 0) {
        return Availability.unusable("no CUDA device found (driver present)");
      }
      CUdevice device = new CUdevice();
      JCudaDriver.cuDeviceGet(device, 0);
      d.putAll(describe(device));
      d.put("devices", Integer.toString(count[0]));
    } catch (Throwable t) {
      return Availability.unusable(loadFailure(t, "libcuda.so.1"));
    }
    try {
      JNvrtc.setExceptionsEnabled(false);
      int[] major = new int[1];
      int[] minor = new int[1];
      JNvrtc.nvrtcVersion(major, minor);
      d.put("nvrtc", major[0] + "." + minor[0]);
    } catch (Throwable t) {
      return Availability.unusable(loadFailure(t, "libnvrtc.so.12"));
    }
    try {
      JCublas2.setExceptionsEnabled(false);
      JCublas2.initialize();
      d.put("cublas", "loaded (libcublas.so.12)");
    } catch (Throwable t) {
      return Availability.unusable(loadFailure(t, "libcublas.so.12"));
    }
    d.put("jcuda", "12.6.0");
    return Availability.usable(d);
  }

  private static Map<String, String> describe(CUdevice device) {
    Map<String, String> d = new LinkedHashMap<>();
    byte[] nameBytes = new byte[256];
    JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device);
    d.put("device", cString(nameBytes));
    long[] mem = new long[1];
    JCudaDriver.cuDeviceTotalMem(mem, device);
    d.put("memory", (mem[0] >> 20) + " MiB");
    int[] cc = computeCapability(device);
    d.put("compute capability", cc[0] + "." + cc[1]);
    return d;
  }

  private static int[] computeCapability(CUdevice device) {
    int[] major = new int[1];
    int[] minor = new int[1];
    JCudaDriver.cuDeviceGetAttribute(major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    JCudaDriver.cuDeviceGetAttribute(minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    return new int[] {major[0], minor[0]};
  }

  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  private static String initFailure(int rc) {
    switch (rc) {
      case CUresult.CUDA_ERROR_NO_DEVICE:
        return "no CUDA device found (cuInit: CUDA_ERROR_NO_DEVICE)";
      case 35: // CUDA_ERROR_INSUFFICIENT_DRIVER (not among JCuda's constants)
        return "NVIDIA driver too old for CUDA 12 (cuInit: CUDA_ERROR_INSUFFICIENT_DRIVER)";
      case CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH:
        return "NVIDIA kernel driver and user-space driver versions differ "
            + "(cuInit: CUDA_ERROR_SYSTEM_DRIVER_MISMATCH)";
      default:
        return "cuInit failed: " + CUresult.stringFor(rc);
    }
  }

  /** One line naming the missing library, from a native-loading failure. */
  static String loadFailure(Throwable t, String library) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      all.append(c).append(' ');
    }
    String msg = all.toString();
    if (msg.contains("libcuda.so")) {
      return "no NVIDIA driver (libcuda.so.1 not found)";
    }
    if (msg.contains("libcublas")) {
      return "libcublas.so.12 not found (install the CUDA 12 cuBLAS library, on the library path)";
    }
    if (msg.contains("libnvrtc")) {
      return "libnvrtc.so.12 not found (install the CUDA 12 NVRTC library, on the library path)";
    }
    String first = t.getMessage() == null ? t.toString() : t.getMessage();
    first = first.split("\n")[0];
    return "cannot load the JCuda natives for " + library + ": " + first;
  }

  /** Opens device 0; the caller has checked {@link #probe}. */
  public JCudaDevice() {
    Availability av = probe();
    if (!av.usable()) {
      throw new IllegalStateException("CUDA unavailable: " + av.reason());
    }
    JCudaDriver.setExceptionsEnabled(true);
    JCublas2.setExceptionsEnabled(true);
    JNvrtc.setExceptionsEnabled(true);
    CUdevice device = new CUdevice();
    JCudaDriver.cuDeviceGet(device, 0);
    JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
    makeCurrent();
    root = new Lane();
    int[] ver = new int[1];
    JCublas2.cublasGetVersion(root.cublas, ver);
    details = new LinkedHashMap<>(av.details());
    details.put("cublas", ver[0] / 10000 + "." + (ver[0] % 10000) / 100 + "." + ver[0] % 100);
    details.put("streams", "one non-blocking CUDA stream and cuBLAS handle per group (lane)");
    name = details.getOrDefault("device", "cuda");
    synchronized (KERNEL_LOCK) {
      loadKernels(computeCapability(device));
    }
  }

  /** Makes this device's context current on the calling thread (once per thread). */
  private void makeCurrent() {
    if (!current.get()) {
      JCudaDriver.cuCtxSetCurrent(context);
      current.set(Boolean.TRUE);
    }
  }

  /** Called under {@link #KERNEL_LOCK}. */
  private void loadKernels(int[] cc) {
    int arch = nvrtcArch(cc[0] * 10 + cc[1]);
    List<String> options = List.of("--gpu-arch=compute_" + arch, "--std=c++17", "--fmad=false");
    Map<String, String> sources = CudaKernels.sources();
    String compiler = "nvrtc " + details.get("nvrtc");
    Path cache =
        Path.of(
            System.getProperty("user.home"),
            ".cache",
            "depthlab",
            "ptx",
            "sm_" + cc[0] + cc[1],
            CudaKernels.hash(sources, options, compiler) + ".ptx");
    String ptx = null;
    try {
      if (Files.isRegularFile(cache)) {
        ptx = Files.readString(cache, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      ptx = null;
    }
    if (ptx == null) {
      ptx = compile(sources, options);
      writeAtomically(cache, ptx);
    }
    byte[] image = (ptx + "\0").getBytes(StandardCharsets.UTF_8);
    JCudaDriver.cuModuleLoadData(module, image);
    details.put("kernels", "NVRTC compute_" + arch + ", PTX cache " + cache);
  }

  /** The highest architecture NVRTC supports that does not exceed the device's. */
  private static int nvrtcArch(int device) {
    int[] n = new int[1];
    JNvrtc.nvrtcGetNumSupportedArchs(n);
    int[] archs = new int[n[0]];
    JNvrtc.nvrtcGetSupportedArchs(archs);
    int best = archs.length == 0 ? device : archs[0];
    for (int a : archs) {
      if (a <= device && a > best) {
        best = a;
      }
    }
    return best;
  }

  private static String compile(Map<String, String> sources, List<String> options) {
    nvrtcProgram prog = new nvrtcProgram();
    String[] names = sources.keySet().toArray(new String[0]);
    String[] texts = sources.values().toArray(new String[0]);
    JNvrtc.nvrtcCreateProgram(prog, CudaKernels.root(), "depthlab.cu", names.length, texts, names);
    try {
      JNvrtc.setExceptionsEnabled(false);
      int rc = JNvrtc.nvrtcCompileProgram(prog, options.size(), options.toArray(new String[0]));
      JNvrtc.setExceptionsEnabled(true);
      if (rc != nvrtcResult.NVRTC_SUCCESS) {
        String[] log = new String[1];
        JNvrtc.nvrtcGetProgramLog(prog, log);
        throw new IllegalStateException("NVRTC failed to compile kernels/: " + log[0]);
      }
      String[] ptx = new String[1];
      JNvrtc.nvrtcGetPTX(prog, ptx);
      return ptx[0];
    } finally {
      JNvrtc.setExceptionsEnabled(true);
      JNvrtc.nvrtcDestroyProgram(prog);
    }
  }

  /** Writes a temporary file beside {@code target} and renames it into place. */
  private static void writeAtomically(Path target, String text) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // a cache we cannot write only costs a recompile next time
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, String> details() {
    return new LinkedHashMap<>(details);
  }

  @Override
  public long alloc(long bytes) {
    return root.alloc(bytes);
  }

  @Override
  public void free(long ptr) {
    root.free(ptr);
  }

  @Override
  public int liveAllocations() {
    return allocations.size();
  }

  /** A JCuda pointer for a handle: its allocation plus the byte offset. */
  private CUdeviceptr pointer(long handle) {
    Map.Entry<Long, CUdeviceptr> e = allocations.floorEntry(handle);
    if (e == null) {
      throw new IllegalArgumentException("not a device address: " + handle);
    }
    return e.getValue().withByteOffset(handle - e.getKey());
  }

  @Override
  public void copyIn(long dst, double[] src) {
    root.copyIn(dst, src);
  }

  @Override
  public void copyIn(long dst, float[] src) {
    root.copyIn(dst, src);
  }

  @Override
  public void copyIn(long dst, int[] src) {
    root.copyIn(dst, src);
  }

  @Override
  public void copyOut(long src, double[] dst) {
    root.copyOut(src, dst);
  }

  @Override
  public void copyOut(long src, float[] dst) {
    root.copyOut(src, dst);
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
    root.gemmStridedBatched(
        transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC,
        batch, precision);
  }

  @Override
  public void launch(String kernel, int grid, int block, Object... args) {
    root.launch(kernel, grid, block, args);
  }

  /** Waits for every lane (the whole context). */
  @Override
  public void synchronize() {
    makeCurrent();
    JCudaDriver.cuCtxSynchronize();
  }

  @Override
  public Device openLane() {
    return new Lane();
  }

  private CUfunction function(String kernel) {
    return functions.computeIfAbsent(
        kernel,
        k -> {
          CUfunction fn = new CUfunction();
          JCudaDriver.cuModuleGetFunction(fn, module, k);
          return fn;
        });
  }

  @Override
  public void close() {
    makeCurrent();
    for (Lane lane : List.copyOf(lanes)) {
      lane.close();
    }
    for (CUdeviceptr p : allocations.values()) {
      JCudaDriver.cuMemFree(p);
    }
    allocations.clear();
    JCudaDriver.cuModuleUnload(module);
  }

  /**
   * One execution lane: a non-blocking CUDA stream and a cuBLAS handle bound to it (see the class
   * comment). Used by one thread at a time.
   */
  private final class Lane implements Device {
    private final CUstream stream = new CUstream();
    private final cublasHandle cublas = new cublasHandle();
    private volatile boolean closed;

    Lane() {
      makeCurrent();
      JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
      try {
        JCublas2.cublasCreate(cublas);
        try {
          // full-precision arithmetic only: no TF32 or other reduced-precision tensor-core paths
          JCublas2.cublasSetMathMode(cublas, cublasMath.CUBLAS_DEFAULT_MATH);
          JCublas2.cublasSetStream(cublas, new cudaStream_t(stream));
        } catch (RuntimeException e) {
          JCublas2.cublasDestroy(cublas);
          throw e;
        }
      } catch (RuntimeException e) {
        JCudaDriver.cuStreamDestroy(stream);
        throw e;
      }
      lanes.add(this);
    }

    /** Checks the lane is open and binds the context to the calling thread. */
    private void enter() {
      if (closed) {
        throw new IllegalStateException("lane is closed");
      }
      makeCurrent();
    }

    private void sync() {
      JCudaDriver.cuStreamSynchronize(stream);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Map<String, String> details() {
      return JCudaDevice.this.details();
    }

    @Override
    public long alloc(long bytes) {
      enter();
      long size = Math.max(bytes, 8);
      Addressed p = new Addressed();
      JCudaDriver.cuMemAlloc(p, size);
      try {
        JCudaDriver.cuMemsetD8Async(p, (byte) 0, size, stream);
        sync(); // zeroed before any lane (or the host) can use it
      } catch (RuntimeException e) {
        JCudaDriver.cuMemFree(p);
        throw e;
      }
      long addr = p.address();
      allocations.put(addr, p);
      return addr;
    }

    @Override
    public void free(long ptr) {
      enter();
      CUdeviceptr p = allocations.remove(ptr);
      if (p == null) {
        throw new IllegalArgumentException("not an allocation: " + ptr);
      }
      sync(); // this lane's pending work may still use it
      JCudaDriver.cuMemFree(p);
    }

    @Override
    public int liveAllocations() {
      return allocations.size();
    }

    @Override
    public void copyIn(long dst, double[] src) {
      enter();
      JCudaDriver.cuMemcpyHtoDAsync(pointer(dst), Pointer.to(src), 8L * src.length, stream);
      sync();
    }

    @Override
    public void copyIn(long dst, float[] src) {
      enter();
      JCudaDriver.cuMemcpyHtoDAsync(pointer(dst), Pointer.to(src), 4L * src.length, stream);
      sync();
    }

    @Override
    public void copyIn(long dst, int[] src) {
      enter();
      JCudaDriver.cuMemcpyHtoDAsync(pointer(dst), Pointer.to(src), 4L * src.length, stream);
      sync();
    }

    @Override
    public void copyOut(long src, double[] dst) {
      enter();
      JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(dst), pointer(src), 8L * dst.length, stream);
      sync();
    }

    @Override
    public void copyOut(long src, float[] dst) {
      enter();
      JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(dst), pointer(src), 4L * dst.length, stream);
      sync();
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
      enter();
      int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
      int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
      int rc;
      // alpha and beta are host scalars (CUBLAS_POINTER_MODE_HOST), read before the call returns
      if (precision == Precision.FP64) {
        rc =
            JCublas2.cublasDgemmStridedBatched(
                cublas,
                opA,
                opB,
                m,
                n,
                k,
                Pointer.to(new double[] {alpha}),
                pointer(a),
                lda,
                strideA,
                pointer(b),
                ldb,
                strideB,
                Pointer.to(new double[] {beta}),
                pointer(c),
                ldc,
                strideC,
                batch);
      } else {
        rc =
            JCublas2.cublasSgemmStridedBatched(
                cublas,
                opA,
                opB,
                m,
                n,
                k,
                Pointer.to(new float[] {(float) alpha}),
                pointer(a),
                lda,
                strideA,
                pointer(b),
                ldb,
                strideB,
                Pointer.to(new float[] {(float) beta}),
                pointer(c),
                ldc,
                strideC,
                batch);
      }
      if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
        throw new IllegalStateException("cuBLAS gemm failed: " + cublasStatus.stringFor(rc));
      }
    }

    @Override
    public void launch(String kernel, int grid, int block, Object... args) {
      enter();
      CUfunction f = function(kernel);
      List<Pointer> params = new ArrayList<>(args.length);
      for (Object o : args) {
        if (o instanceof Long p) {
          params.add(Pointer.to(new long[] {p})); // a device pointer parameter is its address
        } else if (o instanceof Integer v) {
          params.add(Pointer.to(new int[] {v}));
        } else if (o instanceof Double v) {
          params.add(Pointer.to(new double[] {v}));
        } else {
          throw new IllegalArgumentException("kernel argument of " + kernel + ": " + o);
        }
      }
      // the driver copies the parameter values before cuLaunchKernel returns
      JCudaDriver.cuLaunchKernel(
          f, grid, 1, 1, block, 1, 1, 0, stream, Pointer.to(params.toArray(new Pointer[0])), null);
    }

    @Override
    public void synchronize() {
      enter();
      sync();
    }

    @Override
    public Device openLane() {
      return JCudaDevice.this.openLane();
    }

    /** Waits for the stream, then destroys the cuBLAS handle and the stream. No memory freed. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      makeCurrent();
      closed = true;
      lanes.remove(this);
      try {
        sync();
      } finally {
        try {
          JCublas2.cublasDestroy(cublas);
        } finally {
          JCudaDriver.cuStreamDestroy(stream);
        }
      }
    }
  }
}
