#!/usr/bin/env bash
# Compiles every kernels/*.cu with nvcc for real GPU architectures, warnings as errors (host
# and device). Exit 0 only when every file compiles cleanly. Usage: native/check-kernels.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
archs="${DEPTHLAB_CHECK_ARCHS:-80 90}"

if ! command -v nvcc >/dev/null 2>&1; then
  echo "check-kernels: nvcc not found (install the CUDA toolkit)" >&2
  exit 3
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
for f in "$root"/kernels/*.cu; do
  for a in $archs; do
    if nvcc -std=c++17 -arch="sm_$a" -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror \
        -I"$root/kernels" -c "$f" -o "$tmp/$(basename "$f").sm_$a.o"; then
      echo "ok   $(basename "$f") sm_$a"
    else
      echo "FAIL $(basename "$f") sm_$a"
      status=1
    fi
  done
done
exit $status
