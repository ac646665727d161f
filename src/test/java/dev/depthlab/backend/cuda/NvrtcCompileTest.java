package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The runtime program compiled by the real NVRTC 12 through JCuda's JNvrtc, with the backend's own
 * compile method, options and target choice (NVRTC needs no GPU): CUBIN for every architecture the
 * backend targets ({@link CudaKernels#ARCHITECTURES}), and PTX, the route for a GPU NVRTC does not
 * know. NVRTC comes from {@code tools/cuda-libs.sh --nvrtc-only} (CI runs it) or any CUDA 12
 * install on the search path. In CI (CI=true) a missing NVRTC fails; elsewhere it is skipped with
 * the reason. KernelCompileTest checks the same program and options with nvcc.
 */
class NvrtcCompileTest {
  private static String version;

  private static synchronized String nvrtcVersion() {
    if (version != null) {
      return version;
    }
    List<Path> dirs = CudaLibraries.searchPath();
    try {
      // the probe's own steps: preload by full path, then NVRTC and its builtins
      CudaLibraries.preload(dirs);
      Map<String, String> learned = new LinkedHashMap<>();
      JCudaProbe.openNvrtc(learned, dirs);
      version = learned.get("nvrtc");
      System.out.println("NvrtcCompileTest: " + learned);
      return version;
    } catch (LinkageError | CudaSetupException e) {
      String reason = "no CUDA 12 NVRTC loads here: " + e.getMessage();
      if (NativeTools.inCi()) {
        fail(reason + " (CI=true: .ci/run fetches it with tools/cuda-libs.sh --nvrtc-only)");
      }
      System.out.println("SKIPPED NvrtcCompileTest: " + reason);
      Assumptions.abort(reason);
      return null;
    }
  }

  static Stream<Integer> architectures() {
    return CudaKernels.ARCHITECTURES.stream();
  }

  /** ELF's e_machine of CUDA code (EM_CUDA). */
  private static final int EM_CUDA = 190;

  @ParameterizedTest(name = "sm_{0}")
  @MethodSource("architectures")
  void theRuntimeProgramCompilesToCubinForEveryTargetedArchitecture(int arch) throws Exception {
    String v = nvrtcVersion();
    int[] supported = NvrtcCompiler.supportedArchs();
    CudaKernels.Target target = CudaKernels.target(arch, supported);
    assertEquals(
        new CudaKernels.Target(arch, true),
        target,
        "NVRTC " + v + " knows sm_" + arch + " " + Arrays.toString(supported) + ": CUBIN");
    Map<String, String> sources = CudaKernels.sources();
    byte[] cubin = NvrtcCompiler.compile(sources, target.options(), v);
    ByteBuffer elf = ByteBuffer.wrap(cubin).order(ByteOrder.LITTLE_ENDIAN);
    assertArrayEquals(
        new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(cubin, 4), "a CUBIN is an ELF file");
    assertEquals(EM_CUDA, elf.getShort(18), "e_machine of CUDA machine code");
    // e_flags (offset 48 in ELF64): the SM version in its low byte (EF_CUDA_SM)
    assertEquals(arch, elf.getInt(48) & 0xff, "the CUBIN's architecture (EF_CUDA_SM)");
    String text = new String(cubin, StandardCharsets.ISO_8859_1);
    for (String entry : CudaKernels.entryPoints(sources)) {
      assertTrue(text.contains(".text." + entry + "\0"), "NVRTC's CUBIN lacks " + entry);
    }
    System.out.printf(
        "NVRTC %s compiled kernels/ for %s: %d bytes%n", v, target.describe(), cubin.length);
  }

  /**
   * The PTX route's two ends: the oldest architecture the backend targets, and the newest, which is
   * the PTX a device newer than NVRTC knows receives (every architecture gets a CUBIN above).
   */
  static Stream<Integer> ptxArchitectures() {
    return Stream.of(
        CudaKernels.ARCHITECTURES.get(0),
        CudaKernels.ARCHITECTURES.get(CudaKernels.ARCHITECTURES.size() - 1));
  }

  @ParameterizedTest(name = "compute_{0}")
  @MethodSource("ptxArchitectures")
  void theRuntimeProgramCompilesToPtx(int arch) throws Exception {
    String v = nvrtcVersion();
    Map<String, String> sources = CudaKernels.sources();
    byte[] image = NvrtcCompiler.compile(sources, CudaKernels.options(arch), v);
    assertEquals(0, image[image.length - 1], "PTX handed to the driver ends with its NUL");
    String ptx = new String(image, 0, image.length - 1, StandardCharsets.UTF_8);
    assertTrue(ptx.contains(".target sm_" + arch), "PTX for compute_" + arch);
    for (String entry : CudaKernels.entryPoints(sources)) {
      assertTrue(ptx.contains(".entry " + entry + "("), "NVRTC's PTX lacks " + entry);
    }
  }

  /**
   * The target the backend picks: CUBIN for a device NVRTC knows, PTX for the newest virtual
   * architecture below one it does not (an sm_100 or sm_120 GPU with NVRTC 12.4).
   */
  @Test
  void aDeviceNvrtcDoesNotKnowGetsPtxForTheNewestArchitectureBelowIt() {
    String v = nvrtcVersion();
    int[] supported = NvrtcCompiler.supportedArchs();
    int newest = Arrays.stream(supported).max().orElseThrow();
    CudaKernels.Target t = CudaKernels.target(newest + 10, supported);
    assertEquals(new CudaKernels.Target(newest, false), t, "NVRTC " + v);
    for (int arch : CudaKernels.ARCHITECTURES) {
      assertTrue(contains(supported, arch), "NVRTC " + v + " compiles sm_" + arch);
    }
    // and without NVRTC's list: the rule itself
    assertEquals(new CudaKernels.Target(90, false), CudaKernels.target(120, new int[] {80, 90}));
    assertEquals(new CudaKernels.Target(80, true), CudaKernels.target(80, new int[] {80, 90}));
    assertEquals(new CudaKernels.Target(80, false), CudaKernels.target(86, new int[] {75, 80, 90}));
  }

  private static boolean contains(int[] a, int x) {
    return Arrays.stream(a).anyMatch(y -> y == x);
  }
}
