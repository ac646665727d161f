#!/usr/bin/env bash
# Regenerates a copy of the committed reference studies (results/) the way they are rebuilt
# (`depthlab report --from-summary`: they keep no run folders) and compares every committed file
# byte for byte, PNG figures and report.html's embedded PNGs included. PNG pixels depend on the
# machine's fonts, so run it on the machine that made results/; CommittedResultsTest checks the
# text files on any machine. Exit 0: identical; 1: a file differs (listed).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$here"
git ls-files results | while read -r f; do
  mkdir -p "$work/$(dirname "$f")" && cp "$f" "$work/$f"
done
for s in results/seed-study results/seed-study-gradnorm results/phase-example results/order-chaos-example results/edge-of-stability; do
  ./depthlab report --from-summary "$work/$s" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
done
status=0
while read -r f; do
  cmp -s "$f" "$work/$f" || { echo "differs: $f"; status=1; }
done < <(git ls-files results)
[ "$status" = 0 ] && echo "results/: $(git ls-files results | wc -l) files byte-identical"
exit "$status"
