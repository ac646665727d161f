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
#include <cstddef>
#include <cstring>

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

// Warp-level rendezvous: __syncwarp waits until every thread of the caller's warp (32 consecutive
// threads) waits at the same __syncwarp, as the block's barrier does for the block (a warp with
// threads returned or elsewhere fails the launch); __shfl_xor_sync(mask, v, m) gives lane l the v
// of lane l ^ m, through two such rendezvous. Whole warps only (mask 0xffffffff).
void dl_shim_syncwarp(unsigned mask, const char* file, int line);
unsigned long long dl_shim_shfl_xor(unsigned mask, unsigned long long bits, int laneMask,
                                    const char* file, int line);
template <typename T>
inline T dl_shim_shfl(unsigned mask, T v, int laneMask, const char* file, int line) {
  static_assert(sizeof(T) <= 8, "a shuffle moves at most 8 bytes");
  unsigned long long bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  bits = dl_shim_shfl_xor(mask, bits, laneMask, file, line);
  T out;
  std::memcpy(&out, &bits, sizeof(T));
  return out;
}
#define __syncwarp(mask) dl_shim_syncwarp((mask), __FILE__, __LINE__)
#define __shfl_xor_sync(mask, v, laneMask) dl_shim_shfl((mask), (v), (laneMask), __FILE__, __LINE__)

// Shared-memory accesses (kernels/common.cuh's DL_SMEM and DL_PARAM). Every access through
// DL_SMEM must lie inside the block's dynamic shared memory, else the launch fails naming the
// site; while counting is on (EmulatedDevice.countSharedAccesses) each one is also recorded as
// (site, thread, occurrence, address, bytes), and emulator.cpp groups the records of one warp (32
// consecutive threads), site and occurrence into one warp request at each barrier and at the
// block's end, and counts its bank conflicts. DL_PARAM's pointer may be global memory (the
// parameters of a shape whose weights stay there): only accesses inside shared memory count.
struct DlShimShared {
  unsigned char* base = nullptr;  // the running block's dynamic shared memory
  size_t size = 0;
  bool counting = false;
};
inline thread_local DlShimShared dl_shim_shared;

int dl_shim_site(const char* name, const char* file, int line);
void dl_shim_record(int site, const void* p, unsigned bytes);
[[noreturn]] void dl_shim_outside(int site, const void* p, unsigned bytes);

template <typename T>
inline T* dl_shim_smem(int site, T* p, bool mayBeGlobal) {
  const DlShimShared& s = dl_shim_shared;
  const unsigned char* b = reinterpret_cast<const unsigned char*>(p);
  if (b < s.base || b + sizeof(T) > s.base + s.size) {
    if (mayBeGlobal) return p;
    dl_shim_outside(site, p, sizeof(T));
  }
  if (s.counting) dl_shim_record(site, p, sizeof(T));
  return p;
}

// The site's number, registered once per instantiation (a function-local static).
#define DL_SHIM_SITE(site) \
  ([] { static const int id = dl_shim_site(#site, __FILE__, __LINE__); return id; }())
#define DL_SMEM(site, p) (*dl_shim_smem(DL_SHIM_SITE(site), (p), false))
#define DL_PARAM(site, p) (*dl_shim_smem(DL_SHIM_SITE(site), (p), true))

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
