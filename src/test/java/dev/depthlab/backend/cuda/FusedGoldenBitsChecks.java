package dev.depthlab.backend.cuda;

import dev.depthlab.train.GoldenBitsTest;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The arithmetic contract's portable bits on the fused path ({@link GoldenBitsTest}'s small studies
 * trained with {@code cuda.kernel: fused}): data, initial weights, every step's and epoch's metrics
 * (the evaluation included) and the final parameters must be exactly the committed bits the CPU
 * gives, the first differing value named otherwise.
 */
abstract class FusedGoldenBitsChecks {
  abstract Device device();

  static Stream<GoldenBitsTest.Study> studies() {
    return GoldenBitsTest.STUDIES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("studies")
  void aSmallStudyOnTheFusedPathGivesTheCommittedBits(GoldenBitsTest.Study study)
      throws IOException {
    Device dev = device();
    Map<String, double[]> got =
        GoldenBitsTest.compute(study, new CudaBackend(dev, CudaBackend.KernelPath.FUSED));
    GoldenBitsTest.assertCommittedBits(study, "the fused path on " + dev.name(), got);
    System.out.printf(
        "fused golden bits %s on %s: %d arrays equal the committed bits%n",
        study.name(), dev.name(), got.size());
  }
}
