# Compares two study summaries (summary.csv) run by run and prints a markdown table.
#
#   awk -v tol=1e-6 -v ref_name=cpu -v new_name=cuda -f tools/compare-summaries.awk REF.csv NEW.csv
#
# Rows are joined on (dataset, depth, seed), columns are found by their header names, so the
# column order of the two files may differ. For each metric it prints the largest absolute and
# relative difference and how many runs differ beyond the tolerance: |new - ref| > tol * max(1,
# |ref|) (absolute below 1, relative above), and the training time of each (wall_s). The first
# output line is a one-line summary; then the markdown.
# Exit status: 0 every run joined, ok in both, every metric within tolerance; 1 otherwise;
# 2 unreadable input (missing column, quoted field).
# Variables: tol (default 1e-6), ref_name, new_name (labels), metrics (comma-separated, default
# the seven below), csv (optional: also write the per-metric table there as CSV).
# Plain POSIX awk (runs on mawk, gawk, busybox); summary.csv fields are never quoted.

BEGIN {
  FS = ","
  if (tol == "") tol = 1e-6
  if (ref_name == "") ref_name = "reference"
  if (new_name == "") new_name = "new"
  if (metrics == "") {
    metrics = "train_acc,test_acc,train_loss,test_loss,grad_norm_mean,grad_norm_std,grad_norm_cv"
  }
  nmetrics = split(metrics, metric, ",")
  KEYS = "dataset,depth,seed"
}

FNR == 1 {
  file++
  if (file > 2) fail("give exactly two files: REF.csv NEW.csv")
  name[file] = FILENAME
  split("", col)
  for (i = 1; i <= NF; i++) col[$i] = i
  need = KEYS ",status,wall_s," metrics
  n = split(need, wanted, ",")
  for (i = 1; i <= n; i++) {
    if (!(wanted[i] in col)) fail(FILENAME ": no column '" wanted[i] "' in the header")
    at[file, wanted[i]] = col[wanted[i]]
  }
  if ("backend" in col) at[file, "backend"] = col["backend"]
  next
}

{
  if (index($0, "\"") > 0) fail(FILENAME ":" FNR ": quoted CSV fields are not supported")
  key = $at[file, "dataset"] " depth " $at[file, "depth"] " seed " $at[file, "seed"]
  if ((file, key) in seen) fail(FILENAME ":" FNR ": run " key " appears twice")
  seen[file, key] = 1
  rows[file]++
  if (file == 1) order[++nkeys] = key
  else if (!((1, key) in seen)) only_new[++n_only_new] = key
  for (m = 1; m <= nmetrics; m++) value[file, key, metric[m]] = $at[file, metric[m]]
  if ($at[file, "status"] != "ok") not_ok[file]++
  # A group's replicas (cuda: the seeds of a data set and depth) share one wall_s: count it once.
  group = file SUBSEP $at[file, "dataset"] SUBSEP $at[file, "depth"] SUBSEP $at[file, "wall_s"]
  if (!(group in groups_seen)) {
    groups_seen[group] = 1
    groups[file]++
    wall[file] += $at[file, "wall_s"]
  }
  if ($at[file, "wall_s"] + 0 > wall_max[file]) wall_max[file] = $at[file, "wall_s"] + 0
  if ((file, "backend") in at) backends[file] = add_word(backends[file], $at[file, "backend"])
}

END {
  if (failed) exit 2
  if (file != 2) fail("give exactly two files: REF.csv NEW.csv")
  if (failed) exit 2
  joined = 0
  for (k = 1; k <= nkeys; k++) {
    key = order[k]
    if (!((2, key) in seen)) { only_ref[++n_only_ref] = key; continue }
    joined++
    for (m = 1; m <= nmetrics; m++) compare(key, metric[m])
  }
  total_beyond = 0
  for (m = 1; m <= nmetrics; m++) total_beyond += beyond[metric[m]]

  ok = joined > 0 && n_only_ref == 0 && n_only_new == 0 && not_ok[1] == 0 && not_ok[2] == 0 \
    && total_beyond == 0
  printf "%d runs joined, %d values beyond tolerance %g, %d runs only in %s, %d only in %s, " \
    "%d/%d not ok\n", joined, total_beyond, tol, n_only_ref, ref_name, n_only_new, new_name,
    not_ok[1], not_ok[2]

  printf "\n"
  printf "- %s: `%s` (%d runs, backend %s), %s: `%s` (%d runs, backend %s)\n", ref_name, name[1],
    rows[1], or_unknown(backends[1]), new_name, name[2], rows[2], or_unknown(backends[2])
  printf "- joined on (dataset, depth, seed): %d runs; tolerance: |%s - %s| > %g x max(1, |%s|)\n",
    joined, new_name, ref_name, tol, ref_name
  printf "- training time, sum of `wall_s` (runs trained together as one group counted once): " \
    "%s %.1f s in %d groups (longest %.2f s), %s %.1f s in %d groups (longest %.2f s)\n",
    ref_name, wall[1], groups[1], wall_max[1], new_name, wall[2], groups[2], wall_max[2]
  list_keys("runs only in " ref_name, only_ref, n_only_ref)
  list_keys("runs only in " new_name, only_new, n_only_new)
  if (not_ok[1] + not_ok[2] > 0) {
    printf "- runs whose status is not ok: %d in %s, %d in %s\n", not_ok[1], ref_name, not_ok[2],
      new_name
  }
  printf "\n| metric | max abs diff | max rel diff | runs not identical | runs beyond tol | " \
    "largest at | %s | %s |\n", ref_name, new_name
  printf "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n"
  if (csv != "") {
    print "metric,max_abs_diff,max_rel_diff,runs_not_identical,runs_beyond_tol,runs_joined," \
      "tolerance,largest_at," ref_name "," new_name > csv
  }
  for (m = 1; m <= nmetrics; m++) {
    mt = metric[m]
    if (max_abs[mt] == 0) worst_key[mt] = worst_ref[mt] = worst_new[mt] = "-"
    printf "| %s | %s | %s | %d | %d | %s | %s | %s |\n", mt, fmt(max_abs[mt]), fmt(max_rel[mt]),
      differ[mt], beyond[mt], worst_key[mt], worst_ref[mt], worst_new[mt]
    if (csv != "") {
      printf "%s,%s,%s,%d,%d,%d,%g,%s,%s,%s\n", mt, fmt(max_abs[mt]), fmt(max_rel[mt]),
        differ[mt], beyond[mt], joined, tol, worst_key[mt], worst_ref[mt], worst_new[mt] > csv
    }
  }
  exit ok ? 0 : 1
}

# One run's metric: both empty is agreement; one empty, or a non-number that differs, is a
# difference beyond any tolerance.
function compare(key, mt,    a, b, d, r) {
  a = value[1, key, mt]
  b = value[2, key, mt]
  if (a == b) { d = 0; r = 0 }
  else if (!is_number(a) || !is_number(b)) { d = "inf"; r = "inf" }
  else {
    d = abs(b - a)
    r = (a == 0) ? (d == 0 ? 0 : "inf") : d / abs(a)
  }
  if (d != 0) differ[mt]++
  if (d == "inf" || d > tol * (abs(a) > 1 ? abs(a) : 1)) beyond[mt]++
  if (!(mt in max_abs) || bigger(d, max_abs[mt])) {
    max_abs[mt] = d
    worst_key[mt] = key
    worst_ref[mt] = a
    worst_new[mt] = b
  }
  if (!(mt in max_rel) || bigger(r, max_rel[mt])) max_rel[mt] = r
}

function is_number(s) {
  return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}

function bigger(x, y) {
  if (y == "inf") return 0
  if (x == "inf") return 1
  return x + 0 > y + 0
}

function fmt(x) { return x == "inf" ? "inf" : sprintf("%.3g", x) }

function abs(x) { return x < 0 ? -x : x }

function add_word(list, w) {
  if (index(" " list " ", " " w " ") > 0) return list
  return list == "" ? w : list " " w
}

function or_unknown(s) { return s == "" ? "?" : s }

function list_keys(title, keys, n,    i, s) {
  if (n + 0 == 0) return
  s = keys[1]
  for (i = 2; i <= n && i <= 5; i++) s = s "; " keys[i]
  if (n > 5) s = s "; ..."
  printf "- %s (%d): %s\n", title, n, s
}

function fail(msg) {
  if (failed) return
  print "compare-summaries: " msg > "/dev/stderr"
  failed = 1
  exit 2
}
