#!/usr/bin/env bash
# Builds native/build/libdepthlab-emulator.so: the kernels of kernels/*.cu compiled for the host
# with g++ and shim.h, behind the JNI entry points of emulator.cpp (EmulatedDevice). The test-only
# kernels of native/faults/*.cu (deliberate faults the emulator must catch) are compiled in too;
# they stay out of kernels/, which is what ships and what NVRTC compiles.
# Needs g++ (C++17) and a JDK (JAVA_HOME, or javac on the PATH). Usage: native/build-emulator.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$here/build"
gen="$out/gen"

if ! command -v g++ >/dev/null 2>&1; then
  echo "build-emulator: g++ not found (install g++ with C++17 support)" >&2
  exit 3
fi
if [ -z "${JAVA_HOME:-}" ]; then
  if command -v javac >/dev/null 2>&1; then
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
  fi
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -f "$JAVA_HOME/include/jni.h" ]; then
  echo "build-emulator: jni.h not found; set JAVA_HOME to a JDK" >&2
  exit 3
fi
platform="linux"
case "$(uname -s)" in Darwin) platform="darwin" ;; esac

mkdir -p "$gen"
: > "$gen/kernels.inc.tmp"
: > "$gen/entries.inc.tmp"
for f in "$root"/kernels/*.cu "$here"/faults/*.cu; do
  echo "#include \"$f\"" >> "$gen/kernels.inc.tmp"
  # every DL_ENTRY(name, ...) defines name_f32 and name_f64; the kernels of a file that calls
  # __syncthreads, __syncwarp or a warp shuffle run a block's threads as fibers (emulator.cpp)
  sync=false
  if grep -qE '__syncthreads|__syncwarp|__shfl_' "$f"; then sync=true; fi
  for n in $(grep -o 'DL_ENTRY([a-z0-9_]*' "$f" | sed 's/DL_ENTRY(//'); do
    echo "DL_HOST_ENTRY(dl_f32_${n}, ${n}_f32, ${n}, ${sync})" >> "$gen/entries.inc.tmp"
    echo "DL_HOST_ENTRY(dl_f64_${n}, ${n}_f64, ${n}, ${sync})" >> "$gen/entries.inc.tmp"
  done
done
mv "$gen/kernels.inc.tmp" "$gen/kernels.inc"
mv "$gen/entries.inc.tmp" "$gen/entries.inc"

# -ffp-contract=off: a fused multiply-add only where the kernels call dl_fma (docs/arithmetic.md),
# so results round as in Java.
g++ -std=c++17 -O2 -fPIC -shared -Wall -Wextra -Werror -ffp-contract=off \
  -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/$platform" -I"$here" -I"$gen" -I"$root/kernels" \
  "$here/emulator.cpp" -o "$out/libdepthlab-emulator.so.tmp"
mv "$out/libdepthlab-emulator.so.tmp" "$out/libdepthlab-emulator.so"
echo "built $out/libdepthlab-emulator.so ($(wc -l < "$gen/entries.inc") kernel entry points)"
