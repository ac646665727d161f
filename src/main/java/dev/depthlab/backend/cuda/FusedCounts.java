package dev.depthlab.backend.cuda;

import dev.depthlab.backend.GroupSpec;
import dev.depthlab.model.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the emulator counts per training step and replica of {@code fused_epoch} at the seed study's
 * nets (2-16xd-1, batch 32, both precisions): shared-memory warp requests, the wavefronts they take
 * on sm_90's 32 banks (and the fewest they could), the FMA warp instructions of the three inner
 * loops and the barriers. They live in {@value #RESOURCE}, which {@code FusedCountsTest} measures
 * again on the emulator and holds current; {@code bench} prints them beside its fused rows and
 * {@code bench --kernels} lists them; docs/gpu.md's H100 estimate is {@link Row#boundMicros}.
 */
public final class FusedCounts {
  /** The committed counts, a CSV with a header line. */
  static final String RESOURCE = "/dev/depthlab/backend/cuda/fused-counts.csv";

  /** The CSV's header. */
  static final String HEADER = "precision,depth,requests,wavefronts,fewest,fma,barriers";

  /** The seed study's hidden width and batch, at which the counts are taken. */
  static final int WIDTH = 16;

  static final int BATCH = 32;

  /** The clock of the estimate, in GHz (docs/gpu.md). */
  static final double H100_GHZ = 1.75;

  private FusedCounts() {}

  /** One precision and depth's counts per step and replica. */
  public record Row(
      Precision precision,
      int depth,
      long requests,
      long wavefronts,
      long fewest,
      long fma,
      long barriers) {
    /**
     * The fewest clocks an H100 SM needs for a step: its shared memory serves one wavefront a
     * clock, its FP64 units two FMA warp instructions a clock, FP32 four; the larger bound.
     */
    public double boundClocks() {
      return Math.max(wavefronts, fma / (precision == Precision.FP64 ? 2.0 : 4.0));
    }

    /** {@link #boundClocks} at {@link #H100_GHZ}, in microseconds: an estimate, not a timing. */
    public double boundMicros() {
      return boundClocks() / (H100_GHZ * 1e3);
    }

    /** The row as bench prints it. */
    public String line() {
      return String.format(
          Locale.ROOT,
          "%s depth %d: %,d shared warp requests, %,d wavefronts (%,d at best), %,d FMA warp"
              + " instr., %d barriers a step; H100 bound %.1f us (estimate)",
          precision.key(),
          depth,
          requests,
          wavefronts,
          fewest,
          fma,
          barriers,
          boundMicros());
    }

    String csv() {
      return String.join(
          ",",
          precision.key(),
          "" + depth,
          "" + requests,
          "" + wavefronts,
          "" + fewest,
          "" + fma,
          "" + barriers);
    }
  }

  /** Every committed row, in file order. */
  public static List<Row> all() {
    try (InputStream in = FusedCounts.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      List<Row> rows = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#") || line.equals(HEADER)) {
          continue;
        }
        String[] f = line.strip().split(",");
        rows.add(
            new Row(
                f[0].equals(Precision.FP64.key()) ? Precision.FP64 : Precision.FP32,
                Integer.parseInt(f[1]),
                Long.parseLong(f[2]),
                Long.parseLong(f[3]),
                Long.parseLong(f[4]),
                Long.parseLong(f[5]),
                Long.parseLong(f[6])));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The counted row for {@code spec}'s shape (2-16xd-1, batch 32), or null when none. */
  static Row at(GroupSpec spec) {
    int[] sizes = spec.net().sizes();
    if (spec.maxBatch() != BATCH || sizes[0] != 2 || sizes[sizes.length - 1] != 1) {
      return null;
    }
    for (int h = 1; h < sizes.length - 1; h++) {
      if (sizes[h] != WIDTH) {
        return null;
      }
    }
    for (Row r : all()) {
      if (r.precision() == spec.precision() && r.depth() == sizes.length - 2) {
        return r;
      }
    }
    return null;
  }
}
