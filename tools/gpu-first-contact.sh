#!/usr/bin/env bash
# First contact with a real GPU: checks depthlab's CUDA path end to end on this machine and
# writes one markdown page and one CSV to paste into an issue.
#
#   tools/gpu-first-contact.sh [--full] [--out DIR] [--tol X] [--keep-going]
#
# Meant for a bare GPU machine: a fresh Debian or Ubuntu with an NVIDIA driver, Maven Central and
# Debian's package registry reachable. It installs what is missing (a JDK through apt, the CUDA 12
# libraries through tools/cuda-libs.sh into .cuda-libs/), so nothing needs to be set up first.
#
# Time (estimates, not measured: no GPU has run it yet), on a 16-core machine with one H100:
#   default  at most 6 min: setup 1-2 min when the JDK and libraries are missing (about 250 MB),
#            build 1-1.5, the GPU tests 1-2, gradcheck, two 50-epoch studies and the bench 1.
#   --full   20-30 min: the GPU tests, the 1000-epoch seed study on cuda (compared with the
#            committed cpu reference) and the bench over widths up to 1024 in both precisions.
#
# Steps, each timed and recorded as PASS, FAIL or SKIPPED:
#   machine     nvidia-smi, uname, java -version, the CUDA libraries the dynamic linker finds
#   setup       installs what is missing: a JDK 17 (apt-get, as root), the CUDA 12 libraries
#               (tools/cuda-libs.sh: Debian's packages into .cuda-libs/, no root needed)
#   driver      an NVIDIA driver: libcuda.so.1 in the linker cache or /dev/nvidia0; without one it
#               stops here with one line (exit 3)
#   build       ./depthlab --version (builds target/depthlab.jar when missing or stale)
#   backends    ./depthlab backends: is cuda usable, and if not, why (then stop: exit 3)
#   parity      ./mvnw test -Dtest='Gpu*Test': the parity tests on the device (GpuGraphsTest:
#               the CUDA-graph path bit for bit against the step-by-step path;
#               GpuFusedGoldenBitsTest: GoldenBitsTest's small studies on the fused path, which
#               must give the CPU's committed bits, so CPU == fused GPU shows here;
#               GpuMultiEpochTest: launches of several epochs on the fused path, with the
#               evaluation inside, give the CPU's raw bits, directly and through the Trainer;
#               GpuHessianVectorTest: the device R-pass against the host RPass, central
#               differences and a dense Hessian)
#   gradcheck   ./depthlab gradcheck: cuda's gradients vs finite differences and vs the cpu
#   sweep-cuda  the seed study on cuda (default: 50 epochs; --full: 1000)
#   sweep-cpu   default only: the same 50-epoch study on the cpu, to compare with
#   compare     cuda vs the cpu by statistics over the paired seeds (tools/compare-seeds.awk:
#               per dataset, depth and metric, the 95% interval of the mean difference within a
#               margin), not bit for bit; the run-by-run differences beside it
#   bench       ./depthlab bench: the seed study's steps (2-16xd-1, d = 1..8, batch 32, R 10) on
#               cuda-fused, cuda-layered (step by step), cuda-graphs and the cpu; --full also
#               widths up to 1024 and fp32
# A failed step does not stop the later ones; a step that needs a failed one is SKIPPED.
#
# Options:
#   --full        the long version: the full seed study on cuda, compared with the committed cpu
#                 reference results/seed-study/summary.csv, and the larger bench. Default: the
#                 seed study shortened to 50 epochs, run on cuda and on the cpu and compared.
#   --quick       the default (kept for old command lines)
#   --out DIR     the report folder (must be new or empty); default
#                 results/gpu-first-contact/<UTC timestamp>/ (ignored by git)
#   --tol X       the run-by-run table: a metric differs when |cuda - cpu| > X * max(1, |cpu|)
#                 (default 1e-6; information only, the verdict is the statistics over seeds)
#   --keep-going  run every step even without a usable GPU (to try this script on a machine
#                 without one: the cuda steps then fail with their reason); still exits 3
#
# Writes DIR/first-contact.md, DIR/first-contact.csv (step,status,seconds,detail), the full
# output of every step in DIR/logs/, and the studies, comparison and bench CSV beside them.
# Exit: 0 every step passed; 1 a step failed; 2 bad usage; 3 no usable GPU (the report says why);
# 130 interrupted (Ctrl-C; the report says where).
set -Eeuo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

usage() { sed -n '2,/^set -E/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

quick=true
keep_going=false
tol=1e-6
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --full) quick=false ;;
    --keep-going) keep_going=true ;;
    --out) [ $# -ge 2 ] || { echo "gpu-first-contact: --out needs a folder" >&2; exit 2; }
      out=$2; shift ;;
    --out=*) out=${1#--out=} ;;
    --tol) [ $# -ge 2 ] || { echo "gpu-first-contact: --tol needs a number" >&2; exit 2; }
      tol=$2; shift ;;
    --tol=*) tol=${1#--tol=} ;;
    -h | --help) usage; exit 0 ;;
    *) echo "gpu-first-contact: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if ! [[ $tol =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]]; then
  echo "gpu-first-contact: --tol must be a non-negative number, got '$tol'" >&2
  exit 2
fi
started_utc=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
out=${out:-results/gpu-first-contact/$(date -u '+%Y%m%dT%H%M%SZ')}
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  # A sweep resumes a study folder (finished runs are skipped), which would hide the GPU's work.
  echo "gpu-first-contact: --out $out is not empty; give a new folder" >&2
  exit 2
fi
mkdir -p "$out/logs"
out=$(cd "$out" && pwd)
out=${out#"$root"/} # relative to the project root when inside it: shorter, and no home folder
logs=$out/logs
body=$(mktemp)

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
epochs_quick=50

# ---------------------------------------------------------------------------------------------
# Recording: one row per step (for the table and the CSV), one markdown section per step run.

names=() statuses=() seconds=() details=()
gpu_line="none found"
verdict=""

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# record NAME STATUS SECONDS DETAIL: one row; also one progress line on the terminal.
record() {
  names+=("$1") statuses+=("$2") seconds+=("$3") details+=("$4")
  printf '%-10s %-7s %7s s  %s\n' "$1" "$2" "$3" "$4" >&2
}

section() { printf '## %s\n\n' "$*" >>"$body"; }
para() { printf '%s\n\n' "$*" >>"$body"; }
# Fences standard input as a text block of the report.
block() { { echo '```text'; cat; echo '```'; echo; } >>"$body"; }
# Lines of FILE matching the extended regex PATTERN, the first MAX of them; nothing is no error.
lines() { { grep -E "$1" "$2" || true; } | sed -n "1,${3:-40}p"; }
# The first line of FILE matching PATTERN, or nothing.
first() { lines "$1" "$2" 1; }

# run LOG SECONDS CMD...: runs CMD from the project root with its output in LOG, killed after
# SECONDS; returns its exit status (124: timed out).
run() {
  local log=$1 limit=$2 rc=0
  shift 2
  printf '$ %s\n' "$*" >"$log"
  if command -v timeout >/dev/null 2>&1; then
    # --foreground keeps CMD in our process group, so Ctrl-C reaches it.
    timeout --foreground --kill-after=30 "$limit" "$@" >>"$log" 2>&1 || rc=$?
  else
    "$@" >>"$log" 2>&1 || rc=$?
  fi
  [ "$rc" -ne 124 ] || echo "gpu-first-contact: timed out after $limit s" >>"$log"
  if [ "$rc" -eq 130 ]; then
    # Ctrl-C: java exits 130 instead of dying of SIGINT, and then bash does not act on it.
    stopped_at="interrupted during $*"
    exit 130
  fi
  return "$rc"
}

# Why a command failed, in a few words: its exit code and its last error-looking line (or its
# last line).
failure() {
  local rc=$1 log=$2 last
  if [ "$rc" -eq 124 ]; then
    echo "timed out (see logs/$(basename "$log"))"
    return
  fi
  last=$({ grep -E 'ERROR|Error|error|FAIL|Exception|unavailable|failed' "$log" || true; } \
    | tail -n 1)
  [ -n "$last" ] || last=$({ grep -v '^[[:space:]]*$' "$log" || true; } | tail -n 1)
  echo "exit $rc${last:+: $last}"
}

csv_field() { local s=${1//\"/\"\"}; printf '"%s"' "$s"; }
md_cell() { local s=${1//|/\\|}; printf '%s' "$s"; }

skip_rest() { # REASON STEP...: into the report only (the terminal has the reason already)
  local reason=$1 s
  shift
  for s in "$@"; do names+=("$s") statuses+=(SKIPPED) seconds+=(0.0) details+=("$reason"); done
}

write_report() {
  local code=$1 i mode commit dirty branch
  mode=$($quick && echo "default (seed study at $epochs_quick epochs, cuda vs cpu)" \
    || echo "full (seed study, cuda vs the committed cpu reference)")
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo "not a git checkout")
  dirty=$(git status --porcelain 2>/dev/null | sed -n '$=' || true)
  branch=$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo '?')
  {
    echo "# depthlab: first contact with a GPU"
    echo
    echo "**$(md_cell "$verdict")** (exit code $code)"
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| date | $started_utc |"
    echo "| machine | $(md_cell "$(uname -n), $(uname -srm), $(nproc) cores, $(mem_total)") |"
    echo "| GPU | $(md_cell "$gpu_line") |"
    echo "| depthlab | $commit${dirty:+ with $dirty uncommitted changes}, branch $branch |"
    echo "| mode | $mode |"
    echo "| report folder | \`$out\` |"
    echo
    echo "| step | status | seconds | detail |"
    echo "| --- | --- | ---: | --- |"
    for i in "${!names[@]}"; do
      echo "| ${names[$i]} | ${statuses[$i]} | ${seconds[$i]} | $(md_cell "${details[$i]}") |"
    done
    echo
    cat "$body"
    echo "---"
    echo "Full output of every step: \`logs/\`. Written by \`tools/gpu-first-contact.sh\`."
  } >"$out/first-contact.md"
  {
    echo "step,status,seconds,detail"
    for i in "${!names[@]}"; do
      echo "${names[$i]},${statuses[$i]},${seconds[$i]},$(csv_field "${details[$i]}")"
    done
  } >"$out/first-contact.csv"
}

# Writes the report and exits with the code its steps earned.
finish() {
  local code=0 failed="" i
  for i in "${!names[@]}"; do
    # Without a GPU, the backends step's failure is the verdict itself.
    [ "${statuses[$i]}" = FAIL ] || continue
    [ -n "${no_gpu_reason:-}" ] && { [ "${names[$i]}" = backends ] || [ "${names[$i]}" = driver ]; } && continue
    failed="$failed ${names[$i]}"
  done
  if [ -n "${stopped:-}" ]; then
    code=$stopped_code
    verdict="STOPPED: $stopped"
  elif [ -n "${no_gpu_reason:-}" ]; then
    code=3
    verdict="no usable GPU: $no_gpu_reason"
    [ -z "$failed" ] || verdict="$verdict (failed:$failed)"
  elif [ -n "$failed" ]; then
    code=1
    verdict="FAIL:$failed"
  else
    verdict="PASS: every step passed on $gpu_line"
  fi
  reported=true
  write_report "$code"
  echo "$verdict" >&2
  echo "report: $out/first-contact.md" >&2
  exit "$code"
}

# A bug in this script, or Ctrl-C, still leaves a report saying where it stopped.
reported=false
stopped_at=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
on_exit() {
  local rc=$?
  if ! $reported; then
    stopped="the script stopped (exit $rc)${stopped_at:+: $stopped_at}"
    stopped_code=$rc
    [ "$rc" -ne 0 ] || stopped_code=1
    record script FAIL 0.0 "$stopped"
    finish
  fi
  rm -f "$body"
}
trap 'stopped_at="line $LINENO: $BASH_COMMAND"' ERR
trap on_exit EXIT
trap 'stopped_at="interrupted"; exit 130' INT
trap 'stopped_at="terminated"; exit 143' TERM

mem_total() {
  awk '/^MemTotal:/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# The steps.

# The CUDA libraries JCuda 12.6 needs, then CUDA 13 ones: present alone, they explain a mismatch.
cuda12_libs=(libcuda.so.1 libcublas.so.12 libcublasLt.so.12 libnvrtc.so.12 libnvrtc-builtins.so.12)
cuda13_libs=(libcublas.so.13 libcublasLt.so.13 libnvrtc.so.13 libnvrtc-builtins.so.13)

step_machine() {
  local t0 smi="" smi_error="" cuda_version="" ldconfig_bin cache lib path found="" missing=""
  local cuda13="" dir dirs f extra
  t0=$(now)
  section "machine: the machine and its driver"
  {
    echo "\$ uname -a"
    uname -a
    echo
    if command -v nvidia-smi >/dev/null 2>&1; then
      nvidia-smi >"$logs/nvidia-smi.txt" 2>&1 || true
      cuda_version=$({ grep -o 'CUDA Version: *[0-9.]*' "$logs/nvidia-smi.txt" || true; } \
        | sed 's/.*: *//')
      echo "\$ nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap"
      # compute_cap needs a driver from 2021 on; older ones answer the query without it.
      if smi=$(nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap \
        --format=csv,noheader 2>&1) || smi=$(nvidia-smi \
        --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1); then
        echo "$smi"
      else
        smi_error=$(printf '%s\n' "$smi" | sed -n 1p)
        smi=""
        echo "failed: $smi_error"
      fi
      echo "CUDA version (nvidia-smi): ${cuda_version:-?}"
      echo
      echo "\$ nvidia-smi"
      cat "$logs/nvidia-smi.txt"
    else
      smi_error="not found on PATH"
      echo "nvidia-smi: not found on PATH (no NVIDIA driver installed, or not on PATH)"
    fi
    echo
    echo "\$ $java_bin -version"
    "$java_bin" -version 2>&1 || echo "(java -version failed)"
    echo
    ldconfig_bin=$(PATH="$PATH:/sbin:/usr/sbin" command -v ldconfig || true)
    cache=""
    if [ -n "$ldconfig_bin" ]; then cache=$("$ldconfig_bin" -p 2>/dev/null || true); fi
    echo "\$ ldconfig -p (CUDA libraries)${ldconfig_bin:+ [$ldconfig_bin]}"
    for lib in "${cuda12_libs[@]}" "${cuda13_libs[@]}"; do
      path=$(printf '%s\n' "$cache" | awk -v l="$lib" \
        'index($1, l) == 1 && (length($1) == length(l) || substr($1, length(l) + 1, 1) == ".") \
         { print $NF; exit }')
      extra=""
      IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}"
      for dir in "${dirs[@]}"; do
        for f in "$dir/$lib" "$dir/$lib".*; do
          if [ -e "$f" ]; then extra="$extra $f"; fi
        done
      done
      printf '%-26s %s%s\n' "$lib" "${path:-not in the ldconfig cache}" \
        "${extra:+; in LD_LIBRARY_PATH:$extra}"
      if [[ $lib == *.so.13 ]]; then
        [ -z "$path$extra" ] || cuda13="$cuda13 $lib"
      elif [ -n "$path$extra" ]; then
        found="$found $lib"
      else
        missing="$missing $lib"
      fi
    done
    echo
    echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-(unset)}"
    echo "CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-(unset)}"
  } >"$logs/machine.log" 2>&1
  block <"$logs/machine.log"
  if [ -n "$smi" ]; then
    # "NVIDIA H100 80GB HBM3, 550.54.15, 81559 MiB, 9.0" -> labelled; depthlab uses device 0.
    gpu_line=$(printf '%s\n' "$smi" | awk -F', *' -v cuda="${cuda_version:-?}" '
      NR == 1 { printf "%s, driver %s, CUDA %s, %s", $1, $2, cuda, $3 }
      NR == 1 && NF > 3 { printf ", compute capability %s", $4 }
      END { if (NR > 1) printf " (the first of %d GPUs)", NR }')
  fi
  record machine PASS "$(since "$t0")" \
    "nvidia-smi: ${smi:+$gpu_line}${smi_error}; CUDA 12 libraries found:${found:- none}, \
missing:${missing:- none}; CUDA 13 libraries:${cuda13:- none}"
}

# Installs what is missing: a JDK (apt-get, as root) and the CUDA 12 libraries (tools/cuda-libs.sh).
step_setup() {
  local t0 rc=0 did="" lib missing=""
  t0=$(now)
  : >"$logs/setup.log"
  if ! command -v "$java_bin" >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
      run "$logs/setup-jdk.log" 900 sh -c \
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless' \
        || rc=$?
      cat "$logs/setup-jdk.log" >>"$logs/setup.log"
      if [ "$rc" -ne 0 ]; then
        record setup FAIL "$(since "$t0")" "installing a JDK: $(failure "$rc" "$logs/setup-jdk.log")"
        return 1
      fi
      java_bin=java
      did="JDK (openjdk-17-jdk-headless);"
    else
      record setup FAIL "$(since "$t0")" \
        "no java: install a JDK 17 or later (as root this script installs openjdk-17-jdk-headless)"
      return 1
    fi
  fi
  for lib in libnvrtc.so.12 libnvrtc-builtins.so.12.4 libcublasLt.so.12 libcublas.so.12; do
    [ -e ".cuda-libs/lib/$lib" ] || missing="$missing $lib"
  done
  if [ -n "$missing" ]; then
    rc=0
    run "$logs/setup-cuda-libs.log" 1200 tools/cuda-libs.sh || rc=$?
    cat "$logs/setup-cuda-libs.log" >>"$logs/setup.log"
    if [ "$rc" -ne 0 ]; then
      record setup FAIL "$(since "$t0")" \
        "tools/cuda-libs.sh: $(failure "$rc" "$logs/setup-cuda-libs.log")"
      return 1
    fi
    did="${did:+$did }$(tail -n 1 "$logs/setup-cuda-libs.log" | sed 's/^cuda-libs: //')"
  fi
  record setup PASS "$(since "$t0")" "${did:-nothing to install (JDK and .cuda-libs/lib present)}"
}

# An NVIDIA driver: libcuda.so.1 in the linker cache (or LD_LIBRARY_PATH), or a /dev/nvidia0.
step_driver() {
  local t0 ldconfig_bin where="" dir
  local -a dirs
  t0=$(now)
  ldconfig_bin=$(PATH="$PATH:/sbin:/usr/sbin" command -v ldconfig || true)
  if [ -n "$ldconfig_bin" ]; then
    where=$("$ldconfig_bin" -p 2>/dev/null | awk '$1 == "libcuda.so.1" { print $NF; exit }')
  fi
  IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}"
  for dir in "${dirs[@]}"; do
    [ -n "$where" ] || [ ! -e "$dir/libcuda.so.1" ] || where="$dir/libcuda.so.1"
  done
  if [ -n "$where" ] || [ -e /dev/nvidia0 ]; then
    record driver PASS "$(since "$t0")" \
      "libcuda.so.1: ${where:-not in the linker cache}; /dev/nvidia0: $([ -e /dev/nvidia0 ] && echo present || echo absent)"
    return 0
  fi
  no_gpu_reason="no NVIDIA driver: libcuda.so.1 is not in the linker cache and there is no"
  no_gpu_reason="$no_gpu_reason /dev/nvidia0 (install the NVIDIA driver, R525 or later for CUDA 12)"
  record driver FAIL "$(since "$t0")" "$no_gpu_reason"
  return 1
}

step_build() {
  local t0 rc=0
  t0=$(now)
  run "$logs/build.log" 1800 ./depthlab --version || rc=$?
  if [ "$rc" -eq 0 ]; then
    record build PASS "$(since "$t0")" "$(tail -n 1 "$logs/build.log")"
  else
    record build FAIL "$(since "$t0")" "$(failure "$rc" "$logs/build.log")"
    section "build: the jar"
    tail -n 30 "$logs/build.log" | block
  fi
  return "$rc"
}

step_backends() {
  local t0 rc=0 cuda cuda_details
  t0=$(now)
  section "backends: what depthlab can run on"
  run "$logs/backends.log" 600 ./depthlab backends || rc=$?
  block <"$logs/backends.log"
  cuda=$(first '^cuda ' "$logs/backends.log" | sed 's/^cuda  *//')
  if [ "$rc" -ne 0 ]; then
    record backends FAIL "$(since "$t0")" "depthlab backends: $(failure "$rc" "$logs/backends.log")"
    return 1
  fi
  case "$cuda" in
    available*)
      # The device's detail lines are the indented ones right below "cuda".
      cuda_details=$(awk '/^cuda / { on = 1; next } on && /^      / { sub(/^ +/, ""); \
        sub(/  +/, ": "); printf "%s%s", sep, $0; sep = ", "; next } { on = 0 }' \
        "$logs/backends.log")
      [ "$gpu_line" != "none found" ] || gpu_line=$cuda_details
      record backends PASS "$(since "$t0")" "cuda available: $cuda_details"
      ;;
    unavailable:*)
      no_gpu_reason=${cuda#unavailable: }
      record backends FAIL "$(since "$t0")" "no usable GPU: $no_gpu_reason"
      ;;
    *)
      no_gpu_reason="depthlab backends printed no cuda line"
      record backends FAIL "$(since "$t0")" "$no_gpu_reason"
      ;;
  esac
}

# Reads an attribute (tests, failures, ...) of a surefire XML report's <testsuite> element.
suite_attr() {
  local v
  v=$(sed -n '/<testsuite[ >]/{s/.* '"$1"'="\([0-9]*\)".*/\1/p;q}' "$2")
  echo "${v:-0}"
}

step_parity() {
  local t0 rc=0 marker xml tests=0 failures=0 errors=0 skipped=0 n passed reason
  t0=$(now)
  section "parity: the parity tests on the device"
  marker=$(mktemp)
  run "$logs/parity.log" 3600 ./mvnw -B test -Dtest='Gpu*Test' \
    -Dsurefire.failIfNoSpecifiedTests=false || rc=$?
  mkdir -p "$out/surefire-reports"
  n=0
  while IFS= read -r xml; do
    cp "$xml" "$out/surefire-reports/"
    n=$((n + 1))
    tests=$((tests + $(suite_attr tests "$xml")))
    failures=$((failures + $(suite_attr failures "$xml")))
    errors=$((errors + $(suite_attr errors "$xml")))
    skipped=$((skipped + $(suite_attr skipped "$xml")))
  done < <(find target/surefire-reports -name 'TEST-*.Gpu*Test.xml' -newer "$marker" 2>/dev/null)
  rm -f "$marker"
  passed=$((tests - failures - errors - skipped))
  local counts="$tests tests: $passed passed, $failures failed, $errors errors, $skipped skipped"
  para "\`./mvnw -B test -Dtest='Gpu*Test'\`: exit $rc; $n surefire report(s) (copied to" \
    "\`surefire-reports/\`): $counts."
  lines 'max relative error|graphs vs step by step|fused golden bits|multi-epoch|GpuParityTest|Tests run:|<<< FAIL|ERROR\]' \
    "$logs/parity.log" 120 | block
  reason=$(first 'SKIPPED GpuParityTest' "$logs/parity.log" | sed 's/.*: no usable/no usable/')
  if [ "$n" -eq 0 ]; then
    record parity FAIL "$(since "$t0")" "no Gpu*Test report: $(failure "$rc" "$logs/parity.log")"
  elif [ "$rc" -ne 0 ] || [ $((failures + errors)) -gt 0 ]; then
    record parity FAIL "$(since "$t0")" "$counts"
  elif [ "$tests" -eq 0 ] || [ "$skipped" -gt 0 ]; then
    record parity FAIL "$(since "$t0")" "$counts${reason:+ ($reason)}"
  else
    record parity PASS "$(since "$t0")" "$counts"
  fi
}

step_gradcheck() {
  local t0 rc=0 cuda_rows detail
  t0=$(now)
  section "gradcheck: gradients vs finite differences and vs the cpu"
  # gradcheck checks every usable backend (and each against the others) whatever --backend says,
  # so PASS also needs cuda's own rows in its output.
  run "$logs/gradcheck.log" 900 ./depthlab gradcheck config/seed-study.yaml --backend cuda || rc=$?
  block <"$logs/gradcheck.log"
  cuda_rows=$(awk '$4 == "cuda" { n++ } END { print n + 0 }' "$logs/gradcheck.log")
  detail="$(first '^max error' "$logs/gradcheck.log");"
  detail="$detail $(first 'vs each other' "$logs/gradcheck.log")"
  if [ "$rc" -ne 0 ]; then
    record gradcheck FAIL "$(since "$t0")" "$(failure "$rc" "$logs/gradcheck.log"); $detail"
  elif [ "$cuda_rows" -eq 0 ]; then
    record gradcheck FAIL "$(since "$t0")" \
      "no cuda rows: $(first '^cuda skipped' "$logs/gradcheck.log")"
  else
    record gradcheck PASS "$(since "$t0")" "$cuda_rows cuda rows; $detail"
  fi
}

# step_sweep NAME BACKEND: the seed study (shortened with --quick) into $out/seed-study-BACKEND.
step_sweep() {
  local name=$1 backend=$2 t0 rc=0 dir=$out/seed-study-$2 log=$logs/$1.log
  local args=(sweep config/seed-study.yaml --backend "$backend" --out "$dir" --quiet)
  if $quick; then args+=(--set "training.epochs=$epochs_quick"); fi
  t0=$(now)
  run "$log" 7200 ./depthlab "${args[@]}" || rc=$?
  local took
  took=$(since "$t0")
  section "$name: the seed study on $backend"
  para "\`./depthlab ${args[*]}\`: exit $rc after $took s (this script's clock: build check," \
    "preflight, training and report)."
  # Everything but the one-line-per-run progress.
  { grep -Ev '^\[[0-9]+/[0-9]+\] ' "$log" || true; } | sed -n '1,60p' | block
  if [ "$rc" -eq 0 ] && [ -f "$dir/summary.csv" ]; then
    record "$name" PASS "$took" "$(first '^trained ' "$log") ($took s in all)"
    return 0
  fi
  record "$name" FAIL "$took" "$(failure "$rc" "$log")"
  return 1
}

study_hash() { sed -n 's/^# hash: //p' "$1/study.yaml" 2>/dev/null; }

step_compare() {
  local t0 rc=0 ref ref_name ref_dir new_dir=$out/seed-study-cuda summary hash_note=""
  t0=$(now)
  if $quick; then
    ref_dir=$out/seed-study-cpu ref_name=cpu
  else
    ref_dir=results/seed-study ref_name="cpu reference"
  fi
  ref=$ref_dir/summary.csv
  section "compare: seed study, cuda vs $ref_name"
  if [ "$(study_hash "$ref_dir")" != "$(study_hash "$new_dir")" ]; then
    hash_note="protocol hash differs from $ref_dir/study.yaml"
    hash_note="$hash_note ($(study_hash "$ref_dir" | cut -c1-16) vs"
    hash_note="$hash_note $(study_hash "$new_dir" | cut -c1-16)): not the same study"
    para "**$hash_note** (a stale committed reference? \`--quick\` compares two fresh runs)."
  fi
  # the verdict: statistics over the paired seeds
  awk -v ref_name="$ref_name" -v new_name=cuda -f tools/compare-seeds.awk \
    "$ref" "$new_dir/summary.csv" >"$logs/compare.log" 2>&1 || rc=$?
  summary=$(sed -n 1p "$logs/compare.log")
  if [ "$rc" -eq 2 ]; then
    block <"$logs/compare.log"
  else
    para "Paired by seed (same data, batch order and initial weights on both backends): per" \
      "dataset, depth and metric the mean of cuda - $ref_name over the seeds and its 95% interval" \
      "(Student t); equivalent when the interval lies within the margin (accuracy 0.01, loss 5%" \
      "of the reference's mean + 1e-4). Not bit for bit: the backends round differently."
    sed '1,/^$/d' "$logs/compare.log" >>"$body"
    echo >>"$body"
  fi
  # run by run, for information (rounding drift shows here first)
  awk -v tol="$tol" -v ref_name="$ref_name" -v new_name=cuda \
    -v csv="$out/seed-study-compare.csv" -f tools/compare-summaries.awk \
    "$ref" "$new_dir/summary.csv" >"$logs/compare-runs.log" 2>&1 || true
  para "Run by run (information only): $(sed -n 1p "$logs/compare-runs.log"); per metric in" \
    "\`seed-study-compare.csv\`."
  if [ "$rc" -eq 0 ] && [ -z "$hash_note" ]; then
    record compare PASS "$(since "$t0")" "$summary"
  else
    record compare FAIL "$(since "$t0")" "${hash_note:+$hash_note; }$summary"
  fi
}

step_bench() {
  local t0 rc=0 csv=$out/bench.csv cuda_rows
  local args=(bench --backend all --batches 32 --depths "1,2,4,6,8" --csv "$csv")
  if $quick; then
    # the seed study's own steps: 2-16xd-1, batch 32, R 10, fp64 (fused and layered paths)
    args+=(--precision fp64 --widths 16 --replicas 10 --seconds 0.25)
  else
    args+=(--precision "fp64,fp32" --widths "16,64,256,1024" --replicas "1,10" --seconds 0.5)
  fi
  t0=$(now)
  run "$logs/bench.log" 3600 ./depthlab "${args[@]}" || rc=$?
  section "bench: one SGD step, cuda vs cpu"
  para "\`./depthlab ${args[*]}\`: exit $rc. Median microseconds per lockstep step of all R" \
    "replicas; CSV: \`bench.csv\`."
  cuda_rows=$({ grep -c '^cuda-[a-z]*,' "$csv" 2>/dev/null || true; })
  if [ -f "$csv" ]; then
    bench_table "$csv" >>"$body"
    echo >>"$body"
  fi
  lines 'left out|skipped|GPU vs CPU|crossover|machine:|GPU paths|calls/step|emulator counts' "$logs/bench.log" 90 |
    block
  para "The model to compare the \`cuda-fused\` rows with (docs/gpu.md, \"Measured counts per" \
    "step\", an estimate from the emulator's counts, which bench prints under each counted point" \
    "as \"emulator counts\"): a fused fp64 step needs at least 1,043, 11,683 and 25,574" \
    "shared-memory wavefronts at depths 1, 4 and 8 (one block per replica, R blocks side by side)," \
    "about 0.6, 6.7 and 14.6 us at 1.75 GHz."
  if [ "$rc" -ne 0 ]; then
    record bench FAIL "$(since "$t0")" "$(failure "$rc" "$logs/bench.log")"
  elif [ "${cuda_rows:-0}" -eq 0 ]; then
    record bench FAIL "$(since "$t0")" "no cuda rows: $(first 'left out' "$logs/bench.log")"
  else
    record bench PASS "$(since "$t0")" \
      "$cuda_rows cuda points; $(first 'GPU vs CPU' "$logs/bench.log")"
  fi
}

# The bench CSV as one markdown table: each shape's times on the three GPU paths (cuda-fused,
# cuda-layered, cuda-graphs) and the cpu side by side, and the cpu's time over the fastest.
bench_table() {
  awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    {
      k = $c["precision"] " | " $c["depth"] " | " $c["width"] " | " $c["batch"] " | " $c["replicas"]
      if (!(k in seen)) { seen[k] = 1; order[++n] = k }
      t[k, $c["backend"]] = $c["us_per_step"]
    }
    END {
      print "| precision | depth | width | batch | R | cuda-fused us/step | cuda-layered us/step | cuda-graphs us/step | cpu us/step | cpu / best cuda |"
      print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
      for (i = 1; i <= n; i++) {
        k = order[i]; f = t[k, "cuda-fused"]; l = t[k, "cuda-layered"]; h = t[k, "cuda-graphs"]; p = t[k, "cpu"]
        g = l
        if (f != "" && (g == "" || f + 0 < g + 0)) g = f
        if (h != "" && (g == "" || h + 0 < g + 0)) g = h
        printf "| %s | %s | %s | %s | %s | %s |\n", k, f == "" ? "-" : sprintf("%.1f", f),
          l == "" ? "-" : sprintf("%.1f", l), h == "" ? "-" : sprintf("%.1f", h),
          p == "" ? "-" : sprintf("%.1f", p), (g == "" || p == "") ? "-" : sprintf("%.2fx", p / g)
      }
    }' "$1"
}

# ---------------------------------------------------------------------------------------------

echo "gpu-first-contact: report folder $out" >&2
if $quick; then
  echo "gpu-first-contact: default mode, at most 6 min on a 16-core GPU machine (an estimate)" >&2
else
  echo "gpu-first-contact: --full takes 20-30 min on a 16-core machine with an H100 (an estimate)" >&2
fi
gpu_steps=(parity gradcheck sweep-cuda)
if $quick; then gpu_steps+=(sweep-cpu); fi
gpu_steps+=(compare bench)
step_machine
if ! step_setup; then
  skip_rest "setup failed" driver build backends "${gpu_steps[@]}"
  finish
fi
if ! step_driver && ! $keep_going; then
  skip_rest "no NVIDIA driver" build backends "${gpu_steps[@]}"
  finish
fi
if ! step_build; then
  skip_rest "build failed" backends "${gpu_steps[@]}"
  finish
fi
if ! step_backends; then
  skip_rest "depthlab backends failed" "${gpu_steps[@]}"
  finish
fi
if [ -n "${no_gpu_reason:-}" ] && ! $keep_going; then
  skip_rest "no usable GPU" "${gpu_steps[@]}"
  finish
fi

step_parity
step_gradcheck
sweeps_ok=true
step_sweep sweep-cuda cuda || sweeps_ok=false
if $quick; then
  step_sweep sweep-cpu cpu || sweeps_ok=false
fi
if $sweeps_ok; then
  step_compare
else
  skip_rest "a sweep failed, nothing to compare" compare
fi
step_bench
finish
