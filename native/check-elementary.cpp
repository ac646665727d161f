// Holds kernels/common.cuh's dl_exp, dl_log, dl_expm1 and dl_tanh (the fdlibm ports) to Java's
// StrictMath, bit for bit: reads lines "exp|log|expm1|tanh <x bits> <StrictMath bits>" (16 hex
// digits each) on stdin, prints every difference (at most 10) and "<n> compared, <m> differ"; exit
// 0 only when none differ. Built by ElementaryFunctionsTest with the emulator's flags
// (-ffp-contract=off), so it computes what the emulator computes; on a GPU, --fmad=false gives the
// same operations.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cmath>

#include "shim.h"
#include "common.cuh"

static double bits(const char* hex) {
  uint64_t b = std::strtoull(hex, nullptr, 16);
  double x;
  std::memcpy(&x, &b, 8);
  return x;
}

static double eval(const char* f, double x) {
  if (std::strcmp(f, "exp") == 0) return dl_exp(x);
  if (std::strcmp(f, "log") == 0) return dl_log(x);
  if (std::strcmp(f, "expm1") == 0) return dl_expm1(x);
  if (std::strcmp(f, "tanh") == 0) return dl_tanh(x);
  std::fprintf(stderr, "unknown function %s\n", f);
  std::exit(2);
}

int main() {
  char f[16], xs[32], ys[32];
  long n = 0, bad = 0;
  while (std::scanf("%15s %31s %31s", f, xs, ys) == 3) {
    double x = bits(xs), want = bits(ys);
    double got = eval(f, x);
    n++;
    // NaN payloads and signs are not part of the contract
    bool same = (std::isnan(got) && std::isnan(want)) || std::memcmp(&got, &want, 8) == 0;
    if (!same) {
      if (bad < 10) std::printf("%s(%a) = %a, StrictMath: %a\n", f, x, got, want);
      bad++;
    }
  }
  std::printf("%ld compared, %ld differ\n", n, bad);
  return bad == 0 ? 0 : 1;
}
