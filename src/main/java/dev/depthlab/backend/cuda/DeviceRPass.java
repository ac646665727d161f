package dev.depthlab.backend.cuda;

import dev.depthlab.backend.Gradients;
import dev.depthlab.model.OutputGradient;
import dev.depthlab.model.Parameters;
import dev.depthlab.model.Precision;
import java.util.List;

/**
 * Exact Hessian-vector products on the device, every replica at once: Pearlmutter's R-operator as
 * {@link dev.depthlab.backend.RPass} computes it on the host, on the layered path's buffers. A
 * gradient pass of the batch ({@link LayeredStep#batch}) leaves each layer's a, z and dz; then
 *
 * <ul>
 *   <li>forward: {@code R(Z_l) = A_l V_l + R(A_l) W_l} (two GEMMs, the second accumulating; none
 *       for l = 0, where {@code R(A_0) = 0}), then r_bias_act ({@code + c_l}, {@code R(A_{l+1}) =
 *       act'(Z_l) R(Z_l)}) or, at the output, r_output ({@code R(dZ) = g'(z) R(z)}, times 1 / B
 *       under mean);
 *   <li>backward, top down: {@code (H v)_W = A^T R(dZ) + R(A)^T dZ} (two GEMMs), {@code (H v)_c} =
 *       the column sums of R(dZ); below the output {@code dA = dZ W^T} and {@code R(dA) = R(dZ) W^T
 *       + dZ V^T} (three GEMMs), then r_act_backward_db ({@code R(dZ') = fma(R(dA), act'(z'), dA
 *       act''(a') R(z'))} and its column sums).
 * </ul>
 *
 * The elementwise kernels (kernels/train.cu) repeat RPass's operations; the products sum in
 * cuBLAS's order (and A V, R(A) W as two sums rather than RPass's one interleaved sum), so the
 * result is RPass's within rounding, not bit for bit. Work buffers are allocated on the first call
 * and live as long as the group; the fused path uses this layered R-pass too.
 */
final class DeviceRPass {
  private final CudaKernelCalls calls;
  private final LayeredStep layered;
  private final GroupLayout layout;
  private final GroupBuffers buf;
  private final GroupMemory mem;
  private final Lane lane;
  private final Precision precision;
  private final String suffix;

  /** The directions v and the products H v, laid out as the parameter buffer. */
  private final long v;

  private final long hv;

  /** R(a[l]) (l >= 1), R(z[l]) and R(dz[l]) per layer, and dA of the layer below. */
  private final long[] ra;

  private final long[] rz;
  private final long[] rdz;
  private final long da;

  DeviceRPass(
      CudaKernelCalls calls,
      LayeredStep layered,
      GroupLayout layout,
      GroupBuffers buf,
      GroupMemory mem,
      Precision precision) {
    this.calls = calls;
    this.layered = layered;
    this.layout = layout;
    this.buf = buf;
    this.mem = mem;
    this.lane = mem.lane();
    this.precision = precision;
    this.suffix = precision == Precision.FP64 ? "_f64" : "_f32";
    int elem = mem.elem;
    long rows = (long) layout.replicas * layout.maxBatch;
    v = mem.alloc((long) layout.paramCount * elem);
    hv = mem.alloc((long) layout.paramCount * elem);
    ra = new long[layout.layers];
    rz = new long[layout.layers];
    rdz = new long[layout.layers];
    int widest = 1;
    for (int l = 0; l < layout.layers; l++) {
      int out = layout.sizes[l + 1];
      if (l > 0) {
        ra[l] = mem.alloc(rows * layout.sizes[l] * elem);
        widest = Math.max(widest, layout.sizes[l]);
      }
      rz[l] = mem.alloc(rows * out * elem);
      rdz[l] = mem.alloc(rows * out * elem);
    }
    da = mem.alloc(rows * widest * elem);
  }

  /**
   * {@code H v.get(r)} of each replica's batch {@code indices[r]} at the device's parameters, and
   * each batch's mean loss: one copy of the indices and the directions in, one of the products and
   * one of the losses out.
   */
  Gradients times(int[][] indices, List<Parameters> dirs) {
    int replicas = layout.replicas;
    if (dirs.size() != replicas) {
      throw new IllegalArgumentException(
          dirs.size() + " directions for a group of " + replicas + " replicas");
    }
    double[] image = new double[layout.paramCount];
    for (int r = 0; r < replicas; r++) {
      layout.checkShape(dirs.get(r));
      layout.pack(dirs.get(r), r, image);
    }
    mem.upload(v, image);
    return layered.gradientPass(
        indices,
        count -> {
          forward(count);
          backward(count);
          return readProducts();
        });
  }

  /** The products and the batch losses read back (the read waits for the queued work). */
  private Gradients readProducts() {
    int replicas = layout.replicas;
    double[] d = new double[replicas * layout.diagWidth];
    lane.copyOut(buf.scratchDiag, d);
    List<Parameters> out = layout.unpack(mem.download(hv, layout.paramCount));
    double[][][] hw = new double[replicas][][];
    double[][][] hb = new double[replicas][][];
    double[] loss = new double[replicas];
    for (int r = 0; r < replicas; r++) {
      hw[r] = out.get(r).weights();
      hb[r] = out.get(r).biases();
      loss[r] = d[r * layout.diagWidth];
    }
    return new Gradients(hw, hb, loss);
  }

  private void forward(int rows) {
    int[] sizes = layout.sizes;
    int top = layout.layers - 1;
    for (int l = 0; l <= top; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      Strided rzl = buf.batch(rz[l], out);
      calls.forward(vWeights(l), buf.batch(buf.a[l], in), rzl, rows, in, out, layout.replicas);
      if (l > 0) {
        gemm(forwardLayout(rows, in, out), buf.weights(l), ra[l], rz[l]);
      }
      long c = mem.el(v, layout.bOff[l]);
      if (l < top) {
        launch(
            "r_bias_act",
            CudaKernelCalls.threads(layout.replicas, rows, out),
            rz[l],
            c,
            buf.z[l],
            buf.a[l + 1],
            ra[l + 1],
            rows,
            out,
            stride(out),
            out,
            stride(out),
            layout.act,
            layout.slope,
            layout.replicas);
      } else {
        launch(
            "r_output",
            CudaKernelCalls.threads(layout.replicas, rows),
            rz[l],
            c,
            buf.z[l],
            buf.yBatch,
            rdz[l],
            rows,
            stride(1),
            1,
            layout.clipEps,
            layout.mean,
            layout.replicas,
            layout.net.outputGradient() == OutputGradient.CHAINED ? 1 : 0);
      }
    }
  }

  private void backward(int rows) {
    int[] sizes = layout.sizes;
    int replicas = layout.replicas;
    for (int l = layout.layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      Strided dz = buf.batch(buf.dz[l], out);
      Strided rdzl = buf.batch(rdz[l], out);
      long hw = mem.el(hv, layout.wOff[l]);
      calls.weightGradient(rdzl, buf.batch(buf.a[l], in), hw, rows, in, out, replicas);
      if (l > 0) {
        gemm(weightLayout(rows, in, out), dz.base(), ra[l], hw);
      }
      long hb = mem.el(hv, layout.bOff[l]);
      if (l == layout.layers - 1) {
        launch(
            "r_column_sums",
            CudaKernelCalls.threads(replicas, out),
            rdz[l],
            hb,
            rows,
            out,
            stride(out),
            out,
            replicas);
      }
      if (l > 0) {
        calls.inputGradient(buf.weights(l), dz, buf.batch(da, in), rows, in, out, replicas);
        Strided below = buf.batch(rdz[l - 1], in);
        calls.inputGradient(buf.weights(l), rdzl, below, rows, in, out, replicas);
        gemm(inputLayout(rows, in, out), vWeights(l), dz.base(), rdz[l - 1]);
        launch(
            "r_act_backward_db",
            CudaKernelCalls.threads(replicas, in),
            rdz[l - 1],
            da,
            buf.z[l - 1],
            buf.a[l],
            rz[l - 1],
            mem.el(hv, layout.bOff[l - 1]),
            rows,
            in,
            stride(in),
            in,
            layout.act,
            layout.slope,
            replicas);
      }
    }
  }

  private long vWeights(int l) {
    return mem.el(v, layout.wOff[l]);
  }

  /** A training buffer's per-replica stride for {@code units} columns, as the kernels take it. */
  private int stride(int units) {
    return Math.toIntExact((long) layout.maxBatch * units);
  }

  private void launch(String kernel, int threads, Object... args) {
    lane.launch(kernel + suffix, CudaKernelCalls.grid(threads), CudaKernelCalls.BLOCK, args);
  }

  /** C += A B on {@code layout} (the accumulating second product of a sum of two). */
  private void gemm(Gemm g, long a, long b, long c) {
    lane.gemm(g, 1.0, a, b, 1.0, c, precision);
  }

  // The layouts of CudaKernelCalls' forward, weightGradient and inputGradient, which overwrite C;
  // here the same products are added into C (see CudaKernelCalls for the row-major mapping).

  private Gemm forwardLayout(int rows, int in, int out) {
    long s = (long) layout.maxBatch;
    return new Gemm(
        false,
        false,
        out,
        rows,
        in,
        out,
        (long) in * out,
        in,
        s * in,
        out,
        s * out,
        layout.replicas);
  }

  private Gemm weightLayout(int rows, int in, int out) {
    long s = (long) layout.maxBatch;
    return new Gemm(
        false,
        true,
        out,
        in,
        rows,
        out,
        s * out,
        in,
        s * in,
        out,
        (long) in * out,
        layout.replicas);
  }

  private Gemm inputLayout(int rows, int in, int out) {
    long s = (long) layout.maxBatch;
    return new Gemm(
        true,
        false,
        in,
        rows,
        out,
        out,
        (long) in * out,
        out,
        s * out,
        in,
        s * in,
        layout.replicas);
  }
}
