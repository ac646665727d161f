package dev.depthlab.backend.cuda;

import dev.depthlab.model.Precision;

/**
 * Where one block of the fused kernel keeps what in shared memory: the table that kernels/fused.cu
 * reads (its DL_FUSED_* fields) and the block's size in bytes, computed here once for both.
 *
 * <p>Shared memory holds, in order: each batch row's loss and correctness (double), this table
 * (int, padded to 16 bytes), then in the precision's type: the parameters when kept there (each
 * layer's W in rows padded to an odd length, then b), the weight gradients (layer l's starting at
 * an element index congruent to l modulo 32), the bias gradients, each layer's input rows (padded
 * to an odd length where the layer has fewer than 16 outputs) and pre-activation rows ({@code
 * maxBatch} rows each), and the batch's labels. The paddings make each warp request of the hot
 * loops conflict-free on 32 banks of 4 bytes: a warp reading down a column of W (the input
 * gradients), or one element of each of many input rows (a narrow layer's forward sums), hits rows
 * an odd number of elements apart; the threads that sum the layers' squared gradient norms read one
 * element of each layer at once, from staggered banks. EmulatedSharedAccessTest counts them.
 */
record FusedLayout(int[] table, int bytes) {
  /** Ints before the per-layer fields: DL_FUSED_HEADER. */
  static final int HEADER = 4;

  /** Ints per weight layer: DL_FUSED_FIELDS. */
  static final int FIELDS = 12;

  private static final int BANKS = 32;

  /** Rows of a layer's input are padded when a warp's forward sums span more rows than this. */
  private static final int NARROW = 16;

  /**
   * The layout of a block for a net of layer {@code sizes}, batches of at most {@code maxBatch}
   * rows, the parameters in shared memory or not ({@code weights}), and replica 0's offsets of each
   * layer's W and b in the parameter buffer ({@code wOff}, {@code bOff}; null: all 0, for a size
   * only).
   */
  static FusedLayout of(
      int[] sizes, int maxBatch, Precision p, boolean weights, int[] wOff, int[] bOff) {
    int layers = sizes.length - 1;
    int[] t = new int[HEADER + FIELDS * layers];
    long tableBytes = (4L * t.length + 15) / 16 * 16;
    long tBytes = 16L * maxBatch + tableBytes;
    long cursor = 0;
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      int k = HEADER + FIELDS * l;
      t[k] = in;
      t[k + 1] = out;
      t[k + 2] = weights ? out | 1 : out;
      t[k + 3] = out < NARROW ? in | 1 : in;
      t[k + 10] = wOff == null ? 0 : wOff[l];
      t[k + 11] = bOff == null ? 0 : bOff[l];
    }
    if (weights) {
      for (int l = 0; l < layers; l++) {
        int k = HEADER + FIELDS * l;
        t[k + 4] = toInt(cursor);
        cursor += (long) t[k] * t[k + 2];
        t[k + 5] = toInt(cursor);
        cursor += t[k + 1];
      }
    }
    for (int l = 0; l < layers; l++) {
      int k = HEADER + FIELDS * l;
      cursor += Math.floorMod(l - cursor, BANKS);
      t[k + 6] = toInt(cursor);
      cursor += (long) t[k] * t[k + 1];
    }
    for (int l = 0; l < layers; l++) {
      int k = HEADER + FIELDS * l;
      t[k + 7] = toInt(cursor);
      cursor += t[k + 1];
    }
    for (int l = 0; l < layers; l++) {
      int k = HEADER + FIELDS * l;
      t[k + 8] = toInt(cursor);
      cursor += (long) maxBatch * t[k + 3];
      t[k + 9] = toInt(cursor);
      cursor += (long) maxBatch * t[k + 1];
    }
    t[0] = toInt(tBytes);
    t[1] = toInt(cursor);
    cursor += maxBatch;
    long bytes = tBytes + cursor * (p == Precision.FP64 ? 8 : 4);
    return new FusedLayout(t, (int) Math.min(bytes, Integer.MAX_VALUE));
  }

  private static int toInt(long v) {
    return (int) Math.min(v, Integer.MAX_VALUE);
  }
}
