package dev.depthlab.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel sources of {@code kernels/}, as packed into the jar: one NVRTC program whose root
 * includes every {@code .cu} file. {@link #SOURCES} must list exactly the files of {@code kernels/}
 * (a test checks it).
 */
final class CudaKernels {
  /** Every file of kernels/, headers first. */
  static final List<String> SOURCES = List.of("common.cuh", "train.cu", "eval.cu");

  private CudaKernels() {}

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

  /** A hex SHA-256 over the sources and the compile options: the PTX cache key. */
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
