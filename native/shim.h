// Lets kernels/*.cu compile as ordinary host C++ (g++), so tests run the very kernel source
// the GPU runs. A launch (emulator.cpp) loops over every block and thread of the grid, setting
// these built-ins before each call; kernels use no shared memory, barriers or atomics, so
// running the threads one after another is a faithful schedule.
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
