package dev.depthlab.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel sources of {@code kernels/}, as packed into the jar: one NVRTC program whose root
 * includes every {@code .cu} file. {@link #SOURCES} must list exactly the files of {@code kernels/}
 * (a test checks it).
 */
final class CudaKernels {
  /** Every file of kernels/, headers first. */
  static final List<String> SOURCES =
      List.of("rules.cuh", "common.cuh", "train.cu", "eval.cu", "fused.cu");

  /** The name NVRTC gives the root program (and {@link #writeProgram} its file). */
  static final String ROOT_NAME = "depthlab.cu";

  private static final Pattern ENTRY =
      Pattern.compile("^DL_ENTRY\\(([a-z0-9_]+),", Pattern.MULTILINE);

  private CudaKernels() {}

  /**
   * The architectures depthlab is built for: Volta (sm_70) to Hopper (sm_90), the GPUs a CUDA 12
   * driver runs and NVRTC 12.x compiles CUBIN for. NvrtcCompileTest compiles the program for each;
   * a newer GPU gets PTX (see {@link #target}).
   */
  static final List<Integer> ARCHITECTURES = List.of(70, 75, 80, 86, 89, 90);

  /**
   * What to compile for a device of architecture {@code device} (10 x major + minor) with an NVRTC
   * that supports {@code supported}: CUBIN for the device's own {@code sm_XY} when NVRTC knows it
   * (the driver loads it as is: no JIT, no PTX-version rule), else PTX for the newest virtual
   * architecture NVRTC supports below it, which the driver JIT-compiles (and which then needs a
   * driver at least as new as NVRTC).
   */
  record Target(int arch, boolean cubin) {
    /** The options for {@code nvrtcCompileProgram}: {@link #cubinOptions} or {@link #options}. */
    List<String> options() {
      return cubin ? cubinOptions(arch) : CudaKernels.options(arch);
    }

    /** E.g. "sm_90 (CUBIN)" or "compute_90 (PTX)". */
    String describe() {
      return cubin ? "sm_" + arch + " (CUBIN)" : "compute_" + arch + " (PTX)";
    }

    /** The cache file's extension. */
    String extension() {
      return cubin ? "cubin" : "ptx";
    }
  }

  /** See {@link Target}; throws when NVRTC supports nothing up to {@code device}. */
  static Target target(int device, int[] supported) {
    int best = -1;
    for (int a : supported) {
      if (a == device) {
        return new Target(device, true);
      }
      if (a < device && a > best) {
        best = a;
      }
    }
    if (best < 0) {
      throw new IllegalStateException(
          "NVRTC supports no architecture up to the device's sm_" + device);
    }
    return new Target(best, false);
  }

  /**
   * The NVRTC options of a compile to PTX for virtual architecture {@code compute_<arch>}: what
   * {@link JCudaDevice} hands {@code nvrtcCompileProgram} for a GPU NVRTC does not know. Each is
   * also an nvcc option with the same meaning, so tests compile the same program with nvcc to check
   * them without a GPU.
   */
  static List<String> options(int arch) {
    return List.of("--gpu-architecture=compute_" + arch, "--std=c++17", "--fmad=false");
  }

  /**
   * The NVRTC options of a compile to CUBIN for the real architecture {@code sm_<arch>}: {@link
   * #options} with the architecture named as a real one ({@code nvrtcGetCUBIN} then returns machine
   * code for it).
   */
  static List<String> cubinOptions(int arch) {
    return List.of("--gpu-architecture=sm_" + arch, "--std=c++17", "--fmad=false");
  }

  /** The extern "C" kernel names the program defines: name_f32 and name_f64 per DL_ENTRY. */
  static List<String> entryPoints(Map<String, String> sources) {
    List<String> names = new ArrayList<>();
    for (String text : sources.values()) {
      Matcher m = ENTRY.matcher(text);
      while (m.find()) {
        names.add(m.group(1) + "_f32");
        names.add(m.group(1) + "_f64");
      }
    }
    return names;
  }

  /**
   * Writes the program NVRTC compiles (every source under its own name, and the root as {@link
   * #ROOT_NAME}) into {@code dir}; returns the root's path.
   */
  static Path writeProgram(Map<String, String> sources, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
    }
    return Files.writeString(dir.resolve(ROOT_NAME), root(), StandardCharsets.UTF_8);
  }

  /** The root NVRTC compiles: it #includes each .cu file. */
  static String root() {
    StringBuilder sb = new StringBuilder();
    for (String s : SOURCES) {
      if (s.endsWith(".cu")) {
        sb.append("#include \"").append(s).append("\"\n");
      }
    }
    return sb.toString();
  }

  /** File name to text, in {@link #SOURCES} order. */
  static Map<String, String> sources() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String s : SOURCES) {
      try (InputStream in = CudaKernels.class.getResourceAsStream("/kernels/" + s)) {
        if (in == null) {
          throw new IllegalStateException("kernel source kernels/" + s + " missing from the jar");
        }
        m.put(s, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read kernels/" + s + ": " + e.getMessage(), e);
      }
    }
    return m;
  }

  /** A hex SHA-256 over the sources and the compile options: the kernel cache key. */
  static String hash(Map<String, String> sources, List<String> options, String compiler) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : sources.entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      md.update(String.join(" ", options).getBytes(StandardCharsets.UTF_8));
      md.update(compiler.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (byte b : md.digest()) {
        hex.append(String.format("%02x", b));
      }
      return hex.substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
