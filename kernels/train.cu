// Kernels of one training step for R replicas at once. Buffers hold replica r's block at
// r * stride; matrices are row-major [rows x units]. One thread per output element, loops in
// a fixed order: no atomics, no shared memory, deterministic.
#include "common.cuh"

// a0[r][s][k] = x[r][order[r][offset + s]][k], yb[r][s] = y[r][...]: one thread per (r, s).
template <typename T>
__device__ void gather(const T* x, const T* y, const int* order, int orderStride, int offset,
                       int count, int features, int xStride, int yStride, T* a0, int aStride,
                       T* yb, int ybStride, int replicas) {
  int t = dl_thread_index();
  if (t >= replicas * count) return;
  int r = t / count;
  int s = t % count;
  int idx = order[r * orderStride + offset + s];
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
  if (t >= replicas * perReplica) return;
  int r = t / perReplica;
  int e = t % perReplica;
  T v = z[(long)r * zStride + e] + b[(long)r * bStride + e % units];
  z[(long)r * zStride + e] = v;
  a[(long)r * aStride + e] = dl_activate(v, act, (T)slope);
}

// The output layer of a batch: z += b, p = sigmoid(z), loss, dz = (p - y) * scale and the
// output bias gradient; one thread per replica, the samples summed in order. The batch's mean
// loss goes to diag[r * diagStride].
template <typename T>
__device__ void output_loss(T* z, const T* b, const T* y, T* dz, T* db, int rows, int zStride,
                            int yStride, int bStride, double clipEps, int mean, double* diag,
                            int diagStride, int replicas) {
  int r = dl_thread_index();
  if (r >= replicas) return;
  T scale = mean ? T(1) / (T)rows : T(1);
  T eps = (T)clipEps;
  T bias = b[(long)r * bStride];
  double lossSum = 0.0;
  T dbSum = T(0);
  for (int s = 0; s < rows; s++) {
    long i = (long)r * zStride + s;
    T v = z[i] + bias;
    z[i] = v;
    T p = dl_sigmoid(v);
    T label = y[(long)r * yStride + s];
    lossSum += (double)dl_bce(p, label, eps);
    T g = (p - label) * scale;
    dz[i] = g;
    dbSum += g;
  }
  db[(long)r * bStride] = dbSum;
  diag[(long)r * diagStride] = lossSum / rows;
}

// dz *= act'(z) for a hidden layer (dz holds dL/da on entry), and db = column sums of the
// result: one thread per (r, u), the rows in order.
template <typename T>
__device__ void act_backward_db(T* dz, const T* z, const T* a, T* db, int rows, int units,
                                int zStride, int bStride, int act, double slope, int replicas) {
  int t = dl_thread_index();
  if (t >= replicas * units) return;
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

// Per (replica, layer): the squared norm of the weight gradient into diag[r * diagStride + 1 +
// l], and when update != 0 the SGD step p -= lr * g on the layer's weights and biases.
// layout[4 l ..]: weight block offset, weights per replica, bias block offset, biases per replica.
template <typename T>
__device__ void sgd_norms(T* p, const T* g, const int* layout, int layers, double lr, int update,
                          double* diag, int diagStride, int replicas) {
  int t = dl_thread_index();
  if (t >= replicas * layers) return;
  int r = t / layers;
  int l = t % layers;
  T rate = (T)lr;
  long wOff = layout[4 * l] + (long)r * layout[4 * l + 1];
  long bOff = layout[4 * l + 2] + (long)r * layout[4 * l + 3];
  double sq = 0.0;
  for (int k = 0; k < layout[4 * l + 1]; k++) {
    T gv = g[wOff + k];
    sq += (double)(gv * gv);
    if (update) p[wOff + k] = p[wOff + k] - rate * gv;
  }
  if (update) {
    for (int k = 0; k < layout[4 * l + 3]; k++) p[bOff + k] = p[bOff + k] - rate * g[bOff + k];
  }
  diag[(long)r * diagStride + 1 + l] = sq;
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
DL_ENTRY(output_loss,
         (T* z, const T* b, const T* y, T* dz, T* db, int rows, int zStride, int yStride,
          int bStride, double clipEps, int mean, double* diag, int diagStride, int replicas),
         (z, b, y, dz, db, rows, zStride, yStride, bStride, clipEps, mean, diag, diagStride,
          replicas))
DL_ENTRY(act_backward_db,
         (T* dz, const T* z, const T* a, T* db, int rows, int units, int zStride, int bStride,
          int act, double slope, int replicas),
         (dz, z, a, db, rows, units, zStride, bStride, act, slope, replicas))
DL_ENTRY(sgd_norms,
         (T* p, const T* g, const int* layout, int layers, double lr, int update, double* diag,
          int diagStride, int replicas),
         (p, g, layout, layers, lr, update, diag, diagStride, replicas))
