package dev.depthlab.backend.cuda;

import dev.depthlab.backend.EpochRun;
import dev.depthlab.backend.Evaluation;
import dev.depthlab.backend.Group;
import dev.depthlab.backend.StepLog;
import dev.depthlab.model.Parameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several epochs in one launch of {@code fused_epoch} ({@link Group#trainEpochs} on the fused path
 * of a group without a traced layer). The host still decides every random number: it uploads the
 * epochs' sample orders together, in one copy. The step table lists every epoch's steps, and after
 * a diagnosed epoch a row of 0 samples at which the block evaluates (the evaluation of {@code
 * fused_eval}, run inside) and copies its parameters out; it is uploaded only when it differs from
 * the last launch's (a run's launches repeat it). Everything the epochs return (each step's
 * diagnostics row, each diagnosed epoch's evaluation and parameters, all in double) lands in one
 * buffer read in one copy: per launch of k epochs one copy in, one copy out, so one host round trip
 * per k epochs. CudaRoundTripsTest counts them; {@code EmulatedMultiEpochTest} holds the bits to
 * the single-epoch calls. Its buffers are allocated by the first launch, and grow when a launch
 * needs more.
 */
final class FusedEpochs {
  /**
   * Epochs a launch runs ({@link Group#epochsPerLaunch}): a stop takes effect at a launch's end, so
   * a launch stays short (the seed study's deepest group: 630 steps, milliseconds on a GPU).
   */
  static final int MAX_EPOCHS = 10;

  private final FusedEpoch fused;
  private final GroupLayout layout;
  private final GroupMemory mem;
  private final int evalWidth;
  private final boolean stepAccuracy;

  private long order;
  private long orderCapacity;
  private long table;
  private long tableCapacity;
  private double[] uploaded;
  private long out;
  private long outCapacity;

  FusedEpochs(FusedEpoch fused, GroupLayout layout, GroupMemory mem, boolean stepAccuracy) {
    this.fused = fused;
    this.stepAccuracy = stepAccuracy;
    this.layout = layout;
    this.mem = mem;
    this.evalWidth = Evaluator.width(layout);
  }

  /** {@link Group#trainEpochs} in one launch (see the class comment). */
  List<EpochRun> run(int[][][] orders, int batch, double lr, boolean[] diagnose) {
    int k = orders.length;
    int replicas = layout.replicas;
    if (diagnose.length != k) {
      throw new IllegalArgumentException(diagnose.length + " diagnose flags for " + k + " epochs");
    }
    int m = check(orders);
    if (batch < 1 || batch > layout.maxBatch) {
      throw new IllegalArgumentException("batch of " + batch + " outside 1.." + layout.maxBatch);
    }
    int steps = (m + batch - 1) / batch;
    if (steps > layout.maxSteps) {
      throw new IllegalArgumentException(
          steps + " steps an epoch, the group was made for " + layout.maxSteps);
    }
    int[] packed = new int[replicas * k * m];
    for (int r = 0; r < replicas; r++) {
      for (int e = 0; e < k; e++) {
        System.arraycopy(orders[e][r], 0, packed, (r * k + e) * m, m);
      }
    }
    double[] rows = new double[4 * k * (steps + 1)];
    int n = 0;
    int evals = 0;
    for (int e = 0; e < k; e++) {
      for (int off = 0; off < m; off += batch) {
        n = row(rows, n, (double) e * m + off, Math.min(batch, m - off), -1, lr);
      }
      if (diagnose[e]) {
        n = row(rows, n, 0, 0, evals++, 0);
      }
    }
    rows = Arrays.copyOf(rows, 4 * n);
    long diagN = (long) replicas * k * steps * layout.diagWidth;
    long evalN = (long) evals * replicas * evalWidth;
    long snapN = (long) evals * layout.paramCount;
    ensure(packed.length, rows.length, diagN + evalN + snapN);
    Lane lane = mem.lane();
    lane.copyIn(order, packed);
    if (!Arrays.equals(rows, uploaded)) {
      lane.copyIn(table, rows);
      uploaded = rows;
    }
    fused.runEpochs(
        order,
        k * m,
        table,
        n,
        out,
        k * steps,
        out + 8 * diagN,
        evalWidth,
        out + 8 * (diagN + evalN));
    double[] all = new double[GroupLayout.elements("a launch's results", diagN + evalN + snapN)];
    lane.copyOut(out, all); // the launch's only device-to-host copy
    List<EpochRun> runs = new ArrayList<>(k);
    int q = 0;
    for (int e = 0; e < k; e++) {
      StepLog log =
          DiagRow.read(
              all,
              e * steps * layout.diagWidth,
              k * steps,
              replicas,
              steps,
              layout.layers,
              stepAccuracy,
              new int[0],
              new double[0]);
      Evaluation eval = null;
      List<Parameters> params = null;
      if (diagnose[e]) {
        eval = Evaluator.read(all, (int) (diagN + (long) q * replicas * evalWidth), layout);
        int from = (int) (diagN + evalN + (long) q * layout.paramCount);
        params = layout.unpack(Arrays.copyOfRange(all, from, from + layout.paramCount));
        q++;
      }
      runs.add(new EpochRun(log, eval, params));
    }
    return runs;
  }

  private static int row(double[] rows, int n, double offset, int count, int slot, double lr) {
    rows[4 * n] = offset;
    rows[4 * n + 1] = count;
    rows[4 * n + 2] = slot;
    rows[4 * n + 3] = lr;
    return n + 1;
  }

  /** Checks the orders (one per replica an epoch, all of one length, valid indices); the length. */
  private int check(int[][][] orders) {
    int m = orders[0].length == 0 ? 0 : orders[0][0].length;
    for (int e = 0; e < orders.length; e++) {
      if (orders[e].length != layout.replicas) {
        throw new IllegalArgumentException(
            "epoch " + e + ": orders for " + orders[e].length + " of " + layout.replicas);
      }
      for (int r = 0; r < layout.replicas; r++) {
        if (orders[e][r].length != m) {
          throw new IllegalArgumentException(
              "epoch "
                  + e
                  + ", replica "
                  + r
                  + ": an order of "
                  + orders[e][r].length
                  + ", the launch's first of "
                  + m
                  + ": a launch's orders have one length");
        }
        for (int idx : orders[e][r]) {
          if (idx < 0 || idx >= layout.nTrain) {
            throw new IllegalArgumentException(
                "replica " + r + ": sample index " + idx + " outside [0, " + layout.nTrain + ")");
          }
        }
      }
    }
    return m;
  }

  /** Grows the buffers to {@code ints} order entries, {@code rows} table and {@code doubles}. */
  private void ensure(long ints, long rows, long doubles) {
    boolean regrows =
        (ints > orderCapacity && order != 0)
            || (rows > tableCapacity && table != 0)
            || (doubles > outCapacity && out != 0);
    if (regrows) {
      mem.lane().synchronize(); // an earlier launch may still read them
    }
    if (ints > orderCapacity) {
      order = regrow(order, 4 * ints);
      orderCapacity = ints;
    }
    if (rows > tableCapacity) {
      table = regrow(table, 8 * rows);
      tableCapacity = rows;
      uploaded = null;
    }
    if (doubles > outCapacity) {
      out = regrow(out, 8 * doubles);
      outCapacity = doubles;
    }
  }

  private long regrow(long old, long bytes) {
    if (old != 0) {
      mem.free(old);
    }
    return mem.alloc(Math.max(8, bytes));
  }
}
