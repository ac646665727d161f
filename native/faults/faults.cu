// Test-only kernels for EmulatorChecksTest: two plain helpers, and three deliberate faults the
// strict emulator must catch. Compiled into the emulator library only (native/build-emulator.sh);
// never part of kernels/, which is what ships and what NVRTC compiles.
#include "common.cuh"

// v[i] = value: the writer of the lane tests.
template <typename T>
__device__ void test_fill(T* v, int n, double value) {
  int t = dl_thread_index();
  if (t < n) v[t] = (T)value;
}

// dst[i] = src[i]: the reader of the lane tests.
template <typename T>
__device__ void test_copy(const T* src, T* dst, int n) {
  int t = dl_thread_index();
  if (t < n) dst[t] = src[t];
}

// FAULT (race): thread t reads v[t + 1], which thread t + 1 overwrites, so the result depends on
// which of the two runs first.
template <typename T>
__device__ void fault_race(T* v, int n) {
  int t = dl_thread_index();
  if (t >= n) return;
  T next = t + 1 < n ? v[t + 1] : T(0);
  v[t] = v[t] + next;
}

// FAULT (out-of-bounds write): the bound is off by one, so thread n writes v[n].
template <typename T>
__device__ void fault_write_past(T* v, int n) {
  int t = dl_thread_index();
  if (t <= n) v[t] = T(1);
}

// FAULT (out-of-bounds read): out[t] = in[t + 1], so thread n - 1 reads in[n].
template <typename T>
__device__ void fault_read_past(const T* in, T* out, int n) {
  int t = dl_thread_index();
  if (t < n) out[t] = in[t + 1];
}

DL_ENTRY(test_fill, (T* v, int n, double value), (v, n, value))
DL_ENTRY(test_copy, (const T* src, T* dst, int n), (src, dst, n))
DL_ENTRY(fault_race, (T* v, int n), (v, n))
DL_ENTRY(fault_write_past, (T* v, int n), (v, n))
DL_ENTRY(fault_read_past, (const T* in, T* out, int n), (in, out, n))
