#!/usr/bin/env bash
# Fetches the CUDA 12 libraries JCuda 12.6 links against (NVRTC and its builtins; cuBLAS and
# cuBLASLt) from Debian trixie's non-free component and unpacks them into <project>/.cuda-libs/lib,
# where depthlab's probe looks without any environment variable (docs/gpu.md, "CUDA 12 libraries").
#
#   tools/cuda-libs.sh              NVRTC 12.4 + builtins + cuBLAS/cuBLASLt 12.4 (about 250 MB of
#                                   downloads, an estimate from the package index's sizes)
#   tools/cuda-libs.sh --nvrtc-only NVRTC 12.4 + builtins only (about 17.7 MB): enough to compile
#                                   the kernels (CI), not to train on a GPU
#   --dest DIR    unpack into DIR/lib instead of <project>/.cuda-libs
#   --cache DIR   keep the downloaded .deb files in DIR and reuse them on the next run (default:
#                 $DEPTHLAB_CUDA_CACHE, else /var/cache/depthlab/cuda-debs when writable, else
#                 ~/.cache/depthlab/cuda-debs)
#
# Nothing on the system changes: apt runs with a private sources.list, package lists and cache in
# a temporary folder (the system's apt sources and state are not touched, no root needed), `apt-get
# download` fetches the .deb files, each is checked against the SHA-256 of the signed package
# index, and `dpkg -x` unpacks it. The libraries need only glibc >= 2.34 (Debian 12, Ubuntu 22.04
# and later). Running on a GPU needs an NVIDIA driver of at least the libraries' CUDA version:
# NVRTC 12.4 writes PTX that needs driver R550 or later (depthlab loads CUBIN where it can, which
# any CUDA 12 driver runs; docs/gpu.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

nvrtc_pkgs=(libnvrtc12 libnvrtc-builtins12.4)
cublas_pkgs=(libcublaslt12 libcublas12)
nvrtc_libs=(libnvrtc.so.12 libnvrtc-builtins.so.12.4)
cublas_libs=(libcublasLt.so.12 libcublas.so.12)
suite="trixie"
mirror="${DEPTHLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

die() {
  echo "cuda-libs: $*" >&2
  exit 1
}

only_nvrtc=0
dest="$root/.cuda-libs"
cache="${DEPTHLAB_CUDA_CACHE:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --nvrtc-only) only_nvrtc=1 ;;
    --dest) dest="${2:?--dest needs a folder}"; shift ;;
    --cache) cache="${2:?--cache needs a folder}"; shift ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cuda-libs: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

pkgs=("${nvrtc_pkgs[@]}")
libs=("${nvrtc_libs[@]}")
if [ "$only_nvrtc" = 0 ]; then
  pkgs+=("${cublas_pkgs[@]}")
  libs+=("${cublas_libs[@]}")
fi

for tool in apt-get apt-cache dpkg sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found: this route needs Debian or Ubuntu" \
    "(elsewhere: the org.bytedeco cuda redist jar from Maven Central, see docs/gpu.md)"
done

if [ -z "$cache" ]; then
  if mkdir -p /var/cache/depthlab/cuda-debs 2>/dev/null && [ -w /var/cache/depthlab/cuda-debs ]; then
    cache=/var/cache/depthlab/cuda-debs
  else
    cache="$HOME/.cache/depthlab/cuda-debs"
  fi
fi
mkdir -p "$cache" || die "cannot create the download cache $cache"

work="$(mktemp -d "${TMPDIR:-/tmp}/depthlab-cuda-libs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/unpacked"
echo "deb $mirror $suite non-free" >"$work/sources.list"
apt_opts=(
  -o "Dir::Etc::sourcelist=$work/sources.list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "APT::Get::List-Cleanup=0"
  -o "APT::Sandbox::User=$(id -un)"
  -o "Debug::NoLocking=1"
)

# The package index (signed: apt checks the Release signature with the system's Debian keyring).
# (apt-get update may only warn when the mirror is unreachable: the index file is what counts)
if ! apt-get -qq "${apt_opts[@]}" update >"$work/update.log" 2>&1 ||
  [ -z "$(find "$work/lists" -maxdepth 1 -name '*non-free*Packages*' -print -quit)" ]; then
  die "cannot read Debian's package index from $mirror ($suite non-free): $(grep -m1 -E '^(E|W|Err):' "$work/update.log" || tail -1 "$work/update.log")"
fi

# field <package> <field>: one field of the package's index entry
field() {
  { apt-cache "${apt_opts[@]}" show "$1" 2>/dev/null || true; } |
    awk -v f="$2:" '$1 == f { print $2; exit }'
}

for p in "${pkgs[@]}"; do
  file="$(field "$p" Filename)"
  want="$(field "$p" SHA256)"
  [ -n "$file" ] && [ -n "$want" ] || die "$p is not in Debian $suite non-free (index from $mirror)"
  deb="$cache/$(basename "$file")"
  if [ -f "$deb" ] && [ "$(sha256sum "$deb" | cut -d' ' -f1)" = "$want" ]; then
    echo "cuda-libs: $p from the cache ($deb)"
  else
    echo "cuda-libs: downloading $p ($(awk -v b="$(field "$p" Size)" 'BEGIN { printf "%.1f", b / 1e6 }') MB)"
    (cd "$work" && apt-get -qq "${apt_opts[@]}" download "$p" >"$work/download.log" 2>&1) ||
      die "apt-get download $p failed: $(grep -m1 -E '^(E|W):' "$work/download.log" || tail -1 "$work/download.log")"
    got="$(sha256sum "$work/$(basename "$file")" | cut -d' ' -f1)"
    [ "$got" = "$want" ] || die "$p: SHA-256 $got differs from the package index's $want"
    mv "$work/$(basename "$file")" "$deb.tmp" && mv "$deb.tmp" "$deb"
  fi
  dpkg -x "$deb" "$work/unpacked" || die "dpkg -x $deb failed"
  echo "$p $(field "$p" Version) sha256:$want" >>"$work/MANIFEST"
done

# The unpacked libraries, each checked by its soname, then moved into place as a whole.
from="$work/unpacked/usr/lib/x86_64-linux-gnu"
for lib in "${libs[@]}"; do
  [ -e "$from/$lib" ] || die "$lib missing from the unpacked packages"
  if command -v readelf >/dev/null 2>&1; then
    soname="$(readelf -d "$from/$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')"
    [ "$soname" = "$lib" ] || die "$lib has the soname '$soname'"
  fi
done
mkdir -p "$dest"
rm -rf "$dest/lib.new"
mkdir "$dest/lib.new"
# what an earlier run put there stays (NVRTC only after a full run keeps cuBLAS)
[ ! -d "$dest/lib" ] || cp -a "$dest/lib/." "$dest/lib.new/"
cp -a "$from/." "$dest/lib.new/"
touch "$dest/lib.new/MANIFEST"
for p in "${pkgs[@]}"; do
  grep -v "^$p " "$dest/lib.new/MANIFEST" >"$work/manifest.old" || true
  cp "$work/manifest.old" "$dest/lib.new/MANIFEST"
done
cat "$work/MANIFEST" >>"$dest/lib.new/MANIFEST"
rm -rf "$dest/lib.old"
[ ! -e "$dest/lib" ] || mv "$dest/lib" "$dest/lib.old"
mv "$dest/lib.new" "$dest/lib"
rm -rf "$dest/lib.old"
if [ "$dest" = "$root/.cuda-libs" ]; then
  found="depthlab finds them there"
else
  found="depthlab looks in $root/.cuda-libs/lib; for this folder set DEPTHLAB_CUDA_LIBS=$dest/lib"
fi
echo "cuda-libs: ${libs[*]} in $dest/lib ($(du -sh "$dest/lib" | cut -f1)); $found"
