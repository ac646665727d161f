#!/usr/bin/env python3
"""Golden singular values for JacobianSpectrumTest: a few matrices drawn with NumPy (fixed seed)
and their singular values by numpy.linalg.svd (LAPACK gesdd), written to
src/test/resources/svd-golden.json. Run: python3 tools/svd_golden.py"""
import json

import numpy as np

rng = np.random.default_rng(2017)
cases = []
a = rng.standard_normal((16, 16)) / 4
b = rng.standard_normal((8, 8))
b[:, 7] = b[:, 0] * 1e-3 + b[:, 7] * 1e-6  # badly conditioned
c = rng.standard_normal((5, 3))
q, _ = np.linalg.qr(rng.standard_normal((12, 12)))
d = 1.3 * q  # orthogonal times a gain: every singular value 1.3
for name, m in [("gaussian16", a), ("illconditioned8", b), ("rect5x3", c), ("orthogonal12", d)]:
    cases.append(dict(name=name, matrix=m.tolist(), sv=np.linalg.svd(m, compute_uv=False).tolist()))
with open("src/test/resources/svd-golden.json", "w") as f:
    json.dump(dict(numpy=np.__version__, cases=cases), f, indent=1)
    f.write("\n")
