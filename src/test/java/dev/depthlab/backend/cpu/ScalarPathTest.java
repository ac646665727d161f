package dev.depthlab.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

/**
 * Runs in surefire's {@code scalar-cpu-path} execution, a JVM without the Vector API module, where
 * ReferenceParityTest and CpuFp32BoundTest then hold the scalar kernels to the reference. This test
 * proves that JVM really ran the scalar path; in the default execution (module present) it says so
 * and steps aside.
 */
class ScalarPathTest {
  @Test
  void withoutTheModuleTheCpuBackendRunsTheScalarKernels() {
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assumeFalse(
        module, "this JVM has jdk.incubator.vector: the scalar-cpu-path execution covers it");
    assertFalse(CpuKernels.vector(), CpuKernels.name());
    assertEquals(
        "scalar (start java with --add-modules jdk.incubator.vector for the vector path)",
        CpuKernels.name());
  }
}
