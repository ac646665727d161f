package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --kernels} on the emulated device: a row for every kernel of train.cu and eval.cu in
 * both precisions (the list read from the sources, so a new kernel without a row fails), each
 * launched at least one burst, and nothing left allocated. The emulator's times say nothing about a
 * GPU; only the rows' presence is checked.
 */
class KernelBenchTest {
  @Test
  void everyKernelOfTrainAndEvalHasARow() {
    Device dev = NativeTools.emulatedDevice();
    int live = dev.liveAllocations();
    List<KernelBench.Row> rows = KernelBench.run(dev, 0.2);
    assertEquals(live, dev.liveAllocations(), "the bench frees what it allocates");
    TreeSet<String> want = new TreeSet<>();
    for (Map.Entry<String, String> e : CudaKernels.sources().entrySet()) {
      if (e.getKey().equals("train.cu") || e.getKey().equals("eval.cu")) {
        want.addAll(CudaKernels.entryPoints(Map.of(e.getKey(), e.getValue())));
      }
    }
    assertEquals(34, want.size(), "17 kernels x 2 precisions: " + want);
    TreeSet<String> got = new TreeSet<>();
    for (KernelBench.Row r : rows) {
      got.add(r.kernel());
      assertTrue(r.launches() >= KernelBench.BURST, r.line());
      assertTrue(r.micros() > 0 && r.threads() > 0, r.line());
      System.out.println(r.line());
    }
    assertEquals(want, got);
    assertEquals(want.size(), rows.size());
  }
}
