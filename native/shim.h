// Lets kernels/*.cu compile as ordinary host C++ (g++), so tests run the very kernel source
// the GPU runs. A launch (emulator.cpp) runs every block and thread of the grid one after another,
// in the order the device asks for (forward, reverse or shuffled), setting these built-ins before
// each call; each such order is a schedule a GPU may pick, and a kernel whose result depends on the
// order has a race. The built-ins are thread-locals: each lane's worker thread runs its own
// launches.
//
// Kernels of a file that calls __syncthreads (block-synchronous kernels, e.g. kernels/fused.cu)
// run a block's threads as fibers (ucontext) on the worker thread: each runs, in the launch's
// order, until it reaches a barrier or returns; when every thread of the block waits at the same
// __syncthreads, they all go on. A thread that returns while others wait, or threads waiting at
// different barriers, fail the launch (a divergent __syncthreads, undefined on a GPU). Shared
// memory is per block: static __shared__ variables are the worker's thread-locals (blocks run one
// after another), and the dynamic shared memory (DL_DYNAMIC_SHARED) is a buffer of the launch's
// size, filled with 0xFF (NaN) before each block, since a GPU leaves it undefined.
#pragma once
#include <cmath>

struct dim3 {
  unsigned int x = 1, y = 1, z = 1;
};

static thread_local dim3 threadIdx;
static thread_local dim3 blockIdx;
static thread_local dim3 blockDim;
static thread_local dim3 gridDim;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static thread_local

// emulator.cpp: the barrier of a block-synchronous kernel, and the block's dynamic shared memory
void dl_shim_syncthreads(const char* file, int line);
unsigned char* dl_shim_dynamic_shared();

#define __syncthreads() dl_shim_syncthreads(__FILE__, __LINE__)
#define DL_DYNAMIC_SHARED(name) unsigned char* name = dl_shim_dynamic_shared()

// The words of a double, as CUDA's __double2hiint, __double2loint and __hiloint2double
// (kernels/common.cuh: the fdlibm exp, log, expm1 and tanh).
inline int __double2hiint(double x) {
  unsigned long long b;
  std::memcpy(&b, &x, 8);
  return (int)(unsigned)(b >> 32);
}
inline int __double2loint(double x) {
  unsigned long long b;
  std::memcpy(&b, &x, 8);
  return (int)(unsigned)(b & 0xffffffffULL);
}
inline double __hiloint2double(int hi, int lo) {
  unsigned long long b = ((unsigned long long)(unsigned)hi << 32) | (unsigned)lo;
  double x;
  std::memcpy(&x, &b, 8);
  return x;
}

using std::exp;
using std::fabs;
using std::log;
using std::tanh;
