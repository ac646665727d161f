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
# one nvcc per file for every architecture (-gencode each): the host side is compiled once
gencode=()
for a in $archs; do gencode+=(-gencode "arch=compute_$a,code=sm_$a"); done
for f in "$root"/kernels/*.cu; do
  if nvcc -std=c++17 "${gencode[@]}" -Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror \
      -I"$root/kernels" -c "$f" -o "$tmp/$(basename "$f").o"; then
    for a in $archs; do echo "ok   $(basename "$f") sm_$a"; done
  else
    echo "FAIL $(basename "$f") sm_${archs// /,sm_}"
    status=1
  fi
done
exit $status
