package dev.depthlab.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthlab.backend.Group;
import dev.depthlab.backend.GroupSpec;
import dev.depthlab.model.Activation;
import dev.depthlab.model.NetworkSpec;
import dev.depthlab.model.Precision;
import dev.depthlab.model.Reduction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link FusedCounts}' committed counts are what the emulator counts now: per training step and
 * replica of fused_epoch at the seed study's nets (2-16xd-1, d = 1, 2, 4, 6, 8, batch 32, fp64 and
 * fp32), a two-step launch minus a one-step launch (so the per-launch work drops out), at the block
 * size the group really launches ({@link FusedEpoch#THREADS}); and docs/gpu.md's table holds the
 * same numbers and the bound they imply. After a deliberate change of the kernel, rewrite the file
 * with {@code DEPTHLAB_COUNTS_WRITE=1 ./mvnw -B -o test -Dtest=FusedCountsTest} and the table from
 * the lines it prints.
 */
class FusedCountsTest {
  private static final Path SOURCE = Path.of("src/main/resources" + FusedCounts.RESOURCE);

  static final int[] DEPTHS = {1, 2, 4, 6, 8};

  /** The counts of one step at depth {@code depth} in {@code p}, measured on the emulator. */
  static FusedCounts.Row measure(int depth, Precision p) {
    NetworkSpec spec = ParityChecks.spec(Activation.RELU, depth, Reduction.SUM);
    GroupSpec gs = new GroupSpec(spec, p, FusedCounts.BATCH, 2, true, -1, 0);
    String kernel = "fused_epoch_" + (p == Precision.FP64 ? "f64" : "f32");
    try (EmulatedDevice dev = NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0);
        Group g =
            new CudaBackend(dev, CudaBackend.KernelPath.FUSED)
                .createGroup(gs, ParityChecks.setups(spec, 0, 1))) {
      int[][] order = new int[1][ParityChecks.N_TRAIN];
      for (int k = 0; k < ParityChecks.N_TRAIN; k++) {
        order[0][k] = (k * 17) % ParityChecks.N_TRAIN;
      }
      SharedAccessCounts.Kernel one = epoch(g, order, 1).kernel(kernel);
      SharedAccessCounts.Kernel two = epoch(g, order, 2).kernel(kernel);
      long fma = 0;
      for (String inner : List.of("fwd_w", "dw_dz", "dx_w")) {
        fma += two.site(inner).requests() - one.site(inner).requests();
      }
      return new FusedCounts.Row(
          p,
          depth,
          two.requests() - one.requests(),
          two.wavefronts() - one.wavefronts(),
          ideal(two) - ideal(one),
          fma,
          two.barriers() - one.barriers());
    }
  }

  private static long ideal(SharedAccessCounts.Kernel k) {
    return k.sites().stream().mapToLong(SharedAccessCounts.Site::ideal).sum();
  }

  private static SharedAccessCounts epoch(Group g, int[][] order, int steps) {
    return SharedAccessCounts.during(
        () -> {
          g.beginEpoch(order);
          for (int s = 0; s < steps; s++) {
            g.step(s * 24, FusedCounts.BATCH, 1e-3);
          }
          g.endEpoch();
        });
  }

  /** docs/gpu.md's row for {@code r}: depth, counts, and the bound in us. */
  static String docRow(FusedCounts.Row fp64, FusedCounts.Row fp32) {
    return String.format(
        Locale.ROOT,
        "| %d | %,d | %,d (%,d) | %,d (%,d) | %,d | %d | %.1f | %.1f |",
        fp64.depth(),
        fp64.requests(),
        fp64.wavefronts(),
        fp64.fewest(),
        fp32.wavefronts(),
        fp32.fewest(),
        fp64.fma(),
        fp64.barriers(),
        fp64.boundMicros(),
        fp32.boundMicros());
  }

  @Test
  void theCommittedCountsAreTheEmulatorsAndTheDocsTableHoldsThem() throws IOException {
    List<FusedCounts.Row> measured = new ArrayList<>();
    List<String> lines = new ArrayList<>(List.of(FusedCounts.HEADER));
    List<String> docRows = new ArrayList<>();
    for (int d : DEPTHS) {
      FusedCounts.Row a = measure(d, Precision.FP64);
      FusedCounts.Row b = measure(d, Precision.FP32);
      measured.add(a);
      measured.add(b);
      lines.add(a.csv());
      lines.add(b.csv());
      docRows.add(docRow(a, b));
      System.out.println("fused counts " + a.line());
      System.out.println("fused counts " + b.line());
    }
    docRows.forEach(r -> System.out.println("docs/gpu.md row: " + r));
    if (System.getenv("DEPTHLAB_COUNTS_WRITE") != null) {
      Files.write(SOURCE, lines);
      System.out.println("wrote " + SOURCE);
    }
    List<Executable> checks = new ArrayList<>();
    checks.add(() -> assertEquals(measured, FusedCounts.all(), FusedCounts.RESOURCE + " is stale"));
    String doc = Files.readString(Path.of("docs/gpu.md"));
    for (String row : docRows) {
      checks.add(() -> assertTrue(doc.contains(row), "docs/gpu.md lacks the row " + row));
    }
    for (FusedCounts.Row r : measured) {
      checks.add(
          () -> assertEquals(2L * r.depth() + 5, r.barriers(), r.line() + ": barriers a step"));
    }
    assertAll(checks);
  }

  /** The rows bench prints: the seed shapes have one, other shapes none. */
  @Test
  void benchFindsTheRowOfASeedShapeOnly() {
    NetworkSpec seed = ParityChecks.spec(Activation.RELU, 4, Reduction.SUM);
    FusedCounts.Row r = FusedCounts.at(new GroupSpec(seed, Precision.FP32, 32, 10));
    assertNotNull(r, "depth 4 fp32 batch 32");
    assertEquals(4, r.depth());
    assertEquals(Precision.FP32, r.precision());
    assertNull(FusedCounts.at(new GroupSpec(seed, Precision.FP32, 64, 10)), "batch 64");
    NetworkSpec wide = NetworkSpec.of(2, 4, 32, Activation.RELU, 0.01, Reduction.SUM, 1e-8);
    assertNull(FusedCounts.at(new GroupSpec(wide, Precision.FP32, 32, 10)), "width 32");
    GroupSpec gs = new GroupSpec(seed, Precision.FP32, 32, 10);
    EmulatedDevice dev = NativeTools.emulatedDevice();
    assertEquals(
        r.line(), new CudaBackend(dev, CudaBackend.KernelPath.FUSED).countsPerStep(gs), "fused");
    assertNull(
        new CudaBackend(dev, CudaBackend.KernelPath.LAYERED).countsPerStep(gs),
        "the layered path has no counts");
    assertEquals(2 * DEPTHS.length, FusedCounts.all().size(), "rows of " + FusedCounts.RESOURCE);
  }

  /**
   * A launch of several epochs with the evaluation and parameter copies inside (the sites of
   * fused_evaluate and fused_snapshot reading the parameters from shared memory) keeps every site
   * of fused_epoch at most 2-way conflicted, at the seed shapes of depths 1, 4 and 8 in both
   * precisions.
   */
  @Test
  void aLaunchOfSeveralEpochsIsAtMostTwoWayConflicted() {
    List<Executable> checks = new ArrayList<>();
    for (int depth : new int[] {1, 4, 8}) {
      for (Precision p : Precision.values()) {
        NetworkSpec spec = ParityChecks.spec(Activation.RELU, depth, Reduction.SUM);
        GroupSpec gs = new GroupSpec(spec, p, FusedCounts.BATCH, 2, true, -1, 0);
        String kernel = "fused_epoch_" + (p == Precision.FP64 ? "f64" : "f32");
        try (EmulatedDevice dev =
                NativeTools.emulatedDevice(EmulatedDevice.ThreadOrder.FORWARD, 0);
            Group g =
                new CudaBackend(dev, CudaBackend.KernelPath.FUSED)
                    .createGroup(gs, ParityChecks.setups(spec, 0, 1))) {
          int[][][] orders = new int[2][1][ParityChecks.N_TRAIN];
          for (int[][] o : orders) {
            for (int k = 0; k < ParityChecks.N_TRAIN; k++) {
              o[0][k] = (k * 17) % ParityChecks.N_TRAIN;
            }
          }
          SharedAccessCounts.Kernel k =
              SharedAccessCounts.during(
                      () ->
                          g.trainEpochs(
                              orders, FusedCounts.BATCH, 1e-3, new boolean[] {true, true}))
                  .kernel(kernel);
          List<String> names = new ArrayList<>();
          for (SharedAccessCounts.Site site : k.sites()) {
            names.add(site.name());
            String where = p.key() + " depth " + depth + ": " + site;
            checks.add(() -> assertTrue(site.maxDegree() <= 2, where));
          }
          for (String inside : List.of("eval_z", "eval_dead", "snap_w", "snap_b")) {
            checks.add(
                () ->
                    assertTrue(
                        names.contains(inside),
                        p.key() + " depth " + depth + ": no site " + inside + " in " + names));
          }
        }
      }
    }
    assertAll(checks);
  }
}
