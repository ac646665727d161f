# Compares two study summaries (summary.csv) by statistics over seeds, not bit for bit.
#
#   awk -v ref_name=cpu -v new_name=cuda -f tools/compare-seeds.awk REF.csv NEW.csv
#
# Design: the two studies run the same protocol with the same seeds, so at one seed both backends
# see the same data, batch order and initial weights: the runs are paired. For each (dataset,
# depth) and metric it takes the per-seed differences d = new - ref, their mean and the 95%
# interval of the mean (Student t with n - 1 degrees of freedom; n = seeds joined), and calls the
# two backends
#   equivalent    when the whole interval lies within +-margin,
#   differs       when the interval excludes 0 and reaches past the margin,
#   inconclusive  otherwise (or with fewer than 2 seeds).
# Margins (absolute): accuracies 0.01 (one point), losses 0.05 x the reference's mean loss at that
# (dataset, depth) plus 1e-4. The backends differ only in rounding (cuBLAS sums in its own order),
# which over a long run can move a ReLU across its kink, so bit equality is not the question; a
# difference of a point of accuracy would be.
# The first output line is a one-line summary, then a markdown table.
# Exit: 0 every cell equivalent and every run joined and ok in both; 1 otherwise; 2 bad input.
# Plain POSIX awk; summary.csv fields are never quoted.

BEGIN {
  FS = ","
  if (ref_name == "") ref_name = "reference"
  if (new_name == "") new_name = "new"
  nm = split("train_acc,test_acc,train_loss,test_loss", metric, ",")
  # two-sided 97.5% quantiles of Student t, df 1..30
  split("12.706,4.303,3.182,2.776,2.571,2.447,2.365,2.306,2.262,2.228,2.201,2.179,2.160,2.145," \
    "2.131,2.120,2.110,2.101,2.093,2.086,2.080,2.074,2.069,2.064,2.060,2.056,2.052,2.048,2.045," \
    "2.042", tq, ",")
}

function fail(msg) {
  print "compare-seeds: " msg > "/dev/stderr"
  bad = 1
  exit 2
}

FNR == 1 {
  file++
  if (file > 2) fail("give exactly two files: REF.csv NEW.csv")
  delete col
  for (i = 1; i <= NF; i++) col[$i] = i
  split("dataset,depth,seed,status", need, ",")
  for (i = 1; i <= 4; i++) if (!(need[i] in col)) fail(FILENAME ": no column " need[i])
  for (m = 1; m <= nm; m++) if (!(metric[m] in col)) fail(FILENAME ": no column " metric[m])
  next
}

{
  cell = $col["dataset"] SUBSEP $col["depth"]
  key = cell SUBSEP $col["seed"]
  if (file == 1) {
    refok[key] = ($col["status"] == "ok")
    for (m = 1; m <= nm; m++) ref[key, m] = $col[metric[m]]
    refrows++
  } else {
    newrows++
    if (!(key in refok)) { unjoined++; next }
    joined[key] = 1
    if (!refok[key] || $col["status"] != "ok") { notok++; next }
    if (!(cell in seen)) { seen[cell] = 1; cells[++ncells] = cell }
    n[cell]++
    for (m = 1; m <= nm; m++) {
      d = $col[metric[m]] - ref[key, m]
      s1[cell, m] += d
      s2[cell, m] += d * d
      r1[cell, m] += ref[key, m]
    }
  }
}

END {
  if (bad) exit 2
  for (k in refok) if (!(k in joined)) unjoined++
  eq = 0; df = 0; inc = 0
  table = "| dataset | depth | seeds | metric | mean " new_name " - " ref_name " | 95% interval | margin | verdict |\n"
  table = table "| --- | ---: | ---: | --- | ---: | --- | ---: | --- |\n"
  for (c = 1; c <= ncells; c++) {
    cell = cells[c]
    split(cell, part, SUBSEP)
    k = n[cell]
    for (m = 1; m <= nm; m++) {
      mean = s1[cell, m] / k
      refmean = r1[cell, m] / k
      margin = (metric[m] ~ /acc/) ? 0.01 : 0.05 * (refmean < 0 ? -refmean : refmean) + 1e-4
      if (k < 2) {
        lo = "-"; hi = "-"; verdict = "inconclusive"
      } else {
        var = (s2[cell, m] - k * mean * mean) / (k - 1)
        if (var < 0) var = 0
        t = (k - 1 <= 30) ? tq[k - 1] : 1.96
        half = t * sqrt(var / k)
        lo = mean - half; hi = mean + half
        if (lo >= -margin && hi <= margin) verdict = "equivalent"
        else if ((lo > 0 || hi < 0) && (lo > margin || hi < -margin)) verdict = "differs"
        else verdict = "inconclusive"
      }
      if (verdict == "equivalent") eq++
      else if (verdict == "differs") df++
      else inc++
      table = table sprintf("| %s | %s | %d | %s | %.3g | %s | %.3g | %s |\n", part[1], part[2], k,
        metric[m], mean, (lo == "-") ? "-" : sprintf("[%.3g, %.3g]", lo, hi), margin, verdict)
    }
  }
  total = eq + df + inc
  printf "%d of %d (dataset, depth, metric) cells equivalent, %d differ, %d inconclusive over " \
    "paired seeds; %d runs not joined, %d not ok\n", eq, total, df, inc, unjoined + 0, notok + 0
  print ""
  printf "%s", table
  exit (total > 0 && eq == total && unjoined + 0 == 0 && notok + 0 == 0) ? 0 : 1
}
