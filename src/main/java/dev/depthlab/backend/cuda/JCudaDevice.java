package dev.depthlab.backend.cuda;

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
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.driver.JITOptions;
import jcuda.jcublas.JCublas2;
import jcuda.nvrtc.JNvrtc;

/**
 * The real {@link Device}: device 0 through the CUDA driver API (JCuda), opened by {@link
 * JCudaProbe}; its memory, its kernels' module (the image from {@link NvrtcCompiler}) and its
 * {@link JCudaLane}s, each a non-blocking CUDA stream with a cuBLAS handle of its own.
 *
 * <p>Allocations: {@code cuMemAlloc}, zeroed by {@code cuMemsetD8Async} on the device's root lane
 * (a private one, opened with the device), then {@code cuStreamSynchronize} of that lane; free:
 * {@code cuMemFree}, after the caller waited for the lanes that used the memory (see {@link
 * Device}). Every call first makes the device's (primary) context current on the calling thread
 * ({@code cuCtxSetCurrent}, once per thread), so groups may be driven from any thread. The kernel
 * module is loaded once in the constructor (NVRTC compile and kernel cache under a JVM-wide lock);
 * function handles are looked up through a concurrent map; the allocation table is a concurrent
 * map.
 */
public final class JCudaDevice implements Device {
  private final CUcontext context = new CUcontext();
  private final ConcurrentSkipListMap<Long, CUdeviceptr> allocations =
      new ConcurrentSkipListMap<>();
  private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
  private final Set<JCudaLane> lanes = ConcurrentHashMap.newKeySet();

  /** Whether this device's context has been made current on the calling thread. */
  private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private final CUmodule module = new CUmodule();
  private final Map<String, String> details;
  private final String name;

  /** The lane that zeroes allocations; never handed out. */
  private JCudaLane root;

  /** A device pointer whose raw address is readable (JCuda keeps it protected). */
  private static final class Addressed extends CUdeviceptr {
    long address() {
      return getNativePointer();
    }
  }

  /**
   * Opens device 0 with exceptions enabled: the primary context, the root lane (a stream and a
   * cuBLAS handle), the kernels (NVRTC or the kernel cache) and the module with every entry point:
   * {@link JCudaProbe#STEPS}' last steps. Releases what it made when a step fails.
   */
  JCudaDevice(CUdevice device, Map<String, String> learned) throws CudaSetupException {
    details = learned;
    name = details.getOrDefault("device", "cuda");
    JCudaDriver.setExceptionsEnabled(true);
    JCublas2.setExceptionsEnabled(true);
    JNvrtc.setExceptionsEnabled(true);
    boolean retained = false;
    try {
      JCudaProbe.step(
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
      root = JCudaProbe.step("cublas", "cannot create a cuBLAS handle", this::newLane);
      int[] ver = new int[1];
      JCublas2.cublasGetVersion(root.cublas, ver);
      details.put("cublas", ver[0] / 10000 + "." + (ver[0] % 10000) / 100 + "." + ver[0] % 100);
      details.put("streams", "one non-blocking CUDA stream and cuBLAS handle per group (lane)");
      synchronized (NvrtcCompiler.KERNEL_LOCK) {
        details.put(
            "kernels",
            NvrtcCompiler.load(
                JCudaProbe.computeCapability(device), details.get("nvrtc"), this::loadModule));
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
  void makeCurrent() {
    if (!current.get()) {
      JCudaDriver.cuCtxSetCurrent(context);
      current.set(Boolean.TRUE);
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

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, String> details() {
    return new LinkedHashMap<>(details);
  }

  /**
   * The lane each thread is capturing on, if any: a capture in thread-local mode makes {@code
   * cuMemAlloc} and {@code cuMemFree} on that thread invalidate it, so they fail here, by name.
   */
  final ThreadLocal<JCudaLane> capturingHere = new ThreadLocal<>();

  private void enter(String what) {
    makeCurrent();
    if (capturingHere.get() != null) {
      throw new IllegalStateException(what + " inside a stream capture (a sync point)");
    }
  }

  @Override
  public long alloc(long bytes) {
    enter("alloc");
    long size = Math.max(bytes, 8);
    Addressed p = new Addressed();
    JCudaDriver.cuMemAlloc(p, size);
    try {
      root.zero(p, size);
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
    enter("free");
    CUdeviceptr p = allocations.remove(ptr);
    if (p == null) {
      throw new IllegalArgumentException("not an allocation: " + ptr);
    }
    JCudaDriver.cuMemFree(p);
  }

  @Override
  public int liveAllocations() {
    return allocations.size();
  }

  /** A JCuda pointer for a handle: its allocation plus the byte offset. */
  CUdeviceptr pointer(long handle) {
    Map.Entry<Long, CUdeviceptr> e = allocations.floorEntry(handle);
    if (e == null) {
      throw new IllegalArgumentException("not a device address: " + handle);
    }
    return e.getValue().withByteOffset(handle - e.getKey());
  }

  /** CUDA graphs: stream capture and graph launch, in every CUDA 12 driver. */
  @Override
  public boolean supportsGraphs() {
    return true;
  }

  /** Each function's CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, shared by every lane. */
  private final SharedMemoryOptIn optIn = new SharedMemoryOptIn(this::setMaxDynamicShared);

  /**
   * Raises {@code kernel}'s opt-in to at least {@code sharedBytes} (see {@link SharedMemoryOptIn}).
   */
  void optIn(String kernel, int sharedBytes) {
    optIn.ensure(kernel, sharedBytes);
  }

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
  long gemmWorkspaceBytes() {
    String cc = details.getOrDefault("compute capability", "0.0");
    int major;
    try {
      major = Integer.parseInt(cc.substring(0, Math.max(cc.indexOf('.'), 0)));
    } catch (NumberFormatException e) {
      major = 0;
    }
    return (major >= 9 ? 32L : 4L) << 20;
  }

  @Override
  public Lane openLane() {
    return newLane();
  }

  private JCudaLane newLane() {
    JCudaLane lane = new JCudaLane(this);
    lanes.add(lane);
    return lane;
  }

  /** A lane's close: it is no longer the device's to close. */
  void closed(JCudaLane lane) {
    lanes.remove(lane);
  }

  CUfunction function(String kernel) {
    CUfunction fn = functions.get(kernel);
    if (fn == null) {
      throw new IllegalArgumentException("no kernel named " + kernel);
    }
    return fn;
  }

  @Override
  public void close() {
    makeCurrent();
    for (JCudaLane lane : List.copyOf(lanes)) {
      lane.close();
    }
    for (CUdeviceptr p : allocations.values()) {
      JCudaDriver.cuMemFree(p);
    }
    allocations.clear();
    JCudaDriver.cuModuleUnload(module);
  }
}
