package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import jcuda.nvrtc.JNvrtc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime program compiled by NVRTC itself, through the backend's own compile method and
 * options, wherever a CUDA 12 libnvrtc loads (NVRTC needs no GPU). Without one it is skipped with
 * the reason; KernelCompileTest checks the same program and options with nvcc everywhere.
 */
class NvrtcCompileTest {
  private static String nvrtcVersion() {
    try {
      CudaLibraries.preload(CudaLibraries.searchPath());
      int[] major = new int[1];
      int[] minor = new int[1];
      JNvrtc.nvrtcVersion(major, minor);
      return major[0] + "." + minor[0];
    } catch (LinkageError e) {
      String reason =
          "no CUDA 12 NVRTC loads here: "
              + CudaLibraries.explainMissing(CudaLibraries.NVRTC, CudaLibraries.searchPath());
      System.out.println("SKIPPED NvrtcCompileTest: " + reason);
      Assumptions.abort(reason);
      return null;
    }
  }

  @ParameterizedTest(name = "compute_{0}")
  @ValueSource(ints = {80, 90})
  void theRuntimeProgramCompilesWithNvrtc(int arch) throws Exception {
    String version = nvrtcVersion();
    Map<String, String> sources = CudaKernels.sources();
    List<String> options = CudaKernels.options(arch);
    String ptx = JCudaDevice.compile(sources, options, version);
    for (String entry : CudaKernels.entryPoints(sources)) {
      assertTrue(ptx.contains(".entry " + entry + "("), "NVRTC's PTX lacks " + entry);
    }
    System.out.printf(
        "NVRTC %s compiled kernels/ for compute_%d: %d chars of PTX%n",
        version, arch, ptx.length());
  }
}
