// Kernels of a full-data evaluation pass (loss, accuracy, dead units) for R replicas, and the last
// step of a prediction at any points (predict_output, after the same GEMMs and bias_act). The sums
// over a set's rows take two launches: pass 1, one thread per (replica, chunk of `chunk`
// consecutive rows), sums its chunk in row order into a partial; pass 2, one thread per result,
// sums the partials in chunk order. Fixed order throughout: the same bits on every run.
#include "common.cuh"

// Pass 1 of the output layer over a set: one thread per (r, c), c a chunk of rows. Per row
// p = sigmoid(z + b); partial[2 (r chunks + c)] = the chunk's clipped-BCE sum, partial[.. + 1] =
// its correct predictions at threshold 0.5 (chunks = ceil(rows / chunk)).
template <typename T>
__device__ void eval_output_chunks(const T* z, const T* b, const T* y, int rows, int zStride,
                                   int yStride, int bStride, double clipEps, int chunk,
                                   double* partial, int replicas) {
  int chunks = (rows + chunk - 1) / chunk;
  int t = dl_thread_index();
  if (t >= (long)replicas * chunks) return;
  int r = t / chunks;
  int begin = (t % chunks) * chunk;
  int end = begin + chunk < rows ? begin + chunk : rows;
  T eps = (T)clipEps;
  T bias = b[(long)r * bStride];
  double lossSum = 0.0;
  int correct = 0;
  for (int s = begin; s < end; s++) {
    T p = dl_sigmoid(z[(long)r * zStride + s] + bias);
    T label = y[(long)r * yStride + s];
    lossSum += (double)dl_bce(p, label, eps);
    correct += dl_correct(p, label);
  }
  partial[2L * t] = lossSum;
  partial[2L * t + 1] = (double)correct;
}

// Pass 2: one thread per replica adds its chunks' partials in order: out[r * outStride] = mean
// loss, out[r * outStride + 1] = accuracy (NaN for an empty set, as on the CPU). T is unused:
// like every kernel it has an _f32 and an _f64 entry point.
template <typename T>
__device__ void eval_sums(const double* partial, int rows, int chunk, double* out,
                          int outStride, int replicas) {
  int chunks = (rows + chunk - 1) / chunk;
  int r = dl_thread_index();
  if (r >= replicas) return;
  const double* pr = partial + 2L * r * chunks;
  double lossSum = 0.0;
  double correct = 0.0;
  for (int c = 0; c < chunks; c++) {
    lossSum += pr[2 * c];
    correct += pr[2 * c + 1];
  }
  out[(long)r * outStride] = lossSum / rows;
  out[(long)r * outStride + 1] = correct / rows;
}

// Pass 1 of the dead units of one hidden layer: one thread per (r, c, u), c a chunk of rows;
// alive[r * aliveStride + u * chunks + c] = 1 when unit u is active on some row of the chunk.
template <typename T>
__device__ void alive_chunks(const T* z, int rows, int units, int zStride, int act, int chunk,
                             int* alive, int aliveStride, int replicas) {
  int chunks = (rows + chunk - 1) / chunk;
  int perReplica = chunks * units;
  int t = dl_thread_index();
  if (t >= (long)replicas * perReplica) return;
  int r = t / perReplica;
  int c = t % perReplica / units;
  int u = t % units;
  int begin = c * chunk;
  int end = begin + chunk < rows ? begin + chunk : rows;
  int any = 0;
  for (int s = begin; s < end; s++) {
    if (!dl_inactive((double)z[(long)r * zStride + (long)s * units + u], act)) any = 1;
  }
  alive[(long)r * aliveStride + (long)u * chunks + c] = any;
}

// Pass 2: out[r * outStride + u] = 1 when hidden unit u (all hidden layers' units in order) is
// inactive on every row, i.e. alive in no chunk, else 0. One thread per (r, u); T is unused.
template <typename T>
__device__ void dead_flags(const int* alive, int rows, int chunk, int units, double* out,
                           int outStride, int replicas) {
  int chunks = (rows + chunk - 1) / chunk;
  int t = dl_thread_index();
  if (t >= (long)replicas * units) return;
  int r = t / units;
  int u = t % units;
  const int* au = alive + (long)r * units * chunks + (long)u * chunks;
  int any = 0;
  for (int c = 0; c < chunks; c++) any |= au[c];
  out[(long)r * outStride + u] = any ? 0.0 : 1.0;
}

// The network's outputs for any points (Group.predict): out[r * outStride + s] = sigmoid(z + b),
// the prediction eval_output_chunks scores, as it computes it. One thread per (r, s).
template <typename T>
__device__ void predict_output(const T* z, const T* b, int rows, int zStride, int bStride, T* out,
                               int outStride, int replicas) {
  int t = dl_thread_index();
  if (t >= (long)replicas * rows) return;
  int r = t / rows;
  int s = t % rows;
  T bias = b[(long)r * bStride];
  out[(long)r * outStride + s] = dl_sigmoid(z[(long)r * zStride + s] + bias);
}

DL_ENTRY(eval_output_chunks,
         (const T* z, const T* b, const T* y, int rows, int zStride, int yStride, int bStride,
          double clipEps, int chunk, double* partial, int replicas),
         (z, b, y, rows, zStride, yStride, bStride, clipEps, chunk, partial, replicas))
DL_ENTRY(eval_sums,
         (const double* partial, int rows, int chunk, double* out, int outStride, int replicas),
         (partial, rows, chunk, out, outStride, replicas))
DL_ENTRY(alive_chunks,
         (const T* z, int rows, int units, int zStride, int act, int chunk, int* alive,
          int aliveStride, int replicas),
         (z, rows, units, zStride, act, chunk, alive, aliveStride, replicas))
DL_ENTRY(dead_flags,
         (const int* alive, int rows, int chunk, int units, double* out, int outStride,
          int replicas),
         (alive, rows, chunk, units, out, outStride, replicas))
DL_ENTRY(predict_output,
         (const T* z, const T* b, int rows, int zStride, int bStride, T* out, int outStride,
          int replicas),
         (z, b, rows, zStride, bStride, out, outStride, replicas))
