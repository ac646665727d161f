package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link EmulatedMultiEpochTest}'s checks on a real CUDA device: launches of several epochs on the
 * fused path give the CPU's raw bits, directly and through the Trainer (tools/gpu-first-contact.sh
 * runs it with the other {@code Gpu*Test} and quotes its lines); skipped, with the probe's reason,
 * without a device.
 */
class GpuMultiEpochTest {
  private Device gpu;

  @BeforeEach
  void requireDevice() {
    gpu = RealGpu.require(getClass());
  }

  static java.util.stream.Stream<Arguments> cases() {
    return EmulatedMultiEpochTest.cases()
        .filter(a -> a.get()[3] == EmulatedDevice.ThreadOrder.FORWARD)
        .map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[2]));
  }

  @ParameterizedTest(name = "{0} {1} R={2}")
  @MethodSource("cases")
  void launchesOfSeveralEpochsGiveTheCpuBits(NetworkSpec spec, Precision p, int replicas) {
    assertAll(EmulatedMultiEpochTest.againstTheCpu(gpu, spec, p, replicas, "gpu"));
  }

  @Test
  void theTrainerRunsLaunchesOfSeveralEpochsWithTheCpuBits() throws Exception {
    List<RunSpec> runs =
        EmulatedMultiEpochTest.runs("{every: 2, snapshots: {every: 7, grid: 8}}", 23);
    List<String> cpu =
        EmulatedMultiEpochTest.fingerprint(
            Trainer.train(new CpuBackend(), runs, TrainListener.NONE));
    CudaBackend fused = new CudaBackend(gpu, CudaBackend.KernelPath.FUSED);
    List<String> got =
        EmulatedMultiEpochTest.fingerprint(Trainer.train(fused, runs, TrainListener.NONE));
    System.out.printf(
        "multi-epoch trainer on %s: %d epoch records and parameters, %s the CPU's bits%n",
        gpu.name(), got.size(), cpu.equals(got) ? "equal to" : "NOT equal to");
    assertEquals(cpu, got);
  }
}
