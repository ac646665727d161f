package dev.depthlab.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;

/**
 * The kernels' image for a device: NVRTC compiles the program of {@link CudaKernels} (CUBIN for the
 * device's own architecture where NVRTC knows it, else PTX; {@link CudaKernels#target}), cached
 * once per architecture under {@code ~/.cache/depthlab/kernels/<sm>/<hash>.cubin} (or {@code
 * .ptx}). Needs no GPU; {@link JCudaDevice} loads what it returns.
 */
final class NvrtcCompiler {
  /** Serialises NVRTC compiles, the kernel cache and module loads across devices in this JVM. */
  static final Object KERNEL_LOCK = new Object();

  /** Loads an image as the device's module; returns the failure, or null when it loaded. */
  @FunctionalInterface
  interface ModuleLoader {
    CudaSetupException load(byte[] image, CudaKernels.Target target, Map<String, String> sources);
  }

  private NvrtcCompiler() {}

  /**
   * Called under {@link #KERNEL_LOCK}: the kernels' image for compute capability {@code cc} (from
   * the cache, else NVRTC), loaded by {@code loader} with every entry point, so that a missing
   * kernel fails here and not in the middle of a run. Returns where the image came from, for the
   * device's details ("kernels").
   */
  static String load(int[] cc, String nvrtcVersion, ModuleLoader loader) throws CudaSetupException {
    CudaKernels.Target target =
        JCudaProbe.step(
            "kernels",
            "cannot list NVRTC's architectures",
            () -> CudaKernels.target(cc[0] * 10 + cc[1], supportedArchs()));
    List<String> options = target.options();
    Map<String, String> sources = CudaKernels.sources();
    String compiler = "nvrtc " + nvrtcVersion;
    Path cache =
        Path.of(
            System.getProperty("user.home"),
            ".cache",
            "depthlab",
            "kernels",
            "sm_" + cc[0] + cc[1],
            CudaKernels.hash(sources, options, compiler) + "." + target.extension());
    byte[] cached = readCache(cache);
    if (cached != null && loader.load(cached, target, sources) == null) {
      return "NVRTC " + target.describe() + ", from the cache " + cache;
    }
    byte[] image = compile(sources, options, nvrtcVersion);
    CudaSetupException failed = loader.load(image, target, sources);
    if (failed != null) {
      throw failed;
    }
    writeCache(cache, image);
    return "NVRTC " + target.describe() + ", compiled and cached in " + cache;
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
}
