package dev.depthlab.backend.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;

import dev.depthlab.backend.Availability;
import dev.depthlab.model.Precision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;
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
 * GEMMs and NVRTC (JNvrtc) for the kernels, compiled once per device architecture and cached under
 * {@code ~/.cache/depthlab/kernels/<sm>/<hash>.cubin} (CUBIN for the device's own architecture;
 * {@code .ptx} where NVRTC does not know it).
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
  /**
   * The steps of opening the GPU, in order. {@link #probe} runs all of them, so that whatever can
   * fail before a run (a library, the driver, an NVRTC compile, the module load, cuBLAS) fails
   * there, and {@code --backend auto} falls back to the CPU with the reason.
   */
  static final List<String> STEPS =
      List.of("libraries", "nvrtc", "cublas", "driver", "context", "kernels", "module");

  private static Availability probed;
  private static JCudaDevice shared;

  /** Serialises NVRTC compiles, the kernel cache and module loads across devices in this JVM. */
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
  private Lane root;

  /** A device pointer whose raw address is readable (JCuda keeps it protected). */
  private static final class Addressed extends CUdeviceptr {
    long address() {
      return getNativePointer();
    }
  }

  /** A step's body; any exception it throws becomes a {@link CudaSetupException}. */
  @FunctionalInterface
  private interface StepBody<T> {
    T run() throws Exception;
  }

  private static <T> T step(String step, String what, StepBody<T> body) throws CudaSetupException {
    try {
      return body.run();
    } catch (CudaSetupException e) {
      throw e;
    } catch (Exception | LinkageError e) {
      throw new CudaSetupException(step, what + ": " + firstLine(e), e);
    }
  }

  /**
   * Whether the GPU can be used, and why not: opens device 0 through every step of {@link #STEPS}
   * once per JVM and keeps it open for {@link #shared}. Never throws; prints nothing.
   */
  public static synchronized Availability probe() {
    if (probed == null) {
      Map<String, String> learned = new LinkedHashMap<>();
      try {
        shared = open(learned);
        probed = Availability.usable(shared.details());
      } catch (CudaSetupException e) {
        probed = Availability.unusable(e.getMessage(), learned);
      } catch (RuntimeException | Error e) {
        probed = Availability.unusable("CUDA setup failed: " + firstLine(e), learned);
      }
    }
    return probed;
  }

  /** The device {@link #probe} opened, shared by this JVM; it stays open until the JVM exits. */
  public static synchronized JCudaDevice shared() {
    Availability av = probe();
    if (!av.usable()) {
      throw new IllegalStateException("CUDA unavailable: " + av.reason());
    }
    return shared;
  }

  /**
   * Runs {@link #STEPS} in order; {@code learned} collects what is known (versions, device, library
   * paths) even when a step fails, for {@code depthlab backends}.
   */
  private static JCudaDevice open(Map<String, String> learned) throws CudaSetupException {
    List<Path> dirs = CudaLibraries.searchPath();
    learned.putAll(
        step(
            "libraries",
            "cannot load the CUDA " + CudaLibraries.MAJOR + " libraries",
            () -> CudaLibraries.preload(dirs)));
    CudaSetupException libraries = null;
    try {
      openNvrtc(learned, dirs);
      openCublas(dirs);
    } catch (CudaSetupException e) {
      libraries = e;
      learned.put("libraries", e.getMessage());
    }
    learned.put("jcuda", "12.6.0");
    CUdevice device;
    try {
      device = openDriver(learned);
    } catch (CudaSetupException e) {
      // no driver is the first thing to fix; a library problem is in the details ("libraries")
      throw e;
    }
    if (libraries != null) {
      throw libraries;
    }
    return new JCudaDevice(device, learned);
  }

  /** Loads JCublas and with it cuBLAS and cuBLASLt (no GPU needed). The probe's step. */
  static void openCublas(List<Path> dirs) throws CudaSetupException {
    step(
        "cublas",
        "cannot load cuBLAS",
        () -> {
          try {
            JCublas2.setExceptionsEnabled(false);
            JCublas2.initialize();
            return null;
          } catch (LinkageError e) {
            throw new CudaSetupException(
                "cublas",
                chainMentions(e, "libcublasLt")
                    ? CudaLibraries.explainMissing(CudaLibraries.CUBLAS_LT, dirs)
                    : CudaLibraries.explainMissing(CudaLibraries.CUBLAS, dirs),
                e);
          }
        });
  }

  private static CUdevice openDriver(Map<String, String> d) throws CudaSetupException {
    return step(
        "driver",
        "cannot use the NVIDIA driver",
        () -> {
          try {
            JCudaDriver.setExceptionsEnabled(false);
            int rc = JCudaDriver.cuInit(0);
            if (rc != CUresult.CUDA_SUCCESS) {
              throw new CudaSetupException("driver", initFailure(rc));
            }
          } catch (LinkageError e) {
            throw new CudaSetupException("driver", "no NVIDIA driver (libcuda.so.1 not found)", e);
          }
          int[] v = new int[1];
          JCudaDriver.cuDriverGetVersion(v);
          d.put("driver", "CUDA " + v[0] / 1000 + "." + (v[0] % 1000) / 10 + " (driver API)");
          if (v[0] < CudaLibraries.MAJOR * 1000) {
            throw new CudaSetupException(
                "driver",
                "NVIDIA driver too old: it supports CUDA "
                    + v[0] / 1000
                    + "."
                    + (v[0] % 1000) / 10
                    + ", JCuda 12.6 needs a CUDA 12 driver (update the NVIDIA driver)");
          }
          int[] count = new int[1];
          JCudaDriver.cuDeviceGetCount(count);
          if (count[0] == 0) {
            throw new CudaSetupException("driver", "no CUDA device found (driver present)");
          }
          CUdevice device = new CUdevice();
          JCudaDriver.cuDeviceGet(device, 0);
          d.putAll(describe(device));
          d.put("devices", Integer.toString(count[0]));
          return device;
        });
  }

  /**
   * Loads NVRTC and checks that the builtins library it opens on the first compile is there, and
   * loads it by full path (NVRTC then finds it by its soname wherever it lies). The probe's step,
   * also run by NvrtcCompileTest.
   */
  static void openNvrtc(Map<String, String> d, List<Path> dirs) throws CudaSetupException {
    int[] version =
        step(
            "nvrtc",
            "cannot load NVRTC",
            () -> {
              try {
                JNvrtc.setExceptionsEnabled(false);
                int[] major = new int[1];
                int[] minor = new int[1];
                JNvrtc.nvrtcVersion(major, minor);
                return new int[] {major[0], minor[0]};
              } catch (LinkageError e) {
                throw new CudaSetupException(
                    "nvrtc", CudaLibraries.explainMissing(CudaLibraries.NVRTC, dirs), e);
              }
            });
    d.put("nvrtc", version[0] + "." + version[1]);
    String builtins = CudaLibraries.builtinsName(version[0], version[1]);
    Optional<Path> nvrtcDir = CudaLibraries.loadedFrom("libnvrtc.so");
    if (nvrtcDir.isPresent()) {
      Path b = nvrtcDir.get().resolve(builtins);
      if (!Files.isRegularFile(b)) {
        throw new CudaSetupException(
            "nvrtc",
            builtins
                + " missing beside "
                + nvrtcDir.get().resolve(CudaLibraries.NVRTC)
                + " (NVRTC opens it on every compile): "
                + CudaLibraries.fix("libnvrtc-builtins" + version[0] + "." + version[1], builtins));
      }
      step("nvrtc", "cannot load " + b, () -> loadLibrary(b));
      d.put("nvrtc builtins", b.toString());
    }
  }

  private static Void loadLibrary(Path p) {
    System.load(p.toAbsolutePath().toString());
    return null;
  }

  private static boolean chainMentions(Throwable t, String text) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (String.valueOf(c.getMessage()).contains(text)) {
        return true;
      }
    }
    return false;
  }

  /** The first line of a throwable's message (its class name when it has none). */
  static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.toString() : t.getMessage();
    return m.strip().split("\\R", 2)[0];
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
        return "no CUDA device found (cuInit: CUDA_ERROR_NO_DEVICE; check CUDA_VISIBLE_DEVICES)";
      case 35: // CUDA_ERROR_INSUFFICIENT_DRIVER (not among JCuda's constants)
        return "NVIDIA driver too old for CUDA 12 (cuInit: CUDA_ERROR_INSUFFICIENT_DRIVER)";
      case CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH:
        return "NVIDIA kernel driver and user-space driver versions differ "
            + "(cuInit: CUDA_ERROR_SYSTEM_DRIVER_MISMATCH; reboot or reinstall the driver)";
      default:
        return "cuInit failed: " + CUresult.stringFor(rc);
    }
  }

  /**
   * Opens device 0 with exceptions enabled: the primary context, the root lane (a stream and a
   * cuBLAS handle), the kernels (NVRTC or the kernel cache) and the module with every entry point.
   * Releases what it made when a step fails.
   */
  private JCudaDevice(CUdevice device, Map<String, String> learned) throws CudaSetupException {
    details = learned;
    name = details.getOrDefault("device", "cuda");
    JCudaDriver.setExceptionsEnabled(true);
    JCublas2.setExceptionsEnabled(true);
    JNvrtc.setExceptionsEnabled(true);
    boolean retained = false;
    try {
      step(
          "context",
          "cannot create a CUDA context",
          () -> JCudaDriver.cuDevicePrimaryCtxRetain(context, device));
      retained = true;
      makeCurrent();
      long[] free = new long[1];
      long[] total = new long[1];
      try {
        JCudaDriver.cuMemGetInfo(free, total); // what other processes leave (the resource check)
        details.put("memory free", (free[0] >> 20) + " MiB");
      } catch (RuntimeException e) {
        // informational only: the resource check falls back to the total
      }
      root = step("cublas", "cannot create a cuBLAS handle", Lane::new);
      int[] ver = new int[1];
      JCublas2.cublasGetVersion(root.cublas, ver);
      details.put("cublas", ver[0] / 10000 + "." + (ver[0] % 10000) / 100 + "." + ver[0] % 100);
      details.put("streams", "one non-blocking CUDA stream and cuBLAS handle per group (lane)");
      synchronized (KERNEL_LOCK) {
        loadKernels(computeCapability(device));
      }
    } catch (CudaSetupException | RuntimeException | Error e) {
      if (root != null) {
        root.close();
      }
      if (retained) {
        JCudaDriver.setExceptionsEnabled(false);
        JCudaDriver.cuDevicePrimaryCtxRelease(device);
      }
      throw e;
    }
  }

  /** Makes this device's context current on the calling thread (once per thread). */
  private void makeCurrent() {
    if (!current.get()) {
      JCudaDriver.cuCtxSetCurrent(context);
      current.set(Boolean.TRUE);
    }
  }

  /**
   * Called under {@link #KERNEL_LOCK}: the kernels' image (from the cache, else NVRTC: CUBIN for
   * the device's own architecture where NVRTC knows it, else PTX; {@link CudaKernels#target}), the
   * module, and every entry point, so that a missing kernel fails here and not in the middle of a
   * run.
   */
  private void loadKernels(int[] cc) throws CudaSetupException {
    CudaKernels.Target target =
        step(
            "kernels",
            "cannot list NVRTC's architectures",
            () -> CudaKernels.target(cc[0] * 10 + cc[1], supportedArchs()));
    List<String> options = target.options();
    Map<String, String> sources = CudaKernels.sources();
    String compiler = "nvrtc " + details.get("nvrtc");
    Path cache =
        Path.of(
            System.getProperty("user.home"),
            ".cache",
            "depthlab",
            "kernels",
            "sm_" + cc[0] + cc[1],
            CudaKernels.hash(sources, options, compiler) + "." + target.extension());
    byte[] cached = readCache(cache);
    if (cached != null && loadModule(cached, target, sources) == null) {
      details.put("kernels", "NVRTC " + target.describe() + ", from the cache " + cache);
      return;
    }
    byte[] image = compile(sources, options, details.get("nvrtc"));
    CudaSetupException failed = loadModule(image, target, sources);
    if (failed != null) {
      throw failed;
    }
    writeCache(cache, image);
    details.put("kernels", "NVRTC " + target.describe() + ", compiled and cached in " + cache);
  }

  /**
   * Writes the cache file under a temporary name and renames it into place (binary, so not through
   * AtomicFiles' text writer); a cache that cannot be written only costs a recompile next time.
   */
  private static void writeCache(Path cache, byte[] image) {
    Path tmp =
        cache.resolveSibling("." + cache.getFileName() + "." + ProcessHandle.current().pid());
    try {
      Files.createDirectories(cache.getParent());
      Files.write(tmp, image);
      Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // nothing more to do: the cache is only a cache
      }
    }
  }

  private static byte[] readCache(Path cache) {
    try {
      return Files.isRegularFile(cache) ? Files.readAllBytes(cache) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Bytes of the driver's JIT error log (the linker's messages when a module fails to load). */
  private static final int JIT_LOG_BYTES = 8192;

  /**
   * Loads {@code image} ({@code cuModuleLoadDataEx}, through JCuda's {@code cuModuleLoadDataJIT},
   * with an error-log buffer) and looks up every entry point; returns the failure, with the JIT
   * log's first line, or null.
   */
  private CudaSetupException loadModule(
      byte[] image, CudaKernels.Target target, Map<String, String> sources) {
    JCudaDriver.setExceptionsEnabled(false);
    try {
      JITOptions jit = new JITOptions();
      jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_LOG_BYTES);
      jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[JIT_LOG_BYTES]);
      int rc = JCudaDriver.cuModuleLoadDataJIT(module, Pointer.to(image), jit);
      if (rc != CUresult.CUDA_SUCCESS) {
        String why = CUresult.stringFor(rc);
        if (rc == 222) { // CUDA_ERROR_UNSUPPORTED_PTX_VERSION
          why +=
              " (NVRTC "
                  + details.get("nvrtc")
                  + "'s PTX is newer than the driver's "
                  + details.get("driver")
                  + " can JIT: update the NVIDIA driver, or put an older CUDA 12 NVRTC first in"
                  + " DEPTHLAB_CUDA_LIBS)";
        }
        String log = jitLog(jit);
        return new CudaSetupException(
            "module",
            "cannot load the kernels' "
                + target.describe()
                + ": "
                + why
                + (log.isEmpty() ? "" : "; JIT log: " + log));
      }
      for (String entry : CudaKernels.entryPoints(sources)) {
        CUfunction fn = new CUfunction();
        int frc = JCudaDriver.cuModuleGetFunction(fn, module, entry);
        if (frc != CUresult.CUDA_SUCCESS) {
          JCudaDriver.cuModuleUnload(module);
          return new CudaSetupException(
              "module", "kernel " + entry + " missing from the module: " + CUresult.stringFor(frc));
        }
        functions.put(entry, fn);
      }
      return null;
    } finally {
      JCudaDriver.setExceptionsEnabled(true);
    }
  }

  /** The JIT error log's lines joined by " | " (empty when the driver wrote none). */
  private static String jitLog(JITOptions jit) {
    String log;
    try {
      log = jit.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
    } catch (RuntimeException e) {
      return "";
    }
    return log == null ? "" : String.join(" | ", log.strip().lines().toList());
  }

  /** The architectures this NVRTC compiles for (e.g. 50..90 for NVRTC 12.4). */
  static int[] supportedArchs() {
    int[] n = new int[1];
    JNvrtc.nvrtcGetNumSupportedArchs(n);
    int[] archs = new int[n[0]];
    JNvrtc.nvrtcGetSupportedArchs(archs);
    return archs;
  }

  /**
   * NVRTC's image of the program {@code sources} (see {@link CudaKernels}): CUBIN when {@code
   * options} name a real architecture ({@code sm_XY}), else PTX with its terminating NUL, as the
   * driver's module loader takes it. Needs no GPU.
   */
  static byte[] compile(Map<String, String> sources, List<String> options, String version)
      throws CudaSetupException {
    nvrtcProgram prog = new nvrtcProgram();
    String[] names = sources.keySet().toArray(new String[0]);
    String[] texts = sources.values().toArray(new String[0]);
    JNvrtc.setExceptionsEnabled(false);
    try {
      int rc =
          JNvrtc.nvrtcCreateProgram(
              prog, CudaKernels.root(), CudaKernels.ROOT_NAME, names.length, texts, names);
      if (rc != nvrtcResult.NVRTC_SUCCESS) {
        throw new CudaSetupException(
            "kernels", "nvrtcCreateProgram failed: " + nvrtcResult.stringFor(rc));
      }
      rc = JNvrtc.nvrtcCompileProgram(prog, options.size(), options.toArray(new String[0]));
      if (rc != nvrtcResult.NVRTC_SUCCESS) {
        String[] log = new String[1];
        JNvrtc.nvrtcGetProgramLog(prog, log);
        String first = log[0] == null ? "" : log[0].strip().split("\\R", 2)[0];
        String hint =
            rc == nvrtcResult.NVRTC_ERROR_BUILTIN_OPERATION_FAILURE
                ? " (NVRTC could not open its builtins library: "
                    + CudaLibraries.fix("libnvrtc-builtins" + version, "libnvrtc-builtins.so")
                    + ")"
                : "";
        throw new CudaSetupException(
            "kernels",
            "NVRTC failed to compile kernels/ with "
                + String.join(" ", options)
                + ": "
                + nvrtcResult.stringFor(rc)
                + (first.isEmpty() ? "" : ": " + first)
                + hint);
      }
      if (options.stream().anyMatch(o -> o.startsWith("--gpu-architecture=sm_"))) {
        long[] size = new long[1];
        JNvrtc.nvrtcGetCUBINSize(prog, size);
        byte[] cubin = new byte[Math.toIntExact(size[0])];
        JNvrtc.nvrtcGetCUBIN(prog, cubin);
        return cubin;
      }
      String[] ptx = new String[1];
      JNvrtc.nvrtcGetPTX(prog, ptx);
      return (ptx[0] + "\0").getBytes(StandardCharsets.UTF_8);
    } finally {
      JNvrtc.nvrtcDestroyProgram(prog);
      JNvrtc.setExceptionsEnabled(true);
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
  public void gemm(
      Gemm layout, double alpha, long a, long b, double beta, long c, Precision precision) {
    root.gemm(layout, alpha, a, b, beta, c, precision);
  }

  @Override
  public Launcher prepare(String kernel, int block, Object... args) {
    return root.prepare(kernel, block, args);
  }

  /** CUDA graphs: stream capture and graph launch, in every CUDA 12 driver. */
  @Override
  public boolean supportsGraphs() {
    return true;
  }

  @Override
  public void beginCapture() {
    root.beginCapture();
  }

  @Override
  public void useOwnGemmWorkspace() {
    root.useOwnGemmWorkspace();
  }

  @Override
  public Graph endCapture() {
    return root.endCapture();
  }

  @Override
  public Launcher prepareWithSharedMemory(
      String kernel, int block, int sharedBytes, Object... args) {
    return root.prepareWithSharedMemory(kernel, block, sharedBytes, args);
  }

  /** Each function's CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, shared by every lane. */
  private final SharedMemoryOptIn optIn = new SharedMemoryOptIn(this::setMaxDynamicShared);

  /** {@code cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)}; throws when the driver refuses. */
  private void setMaxDynamicShared(String kernel, int bytes) {
    makeCurrent();
    int rc =
        JCudaDriver.cuFuncSetAttribute(
            function(kernel),
            CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
            bytes);
    if (rc != CUresult.CUDA_SUCCESS) {
      throw new IllegalStateException(
          kernel + ": " + bytes + " bytes of shared memory refused: " + CUresult.stringFor(rc));
    }
  }

  /**
   * A lane's cuBLAS workspace: 32 MiB on compute capability 9.0 and later, 4 MiB before, the sizes
   * NVIDIA's cuBLAS documentation recommends for a user-provided workspace.
   */
  private long gemmWorkspaceBytes() {
    String cc = details.getOrDefault("compute capability", "0.0");
    int major;
    try {
      major = Integer.parseInt(cc.substring(0, Math.max(cc.indexOf('.'), 0)));
    } catch (NumberFormatException e) {
      major = 0;
    }
    return (major >= 9 ? 32L : 4L) << 20;
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
    CUfunction fn = functions.get(kernel);
    if (fn == null) {
      throw new IllegalArgumentException("no kernel named " + kernel);
    }
    return fn;
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

    /** The lane's own cuBLAS workspace ({@link #useOwnGemmWorkspace}); null until then. */
    private CUdeviceptr workspace;

    /** GEMMs and launches recorded since {@link #beginCapture}; -1 when not capturing. */
    private int captured = -1;

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

    /**
     * Refuses a sync point while the stream captures: the driver would invalidate the capture
     * (cudaErrorStreamCaptureUnsupported), so it fails here, by name, instead.
     */
    private void notCapturing(String what) {
      if (captured >= 0) {
        throw new IllegalStateException(what + " inside a stream capture (a sync point)");
      }
    }

    private void enqueued() {
      if (captured >= 0) {
        captured++;
      }
    }

    @Override
    public boolean supportsGraphs() {
      return true;
    }

    /**
     * {@code cuMemAlloc} of {@link #gemmWorkspaceBytes} owned by the lane, then {@code
     * cublasSetWorkspace} on its handle; the handle's stream was set in the constructor ({@code
     * cublasSetStream} resets a handle's workspace to cuBLAS's own pool, so it comes first).
     */
    @Override
    public void useOwnGemmWorkspace() {
      enter();
      notCapturing("useOwnGemmWorkspace");
      if (workspace != null) {
        return;
      }
      long bytes = gemmWorkspaceBytes();
      CUdeviceptr p = new CUdeviceptr();
      JCudaDriver.cuMemAlloc(p, bytes);
      int rc = JCublas2.cublasSetWorkspace(cublas, p, bytes);
      if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
        JCudaDriver.cuMemFree(p);
        throw new IllegalStateException("cublasSetWorkspace failed: " + cublasStatus.stringFor(rc));
      }
      workspace = p;
    }

    /**
     * {@code cuStreamBeginCapture} in thread-local mode: only this thread's unsafe calls break the
     * capture, so other lanes' threads may allocate and copy meanwhile.
     */
    @Override
    public void beginCapture() {
      enter();
      if (captured >= 0) {
        throw new IllegalStateException("lane is already capturing");
      }
      JCudaDriver.cuStreamBeginCapture(
          stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
      captured = 0;
    }

    /** {@code cuStreamEndCapture}, then {@code cuGraphInstantiate} with no flags. */
    @Override
    public Graph endCapture() {
      enter();
      if (captured < 0) {
        throw new IllegalStateException("lane is not capturing");
      }
      int nodes = captured;
      captured = -1;
      CUgraph graph = new CUgraph();
      JCudaDriver.cuStreamEndCapture(stream, graph);
      try {
        CUgraphExec exec = new CUgraphExec();
        JCudaDriver.cuGraphInstantiate(exec, graph, 0L);
        return new LaneGraph(graph, exec, nodes);
      } catch (RuntimeException e) {
        JCudaDriver.cuGraphDestroy(graph);
        throw e;
      }
    }

    /** An instantiated graph of this lane, launched on its stream. */
    private final class LaneGraph implements Graph {
      private final CUgraph graph;
      private final CUgraphExec exec;
      private final int nodes;
      private boolean released;

      LaneGraph(CUgraph graph, CUgraphExec exec, int nodes) {
        this.graph = graph;
        this.exec = exec;
        this.nodes = nodes;
      }

      @Override
      public void launch() {
        enter();
        if (released) {
          throw new IllegalStateException("graph is released");
        }
        JCudaDriver.cuGraphLaunch(exec, stream);
      }

      @Override
      public int nodes() {
        return nodes;
      }

      @Override
      public void close() {
        if (released) {
          return;
        }
        released = true;
        makeCurrent();
        try {
          JCudaDriver.cuGraphExecDestroy(exec);
        } finally {
          JCudaDriver.cuGraphDestroy(graph);
        }
      }
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
      notCapturing("alloc");
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
      notCapturing("free");
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
      notCapturing("copyIn");
      JCudaDriver.cuMemcpyHtoDAsync(pointer(dst), Pointer.to(src), 8L * src.length, stream);
      sync();
    }

    @Override
    public void copyIn(long dst, float[] src) {
      enter();
      notCapturing("copyIn");
      JCudaDriver.cuMemcpyHtoDAsync(pointer(dst), Pointer.to(src), 4L * src.length, stream);
      sync();
    }

    @Override
    public void copyIn(long dst, int[] src) {
      enter();
      notCapturing("copyIn");
      JCudaDriver.cuMemcpyHtoDAsync(pointer(dst), Pointer.to(src), 4L * src.length, stream);
      sync();
    }

    @Override
    public void copyOut(long src, double[] dst) {
      enter();
      notCapturing("copyOut");
      JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(dst), pointer(src), 8L * dst.length, stream);
      sync();
    }

    @Override
    public void copyOut(long src, float[] dst) {
      enter();
      notCapturing("copyOut");
      JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(dst), pointer(src), 4L * dst.length, stream);
      sync();
    }

    @Override
    public void gemm(
        Gemm g, double alpha, long a, long b, double beta, long c, Precision precision) {
      enter();
      int opA = g.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
      int opB = g.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
      int rc;
      // alpha and beta are host scalars (CUBLAS_POINTER_MODE_HOST), read before the call returns
      if (precision == Precision.FP64) {
        rc =
            JCublas2.cublasDgemmStridedBatched(
                cublas,
                opA,
                opB,
                g.m(),
                g.n(),
                g.k(),
                Pointer.to(new double[] {alpha}),
                pointer(a),
                g.lda(),
                g.strideA(),
                pointer(b),
                g.ldb(),
                g.strideB(),
                Pointer.to(new double[] {beta}),
                pointer(c),
                g.ldc(),
                g.strideC(),
                g.batch());
      } else {
        rc =
            JCublas2.cublasSgemmStridedBatched(
                cublas,
                opA,
                opB,
                g.m(),
                g.n(),
                g.k(),
                Pointer.to(new float[] {(float) alpha}),
                pointer(a),
                g.lda(),
                g.strideA(),
                pointer(b),
                g.ldb(),
                g.strideB(),
                Pointer.to(new float[] {(float) beta}),
                pointer(c),
                g.ldc(),
                g.strideC(),
                g.batch());
      }
      if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
        throw new IllegalStateException("cuBLAS gemm failed: " + cublasStatus.stringFor(rc));
      }
      enqueued();
    }

    @Override
    public Launcher prepare(String kernel, int block, Object... args) {
      enter();
      return new JCudaLauncher(kernel, function(kernel), block, 0, args);
    }

    /**
     * Past 48 KiB, the function's opt-in attribute first: raised (never lowered) to what this and
     * every earlier group need, see {@link SharedMemoryOptIn}.
     */
    @Override
    public Launcher prepareWithSharedMemory(
        String kernel, int block, int sharedBytes, Object... args) {
      enter();
      CUfunction fn = function(kernel);
      if (sharedBytes > SharedMemoryOptIn.WITHOUT_OPT_IN) {
        optIn.ensure(kernel, sharedBytes);
      }
      return new JCudaLauncher(kernel, fn, block, sharedBytes, args);
    }

    /**
     * A prepared launch: one small Java array per argument and the {@code kernelParams} pointer
     * array over them, built once; a setter writes into an argument's array, and {@code
     * cuLaunchKernel} copies the current values when it enqueues.
     */
    private final class JCudaLauncher implements Launcher {
      private final String kernel;
      private final CUfunction fn;
      private final int block;
      private final int sharedBytes;
      private final Object[] values;
      private final Pointer params;

      JCudaLauncher(String kernel, CUfunction fn, int block, int sharedBytes, Object[] args) {
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
        enter();
        JCudaDriver.cuLaunchKernel(fn, grid, 1, 1, block, 1, 1, sharedBytes, stream, params, null);
        enqueued();
      }
    }

    @Override
    public void synchronize() {
      enter();
      notCapturing("synchronize");
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
      notCapturing("close");
      makeCurrent();
      closed = true;
      lanes.remove(this);
      try {
        sync();
      } finally {
        try {
          JCublas2.cublasDestroy(cublas);
        } finally {
          try {
            JCudaDriver.cuStreamDestroy(stream);
          } finally {
            if (workspace != null) {
              JCudaDriver.cuMemFree(workspace);
              workspace = null;
            }
          }
        }
      }
    }
  }
}
