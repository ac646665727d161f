// Test-only block-synchronous kernels for EmulatorChecksTest: one correct use of __syncthreads and
// shared memory, whose result depends on the barrier, and a divergent __syncthreads the emulator
// must refuse. Compiled into the emulator library only (native/build-emulator.sh).
#include "common.cuh"

// Each block permutes its slice of v through shared memory: thread t puts v[t] into static shared
// memory, waits, copies element n - 1 - t (another thread's) into the dynamic shared memory (n
// elements of T), waits, and writes back element (t + 1) % n of that: v'[t] = v[n - 1 - (t + 1) %
// n]. Without either barrier a thread reads a slot no one has written yet.
template <typename T>
__device__ void test_block_reverse(T* v) {
  __shared__ double stage[1024];
  DL_DYNAMIC_SHARED(raw);
  T* back = reinterpret_cast<T*>(raw);
  unsigned t = threadIdx.x;
  unsigned n = blockDim.x;
  T* mine = v + (long)blockIdx.x * n;
  stage[t] = (double)mine[t];
  __syncthreads();
  back[t] = (T)stage[n - 1 - t];
  __syncthreads();
  mine[t] = back[(t + 1) % n];
}

// FAULT (divergent barrier): the threads of the upper half return before the barrier the lower
// half waits at.
template <typename T>
__device__ void fault_divergent_sync(T* v) {
  unsigned t = threadIdx.x;
  if (t >= blockDim.x / 2) return;
  v[t] = T(1);
  __syncthreads();
  v[t] = T(2);
}

DL_ENTRY(test_block_reverse, (T * v), (v))
DL_ENTRY(fault_divergent_sync, (T * v), (v))

// Bank-conflict probe for EmulatedSharedAccessTest: the block's n elements of T in dynamic shared
// memory hold 0..n-1 (written in order), then thread t reads element (t * stride) % n into
// v[blockIdx.x * blockDim.x + t]. The degree of the read's conflicts is known by hand per stride.
template <typename T>
__device__ void test_bank_stride(T* v, int stride, int n) {
  DL_DYNAMIC_SHARED(raw);
  T* sh = reinterpret_cast<T*>(raw);
  const int t = (int)threadIdx.x;
  for (int k = t; k < n; k += (int)blockDim.x) DL_SMEM(fill, sh + k) = T(k);
  __syncthreads();
  v[blockIdx.x * blockDim.x + t] = DL_SMEM(probe, sh + (long)t * stride % n);
}

// FAULT (shared memory out of bounds): thread 0 writes element n of a block whose dynamic shared
// memory holds n elements of T.
template <typename T>
__device__ void fault_shared_outside(T* v, int n) {
  DL_DYNAMIC_SHARED(raw);
  T* sh = reinterpret_cast<T*>(raw);
  if (threadIdx.x == 0) DL_SMEM(past_the_end, sh + n) = v[0];
  __syncthreads();
}

DL_ENTRY(test_bank_stride, (T * v, int stride, int n), (v, stride, n))
DL_ENTRY(fault_shared_outside, (T * v, int n), (v, n))

// Warp shuffles for EmulatedWarpSyncTest: each warp's lanes add their values v[t] (small
// integers, so every order gives the same sum) by a butterfly of __shfl_xor_sync (lane masks 16,
// 8, 4, 2, 1); every lane ends with its warp's sum, written back to v[t] after a __syncwarp.
template <typename T>
__device__ void test_warp_xor_sum(T* v) {
  const long t = (long)blockIdx.x * blockDim.x + threadIdx.x;
  T x = v[t];
  for (int m = 16; m >= 1; m >>= 1) x = x + __shfl_xor_sync(0xffffffffu, x, m);
  __syncwarp(0xffffffffu);
  v[t] = x;
}

// FAULT (divergent __syncwarp): the odd lanes return before their warp's rendezvous.
template <typename T>
__device__ void fault_divergent_syncwarp(T* v) {
  if (threadIdx.x % 2 == 1) return;
  __syncwarp(0xffffffffu);
  v[blockIdx.x * blockDim.x + threadIdx.x] = T(1);
}

DL_ENTRY(test_warp_xor_sum, (T * v), (v))
DL_ENTRY(fault_divergent_syncwarp, (T * v), (v))
