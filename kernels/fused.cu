// The fused small-MLP kernel: one thread block per replica runs a whole epoch of training steps
// in one launch (FusedEpoch.java), keeping activations and gradients (and the parameters, when
// they fit) in shared memory. The block's threads share each phase's elements in strided loops
// and meet at a barrier between phases. Every sum runs over its index in increasing order from
// the CPU reference's initial value (backend/cpu: the bias first in the forward sums), each term
// one fused multiply-add (dl_fma) into the accumulator, so the sums are the CPU's, operation for
// operation, on the device and on the host alike; see docs/arithmetic.md.
#include "common.cuh"

// Most weight layers (depth + 1) the kernel takes (FusedEpoch.MAX_LAYERS).
#define DL_FUSED_MAX_LAYERS 32

// The block's layout, computed on the host (FusedLayout.java) and passed as `table`: a header of
// DL_FUSED_HEADER ints, then DL_FUSED_FIELDS ints per weight layer. Offsets in shared memory
// count elements of T from the T region (header[DL_FH_TBYTES] bytes into shared memory); WG and
// BG are the layer's offsets in the parameter buffer (replica r's block at r times its size). The
// kernel copies the table into shared memory and reads every offset there, so no thread keeps a
// per-layer pointer array (which would live in local memory).
#define DL_FUSED_HEADER 4
#define DL_FUSED_FIELDS 12
#define DL_FH_TBYTES 0  // bytes from the start of shared memory to the T region
#define DL_FH_Y 1       // the batch's labels
#define DL_FL_IN 0      // the layer's inputs
#define DL_FL_OUT 1     // and outputs
#define DL_FL_WS 2      // W's row stride in shared memory (odd: a warp down a column is conflict-free)
#define DL_FL_AS 3      // row stride of the layer's input rows (odd where a warp spans many rows)
#define DL_FL_W 4       // W in shared memory (rows of WS), when the parameters are kept there
#define DL_FL_B 5       // b in shared memory
#define DL_FL_GW 6      // dL/dW (rows of OUT), starting at bank l, so the norms' reads do not collide
#define DL_FL_GB 7      // dL/db
#define DL_FL_A 8       // the layer's input rows (maxBatch rows of AS)
#define DL_FL_Z 9       // its pre-activation rows (maxBatch rows of OUT), later dL/dz
#define DL_FL_WG 10     // W's offset in the parameter buffer
#define DL_FL_BG 11     // b's offset in the parameter buffer

// A layer's field of the layout table in shared memory (`tab` in scope), and layer l's W and b
// wherever they live (`sm`, `params`, `r`, `in`, `out` in scope); W's rows are ws apart.
#define DL_LAY(l, f) DL_SMEM(layout, tab + DL_FUSED_HEADER + DL_FUSED_FIELDS * (l) + (f))
#define DL_W(l) (WS ? sm + DL_LAY(l, DL_FL_W) : params + DL_LAY(l, DL_FL_WG) + (long)r * in * out)
#define DL_B(l) (WS ? sm + DL_LAY(l, DL_FL_B) : params + DL_LAY(l, DL_FL_BG) + (long)r * out)

// Copies the layout table into shared memory (after the per-row loss and correctness) and
// returns it there; the caller waits at a barrier before reading it.
__device__ __forceinline__ int* dl_fused_table(unsigned char* smem, const int* table, int layers,
                                               int maxBatch) {
  int* tab = reinterpret_cast<int*>(smem + 16 * maxBatch);
  for (int k = threadIdx.x; k < DL_FUSED_HEADER + DL_FUSED_FIELDS * layers; k += blockDim.x) {
    DL_SMEM(layout_copy, tab + k) = table[k];
  }
  return tab;
}

// The forward pass of the `count` rows of layer 0's input rows: z = b + sum_i a_i W_ij, i in
// order, one FMA each; a' = act(z) on the hidden layers; a barrier after each layer.
template <typename T, bool WS>
__device__ void fused_forward(T* params, const int* tab, T* sm, int layers, int count, int act,
                              T sl) {
  const int r = blockIdx.x;
  const int tid = threadIdx.x;
  const int nt = blockDim.x;
  const int top = layers - 1;
  for (int l = 0; l < layers; l++) {
    const int in = DL_LAY(l, DL_FL_IN);
    const int out = DL_LAY(l, DL_FL_OUT);
    const int ws = WS ? DL_LAY(l, DL_FL_WS) : out;
    const int as = DL_LAY(l, DL_FL_AS);
    const T* al = sm + DL_LAY(l, DL_FL_A);
    const T* wl = DL_W(l);
    const T* bl = DL_B(l);
    T* zl = sm + DL_LAY(l, DL_FL_Z);
    const int asNext = l < top ? DL_LAY(l + 1, DL_FL_AS) : 0;
    T* aNext = l < top ? sm + DL_LAY(l + 1, DL_FL_A) : zl;
    for (int e = tid; e < count * out; e += nt) {
      const int s = e / out;
      const int j = e % out;
      T acc = DL_PARAM(fwd_b, bl + j);
      for (int i = 0; i < in; i++) {
        acc = dl_fma(DL_SMEM(fwd_a, al + s * as + i), DL_PARAM(fwd_w, wl + i * ws + j), acc);
      }
      DL_SMEM(fwd_z, zl + e) = acc;
      if (l < top) DL_SMEM(fwd_act, aNext + s * asNext + j) = dl_activate(acc, act, sl);
    }
    __syncthreads();
  }
}

// Replica blockIdx.x's evaluation (Group.evaluate) into o, as the CPU computes it (CpuNet64 and
// CpuNet32 evaluate): the test set's, then the training set's rows in batches of maxBatch, each
// row's forward pass as a training step's (fused_forward), its loss and correctness; the losses
// summed over the rows in order in double, by one thread. o[...]: 0, 1 the
// training set's mean loss and accuracy, 2, 3 the test set's (NaN for an empty set), then per
// hidden unit (the hidden layers' units in order) 1 when it is inactive on every training row, else
// 0. The parameters are read where WS says (fused_eval: the parameter buffer, where the epoch's
// launch left them; fused_run: where the training keeps them); the layout is the epoch's (`tab`,
// the same shared memory), whose activation rows it uses. Ends at a barrier.
template <typename T, bool WS>
__device__ void fused_evaluate(T* params, const int* tab, T* sm, double* lossRow, double* okRow,
                               int layers, const T* x, const T* y, int nTrain, const T* tx,
                               const T* ty, int nTest, double* o, int maxBatch, int act, T sl,
                               T eps) {
  const int r = blockIdx.x;
  const int tid = threadIdx.x;
  const int nt = blockDim.x;
  const int top = layers - 1;
  T* yb = sm + DL_SMEM(layout, tab + DL_FH_Y);
  const int f = DL_LAY(0, DL_FL_IN);
  const int as0 = DL_LAY(0, DL_FL_AS);
  T* a0 = sm + DL_LAY(0, DL_FL_A);
  int hiddenUnits = 0;
  for (int l = 0; l < top; l++) hiddenUnits += DL_LAY(l, DL_FL_OUT);
  for (int u = tid; u < hiddenUnits; u += nt) o[4 + u] = 1.0;

  for (int set = 0; set < 2; set++) {
    const bool train = set == 1;
    const int n = train ? nTrain : nTest;
    const T* xs = train ? x + (long)r * nTrain * f : tx + (long)r * nTest * f;
    const T* ys = train ? y + (long)r * nTrain : ty + (long)r * nTest;
    double lossSum = 0.0;  // thread 0's
    int correct = 0;
    for (int start = 0; start < n; start += maxBatch) {
      const int count = n - start < maxBatch ? n - start : maxBatch;
      for (int e = tid; e < count * f; e += nt) {
        DL_SMEM(eval_x, a0 + (e / f) * as0 + e % f) = xs[(long)start * f + e];
      }
      for (int s = tid; s < count; s += nt) DL_SMEM(eval_y, yb + s) = ys[start + s];
      __syncthreads();
      fused_forward<T, WS>(params, tab, sm, layers, count, act, sl);
      T* zTop = sm + DL_LAY(top, DL_FL_Z);
      for (int s = tid; s < count; s += nt) {
        const T p = dl_sigmoid(DL_SMEM(eval_z, zTop + s));
        const T label = DL_SMEM(eval_label, yb + s);
        DL_SMEM(eval_loss, lossRow + s) = (double)dl_bce(p, label, eps);
        DL_SMEM(eval_ok, okRow + s) = (double)dl_correct(p, label);
      }
      if (train) {
        // each hidden unit's owner marks it alive when a row activates it
        for (int u = tid; u < hiddenUnits; u += nt) {
          int l = 0;
          int j = u;
          while (j >= DL_LAY(l, DL_FL_OUT)) {
            j -= DL_LAY(l, DL_FL_OUT);
            l++;
          }
          const int out = DL_LAY(l, DL_FL_OUT);
          const T* z = sm + DL_LAY(l, DL_FL_Z);
          bool any = false;
          for (int s = 0; s < count; s++) {
            if (!dl_inactive((double)DL_SMEM(eval_dead, z + s * out + j), act)) any = true;
          }
          if (any) o[4 + u] = 0.0;
        }
      }
      __syncthreads();
      if (tid == 0) {
        for (int s = 0; s < count; s++) {
          lossSum += DL_SMEM(eval_sum_loss, lossRow + s);
          correct += (int)DL_SMEM(eval_sum_ok, okRow + s);
        }
      }
      __syncthreads();
    }
    if (tid == 0) {
      const int slot = train ? 0 : 2;
      const double nan = __hiloint2double(0x7ff80000, 0);  // Java's Double.NaN, as the CPU's
      o[slot] = n == 0 ? nan : lossSum / n;
      o[slot + 1] = n == 0 ? nan : (double)correct / n;
    }
  }
}

// A copy of replica blockIdx.x's parameters, wherever they live, into `snap` (in double, exact
// for both precisions) at their offsets in the parameter buffer: the layout allParameters reads.
template <typename T, bool WS>
__device__ void fused_snapshot(T* params, const int* tab, T* sm, int layers, double* snap) {
  const int r = blockIdx.x;
  for (int l = 0; l < layers; l++) {
    const int in = DL_LAY(l, DL_FL_IN);
    const int out = DL_LAY(l, DL_FL_OUT);
    const int ws = WS ? DL_LAY(l, DL_FL_WS) : out;
    const T* wl = DL_W(l);
    const T* bl = DL_B(l);
    double* sw = snap + DL_LAY(l, DL_FL_WG) + (long)r * in * out;
    double* sb = snap + DL_LAY(l, DL_FL_BG) + (long)r * out;
    for (int e = threadIdx.x; e < in * out; e += blockDim.x) {
      sw[e] = (double)DL_PARAM(snap_w, wl + (e / out) * ws + e % out);
    }
    for (int e = threadIdx.x; e < out; e += blockDim.x) sb[e] = (double)DL_PARAM(snap_b, bl + e);
  }
}

// Replica blockIdx.x's epoch. params: the group's parameter buffer (per layer W of every replica,
// then b of every replica). table: the layout above. x, y: every replica's training set (nTrain
// rows each). order: the launch's sample orders, orderStride per replica (several epochs' orders
// one after another when the launch runs several). steps[4 s ..]: step s's offset in the order,
// its row count, its trace slot (-1: none) and its learning rate; a row count of 0 marks the end
// of a diagnosed epoch of a launch of several: the block evaluates (fused_evaluate, test set tx,
// ty) into evalOut[(slot * replicas + r) * evalStride ..] and copies its parameters into
// snap[slot * paramCount ..] (fused_snapshot). diag[(r * maxSteps + k) * (layers + 2)]: the k-th
// training step's mean loss, each layer's squared weight-gradient norm, the batch accuracy (as
// step_sums). trace[(slot * replicas + r) * (W + b
// of traceLayer)]: the traced layer after the update (as copy_layer). WS: the parameters live in
// shared memory for the launch (loaded at its start, written back at its end); otherwise the
// block reads and updates them in place in global memory.
template <typename T, bool WS>
__device__ void fused_run(T* params, const int* table, int layers, const T* x, const T* y,
                          int nTrain, const int* order, int orderStride, const double* steps,
                          int nSteps, double* diag, int maxSteps, int maxBatch, int act,
                          double slope, double clipEps, int mean, int chained, T* trace,
                          int traceLayer, int replicas, const T* tx, const T* ty, int nTest,
                          double* evalOut, int evalStride, double* snap, int paramCount) {
  DL_DYNAMIC_SHARED(smem);
  const int r = blockIdx.x;
  const int tid = threadIdx.x;
  const int nt = blockDim.x;
  const int top = layers - 1;
  const T sl = (T)slope;

  // Shared memory: per-sample loss and correctness (double), the layout table (int), then in T
  // the parameters (WS), the gradients, each layer's input and pre-activation rows, the labels.
  double* lossRow = reinterpret_cast<double*>(smem);
  double* okRow = lossRow + maxBatch;
  const int* tab = dl_fused_table(smem, table, layers, maxBatch);
  __syncthreads();
  T* sm = reinterpret_cast<T*>(smem + DL_SMEM(layout, tab + DL_FH_TBYTES));
  T* yb = sm + DL_SMEM(layout, tab + DL_FH_Y);

  if (WS) {
    for (int l = 0; l < layers; l++) {
      const int in = DL_LAY(l, DL_FL_IN);
      const int out = DL_LAY(l, DL_FL_OUT);
      const int ws = DL_LAY(l, DL_FL_WS);
      T* w = sm + DL_LAY(l, DL_FL_W);
      T* b = sm + DL_LAY(l, DL_FL_B);
      const T* wg = params + DL_LAY(l, DL_FL_WG) + (long)r * in * out;
      const T* bg = params + DL_LAY(l, DL_FL_BG) + (long)r * out;
      for (int e = tid; e < in * out; e += nt) DL_SMEM(load_w, w + (e / out) * ws + e % out) = wg[e];
      for (int e = tid; e < out; e += nt) DL_SMEM(load_b, b + e) = bg[e];
    }
  }

  const int f = DL_LAY(0, DL_FL_IN);
  const int as0 = DL_LAY(0, DL_FL_AS);
  T* a0 = sm + DL_LAY(0, DL_FL_A);
  const T* xr = x + (long)r * nTrain * f;
  const T* yr = y + (long)r * nTrain;
  const int diagWidth = layers + 2;
  int row = 0;  // the diagnostics row of the next training step
  for (int st = 0; st < nSteps; st++) {
    const int offset = (int)steps[4 * st];
    const int count = (int)steps[4 * st + 1];
    const int slot = (int)steps[4 * st + 2];
    const T lr = (T)steps[4 * st + 3];
    if (count == 0) {
      // an epoch's end in a launch of several epochs: its evaluation into evaluation slot `slot`
      // and a copy of the parameters (in double) into snapshot slot `slot`
      fused_evaluate<T, WS>(params, tab, sm, lossRow, okRow, layers, x, y, nTrain, tx, ty, nTest,
                            evalOut + ((long)slot * replicas + r) * evalStride, maxBatch, act, sl,
                            (T)clipEps);
      fused_snapshot<T, WS>(params, tab, sm, layers, snap + (long)slot * paramCount);
      continue;
    }
    const int* ord = order + (long)r * orderStride + offset;
    double* dg = diag + ((long)r * maxSteps + row) * diagWidth;
    row++;

    // the batch's inputs and labels (gather)
    for (int e = tid; e < count * f; e += nt) {
      DL_SMEM(gather_x, a0 + (e / f) * as0 + e % f) = xr[(long)ord[e / f] * f + e % f];
    }
    for (int s = tid; s < count; s += nt) DL_SMEM(gather_y, yb + s) = yr[ord[s]];
    __syncthreads();

    fused_forward<T, WS>(params, tab, sm, layers, count, act, sl);

    // output: each sample's loss, correctness and dL/dz (over its z), as output_grad
    T* zTop = sm + DL_LAY(top, DL_FL_Z);
    const T scale = mean ? T(1) / (T)count : T(1);
    for (int s = tid; s < count; s += nt) {
      const T p = dl_sigmoid(DL_SMEM(loss_z, zTop + s));
      const T label = DL_SMEM(loss_y, yb + s);
      DL_SMEM(loss_row, lossRow + s) = (double)dl_bce(p, label, (T)clipEps);
      DL_SMEM(ok_row, okRow + s) = (double)dl_correct(p, label);
      const T d =
          chained ? (T)dl_bce_chained((double)p, (double)label, (double)(T)clipEps) : p - label;
      DL_SMEM(loss_dz, zTop + s) = d * scale;
    }
    __syncthreads();

    // backward, layer by layer: dW = a^T dz (rows in order), db = dz's column sums (rows in
    // order), and the layer below's dL/dz = act'(z) * dz W^T (outputs in order), over its z
    for (int l = top; l >= 0; l--) {
      const int in = DL_LAY(l, DL_FL_IN);
      const int out = DL_LAY(l, DL_FL_OUT);
      const int as = DL_LAY(l, DL_FL_AS);
      const T* al = sm + DL_LAY(l, DL_FL_A);
      const T* dz = sm + DL_LAY(l, DL_FL_Z);
      T* gw = sm + DL_LAY(l, DL_FL_GW);
      T* gb = sm + DL_LAY(l, DL_FL_GB);
      for (int e = tid; e < in * out; e += nt) {
        const int i = e / out;
        const int j = e % out;
        T acc = T(0);
        for (int s = 0; s < count; s++) {
          acc = dl_fma(DL_SMEM(dw_a, al + s * as + i), DL_SMEM(dw_dz, dz + s * out + j), acc);
        }
        DL_SMEM(dw_g, gw + e) = acc;
      }
      for (int j = tid; j < out; j += nt) {
        T acc = T(0);
        for (int s = 0; s < count; s++) acc = acc + DL_SMEM(db_dz, dz + s * out + j);
        DL_SMEM(db_g, gb + j) = acc;
      }
      if (l > 0) {
        const int ws = WS ? DL_LAY(l, DL_FL_WS) : out;
        const T* wl = DL_W(l);
        T* zBelow = sm + DL_LAY(l - 1, DL_FL_Z);
        for (int e = tid; e < count * in; e += nt) {
          const int s = e / in;
          const int i = e % in;
          T acc = T(0);
          for (int j = 0; j < out; j++) {
            acc = dl_fma(DL_SMEM(dx_dz, dz + s * out + j), DL_PARAM(dx_w, wl + i * ws + j), acc);
          }
          DL_SMEM(dx_z, zBelow + e) = dl_activate_backward(
              acc, DL_SMEM(dx_zin, zBelow + e), DL_SMEM(dx_a, al + s * as + i), act, sl);
        }
      }
      __syncthreads();
    }

    // the step's diagnostics row: mean loss and accuracy (samples in order), each layer's squared
    // weight-gradient norm (elements in order, in double); then the SGD update
    if (tid == 0) {
      double lossSum = 0.0;
      double correct = 0.0;
      for (int s = 0; s < count; s++) {
        lossSum += DL_SMEM(sum_loss, lossRow + s);
        correct += DL_SMEM(sum_ok, okRow + s);
      }
      dg[0] = lossSum / count;
      dg[1 + layers] = correct / count;
    }
    for (int l = tid; l < layers; l += nt) {
      const int wn = DL_LAY(l, DL_FL_IN) * DL_LAY(l, DL_FL_OUT);
      const T* gw = sm + DL_LAY(l, DL_FL_GW);
      double sq = 0.0;
      for (int k = 0; k < wn; k++) {
        const double g = (double)DL_SMEM(norm_g, gw + k);
        sq = dl_fma(g, g, sq);
      }
      dg[1 + l] = sq;
    }
    for (int l = 0; l < layers; l++) {
      const int in = DL_LAY(l, DL_FL_IN);
      const int out = DL_LAY(l, DL_FL_OUT);
      const int ws = WS ? DL_LAY(l, DL_FL_WS) : out;
      T* wl = DL_W(l);
      T* bl = DL_B(l);
      const T* gw = sm + DL_LAY(l, DL_FL_GW);
      const T* gb = sm + DL_LAY(l, DL_FL_GB);
      for (int e = tid; e < in * out; e += nt) {
        T* w = wl + (e / out) * ws + e % out;
        DL_PARAM(sgd_w, w) = dl_fma(-lr, DL_SMEM(sgd_gw, gw + e), DL_PARAM(sgd_w_in, w));
      }
      for (int e = tid; e < out; e += nt) {
        DL_PARAM(sgd_b, bl + e) = dl_fma(-lr, DL_SMEM(sgd_gb, gb + e), DL_PARAM(sgd_b_in, bl + e));
      }
    }
    __syncthreads();

    // a traced step: the traced layer's weights then biases after the update (as copy_layer)
    if (slot >= 0) {
      const int in = DL_LAY(traceLayer, DL_FL_IN);
      const int out = DL_LAY(traceLayer, DL_FL_OUT);
      const int ws = WS ? DL_LAY(traceLayer, DL_FL_WS) : out;
      const T* wl = DL_W(traceLayer);
      const T* bl = DL_B(traceLayer);
      const int wn = in * out;
      T* dst = trace + ((long)slot * replicas + r) * (wn + out);
      for (int e = tid; e < wn + out; e += nt) {
        dst[e] = e < wn ? DL_PARAM(trace_w, wl + (e / out) * ws + e % out)
                        : DL_PARAM(trace_b, bl + (e - wn));
      }
    }
  }

  if (WS) {
    for (int l = 0; l < layers; l++) {
      const int in = DL_LAY(l, DL_FL_IN);
      const int out = DL_LAY(l, DL_FL_OUT);
      const int ws = DL_LAY(l, DL_FL_WS);
      const T* w = sm + DL_LAY(l, DL_FL_W);
      const T* b = sm + DL_LAY(l, DL_FL_B);
      T* wg = params + DL_LAY(l, DL_FL_WG) + (long)r * in * out;
      T* bg = params + DL_LAY(l, DL_FL_BG) + (long)r * out;
      for (int e = tid; e < in * out; e += nt) wg[e] = DL_SMEM(store_w, w + (e / out) * ws + e % out);
      for (int e = tid; e < out; e += nt) bg[e] = DL_SMEM(store_b, b + e);
    }
  }
}

// The entry point: the layout's weightsShared picks the instantiation, so each one's parameter
// accesses are of one memory space (shared loads and stores where they live in shared memory).
template <typename T>
__device__ void fused_epoch(T* params, const int* table, int layers, const T* x, const T* y,
                            int nTrain, const int* order, int orderStride, const double* steps,
                            int nSteps, double* diag, int maxSteps, int maxBatch, int act,
                            double slope, double clipEps, int mean, int chained, int weightsShared,
                            T* trace, int traceLayer, int replicas, const T* tx, const T* ty,
                            int nTest, double* evalOut, int evalStride, double* snap,
                            int paramCount) {
  if (weightsShared) {
    fused_run<T, true>(params, table, layers, x, y, nTrain, order, orderStride, steps, nSteps,
                       diag, maxSteps, maxBatch, act, slope, clipEps, mean, chained, trace,
                       traceLayer, replicas, tx, ty, nTest, evalOut, evalStride, snap,
                       paramCount);
  } else {
    fused_run<T, false>(params, table, layers, x, y, nTrain, order, orderStride, steps, nSteps,
                        diag, maxSteps, maxBatch, act, slope, clipEps, mean, chained, trace,
                        traceLayer, replicas, tx, ty, nTest, evalOut, evalStride, snap,
                        paramCount);
  }
}

// The evaluation as its own launch (FusedEpoch.evaluate): out[r * outStride ..] as above.
template <typename T>
__device__ void fused_eval(T* params, const int* table, int layers, const T* x, const T* y,
                           int nTrain, const T* tx, const T* ty, int nTest, double* out,
                           int outStride, int maxBatch, int act, double slope,
                           double clipEps) {
  DL_DYNAMIC_SHARED(smem);
  double* lossRow = reinterpret_cast<double*>(smem);
  double* okRow = lossRow + maxBatch;
  const int* tab = dl_fused_table(smem, table, layers, maxBatch);
  __syncthreads();
  T* sm = reinterpret_cast<T*>(smem + DL_SMEM(layout, tab + DL_FH_TBYTES));
  fused_evaluate<T, false>(params, tab, sm, lossRow, okRow, layers, x, y, nTrain, tx, ty, nTest,
                           out + (long)blockIdx.x * outStride, maxBatch, act, (T)slope,
                           (T)clipEps);
}

#undef DL_W
#undef DL_B
#undef DL_LAY

DL_ENTRY(fused_epoch,
         (T * params, const int* table, int layers, const T* x, const T* y, int nTrain,
          const int* order, int orderStride, const double* steps, int nSteps, double* diag,
          int maxSteps, int maxBatch, int act, double slope, double clipEps, int mean,
          int chained, int weightsShared, T* trace, int traceLayer, int replicas, const T* tx,
          const T* ty, int nTest, double* evalOut, int evalStride, double* snap, int paramCount),
         (params, table, layers, x, y, nTrain, order, orderStride, steps, nSteps, diag, maxSteps,
          maxBatch, act, slope, clipEps, mean, chained, weightsShared, trace, traceLayer,
          replicas, tx, ty, nTest, evalOut, evalStride, snap, paramCount))
DL_ENTRY(fused_eval,
         (T * params, const int* table, int layers, const T* x, const T* y, int nTrain,
          const T* tx, const T* ty, int nTest, double* out, int outStride, int maxBatch, int act,
          double slope, double clipEps),
         (params, table, layers, x, y, nTrain, tx, ty, nTest, out, outStride, maxBatch, act, slope,
          clipEps))
