// Kernels of a full-data evaluation pass (loss, accuracy, dead units) for R replicas.
#include "common.cuh"

// Output layer over a whole set: p = sigmoid(z + b); out[2 r] = mean clipped BCE,
// out[2 r + 1] = accuracy at threshold 0.5. One thread per replica, samples in order.
template <typename T>
__device__ void eval_output(const T* z, const T* b, const T* y, int rows, int zStride,
                            int yStride, int bStride, double clipEps, double* out, int replicas) {
  int r = dl_thread_index();
  if (r >= replicas) return;
  T eps = (T)clipEps;
  T bias = b[(long)r * bStride];
  double lossSum = 0.0;
  int correct = 0;
  for (int s = 0; s < rows; s++) {
    T p = dl_sigmoid(z[(long)r * zStride + s] + bias);
    T label = y[(long)r * yStride + s];
    lossSum += (double)dl_bce(p, label, eps);
    correct += (p >= T(0.5)) == (label >= T(0.5)) ? 1 : 0;
  }
  out[2 * r] = lossSum / rows;
  out[2 * r + 1] = (double)correct / rows;
}

// dead[r * deadStride + u] = 1 when hidden unit u is inactive on every row, else 0.
// One thread per (r, u), rows in order.
template <typename T>
__device__ void dead_units(const T* z, int rows, int units, int zStride, int act, double* dead,
                           int deadStride, int replicas) {
  int t = dl_thread_index();
  if (t >= replicas * units) return;
  int r = t / units;
  int u = t % units;
  int alive = 0;
  for (int s = 0; s < rows; s++) {
    if (!dl_inactive((double)z[(long)r * zStride + (long)s * units + u], act)) alive = 1;
  }
  dead[(long)r * deadStride + u] = alive ? 0.0 : 1.0;
}

DL_ENTRY(eval_output,
         (const T* z, const T* b, const T* y, int rows, int zStride, int yStride, int bStride,
          double clipEps, double* out, int replicas),
         (z, b, y, rows, zStride, yStride, bStride, clipEps, out, replicas))
DL_ENTRY(dead_units,
         (const T* z, int rows, int units, int zStride, int act, double* dead, int deadStride,
          int replicas),
         (z, rows, units, zStride, act, dead, deadStride, replicas))
