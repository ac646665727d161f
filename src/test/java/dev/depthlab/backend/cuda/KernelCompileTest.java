package dev.depthlab.backend.cuda;

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
 * to PTX and assembled by ptxas for sm_80 and sm_90 without register spills.
 */
class KernelCompileTest {
  @TempDir Path tmp;

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

  /**
   * The option list of {@link CudaKernels#options} is what NVRTC receives; nvcc shares those
   * options (same spelling, same meaning), so a misspelt one fails here as it would on a GPU.
   */
  @ParameterizedTest(name = "compute_{0}")
  @ValueSource(ints = {80, 90})
  void theRuntimeProgramAndOptionsCompileAndAssembleWithoutSpills(int arch) throws IOException {
    NativeTools.require("nvcc");
    NativeTools.require("ptxas");
    List<String> options = CudaKernels.options(arch);
    Compiled c = nvcc(options, "kernels.ptx");
    assertEquals(0, c.rc(), "nvcc " + options + " failed:\n" + c.output());
    String ptx = Files.readString(c.ptx());
    for (String entry : CudaKernels.entryPoints(CudaKernels.sources())) {
      assertTrue(ptx.contains(".entry " + entry + "("), "PTX lacks entry point " + entry);
    }
    Map<String, int[]> spills = ptxasSpills(c.ptx(), arch, null);
    assertEquals(
        new TreeSet<>(CudaKernels.entryPoints(CudaKernels.sources())),
        new TreeSet<>(spills.keySet()),
        "ptxas reports every entry point");
    List<String> spilling = spilling(spills);
    System.out.printf("ptxas sm_%d: %d kernels, spills: %s%n", arch, spills.size(), spilling);
    assertTrue(spilling.isEmpty(), "register spills on sm_" + arch + ": " + spilling);
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
    Compiled c = nvcc(CudaKernels.options(80), "limited.ptx");
    assertEquals(0, c.rc(), c.output());
    List<String> spilling = spilling(ptxasSpills(c.ptx(), 80, 24));
    System.out.println("ptxas sm_80 -maxrregcount 24 spills: " + spilling);
    assertFalse(spilling.isEmpty(), "no spills found even with 24 registers per thread");
  }

  private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)'");
  private static final Pattern SPILL =
      Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");

  /** Kernel name to {spill store bytes, spill load bytes}, from {@code ptxas -v}. */
  private Map<String, int[]> ptxasSpills(Path ptx, int arch, Integer maxRegisters) {
    List<String> cmd = new ArrayList<>(List.of("ptxas", "-arch=sm_" + arch, "-v"));
    if (maxRegisters != null) {
      cmd.addAll(List.of("-maxrregcount", maxRegisters.toString()));
    }
    cmd.addAll(List.of(ptx.toString(), "-o", tmp.resolve("out.cubin").toString()));
    StringBuilder out = new StringBuilder();
    int rc = NativeTools.run(out, cmd.toArray(new String[0]));
    assertEquals(0, rc, "ptxas failed:\n" + out);
    Map<String, int[]> spills = new java.util.TreeMap<>();
    String current = null;
    for (String line : out.toString().split("\n")) {
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
