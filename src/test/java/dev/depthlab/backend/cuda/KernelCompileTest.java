package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernels compile for real GPUs: every kernels/*.cu with nvcc (warnings as errors), and the
 * very program and option list that {@link JCudaDevice} hands NVRTC at run time, compiled by nvcc
 * to PTX and assembled by ptxas for sm_80 and sm_90 without register spills, without a stack frame,
 * and (the fused kernel) without local memory.
 */
class KernelCompileTest {
  @TempDir static Path tmp;

  @Test
  void everyKernelCompilesWithNvccWithoutWarnings() {
    NativeTools.require("nvcc");
    StringBuilder out = new StringBuilder();
    int rc = NativeTools.run(out, "bash", "native/check-kernels.sh");
    System.out.print(out);
    assertEquals(0, rc, "native/check-kernels.sh failed:\n" + out);
    assertTrue(out.toString().contains("ok   train.cu sm_90"), out.toString());
  }

  @Test
  void theNvrtcProgramListsEveryKernelFile() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("kernels"))) {
      TreeSet<String> onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".cu") || n.endsWith(".cuh"))
              .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(
          onDisk,
          new TreeSet<>(CudaKernels.SOURCES),
          "CudaKernels.SOURCES must list exactly the files of kernels/");
    }
    assertEquals(
        List.of("#include \"train.cu\"", "#include \"eval.cu\"", "#include \"fused.cu\""),
        CudaKernels.root().lines().toList());
  }

  /** nvcc on the runtime program with the runtime options; returns (exit code, output). */
  private Compiled nvcc(List<String> options, String ptxName) throws IOException {
    Path root = CudaKernels.writeProgram(CudaKernels.sources(), tmp.resolve("program"));
    List<String> cmd = new ArrayList<>();
    cmd.add("nvcc");
    cmd.addAll(options);
    cmd.addAll(List.of("-Werror", "all-warnings", "-ptx", root.toString()));
    Path ptx = tmp.resolve(ptxName);
    cmd.addAll(List.of("-o", ptx.toString()));
    StringBuilder out = new StringBuilder();
    int rc = NativeTools.run(out, cmd.toArray(new String[0]));
    return new Compiled(rc, out.toString(), ptx);
  }

  private record Compiled(int rc, String output, Path ptx) {}

  /** The runtime program as nvcc's PTX and `ptxas -v`'s report on it, for one architecture. */
  private record Assembled(Compiled compiled, String ptxas) {}

  private static final Map<Integer, Assembled> ASSEMBLED = new java.util.HashMap<>();

  /**
   * The runtime program with the runtime options, compiled and assembled once per architecture for
   * every check of this class (the spill, stack-frame and local-memory checks read one report).
   */
  private Assembled assembled(int arch) throws IOException {
    synchronized (ASSEMBLED) {
      Assembled a = ASSEMBLED.get(arch);
      if (a == null) {
        List<String> options = CudaKernels.options(arch);
        Compiled c = nvcc(options, "kernels-" + arch + ".ptx");
        assertEquals(0, c.rc(), "nvcc " + options + " failed:\n" + c.output());
        a = new Assembled(c, ptxas(c.ptx(), arch, null));
        ASSEMBLED.put(arch, a);
      }
      return a;
    }
  }

  /**
   * The option list of {@link CudaKernels#options} is what NVRTC receives; nvcc shares those
   * options (same spelling, same meaning), so a misspelt one fails here as it would on a GPU.
   */
  @ParameterizedTest(name = "compute_{0}")
  @ValueSource(ints = {80, 90})
  void theRuntimeProgramAndOptionsCompileAndAssembleWithoutSpills(int arch) throws IOException {
    NativeTools.require("nvcc");
    NativeTools.require("ptxas");
    Assembled a = assembled(arch);
    String ptx = Files.readString(a.compiled().ptx());
    for (String entry : CudaKernels.entryPoints(CudaKernels.sources())) {
      assertTrue(ptx.contains(".entry " + entry + "("), "PTX lacks entry point " + entry);
    }
    Map<String, int[]> spills = spills(a.ptxas());
    assertEquals(
        new TreeSet<>(CudaKernels.entryPoints(CudaKernels.sources())),
        new TreeSet<>(spills.keySet()),
        "ptxas reports every entry point");
    List<String> spilling = spilling(spills);
    System.out.printf("ptxas sm_%d: %d kernels, spills: %s%n", arch, spills.size(), spilling);
    assertTrue(spilling.isEmpty(), "register spills on sm_" + arch + ": " + spilling);
  }

  /**
   * No kernel keeps a stack frame (`ptxas -v`: 0 bytes stack), and the fused kernel's PTX has no
   * local-memory access at all: a per-thread array indexed at run time (the fused kernel's former
   * per-layer pointer arrays, fdlibm's sign-indexed constants) lives in local memory, which the hot
   * loops would then read through the cache on every use.
   */
  @ParameterizedTest(name = "compute_{0}")
  @ValueSource(ints = {80, 90})
  void noKernelHasAStackFrameAndTheFusedKernelNoLocalMemory(int arch) throws IOException {
    NativeTools.require("nvcc");
    NativeTools.require("ptxas");
    Assembled a = assembled(arch);
    Map<String, Integer> frames = stackFrames(a.ptxas());
    assertEquals(
        new TreeSet<>(CudaKernels.entryPoints(CudaKernels.sources())),
        new TreeSet<>(frames.keySet()),
        "ptxas reports a stack frame for every entry point");
    List<String> framed = new ArrayList<>();
    frames.forEach(
        (k, v) -> {
          if (v != 0) {
            framed.add(k + " (" + v + " B)");
          }
        });
    String ptx = Files.readString(a.compiled().ptx());
    List<String> local = new ArrayList<>();
    for (String fused : List.of("fused_epoch", "fused_eval")) {
      local.addAll(localAccesses(ptx, fused + "_f64"));
      local.addAll(localAccesses(ptx, fused + "_f32"));
    }
    System.out.printf(
        "ptxas sm_%d: stack frames %s, fused local accesses %s%n", arch, framed, local);
    assertAll(
        () -> assertTrue(framed.isEmpty(), "stack frames on sm_" + arch + ": " + framed),
        () -> assertTrue(local.isEmpty(), "local memory in the fused kernels: " + local));
  }

  /** Both checks see a kernel that indexes a per-thread array at run time. */
  @Test
  void theFrameAndLocalChecksSeeALocalArray() throws IOException {
    NativeTools.require("nvcc");
    NativeTools.require("ptxas");
    Path src = tmp.resolve("local.cu");
    Files.writeString(
        src,
        "extern \"C\" __global__ void local_array(double* v, int k) {\n"
            + "  double a[8];\n"
            + "  for (int i = 0; i < 8; i++) a[i] = v[i];\n"
            + "  v[0] = a[k & 7];\n"
            + "}\n");
    Path ptx = tmp.resolve("local.ptx");
    StringBuilder out = new StringBuilder();
    int rc =
        NativeTools.run(
            out,
            "nvcc",
            "--gpu-architecture=compute_90",
            "-ptx",
            src.toString(),
            "-o",
            ptx.toString());
    assertEquals(0, rc, out.toString());
    Map<String, Integer> frames = stackFrames(ptxas(ptx, 90, null));
    List<String> local = localAccesses(Files.readString(ptx), "local_array");
    System.out.println("a local array: stack frame " + frames + ", local accesses " + local);
    assertAll(
        () -> assertTrue(frames.get("local_array") > 0, "no stack frame seen: " + frames),
        () -> assertFalse(local.isEmpty(), "no local access seen"));
  }

  private static final Pattern FRAME = Pattern.compile("(\\d+) bytes stack frame");

  /** Kernel name to its stack frame in bytes, from {@code ptxas -v}'s report. */
  private static Map<String, Integer> stackFrames(String ptxas) {
    Map<String, Integer> frames = new java.util.TreeMap<>();
    String current = null;
    for (String line : ptxas.split("\n")) {
      Matcher e = ENTRY.matcher(line);
      if (e.find()) {
        current = e.group(1);
      }
      Matcher f = FRAME.matcher(line);
      if (f.find() && current != null) {
        frames.put(current, Integer.parseInt(f.group(1)));
      }
    }
    return frames;
  }

  /** The lines of entry {@code entry}'s PTX body that load or store local memory. */
  private static List<String> localAccesses(String ptx, String entry) {
    int start = ptx.indexOf(".entry " + entry + "(");
    assertTrue(start >= 0, "PTX lacks entry point " + entry);
    int end = ptx.indexOf("\n}", start);
    List<String> out = new ArrayList<>();
    for (String line : ptx.substring(start, end).split("\n")) {
      String t = line.trim();
      if (t.startsWith("ld.local") || t.startsWith("st.local") || t.contains("__local_depot")) {
        out.add(entry + ": " + t);
      }
    }
    return out;
  }

  /** The option bug of the first GPU contact (`--gpu-arch=`) fails the same compile. */
  @Test
  void aMisspeltOptionFailsTheCompile() throws IOException {
    NativeTools.require("nvcc");
    List<String> wrong = new ArrayList<>(CudaKernels.options(90));
    wrong.set(0, "--gpu-arch=compute_90");
    Compiled c = nvcc(wrong, "wrong.ptx");
    assertNotEquals(0, c.rc(), "nvcc accepted " + wrong + ":\n" + c.output());
    assertTrue(c.output().contains("--gpu-arch"), c.output());
  }

  /** The spill check sees spills when registers are scarce (ptxas's lower bound, 24). */
  @Test
  void theSpillCheckSeesSpillsUnderARegisterLimit() throws IOException {
    NativeTools.require("nvcc");
    NativeTools.require("ptxas");
    List<String> spilling = spilling(spills(ptxas(assembled(80).compiled().ptx(), 80, 24)));
    System.out.println("ptxas sm_80 -maxrregcount 24 spills: " + spilling);
    assertFalse(spilling.isEmpty(), "no spills found even with 24 registers per thread");
  }

  private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)'");
  private static final Pattern SPILL =
      Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");

  /** {@code ptxas -v} on {@code ptx} for {@code arch}: its report (the run must succeed). */
  private static String ptxas(Path ptx, int arch, Integer maxRegisters) {
    List<String> cmd = new ArrayList<>(List.of("ptxas", "-arch=sm_" + arch, "-v"));
    if (maxRegisters != null) {
      cmd.addAll(List.of("-maxrregcount", maxRegisters.toString()));
    }
    cmd.addAll(List.of(ptx.toString(), "-o", tmp.resolve("out.cubin").toString()));
    StringBuilder out = new StringBuilder();
    int rc = NativeTools.run(out, cmd.toArray(new String[0]));
    assertEquals(0, rc, "ptxas failed:\n" + out);
    return out.toString();
  }

  /** Kernel name to {spill store bytes, spill load bytes}, from {@code ptxas -v}'s report. */
  private static Map<String, int[]> spills(String ptxas) {
    Map<String, int[]> spills = new java.util.TreeMap<>();
    String current = null;
    for (String line : ptxas.split("\n")) {
      Matcher e = ENTRY.matcher(line);
      if (e.find()) {
        current = e.group(1);
      }
      Matcher s = SPILL.matcher(line);
      if (s.find() && current != null) {
        spills.put(current, new int[] {Integer.parseInt(s.group(1)), Integer.parseInt(s.group(2))});
      }
    }
    return spills;
  }

  private static List<String> spilling(Map<String, int[]> spills) {
    List<String> out = new ArrayList<>();
    spills.forEach(
        (k, v) -> {
          if (v[0] > 0 || v[1] > 0) {
            out.add(k + " (" + v[0] + " B stored, " + v[1] + " B loaded)");
          }
        });
    return out;
  }
}
