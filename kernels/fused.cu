// The fused small-MLP kernel: one thread block per replica runs a whole epoch of training steps
// in one launch (FusedEpoch.java), keeping activations and gradients (and the parameters, when
// they fit) in shared memory. The block's threads share each phase's elements in strided loops
// and meet at a barrier between phases. Every sum runs over its index in increasing order from
// the CPU reference's initial value (backend/cpu: the bias first in the forward sums), each term
// one fused multiply-add (dl_fma) into the accumulator, so the sums are the CPU's, operation for
// operation, on the device and on the host alike; see docs/arithmetic.md.
#include "common.cuh"

// Most weight layers (depth + 1) the kernel takes: its per-layer pointers are local arrays.
#define DL_FUSED_MAX_LAYERS 32

// Replica blockIdx.x's epoch. params: the group's parameter buffer (per layer W of every replica,
// then b of every replica; table = sizes[0..layers], wOff[layers], bOff[layers], replica r's block
// at r times its size). x, y: every replica's training set (nTrain rows each). order: the epoch's
// sample orders, orderStride per replica. steps[4 s ..]: step s's offset in the order, its row
// count, its trace slot (-1: none) and its learning rate. diag[(r * maxSteps + s) * (layers + 2)]:
// step s's mean loss, each layer's squared weight-gradient norm, the batch accuracy (as
// step_sums). trace[(slot * replicas + r) * (W + b of traceLayer)]: the traced layer after the
// update (as copy_layer). weightsShared: 1 to keep the parameters in shared memory for the
// launch (FusedEpoch.sharedBytes gives the layout's size).
template <typename T>
__device__ void fused_epoch(T* params, const int* table, int layers, const T* x, const T* y,
                            int nTrain, const int* order, int orderStride, const double* steps,
                            int nSteps, double* diag, int maxSteps, int maxBatch, int act,
                            double slope, double clipEps, int mean, int chained, int weightsShared,
                            T* trace, int traceLayer, int replicas) {
  DL_DYNAMIC_SHARED(smem);
  const int r = blockIdx.x;
  const int tid = threadIdx.x;
  const int nt = blockDim.x;
  const int top = layers - 1;
  const int* sizes = table;
  const int* wOff = table + layers + 1;
  const int* bOff = table + 2 * layers + 1;
  const T sl = (T)slope;

  // Shared memory: per-sample loss and correctness (double), then in T: the parameters (when
  // weightsShared), the gradients, each layer's input a[l] and pre-activation z[l] (maxBatch rows;
  // z[l] turns into dL/dz[l] in the backward pass).
  double* lossRow = reinterpret_cast<double*>(smem);
  double* okRow = lossRow + maxBatch;
  T* cursor = reinterpret_cast<T*>(okRow + maxBatch);
  T* W[DL_FUSED_MAX_LAYERS];
  T* B[DL_FUSED_MAX_LAYERS];
  T* GW[DL_FUSED_MAX_LAYERS];
  T* GB[DL_FUSED_MAX_LAYERS];
  T* A[DL_FUSED_MAX_LAYERS];
  T* Z[DL_FUSED_MAX_LAYERS];
  for (int l = 0; l < layers; l++) {
    int wn = sizes[l] * sizes[l + 1];
    int bn = sizes[l + 1];
    if (weightsShared) {
      W[l] = cursor;
      B[l] = cursor + wn;
      cursor += wn + bn;
    } else {
      W[l] = params + wOff[l] + (long)r * wn;
      B[l] = params + bOff[l] + (long)r * bn;
    }
  }
  for (int l = 0; l < layers; l++) {
    GW[l] = cursor;
    GB[l] = cursor + sizes[l] * sizes[l + 1];
    cursor += sizes[l] * sizes[l + 1] + sizes[l + 1];
  }
  for (int l = 0; l < layers; l++) {
    A[l] = cursor;
    cursor += maxBatch * sizes[l];
    Z[l] = cursor;
    cursor += maxBatch * sizes[l + 1];
  }
  T* yb = cursor;

  if (weightsShared) {
    for (int l = 0; l < layers; l++) {
      int wn = sizes[l] * sizes[l + 1];
      int bn = sizes[l + 1];
      for (int e = tid; e < wn; e += nt) W[l][e] = params[wOff[l] + (long)r * wn + e];
      for (int e = tid; e < bn; e += nt) B[l][e] = params[bOff[l] + (long)r * bn + e];
    }
  }

  const int f = sizes[0];
  const T* xr = x + (long)r * nTrain * f;
  const T* yr = y + (long)r * nTrain;
  const int diagWidth = layers + 2;
  for (int st = 0; st < nSteps; st++) {
    const int offset = (int)steps[4 * st];
    const int count = (int)steps[4 * st + 1];
    const int slot = (int)steps[4 * st + 2];
    const T lr = (T)steps[4 * st + 3];
    const int* ord = order + (long)r * orderStride + offset;
    double* dg = diag + ((long)r * maxSteps + st) * diagWidth;

    // the batch's inputs and labels (gather)
    for (int e = tid; e < count * f; e += nt) A[0][e] = xr[(long)ord[e / f] * f + e % f];
    for (int s = tid; s < count; s += nt) yb[s] = yr[ord[s]];
    __syncthreads();

    // forward: z = b + sum_i a_i W_ij, i in order; a' = act(z) on the hidden layers
    for (int l = 0; l < layers; l++) {
      const int in = sizes[l];
      const int out = sizes[l + 1];
      const T* al = A[l];
      const T* wl = W[l];
      for (int e = tid; e < count * out; e += nt) {
        const int s = e / out;
        const int j = e % out;
        T acc = B[l][j];
        for (int i = 0; i < in; i++) acc = dl_fma(al[s * in + i], wl[i * out + j], acc);
        Z[l][e] = acc;
        if (l < top) A[l + 1][e] = dl_activate(acc, act, sl);
      }
      __syncthreads();
    }

    // output: each sample's loss, correctness and dL/dz (over its z), as output_grad
    const T scale = mean ? T(1) / (T)count : T(1);
    for (int s = tid; s < count; s += nt) {
      const T p = dl_sigmoid(Z[top][s]);
      const T label = yb[s];
      lossRow[s] = (double)dl_bce(p, label, (T)clipEps);
      okRow[s] = (double)dl_correct(p, label);
      const T d =
          chained ? (T)dl_bce_chained((double)p, (double)label, (double)(T)clipEps) : p - label;
      Z[top][s] = d * scale;
    }
    __syncthreads();

    // backward, layer by layer: dW = a^T dz (rows in order), db = dz's column sums (rows in
    // order), and the layer below's dL/dz = act'(z) * dz W^T (outputs in order), over its z
    for (int l = top; l >= 0; l--) {
      const int in = sizes[l];
      const int out = sizes[l + 1];
      const T* al = A[l];
      const T* dz = Z[l];
      for (int e = tid; e < in * out; e += nt) {
        const int i = e / out;
        const int j = e % out;
        T acc = T(0);
        for (int s = 0; s < count; s++) acc = dl_fma(al[s * in + i], dz[s * out + j], acc);
        GW[l][e] = acc;
      }
      for (int j = tid; j < out; j += nt) {
        T acc = T(0);
        for (int s = 0; s < count; s++) acc = acc + dz[s * out + j];
        GB[l][j] = acc;
      }
      if (l > 0) {
        const T* wl = W[l];
        for (int e = tid; e < count * in; e += nt) {
          const int s = e / in;
          const int i = e % in;
          T acc = T(0);
          for (int j = 0; j < out; j++) acc = dl_fma(dz[s * out + j], wl[i * out + j], acc);
          Z[l - 1][e] = dl_activate_backward(acc, Z[l - 1][e], A[l][e], act, sl);
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
        lossSum += lossRow[s];
        correct += okRow[s];
      }
      dg[0] = lossSum / count;
      dg[1 + layers] = correct / count;
    }
    for (int l = tid; l < layers; l += nt) {
      const int wn = sizes[l] * sizes[l + 1];
      double sq = 0.0;
      for (int k = 0; k < wn; k++) sq = dl_fma((double)GW[l][k], (double)GW[l][k], sq);
      dg[1 + l] = sq;
    }
    for (int l = 0; l < layers; l++) {
      const int wn = sizes[l] * sizes[l + 1];
      const int bn = sizes[l + 1];
      for (int e = tid; e < wn; e += nt) W[l][e] = dl_fma(-lr, GW[l][e], W[l][e]);
      for (int e = tid; e < bn; e += nt) B[l][e] = dl_fma(-lr, GB[l][e], B[l][e]);
    }
    __syncthreads();

    // a traced step: the traced layer's weights then biases after the update (as copy_layer)
    if (slot >= 0) {
      const int wn = sizes[traceLayer] * sizes[traceLayer + 1];
      const int bn = sizes[traceLayer + 1];
      T* dst = trace + ((long)slot * replicas + r) * (wn + bn);
      for (int e = tid; e < wn + bn; e += nt) {
        dst[e] = e < wn ? W[traceLayer][e] : B[traceLayer][e - wn];
      }
    }
  }

  if (weightsShared) {
    for (int l = 0; l < layers; l++) {
      int wn = sizes[l] * sizes[l + 1];
      int bn = sizes[l + 1];
      for (int e = tid; e < wn; e += nt) params[wOff[l] + (long)r * wn + e] = W[l][e];
      for (int e = tid; e < bn; e += nt) params[bOff[l] + (long)r * bn + e] = B[l][e];
    }
  }
}

DL_ENTRY(fused_epoch,
         (T * params, const int* table, int layers, const T* x, const T* y, int nTrain,
          const int* order, int orderStride, const double* steps, int nSteps, double* diag,
          int maxSteps, int maxBatch, int act, double slope, double clipEps, int mean,
          int chained, int weightsShared, T* trace, int traceLayer, int replicas),
         (params, table, layers, x, y, nTrain, order, orderStride, steps, nSteps, diag, maxSteps,
          maxBatch, act, slope, clipEps, mean, chained, weightsShared, trace, traceLayer,
          replicas))
