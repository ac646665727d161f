package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** kernels/*.cu compile with nvcc for real architectures, warnings as errors. */
class KernelCompileTest {
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
        List.of("#include \"train.cu\"", "#include \"eval.cu\""),
        CudaKernels.root().lines().toList());
  }
}
