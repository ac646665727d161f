// Lets kernels/*.cu compile as ordinary host C++ (g++), so tests run the very kernel source
// the GPU runs. A launch (emulator.cpp) runs every block and thread of the grid one after another,
// in the order the device asks for (forward, reverse or shuffled), setting these built-ins before
// each call; kernels use no shared memory, barriers or atomics, so each such order is a schedule a
// GPU may pick, and a kernel whose result depends on the order has a race. The built-ins are
// thread-locals: each lane's worker thread runs its own launches.
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

using std::exp;
using std::fabs;
using std::log;
using std::tanh;
