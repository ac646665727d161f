// Shared device helpers of the depthlab kernels. Every numeric rule here mirrors the CPU
// reference (backend/cpu/CpuNet64, CpuNet32) operation for operation: the transcendental
// functions run in double and round to T, as Java's Math does for float.
#pragma once

// Activation codes, the tanh saturation bound and the decision threshold: the table Java reads too.
#include "rules.cuh"

// One fused multiply-add, a * b + c rounded once (docs/arithmetic.md): Java's Math.fma, the
// vector paths' lanewise FMA. Named per type so that neither nvcc nor the host compiler of the
// emulator picks another overload.
__device__ __forceinline__ float dl_fma(float a, float b, float c) { return fmaf(a, b, c); }
__device__ __forceinline__ double dl_fma(double a, double b, double c) { return fma(a, b, c); }

template <typename T>
__device__ __forceinline__ T dl_activate(T z, int act, T slope) {
  if (act == DL_RELU) return z > T(0) ? z : T(0);
  if (act == DL_LEAKY_RELU) return z > T(0) ? z : slope * z;
  return (T)tanh((double)z);
}

// g * act'(z), with a = act(z) (tanh uses 1 - a^2, as the CPU path does).
template <typename T>
__device__ __forceinline__ T dl_activate_backward(T g, T z, T a, int act, T slope) {
  if (act == DL_RELU) return z > T(0) ? g : T(0);
  if (act == DL_LEAKY_RELU) return z > T(0) ? g : slope * g;
  return g * dl_fma(-a, a, T(1));
}

template <typename T>
__device__ __forceinline__ T dl_sigmoid(T z) {
  return (T)(1.0 / (1.0 + exp(-(double)z)));
}

// Binary cross-entropy of one prediction, p clipped to [eps, 1 - eps]. A 0/1 label takes one
// logarithm, as the CPU does: the two-term form would multiply the other logarithm by 0, which is
// NaN where that logarithm is infinite (fp32, where 1 - 1e-8 rounds to 1 and pc can be 1).
template <typename T>
__device__ __forceinline__ T dl_bce(T p, T label, T eps) {
  T hi = T(1) - eps;
  T pc = p < eps ? eps : (p > hi ? hi : p);
  if (label == T(1)) return (T)(-log((double)pc));
  if (label == T(0)) return (T)(-log((double)(T(1) - pc)));
  return (T)(-dl_fma((double)label, log((double)pc), (double)(T(1) - label) * log((double)(T(1) - pc))));
}

// 1 when prediction p (a sigmoid output) and the label agree at DL_DECISION_THRESHOLD: the
// accuracy rule of the evaluation (eval.cu) and of a training batch (train.cu); Java's twin is
// Rules.correct.
template <typename T>
__device__ __forceinline__ int dl_correct(T p, T label) {
  return (p >= T(DL_DECISION_THRESHOLD)) == (label >= T(DL_DECISION_THRESHOLD)) ? 1 : 0;
}

// The nn-depth-study seed's output gradient (OutputGradient.CHAINED, OutputGradient.chained in
// Java): the BCE's derivative at the clipped prediction pc, times the sigmoid's derivative at the
// unclipped p, in double and in the seed's order. The fp32 kernels call it with their float p,
// label and eps and round the result: in float, 1 - 1e-8 rounds to 1 and 1 - pc would be 0.
__device__ __forceinline__ double dl_bce_chained(double p, double label, double eps) {
  double hi = 1.0 - eps;
  double pc = p < eps ? eps : (p > hi ? hi : p);
  double dp = (1.0 - label) / (1.0 - pc) - label / pc;
  return dp * p * (1.0 - p);
}

// Whether a unit with pre-activation z counts as inactive for the dead-unit statistic; Java's
// twin is Activation.inactive.
__device__ __forceinline__ bool dl_inactive(double z, int act) {
  return act == DL_TANH ? fabs(z) >= DL_TANH_SATURATION : z <= 0.0;
}

// A block's dynamic shared memory (the launch's sharedMemBytes), as bytes named `name`; the host
// emulator's shim.h defines its own.
#ifndef DL_DYNAMIC_SHARED
#define DL_DYNAMIC_SHARED(name) extern __shared__ __align__(16) unsigned char name[]
#endif

// A thread's index in its 1-D grid. 32 bits suffice: the host refuses a launch of more than
// 2^31 - 1 threads and a buffer of more than 2^31 - 1 elements (CudaKernelCalls.threads,
// CudaGroup.elements), so an element offset into one buffer fits an int; products of a replica
// index with a stride are still taken in 64 bits ((long)r * stride), as are the bound checks.
__device__ __forceinline__ int dl_thread_index() {
  return (int)(blockIdx.x * blockDim.x + threadIdx.x);
}

// The unmangled entry points name_f32 and name_f64 of a kernel template `name<T>`: params is
// the parameter list written with T, args the call's argument list. NVRTC, nvcc and the host
// emulator (native/) all find kernels by these names.
#define DL_ENTRY(name, params, args)                                  \
  namespace dl_f32_##name {                                           \
  typedef float T;                                                    \
  extern "C" __global__ void name##_f32 params { name<T> args; }      \
  }                                                                   \
  namespace dl_f64_##name {                                           \
  typedef double T;                                                   \
  extern "C" __global__ void name##_f64 params { name<T> args; }      \
  }
