#!/usr/bin/env python3
"""Golden values for JacobianSnapshotTest: small networks (2 inputs, 3 hidden layers of 5) with
parameters drawn by NumPy (fixed seed), a probe point, the hidden stack's input-output Jacobian
J = d a_3 / d a_1 built densely with NumPy (row-vector convention: a_{l+1} = phi(a_l W + b), so
J = W_2 D_2 W_3 D_3) and its singular values by numpy.linalg.svd (LAPACK gesdd), written to
src/test/resources/jacobian-golden.json. Run: python3 tools/jacobian_golden.py"""
import json

import numpy as np

rng = np.random.default_rng(28)
sizes = [2, 5, 5, 5]
phis = {
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.1 * z), lambda z: np.where(z > 0, 1.0, 0.1)),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
}
cases = []
for name, (phi, dphi) in phis.items():
    w = [rng.standard_normal((sizes[l], sizes[l + 1])) * 1.5 / np.sqrt(sizes[l]) for l in range(3)]
    b = [rng.standard_normal(sizes[l + 1]) * 0.3 for l in range(3)]
    x = rng.uniform(-1, 1, 2)
    a = x
    zs = []
    for l in range(3):
        z = a @ w[l] + b[l]
        zs.append(z)
        a = phi(z)
    j = np.eye(5)
    for l in (1, 2):
        j = j @ w[l] @ np.diag(dphi(zs[l]))
    cases.append(
        dict(
            activation=name,
            weights=[m.flatten().tolist() for m in w],
            biases=[v.tolist() for v in b],
            x=x.tolist(),
            sv=np.linalg.svd(j, compute_uv=False).tolist(),
        )
    )
with open("src/test/resources/jacobian-golden.json", "w") as f:
    json.dump(dict(numpy=np.__version__, leaky_slope=0.1, sizes=sizes, cases=cases), f, indent=1)
    f.write("\n")
