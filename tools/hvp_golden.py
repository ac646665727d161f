#!/usr/bin/env python3
"""Golden Hessian-vector products for HessianVectorGoldenTest, by the complex step.

For a 2-3-3-1 tanh network with a sigmoid output and the fused output gradient p - y (the BCE's
gradient), reduction sum and mean, H v = Im(grad L(theta + i h v)) / h with h = 1e-30: the
gradient is analytic in theta, so the complex step has no subtractive cancellation and is exact to
rounding (Squire and Trapp 1998) -- an independent route from depthlab's R-operator and from real
finite differences. Parameters, data and v are drawn here with a fixed seed and written out with
the products, in depthlab's flat order (per layer: weights row-major w[i * out + j], then biases).

    python3 tools/hvp_golden.py > src/test/resources/hvp_golden.txt
"""
import numpy as np

SIZES = [2, 3, 3, 1]
rng = np.random.default_rng(28)
layers = [(rng.normal(0, 0.8, (SIZES[l], SIZES[l + 1])), rng.normal(0, 0.2, SIZES[l + 1]))
          for l in range(len(SIZES) - 1)]
N = 7
x = rng.uniform(-1, 1, (N, 2))
y = (x[:, 0] ** 2 + x[:, 1] ** 2 < 0.4).astype(float)
y[0] = 1.0  # at least one of each class
y[1] = 0.0


def flat(ls):
    return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in ls])


def unflat(t):
    out, k = [], 0
    for l in range(len(SIZES) - 1):
        i, o = SIZES[l], SIZES[l + 1]
        w = t[k:k + i * o].reshape(i, o)
        k += i * o
        b = t[k:k + o]
        k += o
        out.append((w, b))
    return out


def grad(t, mean):
    ls = unflat(t)
    acts, zs = [x.astype(t.dtype)], []
    a = acts[0]
    for l, (w, b) in enumerate(ls):
        z = a @ w + b
        zs.append(z)
        if l < len(ls) - 1:
            a = np.tanh(z)
            acts.append(a)
    p = 1 / (1 + np.exp(-zs[-1][:, 0]))
    dz = (p - y)[:, None] * (1.0 / N if mean else 1.0)
    g = []
    for l in range(len(ls) - 1, -1, -1):
        w, _ = ls[l]
        g.append((acts[l].T @ dz, dz.sum(axis=0)))
        if l > 0:
            dz = (dz @ w.T) * (1 - acts[l] ** 2)
    return flat(g[::-1])


theta = flat(layers)
v = rng.normal(0, 1, theta.size)
h = 1e-30
print("sizes", *SIZES)
print("theta", *(repr(float(t)) for t in theta))
print("x", *(repr(float(t)) for t in x.ravel()))
print("y", *(repr(float(t)) for t in y))
print("v", *(repr(float(t)) for t in v))
for name, mean in (("sum", False), ("mean", True)):
    hv = np.imag(grad(theta + 1j * h * v, mean)) / h
    print("hv_" + name, *(repr(float(t)) for t in hv))
