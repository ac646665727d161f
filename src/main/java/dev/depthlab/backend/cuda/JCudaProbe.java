package dev.depthlab.backend.cuda;

import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;

import dev.depthlab.backend.Availability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.nvrtc.JNvrtc;

/**
 * Opening the GPU, step by step ({@link #STEPS}): the CUDA libraries (cuBLAS, NVRTC and its
 * builtins), the driver and device 0, then {@link JCudaDevice}'s own steps (context, kernels,
 * module). {@link #probe} runs them once per JVM and says why the GPU cannot be used, for {@code
 * --backend auto} and {@code depthlab backends}; {@link #shared} is the device it opened.
 */
public final class JCudaProbe {
  /**
   * The steps of opening the GPU, in order. {@link #probe} runs all of them, so that whatever can
   * fail before a run (a library, the driver, an NVRTC compile, the module load, cuBLAS) fails
   * there, and {@code --backend auto} falls back to the CPU with the reason.
   */
  static final List<String> STEPS =
      List.of("libraries", "nvrtc", "cublas", "driver", "context", "kernels", "module");

  private static Availability probed;
  private static JCudaDevice shared;

  private JCudaProbe() {}

  /** A step's body; any exception it throws becomes a {@link CudaSetupException}. */
  @FunctionalInterface
  interface StepBody<T> {
    T run() throws Exception;
  }

  static <T> T step(String step, String what, StepBody<T> body) throws CudaSetupException {
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

  static int[] computeCapability(CUdevice device) {
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
}
