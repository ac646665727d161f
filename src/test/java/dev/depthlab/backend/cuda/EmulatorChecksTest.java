package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.backend.cuda.EmulatedDevice.ThreadOrder;
import dev.depthlab.common.Rng;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The emulated device is strict where a GPU would be lenient or lucky, and each check is shown
 * catching a fault injected on purpose, with the test-only kernels of {@code native/faults/}:
 * launch limits, missing synchronisation between lanes, races inside a launch, and out-of-bounds
 * access.
 */
class EmulatorChecksTest {
  private static final int N = 64;

  private static double[] filled(double v) {
    double[] a = new double[N];
    Arrays.fill(a, v);
    return a;
  }

  private static double[] read(Lane lane, long ptr, int n) {
    double[] out = new double[n];
    lane.copyOut(ptr, out);
    return out;
  }

  private static void assertOneLine(String msg) {
    assertFalse(msg.contains("\n"), "one line: " + msg);
  }

  /**
   * A prepared launch: each enqueue takes the arguments' values at that moment (queued work is not
   * changed by a later set), and a setter of the wrong type is refused.
   */
  @Test
  void aPreparedLaunchEnqueuesTheValuesOfTheMoment() {
    EmulatedDevice dev = NativeTools.emulatedDevice();
    Lane lane = dev.openLane();
    long a = dev.alloc(8L * N);
    long b = dev.alloc(8L * N);
    try {
      Lane.Launcher fill = lane.prepare("test_fill_f64", 64, a, N, 1.0);
      fill.enqueue(1);
      fill.setDouble(2, 2.0);
      fill.setPointer(0, b);
      fill.enqueue(1);
      fill.setDouble(2, 3.0); // after the last enqueue: changes nothing queued
      assertArrayEquals(filled(1.0), read(lane, a, N), "first launch: a = 1");
      assertArrayEquals(filled(2.0), read(lane, b, N), "second launch: b = 2");
      fill.setInt(1, N / 2);
      fill.enqueue(1);
      double[] half = filled(2.0);
      Arrays.fill(half, 0, N / 2, 3.0);
      assertArrayEquals(half, read(lane, b, N), "third launch: the first n = 32 of b = 3");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> fill.setInt(2, 7));
      assertTrue(e.getMessage().contains("test_fill_f64"), e.getMessage());
      assertOneLine(e.getMessage());
    } finally {
      dev.free(a);
      dev.free(b);
      lane.close();
    }
  }

  @Test
  void launchLimitsAreThoseOfAGpu() {
    EmulatedDevice dev = NativeTools.emulatedDevice();
    long v = dev.alloc(8L * N);
    try {
      for (int block : new int[] {100, 2048, 0, 16, 1056}) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> dev.root().launch("test_fill_f64", 2, block, v, N, 1.0),
                "block " + block);
        assertTrue(e.getMessage().contains("test_fill_f64"), e.getMessage());
        System.out.println("refused: " + e.getMessage());
        assertTrue(e.getMessage().contains("block of " + block), e.getMessage());
        assertOneLine(e.getMessage());
      }
      for (int grid : new int[] {0, -1}) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> dev.root().launch("test_fill_f64", grid, 128, v, N, 1.0),
                "grid " + grid);
        assertTrue(e.getMessage().contains("test_fill_f64"), e.getMessage());
        assertOneLine(e.getMessage());
      }
      for (int block : new int[] {32, 128, 1024}) {
        dev.root().launch("test_fill_f64", (N + block - 1) / block, block, v, N, (double) block);
        assertArrayEquals(filled(block), read(dev.root(), v, N), "block " + block + " runs");
      }
    } finally {
      dev.free(v);
    }
  }

  @Test
  void badKernelsPointersCopiesAndGemmsAreRefusedAtTheCall() {
    EmulatedDevice dev = NativeTools.emulatedDevice();
    long v = dev.alloc(8L * N);
    try {
      assertThrows(
          IllegalArgumentException.class,
          () -> dev.root().launch("no_such_kernel_f64", 1, 32, v, N));
      IllegalArgumentException types =
          assertThrows(
              IllegalArgumentException.class,
              () -> dev.root().launch("test_fill_f64", 1, 32, v, N, 1));
      assertTrue(types.getMessage().contains("takes (pid), got (pii)"), types.getMessage());
      // past the end, inside the guard before the start, null, and a made-up address
      for (long p : new long[] {v + 8L * N, v - 8, 0L, 12345L}) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> dev.root().launch("test_fill_f64", 1, 32, p, N, 1.0),
                "pointer 0x" + Long.toHexString(p));
        System.out.println("refused: " + e.getMessage());
        assertTrue(
            e.getMessage().contains("test_fill_f64: argument 0 (v)")
                && e.getMessage().contains("outside every live allocation"),
            e.getMessage());
      }
      // copies are checked against the size asked for, not against the guards behind it
      assertThrows(IllegalArgumentException.class, () -> dev.root().copyOut(v, new double[N + 1]));
      assertThrows(IllegalArgumentException.class, () -> dev.root().copyIn(v + 8, new double[N]));
      assertThrows(IllegalArgumentException.class, () -> dev.root().copyOut(v - 8, new double[1]));
      // and so is a GEMM: C = A B (1 x N) written one element further on than fits
      assertThrows(
          IllegalArgumentException.class,
          () ->
              dev.root()
                  .gemm(
                      new Gemm(false, false, 1, N, 1, 1, 1, 1, N, 1, N, 1),
                      1.0,
                      v,
                      v,
                      0.0,
                      v + 8,
                      Precision.FP64));
      dev.root()
          .gemm(
              new Gemm(false, false, 1, N, 1, 1, 1, 1, N, 1, N, 1),
              1.0,
              v,
              v,
              0.0,
              v,
              Precision.FP64);
      dev.synchronizeAll();
    } finally {
      dev.free(v);
    }
  }

  @Test
  void anotherLaneSeesNewDataOnlyAfterTheWriterSynchronizes() {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(ThreadOrder.FORWARD, 0)) {
      Lane writer = dev.openLane();
      Lane reader = dev.openLane();
      long buf = dev.alloc(8L * N);
      long out = dev.alloc(8L * N);

      long launchesBefore = dev.launches();
      writer.launch("test_fill_f64", 2, 32, buf, N, 7.0);
      assertEquals(launchesBefore + 1, dev.launches(), "counted when enqueued");
      reader.launch("test_copy_f64", 2, 32, buf, out, N);
      assertArrayEquals(filled(0), read(reader, out, N), "a kernel on another lane, no sync");
      assertArrayEquals(filled(0), read(reader, buf, N), "a host read on another lane, no sync");

      writer.synchronize();
      reader.launch("test_copy_f64", 2, 32, buf, out, N);
      assertArrayEquals(filled(7), read(reader, out, N), "a kernel on another lane, after sync");

      // the writer's own host read waits for its queue
      writer.launch("test_fill_f64", 2, 32, buf, N, 9.0);
      assertArrayEquals(filled(9), read(writer, buf, N), "a host read on the writer's lane");

      // a GEMM only enqueues too: C = A B with A = 2 (1 x 1), B = buf's first row (1 x N)
      long a = dev.alloc(8);
      writer.copyIn(a, new double[] {2});
      writer.gemm(
          new Gemm(false, false, 1, N, 1, 1, 1, 1, N, 1, N, 1),
          1.0,
          a,
          buf,
          0.0,
          buf,
          Precision.FP64);
      assertArrayEquals(filled(9), read(reader, buf, N), "a GEMM on another lane, no sync");

      // the device's synchronize waits for every lane
      dev.synchronizeAll();
      assertArrayEquals(filled(18), read(reader, buf, N), "after the device's synchronize");

      dev.free(a);
      dev.free(buf);
      dev.free(out);
      writer.close();
      reader.close();
      assertEquals(0, dev.liveAllocations());
    }
  }

  /** The racy kernel's result depends on the thread order: v[t] += v[t + 1]. */
  private static double[] race(ThreadOrder order, long seed) {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(order, seed)) {
      double[] v = new double[N];
      for (int k = 0; k < N; k++) {
        v[k] = k + 1;
      }
      long p = dev.alloc(8L * N);
      dev.root().copyIn(p, v);
      dev.root().launch("fault_race_f64", 2, 32, p, N);
      return read(dev.root(), p, N);
    }
  }

  @Test
  void theThreadOrderExposesARaceInsideALaunch() {
    double[] forward = race(ThreadOrder.FORWARD, 0);
    double[] reverse = race(ThreadOrder.REVERSE, 0);
    double[] shuffled = race(ThreadOrder.SHUFFLED, 1);
    // forward: each thread reads its neighbour before the neighbour writes; reverse: after
    assertEquals(1 + 2, forward[0]);
    assertEquals(N * (N + 1) / 2.0, reverse[0]);
    assertFalse(Arrays.equals(forward, reverse), "forward and reverse must differ");
    assertFalse(Arrays.equals(forward, shuffled), "forward and shuffled must differ");
    assertArrayEquals(forward, race(ThreadOrder.FORWARD, 0), "one order is reproducible");
  }

  @Test
  void anOutOfBoundsWriteIsReportedAtTheNextSyncWithKernelArgumentAndOffset() {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(ThreadOrder.FORWARD, 0)) {
      Lane lane = dev.openLane();
      long v = dev.alloc(8L * N);
      long w = dev.alloc(8L * N);
      lane.launch("fault_write_past_f64", 3, 32, v, N); // enqueued: nothing ran yet
      lane.launch("test_fill_f64", 2, 32, w, N, 5.0); // queued after the fault: dropped
      IllegalStateException e = assertThrows(IllegalStateException.class, lane::synchronize);
      String msg = e.getMessage();
      System.out.println("reported: " + msg);
      assertTrue(msg.contains("fault_write_past_f64"), msg);
      assertTrue(msg.contains("argument 0 (v)"), msg);
      assertTrue(msg.contains("guard bytes " + 8 * N + ".." + (8 * N + 7)), msg);
      assertOneLine(msg);
      assertArrayEquals(filled(0), read(lane, w, N), "work queued after a fault is dropped");

      // the lane goes on working; a pointer into the middle is reported with its offset
      lane.launch("test_fill_f64", 2, 32, w, N, 5.0);
      assertArrayEquals(filled(5), read(lane, w, N));
      long f = dev.alloc(4L * N);
      lane.launch("fault_write_past_f32", 1, 32, f + 4L * (N - 16), 16);
      IllegalStateException e32 =
          assertThrows(IllegalStateException.class, () -> lane.copyOut(f, new float[N]));
      System.out.println("reported: " + e32.getMessage());
      assertTrue(e32.getMessage().contains("fault_write_past_f32"), e32.getMessage());
      assertTrue(
          e32.getMessage().contains("argument 0 (v) at byte " + 4 * (N - 16)), e32.getMessage());
      assertTrue(
          e32.getMessage().contains("guard bytes " + 4 * N + ".." + (4 * N + 3)), e32.getMessage());

      dev.free(v);
      dev.free(w);
      dev.free(f);
      lane.close();
    }
  }

  @Test
  void anOutOfBoundsReadYieldsNaN() {
    EmulatedDevice dev = NativeTools.emulatedDevice();
    double[] in = new double[N];
    float[] in32 = new float[N];
    for (int k = 0; k < N; k++) {
      in[k] = k + 1;
      in32[k] = k + 1;
    }
    long p = dev.alloc(8L * N);
    long out = dev.alloc(8L * N);
    long p32 = dev.alloc(4L * N);
    long out32 = dev.alloc(4L * N);
    try {
      dev.root().copyIn(p, in);
      dev.root().copyIn(p32, in32);
      dev.root().launch("fault_read_past_f64", 2, 32, p, out, N);
      dev.root().launch("fault_read_past_f32", 2, 32, p32, out32, N);
      double[] got = read(dev.root(), out, N);
      float[] got32 = new float[N];
      dev.root().copyOut(out32, got32);
      assertArrayEquals(Arrays.copyOfRange(in, 1, N), Arrays.copyOf(got, N - 1));
      assertTrue(Double.isNaN(got[N - 1]), "fp64 read past the end: " + got[N - 1]);
      assertTrue(Float.isNaN(got32[N - 1]), "fp32 read past the end: " + got32[N - 1]);
    } finally {
      for (long q : new long[] {p, out, p32, out32}) {
        dev.free(q);
      }
    }
  }

  @Test
  void workOnMemoryFreedBeforeItRanIsReported() {
    try (EmulatedDevice dev = NativeTools.emulatedDevice(ThreadOrder.FORWARD, 0)) {
      Lane lane = dev.openLane();
      long v = dev.alloc(8L * N);
      lane.launch("test_fill_f64", 2, 32, v, N, 1.0);
      dev.free(v); // the device's free waits for no lane
      IllegalStateException e = assertThrows(IllegalStateException.class, lane::close);
      System.out.println("reported: " + e.getMessage());
      assertTrue(
          e.getMessage().contains("test_fill_f64") && e.getMessage().contains("freed"),
          e.getMessage());
    }
  }

  @Test
  void laneWorkersAreDaemonsAndStopWithTheirLanes() throws InterruptedException {
    List<Thread> workers;
    try (EmulatedDevice dev = NativeTools.emulatedDevice(ThreadOrder.FORWARD, 0)) {
      List<Lane> lanes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Lane lane = dev.openLane();
        long v = dev.alloc(8L * N);
        lane.launch("test_fill_f64", 2, 32, v, N, (double) i);
        lane.synchronize(); // the lane's worker has run
        dev.free(v);
        lanes.add(lane);
      }
      dev.root().launch("test_fill_f64", 1, 32, dev.alloc(8L * N), N, 1.0);
      dev.synchronizeAll();
      workers = workers(dev.threadPrefix());
      assertEquals(4, workers.size(), "one worker per lane and the root: " + workers);
      for (Thread t : workers) {
        assertTrue(t.isDaemon(), t.getName());
      }
      for (Lane lane : lanes) {
        lane.close();
      }
    }
    for (Thread t : workers) {
      t.join(10_000);
      assertFalse(t.isAlive(), t.getName() + " outlived its lane");
    }

    // groups on the shared device leave no worker behind either (its root lane's may stay)
    EmulatedDevice shared = NativeTools.emulatedDevice();
    NetworkSpec spec = ParityChecks.spec(Activation.RELU, 2, Reduction.SUM);
    try (Group g =
        new CudaBackend(shared)
            .createGroup(
                new GroupSpec(spec, Precision.FP64, ParityChecks.BATCH, 4),
                ParityChecks.setups(spec, 0, 2))) {
      g.evaluate();
    }
    for (Thread t : workers(shared.threadPrefix())) {
      if (!t.getName().endsWith("root lane")) {
        t.join(10_000);
        assertFalse(t.isAlive(), t.getName() + " outlived its group");
      }
    }
  }

  private static List<Thread> workers(String prefix) {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix)) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  void theFaultKernelsStayOutOfWhatShips() throws IOException {
    // the emulator has them (the build script compiles native/faults/ in) ...
    try (EmulatedDevice dev = NativeTools.emulatedDevice(ThreadOrder.FORWARD, 0)) {
      long v = dev.alloc(8);
      dev.root().launch("fault_race_f32", 1, 32, v, 1);
      dev.synchronizeAll();
    }
    // ... while kernels/ and the NVRTC program (the jar's copy of it) do not
    try (Stream<Path> files = Files.list(Path.of("kernels"))) {
      for (Path f : files.toList()) {
        String text = Files.readString(f);
        assertFalse(
            text.contains("DL_ENTRY(fault_") || text.contains("DL_ENTRY(test_"),
            f + " holds a test-only kernel");
      }
    }
    for (Map.Entry<String, String> e : CudaKernels.sources().entrySet()) {
      assertFalse(e.getValue().contains("DL_ENTRY(fault_"), e.getKey());
      assertFalse(e.getValue().contains("DL_ENTRY(test_"), e.getKey());
    }
  }

  // ---- the real kernels under every thread order ----

  private record Case(Activation act, int depth, Reduction red, Precision p) {}

  private static final List<Case> CASES =
      List.of(
          new Case(Activation.RELU, 2, Reduction.SUM, Precision.FP64),
          new Case(Activation.TANH, 3, Reduction.MEAN, Precision.FP32),
          new Case(Activation.LEAKY_RELU, 2, Reduction.MEAN, Precision.FP64),
          new Case(Activation.TANH, 1, Reduction.SUM, Precision.FP64),
          new Case(Activation.RELU, 3, Reduction.MEAN, Precision.FP32));

  private static List<String> trace(Device dev, Case c) {
    NetworkSpec spec = ParityChecks.spec(c.act(), c.depth(), c.red());
    return GroupTrace.of(dev, spec, c.p(), 0, 3, 3, Rng.mix(42L + c.depth()));
  }

  @Test
  void theRealKernelsGiveTheSameBitsInEveryThreadOrder() {
    List<Executable> checks = new ArrayList<>();
    try (EmulatedDevice forward = NativeTools.emulatedDevice(ThreadOrder.FORWARD, 0);
        EmulatedDevice reverse = NativeTools.emulatedDevice(ThreadOrder.REVERSE, 0);
        EmulatedDevice shuffled = NativeTools.emulatedDevice(ThreadOrder.SHUFFLED, 7);
        EmulatedDevice shuffled2 = NativeTools.emulatedDevice(ThreadOrder.SHUFFLED, 8)) {
      for (Case c : CASES) {
        List<String> want = trace(forward, c);
        for (EmulatedDevice other : List.of(reverse, shuffled, shuffled2)) {
          List<String> got = trace(other, c);
          String who = c + " " + other.details().get("thread order");
          assertEquals(want.size(), got.size(), who);
          for (int k = 0; k < want.size(); k++) {
            String w = want.get(k);
            String g = got.get(k);
            checks.add(() -> assertEquals(w, g, who));
          }
        }
        assertNotEquals(0, want.size());
      }
    }
    assertAll(checks);
  }
}
