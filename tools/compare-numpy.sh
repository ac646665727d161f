#!/usr/bin/env bash
# Times the seed-style NumPy SGD step (tools/numpy_step.py) and `depthlab bench --backend cpu`
# side by side, shape by shape (alternating, in one run), both pinned to one core, and prints a
# markdown table with the ratio NumPy / depthlab (> 1: depthlab is faster) and the machine line.
# depthlab runs one replica a group (--replicas 1) and, for narrow shapes (at most 32 wide), also a
# group of replicas in SIMD lanes (how a sweep trains a study's seeds), one vector's lanes of the
# precision (as `depthlab backends` names them: 8 fp64, 16 fp32 on AVX-512), reported per replica.
#
#   tools/compare-numpy.sh [--seconds S] [--quick]
#
# Shapes: the seed study's (width 16, batch 32, depths 1 2 4 6 8) and, unless --quick, wide
# layers (depth 4, batch 256, widths 256 and 1024); each in fp64 and fp32. CORE picks the core
# (default 0). Needs python3 with numpy and a JDK 17+; builds target/depthlab.jar via ./depthlab.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

seconds=1.0
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds)
      [ $# -ge 2 ] || { echo "compare-numpy: --seconds needs a value" >&2; exit 2; }
      seconds="$2"
      shift 2
      ;;
    --quick) quick=1; shift ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-numpy: unknown option '$1' (use --seconds S, --quick)" >&2; exit 2 ;;
  esac
done

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import numpy' >/dev/null 2>&1; then
  echo "compare-numpy: needs python3 with numpy: install it with 'pip install numpy'" >&2
  exit 2
fi

# one BLAS thread for NumPy (numpy_step.py sets these too, before importing numpy)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

pin=()
core="${CORE:-0}"
if command -v taskset >/dev/null 2>&1; then
  pin=(taskset -c "$core")
  pinned="pinned to core $core"
else
  pinned="not pinned (no taskset)"
fi

python3 tools/numpy_step.py --selftest >&2

# the launcher builds the jar when it is missing or stale
./depthlab --version >/dev/null
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# the lanes of one vector per precision, from the `lanes` line ("replicas in 8 fp64 / 16 fp32 lanes")
lanes_line="$(./depthlab backends 2>/dev/null | awk '$1 == "lanes" { print; exit }')"
declare -A lane_count=()
if [[ "$lanes_line" =~ replicas\ in\ ([0-9]+)\ fp64\ /\ ([0-9]+)\ fp32\ lanes ]]; then
  lane_count[fp64]="${BASH_REMATCH[1]}"
  lane_count[fp32]="${BASH_REMATCH[2]}"
fi

shapes=()
for d in 1 2 4 6 8; do shapes+=("$d 16 32"); done
if [ "$quick" = 0 ]; then
  for w in 256 1024; do shapes+=("4 $w 256"); done
fi

rows=()
for shape in "${shapes[@]}"; do
  read -r depth width batch <<<"$shape"
  for prec in fp64 fp32; do
    np_us="$("${pin[@]}" python3 tools/numpy_step.py --depths "$depth" --width "$width" \
      --batch "$batch" --precision "$prec" --seconds "$seconds" --no-header | cut -d, -f5)"
    # through the launcher: it starts the JVM with the Vector API module (the fast CPU path) and
    # passes DEPTHLAB_JAVA_OPTS on
    dl_us="$("${pin[@]}" ./depthlab bench \
      --backend cpu --depths "$depth" --widths "$width" --batches "$batch" --replicas 1 \
      --precision "$prec" --seconds "$seconds" --cpu-max-gflop 100 --csv "$tmp/bench.csv" |
      awk '$1 == "cpu" && $2 != "" { print $7; exit }')"
    num='^[0-9]+([.][0-9]+)?$'
    if ! [[ "$np_us" =~ $num && "$dl_us" =~ $num ]]; then
      echo "compare-numpy: no timing for depth $depth width $width batch $batch $prec" >&2
      exit 1
    fi
    ratio="$(awk -v a="$np_us" -v b="$dl_us" 'BEGIN { printf "%.2f", a / b }')"
    # replicas in lanes (narrow networks, as a sweep groups a study's seeds): a group of one
    # vector's lanes, its step per replica
    lanes="-"
    lratio="-"
    if [ -n "${lane_count[$prec]:-}" ] && [ "$width" -le 32 ]; then
      lanes="$("${pin[@]}" ./depthlab bench \
        --backend cpu --depths "$depth" --widths "$width" --batches "$batch" \
        --replicas "${lane_count[$prec]}" \
        --precision "$prec" --seconds "$seconds" --cpu-max-gflop 100 --csv "$tmp/bench.csv" |
        awk '$1 == "cpu" && $2 != "" { print $8; exit }')"
      if ! [[ "$lanes" =~ $num ]]; then
        echo "compare-numpy: no lanes timing for depth $depth width $width batch $batch" >&2
        exit 1
      fi
      lratio="$(awk -v a="$np_us" -v b="$lanes" 'BEGIN { printf "%.2fx", a / b }')"
    fi
    row="| depth $depth, width $width, batch $batch | $prec | $np_us | $dl_us | ${ratio}x | $lanes | $lratio |"
    echo "$row" >&2
    rows+=("$row")
  done
done

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)"
numpy_line="$(python3 - <<'EOF'
import numpy as np
blas = "unknown BLAS"
try:
    b = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    blas = f"{b.get('name', '?')} {b.get('version', '')}".strip()
except Exception:
    pass
print(f"numpy {np.__version__} ({blas})")
EOF
)"
java_line="$("$java_bin" -version 2>&1 | head -1)"
cpu_path="$(./depthlab backends 2>/dev/null | awk '$1 == "path" { $1 = ""; sub(/^ /, ""); print; exit }')"

echo
echo "| shape | precision | NumPy us/step | depthlab us/step | NumPy / depthlab | lanes us/step/replica | NumPy / lanes |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
echo "machine: ${cpu:-unknown CPU}, $(getconf _NPROCESSORS_ONLN) cores, one $pinned; $numpy_line, 1 BLAS thread;" \
  "$java_line, CPU path: ${cpu_path:-unknown}; median of 5 timed rounds, --seconds $seconds per point"
