package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Availability;

/**
 * Runs the real probe in a JVM of its own and prints its answer (CudaLibrariesTest starts it with
 * fake CUDA libraries, which must not be loaded into the test JVM): the first line is {@code
 * usable} or {@code unusable: <reason>}, then one {@code key=value} line per detail.
 */
public final class ProbeMain {
  private ProbeMain() {}

  public static void main(String[] args) {
    Availability av = JCudaProbe.probe();
    System.out.println(av.usable() ? "usable" : "unusable: " + av.reason());
    av.details().forEach((k, v) -> System.out.println(k + "=" + v));
  }
}
