// Kernels of one training step for R replicas at once. Buffers hold replica r's block at
// r * stride; matrices are row-major [rows x units]. One thread per output element, loops in
// a fixed order: no atomics, no shared memory, deterministic. A sum over many elements takes two
// launches: chunk partials (one thread per chunk), then the partials in order.
#include "common.cuh"

// a0[r][s][k] = x[r][order[r][offset + s]][k], yb[r][s] = y[r][...]: one thread per (r, s).
template <typename T>
__device__ void gather(const T* x, const T* y, const int* order, int orderStride, int offset,
                       int count, int features, int xStride, int yStride, T* a0, int aStride,
                       T* yb, int ybStride, int replicas) {
  int t = dl_thread_index();
  if (t >= (long)replicas * count) return;
  int r = t / count;
  int s = t % count;
  int idx = order[(long)r * orderStride + offset + s];
  const T* src = x + (long)r * xStride + (long)idx * features;
  T* dst = a0 + (long)r * aStride + (long)s * features;
  for (int k = 0; k < features; k++) dst[k] = src[k];
  yb[(long)r * ybStride + s] = y[(long)r * yStride + idx];
}

// z += b; a = act(z): one thread per (r, s, u). z keeps the biased pre-activation.
template <typename T>
__device__ void bias_act(T* z, const T* b, T* a, int rows, int units, int zStride, int bStride,
                         int aStride, int act, double slope, int replicas) {
  int t = dl_thread_index();
  int perReplica = rows * units;
  if (t >= (long)replicas * perReplica) return;
  int r = t / perReplica;
  int e = t % perReplica;
  T v = z[(long)r * zStride + e] + b[(long)r * bStride + e % units];
  z[(long)r * zStride + e] = v;
  a[(long)r * aStride + e] = dl_activate(v, act, (T)slope);
}

// The output layer of a batch, one thread per (r, s): z += b, p = sigmoid(z), the sample's
// clipped BCE into loss[r * lossStride + s] (double), and dz = (p - y) * scale, or with
// chained != 0 the seed's rule (dl_bce_chained) times scale. step_sums adds the losses and dz's
// rows (the output bias gradient) up afterwards.
template <typename T>
__device__ void output_grad(T* z, const T* b, const T* y, T* dz, double* loss, int rows,
                            int stride, int bStride, double clipEps, int mean, int replicas,
                            int chained) {
  int t = dl_thread_index();
  if (t >= (long)replicas * rows) return;
  int r = t / rows;
  int s = t % rows;
  T scale = mean ? T(1) / (T)rows : T(1);
  long i = (long)r * stride + s;
  T v = z[i] + b[(long)r * bStride];
  z[i] = v;
  T p = dl_sigmoid(v);
  T label = y[i];
  loss[i] = (double)dl_bce(p, label, (T)clipEps);
  T d = chained ? (T)dl_bce_chained((double)p, (double)label, (double)(T)clipEps) : p - label;
  dz[i] = d * scale;
}

// dz *= act'(z) for a hidden layer (dz holds dL/da on entry), and db = column sums of the
// result: one thread per (r, u), the rows in order.
template <typename T>
__device__ void act_backward_db(T* dz, const T* z, const T* a, T* db, int rows, int units,
                                int zStride, int bStride, int act, double slope, int replicas) {
  int t = dl_thread_index();
  if (t >= (long)replicas * units) return;
  int r = t / units;
  int u = t % units;
  T sl = (T)slope;
  T sum = T(0);
  for (int s = 0; s < rows; s++) {
    long i = (long)r * zStride + (long)s * units + u;
    T g = dl_activate_backward(dz[i], z[i], a[i], act, sl);
    dz[i] = g;
    sum += g;
  }
  db[(long)r * bStride + u] = sum;
}

// Pass 1 of the squared weight-gradient norms: one thread per chunk of `chunk` consecutive
// elements of one (layer, replica) weight-gradient block; the chunk's sum of squares, in order,
// into partial[t]. table[4 l ..]: layer l's first chunk, its chunks per replica, its weight block
// offset, its weights per replica (chunks are numbered layer by layer, replica by replica).
template <typename T>
__device__ void grad_norm_chunks(const T* g, const int* table, int layers, int chunk,
                                 double* partial, int chunks) {
  int t = dl_thread_index();
  if (t >= chunks) return;
  int l = 0;
  while (l + 1 < layers && t >= table[4 * (l + 1)]) l++;
  int perReplica = table[4 * l + 1];
  int weights = table[4 * l + 3];
  int local = t - table[4 * l];
  int r = local / perReplica;
  int begin = (local % perReplica) * chunk;
  int end = begin + chunk < weights ? begin + chunk : weights;
  const T* gr = g + table[4 * l + 2] + (long)r * weights;
  double sq = 0.0;
  for (int k = begin; k < end; k++) sq = dl_fma((double)gr[k], (double)gr[k], sq);
  partial[t] = sq;
}

// Pass 2, the step's diagnostics row of each replica: one thread per (r, column), columns
// 0 .. layers. Column 0 sums the batch's per-sample losses (output_grad) in row order into the
// mean loss, diag[r * diagStride], and dz's rows of the output layer into its bias gradient
// dbOut[r * bStride]; it also counts the rows whose prediction sigmoid(zOut) (zOut: the output
// pre-activation, bias added by output_grad) matches the label yb, into the batch accuracy
// diag[r * diagStride + 1 + layers]. Column 1 + l sums layer l's chunk partials
// (grad_norm_chunks) in order into its squared weight-gradient norm, diag[r * diagStride + 1 + l].
template <typename T>
__device__ void step_sums(const double* loss, const T* dzOut, int stride, int rows, T* dbOut,
                          int bStride, const double* partial, const int* table, int layers,
                          double* diag, int diagStride, int replicas, const T* zOut,
                          const T* yb) {
  int t = dl_thread_index();
  if (t >= (long)replicas * (1 + layers)) return;
  int r = t / (1 + layers);
  int col = t % (1 + layers);
  if (col == 0) {
    double lossSum = 0.0;
    T dbSum = T(0);
    int correct = 0;
    for (int s = 0; s < rows; s++) {
      long i = (long)r * stride + s;
      lossSum += loss[i];
      dbSum += dzOut[i];
      correct += dl_correct(dl_sigmoid(zOut[i]), yb[i]);
    }
    dbOut[(long)r * bStride] = dbSum;
    diag[(long)r * diagStride] = lossSum / rows;
    diag[(long)r * diagStride + 1 + layers] = (double)correct / rows;
    return;
  }
  int l = col - 1;
  int perReplica = table[4 * l + 1];
  const double* pr = partial + table[4 * l] + (long)r * perReplica;
  double sq = 0.0;
  for (int c = 0; c < perReplica; c++) sq += pr[c];
  diag[(long)r * diagStride + col] = sq;
}

// The SGD step p -= lr * g over the whole parameter buffer (every layer's weights and biases of
// every replica): one thread per element.
template <typename T>
__device__ void sgd_update(T* p, const T* g, int n, double lr) {
  int i = dl_thread_index();
  if (i >= n) return;
  p[i] = dl_fma(-(T)lr, g[i], p[i]);
}

// A record of one layer for the step trace: dst[r * (wn + bn) + e] = replica r's weights
// p[wOff + r * wn + e] for e < wn, then its biases p[bOff + r * bn + e - wn]. One thread per
// (r, e); enqueued after the SGD update of a traced step, so no copy waits for the device.
template <typename T>
__device__ void copy_layer(const T* p, int wOff, int wn, int bOff, int bn, T* dst, int replicas) {
  int t = dl_thread_index();
  int size = wn + bn;
  if (t >= (long)replicas * size) return;
  int r = t / size;
  int e = t % size;
  dst[t] = e < wn ? p[wOff + (long)r * wn + e] : p[bOff + (long)r * bn + (e - wn)];
}

// ---- The R-operator (Pearlmutter 1994): H v of a batch along a direction v (weights V and
// biases c, laid out as the parameters), after a gradient pass of the same batch left a, z and dz.
// backend/RPass.java is the plain twin, operation for operation within each kernel; the products
// R(Z) = A V + R(A) W, R(dA) = R(dZ) W^T + dZ V^T and (H v)_W = A^T R(dZ) + R(A)^T dZ are GEMMs
// (backend/cuda/DeviceRPass.java), so their sums run in cuBLAS's order, not RPass's.

// The hidden activation's second derivative given a = act(z): Activation.secondDerivative (0 off
// tanh, and at ReLU's kink).
template <typename T>
__device__ __forceinline__ T dl_activate_second(T a, int act) {
  return act == DL_TANH ? T(-2) * a * dl_fma(-a, a, T(1)) : T(0);
}

// The derivative of the output gradient rule with respect to the output pre-activation, in double
// (RPass.outputCurvature): p (1 - p) for p - y; for the chained rule (dl_bce_chained)
// d p (1 - p)(1 - 2p), plus ((1 - y) / (1 - pc)^2 + y / pc^2)(p (1 - p))^2 where the clip is off.
__device__ __forceinline__ double dl_output_curvature(double p, double label, double eps,
                                                      int chained) {
  double s = p * (1.0 - p);
  if (!chained) return s;
  double hi = 1.0 - eps;
  double pc = p < eps ? eps : (p > hi ? hi : p);
  double d = (1.0 - label) / (1.0 - pc) - label / pc;
  double out = d * s * (1.0 - 2.0 * p);
  if (p > eps && p < hi) {
    double dd = (1.0 - label) / ((1.0 - pc) * (1.0 - pc)) + label / (pc * pc);
    out = dl_fma(dd * s, s, out);
  }
  return out;
}

// Forward R-pass of a hidden layer, one thread per (r, s, u): rz (holding A V + R(A) W) += c, and
// ra = act'(z) rz, with z and a the gradient pass's (z biased, a = act(z)).
template <typename T>
__device__ void r_bias_act(T* rz, const T* c, const T* z, const T* a, T* ra, int rows, int units,
                           int zStride, int cStride, int aStride, int act, double slope,
                           int replicas) {
  int t = dl_thread_index();
  int perReplica = rows * units;
  if (t >= (long)replicas * perReplica) return;
  int r = t / perReplica;
  int e = t % perReplica;
  long i = (long)r * zStride + e;
  long k = (long)r * aStride + e;
  T v = rz[i] + c[(long)r * cStride + e % units];
  rz[i] = v;
  ra[k] = dl_activate_backward(v, z[i], a[k], act, (T)slope);
}

// Forward R-pass of the output layer and the start of the backward one, one thread per (r, s):
// rz += c, then rdz = g'(z) rz scale, g the output gradient rule (chained != 0: the seed's), scale
// 1 / rows under mean; z is the biased output pre-activation of the gradient pass.
template <typename T>
__device__ void r_output(T* rz, const T* c, const T* z, const T* y, T* rdz, int rows, int stride,
                         int cStride, double clipEps, int mean, int replicas, int chained) {
  int t = dl_thread_index();
  if (t >= (long)replicas * rows) return;
  int r = t / rows;
  int s = t % rows;
  T scale = mean ? T(1) / (T)rows : T(1);
  long i = (long)r * stride + s;
  T v = rz[i] + c[(long)r * cStride];
  rz[i] = v;
  T p = dl_sigmoid(z[i]);
  T g = chained ? (T)dl_output_curvature((double)p, (double)y[i], (double)(T)clipEps, 1)
                : p * (T(1) - p);
  rdz[i] = g * v * scale;
}

// Backward R-pass through a hidden activation, one thread per (r, u), the rows in order: rdz
// holds R(dL/da) on entry and leaves with R(dL/dz) = fma(R(dL/da), act'(z), da act''(a) rz), da
// the layer's dL/da; db = the column sums of the result ((H v) of the layer's biases).
template <typename T>
__device__ void r_act_backward_db(T* rdz, const T* da, const T* z, const T* a, const T* rz, T* db,
                                  int rows, int units, int zStride, int bStride, int act,
                                  double slope, int replicas) {
  int t = dl_thread_index();
  if (t >= (long)replicas * units) return;
  int r = t / units;
  int u = t % units;
  T sl = (T)slope;
  T sum = T(0);
  for (int s = 0; s < rows; s++) {
    long i = (long)r * zStride + (long)s * units + u;
    T d1 = dl_activate_backward(T(1), z[i], a[i], act, sl);
    T g = dl_fma(rdz[i], d1, da[i] * dl_activate_second(a[i], act) * rz[i]);
    rdz[i] = g;
    sum += g;
  }
  db[(long)r * bStride + u] = sum;
}

// Column sums of a batch matrix, one thread per (r, u), the rows in order: the output layer's
// (H v) of its biases from rdz.
template <typename T>
__device__ void r_column_sums(const T* m, T* out, int rows, int units, int stride, int outStride,
                              int replicas) {
  int t = dl_thread_index();
  if (t >= (long)replicas * units) return;
  int r = t / units;
  int u = t % units;
  T sum = T(0);
  for (int s = 0; s < rows; s++) sum += m[(long)r * stride + (long)s * units + u];
  out[(long)r * outStride + u] = sum;
}

DL_ENTRY(gather,
         (const T* x, const T* y, const int* order, int orderStride, int offset, int count,
          int features, int xStride, int yStride, T* a0, int aStride, T* yb, int ybStride,
          int replicas),
         (x, y, order, orderStride, offset, count, features, xStride, yStride, a0, aStride, yb,
          ybStride, replicas))
DL_ENTRY(bias_act,
         (T* z, const T* b, T* a, int rows, int units, int zStride, int bStride, int aStride,
          int act, double slope, int replicas),
         (z, b, a, rows, units, zStride, bStride, aStride, act, slope, replicas))
DL_ENTRY(output_grad,
         (T* z, const T* b, const T* y, T* dz, double* loss, int rows, int stride, int bStride,
          double clipEps, int mean, int replicas, int chained),
         (z, b, y, dz, loss, rows, stride, bStride, clipEps, mean, replicas, chained))
DL_ENTRY(act_backward_db,
         (T* dz, const T* z, const T* a, T* db, int rows, int units, int zStride, int bStride,
          int act, double slope, int replicas),
         (dz, z, a, db, rows, units, zStride, bStride, act, slope, replicas))
DL_ENTRY(grad_norm_chunks,
         (const T* g, const int* table, int layers, int chunk, double* partial, int chunks),
         (g, table, layers, chunk, partial, chunks))
DL_ENTRY(step_sums,
         (const double* loss, const T* dzOut, int stride, int rows, T* dbOut, int bStride,
          const double* partial, const int* table, int layers, double* diag, int diagStride,
          int replicas, const T* zOut, const T* yb),
         (loss, dzOut, stride, rows, dbOut, bStride, partial, table, layers, diag, diagStride,
          replicas, zOut, yb))
DL_ENTRY(sgd_update, (T* p, const T* g, int n, double lr), (p, g, n, lr))
DL_ENTRY(copy_layer, (const T* p, int wOff, int wn, int bOff, int bn, T* dst, int replicas),
         (p, wOff, wn, bOff, bn, dst, replicas))
DL_ENTRY(r_bias_act,
         (T* rz, const T* c, const T* z, const T* a, T* ra, int rows, int units, int zStride,
          int cStride, int aStride, int act, double slope, int replicas),
         (rz, c, z, a, ra, rows, units, zStride, cStride, aStride, act, slope, replicas))
DL_ENTRY(r_output,
         (T* rz, const T* c, const T* z, const T* y, T* rdz, int rows, int stride, int cStride,
          double clipEps, int mean, int replicas, int chained),
         (rz, c, z, y, rdz, rows, stride, cStride, clipEps, mean, replicas, chained))
DL_ENTRY(r_act_backward_db,
         (T* rdz, const T* da, const T* z, const T* a, const T* rz, T* db, int rows, int units,
          int zStride, int bStride, int act, double slope, int replicas),
         (rdz, da, z, a, rz, db, rows, units, zStride, bStride, act, slope, replicas))
DL_ENTRY(r_column_sums,
         (const T* m, T* out, int rows, int units, int stride, int outStride, int replicas),
         (m, out, rows, units, stride, outStride, replicas))
