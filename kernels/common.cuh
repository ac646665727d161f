// Shared device helpers of the depthlab kernels. Every numeric rule here mirrors the CPU
// reference (backend/cpu/CpuNet64, CpuNet32) operation for operation: the transcendental
// functions run in double and round to T, as the CPU's StrictMath calls do for float.
#pragma once

// Activation codes, the tanh saturation bound and the decision threshold: the table Java reads too.
#include "rules.cuh"

// One fused multiply-add, a * b + c rounded once (docs/arithmetic.md): Java's Math.fma, the
// vector paths' lanewise FMA. Named per type so that neither nvcc nor the host compiler of the
// emulator picks another overload.
__device__ __forceinline__ float dl_fma(float a, float b, float c) { return fmaf(a, b, c); }
__device__ __forceinline__ double dl_fma(double a, double b, double c) { return fma(a, b, c); }

// fdlibm 5.3's exp and log (e_exp.c, e_log.c), operation for operation: the bits of Java's
// StrictMath.exp and StrictMath.log, which the CPU paths call (docs/arithmetic.md). Compiled with
// --fmad=false (device) and -ffp-contract=off (emulator), so nothing here is contracted.
__device__ __forceinline__ double dl_exp(double x) {
  // fdlibm's halF[2], ln2HI[2] and ln2LO[2], indexed by the sign: selects instead of arrays, so
  // that nothing lives in local memory (an indexed local array does, KernelCompileTest)
  const double ln2HI0 = 6.93147180369123816490e-01;
  const double ln2LO0 = 1.90821492927058770002e-10;
  const double huge = 1.0e+300;
  const double twom1000 = 9.33263618503218878990e-302;
  const double o_threshold = 7.09782712893383973096e+02;
  const double u_threshold = -7.45133219101941108420e+02;
  const double invln2 = 1.44269504088896338700e+00;
  const double P1 = 1.66666666666666019037e-01;
  const double P2 = -2.77777777770155933842e-03;
  const double P3 = 6.61375632143793436117e-05;
  const double P4 = -1.65339022054652515390e-06;
  const double P5 = 4.13813679705723846039e-08;
  double y, hi = 0.0, lo = 0.0, c, t;
  int k = 0;
  unsigned hx = (unsigned)__double2hiint(x);
  int xsb = (hx >> 31) & 1;
  hx &= 0x7fffffff;
  if (hx >= 0x40862E42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | (unsigned)__double2loint(x)) != 0) return x + x;
      return xsb == 0 ? x : 0.0;
    }
    // fdlibm's huge * huge and twom1000 * twom1000, written as their results (+inf, +0) since nvcc
    // refuses constant expressions that overflow or underflow
    if (x > o_threshold) return __hiloint2double(0x7ff00000, 0);
    if (x < u_threshold) return 0.0;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3FF0A2B2) {
      hi = x - (xsb == 0 ? ln2HI0 : -ln2HI0);
      lo = xsb == 0 ? ln2LO0 : -ln2LO0;
      k = 1 - xsb - xsb;
    } else {
      k = (int)(invln2 * x + (xsb == 0 ? 0.5 : -0.5));
      t = k;
      hi = x - t * ln2HI0;
      lo = t * ln2LO0;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    if (huge + x > 1.0) return 1.0 + x;
  } else {
    k = 0;
  }
  t = x * x;
  c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    return __hiloint2double(__double2hiint(y) + (k << 20), __double2loint(y));
  }
  y = __hiloint2double(__double2hiint(y) + ((k + 1000) << 20), __double2loint(y));
  return y * twom1000;
}

__device__ __forceinline__ double dl_log(double x) {
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double two54 = 1.80143985094819840000e+16;
  const double Lg1 = 6.666666666666735130e-01;
  const double Lg2 = 3.999999999940941908e-01;
  const double Lg3 = 2.857142874366239149e-01;
  const double Lg4 = 2.222219843214978396e-01;
  const double Lg5 = 1.818357216161805012e-01;
  const double Lg6 = 1.531383769920937332e-01;
  const double Lg7 = 1.479819860511658591e-01;
  const double zero = 0.0;
  double hfsq, f, s, z, R, w, t1, t2, dk;
  int k, hx, i, j;
  unsigned lx;
  hx = __double2hiint(x);
  lx = (unsigned)__double2loint(x);
  k = 0;
  if (hx < 0x00100000) {
    // fdlibm's -two54 / zero and (x - x) / zero, written as their results (-inf, a NaN)
    if (((hx & 0x7fffffff) | lx) == 0) return __hiloint2double((int)0xfff00000, 0);
    if (hx < 0) return __hiloint2double(0x7ff80000, 0);
    k -= 54;
    x *= two54;
    hx = __double2hiint(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  i = (hx + 0x95f64) & 0x100000;
  x = __hiloint2double(hx | (i ^ 0x3ff00000), __double2loint(x));
  k += (i >> 20);
  f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == zero) {
      if (k == 0) return zero;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  s = f / (2.0 + f);
  dk = (double)k;
  z = s * s;
  i = hx - 0x6147a;
  w = z * z;
  j = 0x6b851 - hx;
  t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  R = t2 + t1;
  if (i > 0) {
    hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

// fdlibm 5.3's expm1 and tanh (s_expm1.c, s_tanh.c), operation for operation: the bits of Java's
// StrictMath.expm1 and StrictMath.tanh (the CPU paths' tanh activation), uncontracted as above.
__device__ __forceinline__ double dl_expm1(double x) {
  const double huge = 1.0e+300;
  const double tiny = 1.0e-300;
  const double o_threshold = 7.09782712893383973096e+02;
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double invln2 = 1.44269504088896338700e+00;
  const double Q1 = -3.33333333333331316428e-02;
  const double Q2 = 1.58730158725481460165e-03;
  const double Q3 = -7.93650757867487942473e-05;
  const double Q4 = 4.00821782732936239552e-06;
  const double Q5 = -2.01099218183624371326e-07;
  double y, hi, lo, c = 0.0, t, e, hxs, hfx, r1;
  int k;
  unsigned hx = (unsigned)__double2hiint(x);
  int xsb = (hx >> 31) & 1;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687A) {
    if (hx >= 0x40862E42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | (unsigned)__double2loint(x)) != 0) return x + x;
        return xsb == 0 ? x : -1.0;
      }
      // fdlibm's huge * huge, written as its result (+inf), as in dl_exp
      if (x > o_threshold) return __hiloint2double(0x7ff00000, 0);
    }
    if (xsb != 0) {
      if (x + tiny < 0.0) return tiny - 1.0;
    }
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3FF0A2B2) {
      if (xsb == 0) {
        hi = x - ln2_hi;
        lo = ln2_lo;
        k = 1;
      } else {
        hi = x + ln2_hi;
        lo = -ln2_lo;
        k = -1;
      }
    } else {
      k = (int)(invln2 * x + (xsb == 0 ? 0.5 : -0.5));
      t = k;
      hi = x - t * ln2_hi;
      lo = t * ln2_lo;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000) {
    t = huge + x;
    return x - (t - (huge + x));
  } else {
    k = 0;
  }
  hfx = 0.5 * x;
  hxs = x * hfx;
  r1 = 1.0 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  t = 3.0 - r1 * hfx;
  e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  e = (x * (e - c) - c);
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1.0 + 2.0 * (x - e);
  }
  if (k <= -2 || k > 56) {
    y = 1.0 - (e - x);
    y = __hiloint2double(__double2hiint(y) + (k << 20), __double2loint(y));
    return y - 1.0;
  }
  if (k < 20) {
    t = __hiloint2double(0x3ff00000 - (0x200000 >> k), 0);
    y = t - (e - x);
    y = __hiloint2double(__double2hiint(y) + (k << 20), __double2loint(y));
  } else {
    t = __hiloint2double((0x3ff - k) << 20, 0);
    y = x - (e + t);
    y += 1.0;
    y = __hiloint2double(__double2hiint(y) + (k << 20), __double2loint(y));
  }
  return y;
}

__device__ __forceinline__ double dl_tanh(double x) {
  const double tiny = 1.0e-300;
  double t, z;
  int jx = __double2hiint(x);
  int ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    if (jx >= 0) return 1.0 / x + 1.0;
    return 1.0 / x - 1.0;
  }
  if (ix < 0x40360000) {
    if (ix < 0x3c800000) return x * (1.0 + x);
    if (ix >= 0x3ff00000) {
      t = dl_expm1(2.0 * fabs(x));
      z = 1.0 - 2.0 / (t + 2.0);
    } else {
      t = dl_expm1(-2.0 * fabs(x));
      z = -t / (t + 2.0);
    }
  } else {
    z = 1.0 - tiny;
  }
  return jx >= 0 ? z : -z;
}

template <typename T>
__device__ __forceinline__ T dl_activate(T z, int act, T slope) {
  if (act == DL_RELU) return z > T(0) ? z : T(0);
  if (act == DL_LEAKY_RELU) return z > T(0) ? z : slope * z;
  return (T)dl_tanh((double)z);
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
  return (T)(1.0 / (1.0 + dl_exp(-(double)z)));
}

// Binary cross-entropy of one prediction, p clipped to [eps, 1 - eps]. A 0/1 label takes one
// logarithm, as the CPU does: the two-term form would multiply the other logarithm by 0, which is
// NaN where that logarithm is infinite (fp32, where 1 - 1e-8 rounds to 1 and pc can be 1).
template <typename T>
__device__ __forceinline__ T dl_bce(T p, T label, T eps) {
  T hi = T(1) - eps;
  T pc = p < eps ? eps : (p > hi ? hi : p);
  if (label == T(1)) return (T)(-dl_log((double)pc));
  if (label == T(0)) return (T)(-dl_log((double)(T(1) - pc)));
  return (T)(-dl_fma((double)label, dl_log((double)pc), (double)(T(1) - label) * dl_log((double)(T(1) - pc))));
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

// One access to shared memory, as an lvalue: `DL_SMEM(site, p) = v` stores, `DL_SMEM(site, p)`
// loads. On a GPU it is `*p`; the host emulator's shim.h records it under the site's name to
// count the bank conflicts of each warp request, and refuses an access outside the block's
// dynamic shared memory. DL_PARAM is the same for a pointer that may also be global memory (the
// fused kernel's parameters when they stay there).
#ifndef DL_SMEM
#define DL_SMEM(site, p) (*(p))
#define DL_PARAM(site, p) (*(p))
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
