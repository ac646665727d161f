package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * JCublas 12.6's natives load the CUDA 12 cuBLAS and cuBLASLt that depthlab finds (e.g. the ones
 * {@code tools/cuda-libs.sh} puts in {@code .cuda-libs/lib}), through the probe's own steps, and
 * cuBLAS answers a call that needs no GPU. Creating a handle needs a GPU, so that is left to the
 * Gpu*Test classes. Skipped, with the reason, where the libraries are not present (CI fetches NVRTC
 * only: cuBLAS is about 230 MB).
 */
class CublasLoadTest {
  @Test
  void jcublasLoadsTheCuda12LibrariesDepthlabFinds() throws Exception {
    List<Path> dirs = CudaLibraries.searchPath();
    Optional<Path> cublas = CudaLibraries.find(CudaLibraries.CUBLAS, dirs);
    Optional<Path> cublasLt = CudaLibraries.find(CudaLibraries.CUBLAS_LT, dirs);
    if (cublas.isEmpty() || cublasLt.isEmpty()) {
      String reason =
          "no CUDA 12 cuBLAS here ("
              + CudaLibraries.explainMissing(
                  cublas.isEmpty() ? CudaLibraries.CUBLAS : CudaLibraries.CUBLAS_LT, dirs)
              + ")";
      System.out.println("SKIPPED CublasLoadTest: " + reason);
      Assumptions.abort(reason);
    }
    CudaLibraries.preload(dirs);
    JCudaProbe.openCublas(dirs);
    // the natives JCublas loaded linked against the very files found, not others elsewhere
    assertEquals(
        cublas.get().getParent(),
        CudaLibraries.loadedFrom("libcublas.so").orElseThrow(),
        "libcublas.so.12 in the process");
    assertEquals(
        cublasLt.get().getParent(),
        CudaLibraries.loadedFrom("libcublasLt.so").orElseThrow(),
        "libcublasLt.so.12 in the process");
    // cublasGetProperty needs no handle and no GPU: the library's own version
    int[] major = new int[1];
    int[] minor = new int[1];
    int[] patch = new int[1];
    assertEquals(cublasStatus.CUBLAS_STATUS_SUCCESS, JCublas2.cublasGetProperty(0, major));
    assertEquals(cublasStatus.CUBLAS_STATUS_SUCCESS, JCublas2.cublasGetProperty(1, minor));
    assertEquals(cublasStatus.CUBLAS_STATUS_SUCCESS, JCublas2.cublasGetProperty(2, patch));
    assertEquals(CudaLibraries.MAJOR, major[0], "cuBLAS's major version");
    String file = cublas.get().toRealPath().getFileName().toString(); // libcublas.so.12.4.5.8
    assertEquals(
        "libcublas.so." + major[0] + "." + minor[0] + "." + patch[0],
        file.substring(0, file.lastIndexOf('.')),
        "the version cuBLAS reports is the file's");
    System.out.printf(
        "JCublas2 loaded cuBLAS %d.%d.%d from %s%n", major[0], minor[0], patch[0], cublas.get());
  }
}
