package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.sweep.StudyLock;
import dev.depthlab.sweep.Sweep;
import dev.depthlab.sweep.Variant;
import dev.depthlab.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CUDA sweep writes the same numbers whether its replica groups train one after another (--jobs
 * 1) or side by side on their own lanes (--jobs 4). Subclasses choose the device (emulated, or a
 * real GPU).
 */
abstract class SweepJobsChecks {
  /**
   * 2 data sets x 2 depths = 4 groups of 3 seeds, 5 epochs on 56 points (3 batches of 16 and a last
   * one of 8, as the seed study's epochs end on a half batch), steps logged.
   */
  private static final String TINY =
      """
      name: tiny
      data:
        sets: [circle, nested_rings]
        n_train: 56
        test: {n: 32, seed_offset: 100}
      model: {depths: [1, 3], width: 8}
      training: {epochs: 5, batch_size: 16, lr: 0.01}
      diagnostics: {steps: true}
      seeds: [0, 1, 2]
      """;

  @TempDir Path tmp;

  abstract Device device();

  private Path sweep(String name, int jobs) {
    StudyConfig cfg = ConfigLoader.parse(TINY, "tiny.yaml", List.of());
    Variant v = new Variant("", cfg, tmp.resolve(name));
    StudyLock.acquire(v.dir(), cfg);
    Sweep.Plan plan = Sweep.plan(List.of(v));
    assertEquals(12, plan.todo().size());
    Sweep.execute(plan, new CudaBackend(device()), jobs, new Sweep.Listener() {});
    return v.dir();
  }

  @Test
  void resultsDoNotDependOnJobs() throws IOException {
    Device dev = device();
    int liveBefore = dev.liveAllocations();
    Path one = sweep("one", 1);
    Path four = sweep("four", 4);
    assertEquals(liveBefore, dev.liveAllocations(), "groups left allocations behind");
    List<Path> files;
    try (Stream<Path> s = Files.walk(one.resolve("runs"))) {
      files =
          s.filter(
                  p ->
                      p.getFileName().toString().equals(RunFolder.EPOCHS_CSV)
                          || p.getFileName().toString().equals(RunFolder.STEPS_CSV))
              .sorted()
              .toList();
    }
    assertEquals(24, files.size());
    for (Path p : files) {
      Path q = four.resolve(one.relativize(p));
      assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(q), one.relativize(p) + "");
    }
  }
}
