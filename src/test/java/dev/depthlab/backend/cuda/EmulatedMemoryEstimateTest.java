package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.config.ConfigLoader;
import dev.depthlab.config.ResourceEstimate;
import dev.depthlab.config.StudyConfig;
import dev.depthlab.train.RunSpec;
import dev.depthlab.train.TrainListener;
import dev.depthlab.train.Trainer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The resource preflight's device estimate ({@link ResourceEstimate#deviceBytes}) against the bytes
 * the CUDA backend really allocates: a group of every seed trained for two epochs on the emulated
 * device, every {@code alloc} and {@code free} (lanes included) tracked, the peak of the bytes
 * alive compared. The estimate must cover the peak and stay within twice it.
 */
class EmulatedMemoryEstimateTest {
  /** Live and peak bytes over a device and its lanes. */
  static final class Tracker {
    final Map<Long, Long> sizes = new ConcurrentHashMap<>();
    final AtomicLong live = new AtomicLong();
    final AtomicLong peak = new AtomicLong();
  }

  /** {@code inner}, with every allocation counted into {@code t}. */
  static Device tracking(Device inner, Tracker t) {
    return (Device)
        Proxy.newProxyInstance(
            Device.class.getClassLoader(),
            new Class<?>[] {Device.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(inner, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              switch (method.getName()) {
                case "alloc" -> {
                  long bytes = (Long) args[0];
                  t.sizes.put((Long) result, bytes);

                  t.peak.accumulateAndGet(t.live.addAndGet(bytes), Math::max);
                }
                case "free" -> t.live.addAndGet(-t.sizes.remove((Long) args[0]));
                default -> {}
              }
              return result;
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "depth 2 width 16, 3 seeds; data: {sets: [circle], n_train: 300, test: {n: 100}}|model:"
            + " {depths: [2], width: 16}|training: {epochs: 2, batch_size: 32}|seeds: [0, 1, 2]",
        "depth 4 width 64 fp32, 2 seeds; data: {sets: [xor], n_train: 500, test: {n: 200}}|model:"
            + " {depths: [4], width: 64}|training: {epochs: 2, batch_size: 100}|seeds: [0,"
            + " 1]|precision: fp32",
        "depth 1 width 8, test fraction; data: {sets: [circle], n_train: 400, test: {fraction:"
            + " 0.25}}|model: {depths: [1], width: 8}|training: {epochs: 2, batch_size: 16}|seeds:"
            + " [0, 1, 2, 3]",
        "depth 3 width 32 sharpness (the device R-pass); data: {sets: [circle], n_train: 200, test:"
            + " {n: 50}}|model: {depths: [3], width: 32}|training: {epochs: 2, batch_size:"
            + " 64}|seeds: [0, 1]|diagnostics: {every: 1, sharpness: {every: 2, iterations: 3}}"
      })
  void theEstimateCoversWhatAGroupAllocates(String label, String yaml) {
    StudyConfig c = ConfigLoader.parse(yaml.replace('|', '\n'), "x.yaml", List.of());
    Tracker t = new Tracker();
    Device dev = tracking(NativeTools.emulatedDevice(), t);
    List<RunSpec> runs = new ArrayList<>();
    int depth = c.model().depths().get(0);
    for (long seed : c.seeds()) {
      runs.add(new RunSpec(c, c.data().sets().get(0), depth, seed));
    }
    Trainer.train(new CudaBackend(dev), runs, TrainListener.NONE);
    double estimate = ResourceEstimate.forGroup(c, runs.size()).deviceBytes();
    long peak = t.peak.get();
    assertTrue(
        estimate >= peak && estimate <= 2.0 * peak,
        label + ": estimate " + estimate + " bytes, peak allocated " + peak + " bytes");
  }
}
