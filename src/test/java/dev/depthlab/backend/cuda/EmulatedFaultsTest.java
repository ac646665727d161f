package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.depthlab.backend.Backend;
import dev.depthlab.backend.cpu.CpuBackend;
import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.sweep.StudyLock;
import dev.depthlab.sweep.Sweep;
import dev.depthlab.sweep.Variant;
import dev.depthlab.train.RunFolder;
import dev.depthlab.train.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backend faults inside a sweep, injected through the emulated device ({@link FaultyDevice}): the
 * failing group's runs are marked failed with the reason and the sweep goes on; a rerun retries
 * them and ends with the files of a sweep that never failed; {@code on_failure: cpu} retrains the
 * group on the CPU, to the CPU backend's own files.
 */
class EmulatedFaultsTest {
  /** 2 data sets x 2 depths = 4 replica groups of 2 seeds on CUDA, 3 epochs on 40 points. */
  private static final String TINY =
      """
      name: tiny
      data:
        sets: [circle, nested_rings]
        n_train: 40
        test: {n: 24, seed_offset: 100}
      model: {depths: [1, 2], width: 8}
      training: {epochs: 3, batch_size: 16, lr: 0.01}
      seeds: [0, 1]
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static StudyConfig config(String... sets) {
    return ConfigLoader.parse(TINY, "tiny.yaml", List.of(sets));
  }

  private Sweep.Outcome sweep(Path dir, StudyConfig cfg, Backend backend, Backend fallback) {
    Variant v = new Variant("", cfg, dir);
    StudyLock.acquire(dir, cfg);
    return Sweep.execute(Sweep.plan(List.of(v)), backend, fallback, 1, new Sweep.Listener() {});
  }

  /** Every run folder's files by path relative to {@code dir}, run.json timings aside. */
  private static Map<Path, byte[]> files(Path dir) throws IOException {
    Map<Path, byte[]> out = new HashMap<>();
    try (Stream<Path> s = Files.walk(dir.resolve("runs"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(p);
        if (p.getFileName().toString().equals(RunFolder.RUN_JSON)) {
          b = new String(b).replaceAll("\"[a-z]+_s\" : [0-9.eE-]+", "").getBytes();
        }
        out.put(dir.relativize(p), b);
      }
    }
    return out;
  }

  private static List<Path> runDirs(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("runs"))) {
      return s.filter(p -> Files.isRegularFile(p.resolve(RunFolder.RUN_JSON))).sorted().toList();
    }
  }

  private static void assertSameFiles(Map<Path, byte[]> want, Map<Path, byte[]> got) {
    assertEquals(want.keySet(), got.keySet());
    for (Path p : want.keySet()) {
      assertArrayEquals(want.get(p), got.get(p), p.toString());
    }
  }

  @Test
  void outOfMemoryFailsOneGroupTheSweepGoesOnAndARerunCompletesIt() throws IOException {
    StudyConfig cfg = config();
    Path clean = tmp.resolve("clean");
    Sweep.Outcome ok = sweep(clean, cfg, new CudaBackend(NativeTools.emulatedDevice()), null);
    assertEquals(new Sweep.Outcome(8, 0, ""), ok);

    Path dir = tmp.resolve("faulty");
    FaultyDevice dev = new FaultyDevice(NativeTools.emulatedDevice(), FaultyDevice.Fault.ALLOC, 1);
    Sweep.Outcome out = sweep(dir, cfg, new CudaBackend(dev), null);
    assertEquals(6, out.finished());
    assertEquals(2, out.failed());
    assertTrue(out.firstReason().contains("out of memory"), out.firstReason());
    Set<String> failedGroups = new HashSet<>();
    List<Path> finished = new ArrayList<>();
    for (Path run : runDirs(dir)) {
      String status = RunFolder.status(run);
      if (status.equals(RunSummary.FAILED)) {
        var json = JSON.readTree(run.resolve(RunFolder.RUN_JSON).toFile());
        assertTrue(json.path("reason").asText().contains("CUDA_ERROR_OUT_OF_MEMORY"), run + "");
        failedGroups.add(json.path("dataset").asText() + "/" + json.path("depth").asInt());
        assertTrue(!Files.exists(run.resolve(RunFolder.EPOCHS_CSV)), "no partial epochs.csv");
      } else {
        assertTrue(RunFolder.isFinished(run), run + " is " + status);
        finished.add(run);
      }
    }
    assertEquals(1, failedGroups.size(), "one group (both its seeds) failed: " + failedGroups);
    assertEquals(6, finished.size());
    Map<Path, byte[]> before = files(dir);

    // the rerun (a healthy device) plans exactly the failed runs and leaves the others alone
    Sweep.Plan again = Sweep.plan(List.of(new Variant("", cfg, dir)));
    assertEquals(2, again.todo().size());
    assertEquals(6, again.skipped());
    Sweep.execute(again, new CudaBackend(NativeTools.emulatedDevice()), 1, new Sweep.Listener() {});
    Map<Path, byte[]> after = files(dir);
    for (Path run : finished) {
      for (Path f : before.keySet()) {
        if (f.startsWith(dir.relativize(run))) {
          assertArrayEquals(before.get(f), after.get(f), "a finished run was touched: " + f);
        }
      }
    }
    assertSameFiles(files(clean), after);
  }

  @Test
  void aFailedLaunchWithOnFailureCpuRetrainsTheGroupOnTheCpu() throws IOException {
    StudyConfig cfg = config("on_failure=cpu");
    Path cpu = tmp.resolve("cpu");
    sweep(cpu, cfg, new CpuBackend(), null);

    Path dir = tmp.resolve("faulty");
    // launch 40: inside the first group's first epoch, after it allocated and copied its data
    FaultyDevice dev =
        new FaultyDevice(NativeTools.emulatedDevice(), FaultyDevice.Fault.LAUNCH, 40);
    Sweep.Outcome out = sweep(dir, cfg, new CudaBackend(dev), new CpuBackend());
    assertEquals(new Sweep.Outcome(8, 0, ""), out);
    Map<Path, byte[]> cpuFiles = files(cpu);
    int onCpu = 0;
    for (Path run : runDirs(dir)) {
      var json = JSON.readTree(run.resolve(RunFolder.RUN_JSON).toFile());
      if (json.path("backend").asText().equals("cpu")) {
        onCpu++;
        Path epochs = dir.relativize(run.resolve(RunFolder.EPOCHS_CSV));
        assertArrayEquals(
            cpuFiles.get(epochs),
            Files.readAllBytes(run.resolve(RunFolder.EPOCHS_CSV)),
            "the retried run must equal the CPU backend's own: " + epochs);
      }
    }
    assertEquals(2, onCpu, "the failed group's two seeds were retried on the CPU");
  }

  @Test
  void aLostDeviceFailsEveryGroupFromThereOnAndTheSweepStillEnds() throws IOException {
    Path dir = tmp.resolve("lost");
    FaultyDevice dev =
        new FaultyDevice(NativeTools.emulatedDevice(), FaultyDevice.Fault.SYNCHRONIZE, 1);
    Sweep.Outcome out = sweep(dir, config(), new CudaBackend(dev), null);
    assertTrue(dev.calls() >= 1, "the sweep never synchronized: the fault was not exercised");
    assertEquals(8, out.failed() + out.finished());
    assertTrue(out.failed() >= 2, out.toString());
    assertTrue(out.firstReason().contains("device lost"), out.firstReason());
    for (Path run : runDirs(dir)) {
      String status = RunFolder.status(run);
      assertTrue(
          status.equals(RunSummary.FAILED) || RunFolder.isFinished(run), run + ": " + status);
    }
  }
}
