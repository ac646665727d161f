#!/usr/bin/env python3
"""Golden values for depthlab's statistics over seeds (dev.depthlab.stats), from SciPy and NumPy.

Writes src/test/resources/stats-golden.json; StatsGoldenTest holds the Java code to it within 1e-9.
Each reference is computed independently of the Java code: SciPy's tests where SciPy has them
(ttest_rel, ttest_1samp, wilcoxon exact, page_trend_test exact, beta.ppf), brute-force
enumeration where it has none (the signed-rank test with ties and zeros, Page's L with ties).

    python3 tools/stats_golden.py     # SciPy >= 1.11
"""
import itertools
import json
import pathlib

import numpy as np
import scipy
from scipy import stats

rng = np.random.default_rng(20260)
cases = []


def paired_t(x, y):
    r = stats.ttest_rel(y, x)
    ci = r.confidence_interval(0.95)
    cases.append({"kind": "paired_t", "x": list(x), "y": list(y),
                  "t": float(r.statistic), "p": float(r.pvalue),
                  "low": float(ci.low), "high": float(ci.high)})


def mean_t(x):
    ci = stats.ttest_1samp(x, 0).confidence_interval(0.95)
    cases.append({"kind": "mean_t", "x": list(x), "low": float(ci.low), "high": float(ci.high)})


def signed_rank_brute(d):
    """Exact sign-flip distribution of T+ by enumerating all 2^m sign patterns (zeros dropped)."""
    d = np.asarray([v for v in d if v != 0], dtype=float)
    m = len(d)
    if m == 0:
        return 0.0, 1.0
    ranks = stats.rankdata(np.abs(d))  # average ranks for ties
    t_obs = ranks[d > 0].sum()
    centre = ranks.sum() / 2
    hits = 0
    for signs in itertools.product((0, 1), repeat=m):
        t = ranks[np.array(signs, dtype=bool)].sum()
        hits += abs(t - centre) >= abs(t_obs - centre) - 1e-12
    return float(t_obs), hits / 2 ** m


def signed_rank(d, check_scipy=False):
    t, p = signed_rank_brute(d)
    if check_scipy:  # no ties, no zeros: SciPy's exact test agrees
        r = stats.wilcoxon(d, method="exact")
        assert abs(r.pvalue - p) < 1e-12, (r.pvalue, p)
    cases.append({"kind": "signed_rank", "d": list(d), "t": t, "p": p})


def tost(d, margin):
    lo = stats.ttest_1samp(d, -margin, alternative="greater").pvalue
    hi = stats.ttest_1samp(d, margin, alternative="less").pvalue
    cases.append({"kind": "tost", "d": list(d), "margin": margin, "p": float(max(lo, hi))})


def page_brute(blocks):
    """Two-sided Page's L by enumerating every order of every block's ranks."""
    blocks = np.asarray(blocks, dtype=float)
    n, k = blocks.shape
    ranks = np.array([stats.rankdata(b) for b in blocks])
    pos = np.arange(1, k + 1)
    l_obs = float((ranks * pos).sum())
    per_row = [sorted(float(np.dot(pos, p)) for p in itertools.permutations(r)) for r in ranks]
    centre = n * k * (k + 1) ** 2 / 4
    total = 0
    hits = 0
    for combo in itertools.product(*per_row):
        total += 1
        hits += abs(sum(combo) - centre) >= abs(l_obs - centre) - 1e-9
    return l_obs, hits / total


def page(blocks, brute=False):
    blocks = np.asarray(blocks, dtype=float)
    if brute:
        l_obs, p = page_brute(blocks)
    else:  # no ties: SciPy's exact test, one-sided each way
        up = stats.page_trend_test(blocks, method="exact")
        down = stats.page_trend_test(blocks[:, ::-1], method="exact")
        l_obs, p = float(up.statistic), float(min(1.0, 2 * min(up.pvalue, down.pvalue)))
    cases.append({"kind": "page", "blocks": blocks.tolist(), "l": l_obs, "p": p})


def iqm_jackknife(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    est = stats.trim_mean(x, 0.25)
    theta = np.array([stats.trim_mean(np.delete(x, i), 0.25) for i in range(n)])
    se = np.sqrt((n - 1) / n * ((theta - theta.mean()) ** 2).sum())
    q = stats.t.ppf(0.975, n - 2 * (n // 4) - 1)
    cases.append({"kind": "iqm", "x": x.tolist(), "iqm": float(est),
                  "low": float(est - q * se), "high": float(est + q * se)})


def share(k, n):
    lo = 0.0 if k <= 0 else float(stats.beta.ppf(0.025, k, n - k + 1))
    hi = 1.0 if k >= n else float(stats.beta.ppf(0.975, k + 1, n - k))
    if k == int(k):  # integer: SciPy's binomtest gives the same Clopper-Pearson interval
        ci = stats.binomtest(int(k), n).proportion_ci(0.95, method="exact")
        assert abs(ci.low - lo) < 1e-12 and abs(ci.high - hi) < 1e-12
    cases.append({"kind": "share", "k": k, "n": n, "low": lo, "high": hi})


def r(a):
    return np.round(np.asarray(a, dtype=float), 6).tolist()


# paired t and intervals of the mean
for n in (3, 5, 10, 30):
    x = rng.normal(2, 1, n)
    paired_t(r(x), r(x + rng.normal(0.5, 0.7, n)))
    mean_t(r(rng.lognormal(0, 1, n)))
# signed rank: no ties (SciPy exact agrees), ties, zeros, ties and zeros, all one sign
signed_rank(r(rng.normal(0.3, 1, 10)), check_scipy=True)
signed_rank(r(rng.normal(0.3, 1, 7)), check_scipy=True)
signed_rank([1, 2, 2, -3, 0, 4, 5, -1, 2, 6])
signed_rank([0.5, -0.5, 1.5, 1.5, 1.5, 0, 0, 2.0, -2.0, 3.0, 0.25, 0.25])
signed_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
signed_rank([2, 2, 2, -2, 2])
signed_rank([0, 0, 0])
# TOST
for n, shift, margin in ((5, 0.05, 0.5), (10, 0.2, 0.3), (10, 0.0, 0.1), (30, -0.1, 0.25)):
    tost(r(rng.normal(shift, 0.3, n)), margin)
# Page's L: SciPy exact without ties, brute force with ties
page(r(rng.normal(0, 1, (10, 5)) + np.arange(5) * 0.3))
page(r(rng.normal(0, 1, (6, 3))))
page(r(rng.normal(0, 1, (3, 4)) - np.arange(4) * 0.5))
page([[1, 1, 2], [3, 2, 2], [1, 2, 3], [5, 5, 5]], brute=True)
page([[0.1, 0.2, 0.2, 0.4], [1, 0, 1, 2], [3, 1, 2, 3]], brute=True)
# IQM jackknife-t intervals
for n in (3, 5, 10, 11, 30):
    iqm_jackknife(r(rng.lognormal(0, 1, n)))
# Clopper-Pearson, including half-integer (tied) counts
for k, n in ((0, 5), (5, 5), (3, 10), (7.5, 10), (9, 10), (17, 30), (2.5, 3)):
    share(k, n)

out = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/stats-golden.json"
out.write_text(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "cases": cases},
                          indent=1) + "\n")
print(f"{len(cases)} cases -> {out}")
