package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the CUDA 12 libraries are looked for, what a missing one is explained as, and, with fake
 * libraries built here (gcc) and loaded by the real probe in a JVM of its own, that JCuda's natives
 * take the libraries depthlab preloads from outside the dynamic linker's path.
 */
class CudaLibrariesTest {
  @TempDir Path tmp;

  private static void touch(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "");
  }

  @Test
  void searchOrderIsOverrideThenProjectThenHomesThenLinkerPathThenNewestToolkit()
      throws IOException {
    Path local = tmp.resolve("usr-local");
    for (String d :
        new String[] {"cuda-12.2/lib64", "cuda-12.10/lib64", "cuda-13.0/lib64", "cuda/lib64"}) {
      Files.createDirectories(local.resolve(d));
    }
    Path override = Files.createDirectories(tmp.resolve("override"));
    Path home = Files.createDirectories(tmp.resolve("home/lib64"));
    Path ld = Files.createDirectories(tmp.resolve("ld"));
    Path project = Files.createDirectories(tmp.resolve("project").resolve(".cuda-libs/lib"));
    List<Path> dirs =
        CudaLibraries.searchPath(
            Map.of(
                "DEPTHLAB_CUDA_LIBS", override.toString(),
                "CUDA_HOME", home.getParent().toString(),
                "LD_LIBRARY_PATH", ld + ":" + tmp.resolve("missing")),
            local,
            Optional.of(project));
    List<Path> ours = dirs.stream().filter(p -> p.startsWith(tmp)).toList();
    assertEquals(
        List.of(
            override,
            project,
            home,
            ld,
            local.resolve("cuda/lib64"),
            local.resolve("cuda-12.10/lib64"),
            local.resolve("cuda-12.2/lib64")),
        ours,
        "folders that do not exist and CUDA 13 toolkits are left out");
  }

  @Test
  void theProjectsOwnFolderIsFoundWithoutAnEnvironmentVariable() {
    // the tests run from target/classes in the project folder, as the launcher runs target's jar
    assertEquals(
        Optional.of(Path.of("").toAbsolutePath().resolve(".cuda-libs").resolve("lib")),
        CudaLibraries.projectLibs());
    assertEquals(".cuda-libs/lib", CudaLibraries.PROJECT_LIBS);
    assertTrue(Files.isExecutable(Path.of(CudaLibraries.SETUP_COMMAND)), "the command it names");
  }

  @Test
  void aCuda13OnlyMachineIsRecognisedAndTheFixNamed() throws IOException {
    Path lib13 = tmp.resolve("cuda-13.0/lib64");
    touch(lib13.resolve("libnvrtc.so.13"));
    touch(lib13.resolve("libcublas.so.13"));
    String nvrtc = CudaLibraries.explainMissing(CudaLibraries.NVRTC, List.of(lib13));
    assertTrue(nvrtc.startsWith("libnvrtc.so.12 not found; this machine has only"), nvrtc);
    assertTrue(nvrtc.contains(lib13.resolve("libnvrtc.so.13").toString()), nvrtc);
    assertTrue(nvrtc.contains("run tools/cuda-libs.sh (fetches Debian's libnvrtc12"), nvrtc);
    String cublas = CudaLibraries.explainMissing(CudaLibraries.CUBLAS, List.of(lib13));
    assertTrue(cublas.contains("libcublas.so.13") && cublas.contains("libcublas12 "), cublas);
    String none = CudaLibraries.explainMissing(CudaLibraries.NVRTC, List.of(tmp));
    assertEquals(
        "libnvrtc.so.12 not found in 1 folders searched: run tools/cuda-libs.sh (fetches"
            + " Debian's libnvrtc12 into .cuda-libs/lib, where depthlab looks) or set"
            + " DEPTHLAB_CUDA_LIBS to a folder holding libnvrtc.so.12",
        none);
  }

  @Test
  void findTakesTheFirstFolderHoldingTheLibrary() throws IOException {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = tmp.resolve("b");
    touch(b.resolve("libnvrtc.so.12"));
    touch(tmp.resolve("c/libnvrtc.so.12"));
    assertEquals(
        Optional.of(b.resolve("libnvrtc.so.12")),
        CudaLibraries.find("libnvrtc.so.12", List.of(a, b, tmp.resolve("c"))));
  }

  /**
   * Builds a shared library named {@code soname} from C source into {@code dir}, its symbols in a
   * version node of the same name, as NVIDIA's libraries have and JCuda's natives require (NVRTC's
   * builtins, which nothing links against, have none: a '-' is not allowed in a node name).
   */
  private static void sharedLibrary(Path dir, String soname, String source) throws IOException {
    Files.createDirectories(dir);
    Path c = dir.resolve(soname + ".c");
    Files.writeString(c, source);
    Path map = dir.resolve(soname + ".map");
    Files.writeString(
        map, soname.contains("-") ? "{ global: *; };\n" : soname + " { global: *; };\n");
    StringBuilder out = new StringBuilder();
    int rc =
        NativeTools.run(
            out,
            "gcc",
            "-shared",
            "-fPIC",
            "-Wl,-soname," + soname,
            "-Wl,--version-script=" + map,
            c.toString(),
            "-o",
            dir.resolve(soname).toString());
    assertEquals(0, rc, "gcc " + soname + ":\n" + out);
    Files.delete(c);
    Files.delete(map);
  }

  /** The real probe in a fresh JVM whose only CUDA libraries are in {@code libs}. */
  private static List<String> probeWith(Path libs) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            // a project folder without .cuda-libs: only the fake libraries are found
            "-Ddepthlab.home=" + libs.resolveSibling("no-project"),
            ProbeMain.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DEPTHLAB_CUDA_LIBS", libs.toString());
    pb.environment().remove("LD_LIBRARY_PATH");
    pb.environment().remove("CUDA_HOME");
    pb.environment().remove("CUDA_PATH");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return new ArrayList<>(out.lines().toList());
  }

  private static final String FAKE_NVRTC =
      "int nvrtcVersion(int* major, int* minor) { *major = 12; *minor = 6; return 0; }\n";

  /**
   * Fake libnvrtc.so.12 (version 12.6), libnvrtc-builtins.so.12.6, libcublasLt.so.12 and
   * libcublas.so.12 in a folder the dynamic linker does not search: the probe finds and loads them,
   * reports a missing builtins library with its fix, and, with everything present, gets past the
   * library steps to the driver.
   */
  @Test
  void theProbeLoadsLibrariesFromOutsideTheLinkerPathAndChecksTheBuiltins() throws Exception {
    // runs only where the driver step fails (as here), so every answer below is known exactly
    NativeTools.require("gcc");
    if (JCudaProbe.probe().usable()) {
      System.out.println("SKIPPED fake-library probe: this machine has a usable GPU");
      org.junit.jupiter.api.Assumptions.abort("a real GPU is usable here");
    }
    Path libs = tmp.resolve("fake-cuda");
    sharedLibrary(libs, "libnvrtc.so.13", FAKE_NVRTC);
    List<String> only13 = probeWith(libs);
    System.out.println("probe with only CUDA 13: " + only13);
    // no driver here: the reason names it, the library problem is in the details
    assertEquals("unusable: no NVIDIA driver (libcuda.so.1 not found)", only13.get(0));
    assertTrue(
        only13.stream()
            .anyMatch(
                l ->
                    l.startsWith(
                        "libraries=libnvrtc.so.12 not found; this machine has only other CUDA"
                            + " versions ("
                            + libs.resolve("libnvrtc.so.13"))),
        only13.toString());

    sharedLibrary(libs, "libnvrtc.so.12", FAKE_NVRTC);

    List<String> noBuiltins = probeWith(libs);
    System.out.println("probe without builtins: " + noBuiltins);
    assertTrue(
        noBuiltins.contains(
            "libraries=libnvrtc-builtins.so.12.6 missing beside "
                + libs.resolve("libnvrtc.so.12")
                + " (NVRTC opens it on every compile): run tools/cuda-libs.sh (fetches Debian's"
                + " libnvrtc-builtins12.6 into .cuda-libs/lib, where depthlab looks) or set"
                + " DEPTHLAB_CUDA_LIBS to a folder holding libnvrtc-builtins.so.12.6"),
        noBuiltins.toString());
    assertTrue(noBuiltins.contains("nvrtc=12.6"), noBuiltins.toString());
    assertTrue(
        noBuiltins.contains("libnvrtc.so.12=" + libs.resolve("libnvrtc.so.12")),
        noBuiltins.toString());

    sharedLibrary(libs, "libnvrtc-builtins.so.12.6", "int dl_fake_builtins;\n");
    sharedLibrary(libs, "libcublasLt.so.12", "int dl_fake_cublaslt;\n");
    sharedLibrary(libs, "libcublas.so.12", "int dl_fake_cublas;\n");
    List<String> all = probeWith(libs);
    System.out.println("probe with every library: " + all);
    assertEquals("unusable: no NVIDIA driver (libcuda.so.1 not found)", all.get(0));
    assertTrue(
        all.stream().noneMatch(l -> l.startsWith("libraries=")),
        "the library steps pass and only the driver step fails here: " + all);
    assertTrue(
        all.contains("nvrtc builtins=" + libs.resolve("libnvrtc-builtins.so.12.6")),
        all.toString());
    assertTrue(all.contains("libcublas.so.12=" + libs.resolve("libcublas.so.12")), all.toString());
  }
}
