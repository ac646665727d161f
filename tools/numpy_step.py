#!/usr/bin/env python3
"""The seed's NumPy SGD training step, timed per step, for comparison with `depthlab bench`.

The forward and backward passes are copied from the seed project (khoanguyen-blip/nn-depth-study,
module/layers.py, activations.py, losses.py, train_loop.py): Linear layers with He-normal
weights and zero biases, ReLU on every hidden layer, a sigmoid output (input clipped to
[-500, 500]), per-sample binary cross-entropy with the prediction clipped to [1e-8, 1 - 1e-8],
gradients summed over the batch (the seed back-propagates the per-sample loss, not the mean), and
plain SGD. Only the dtype is new: float64 as the seed, or float32.

Timing follows `depthlab bench` (StepBench): learning rate 0 by default so every step does the
same work, a data set of 4 x batch points (a disc in [-1, 1]^2), epochs of shuffled mini-batches
as in the seed's loop, a warm-up, then ROUNDS rounds of at least --seconds / ROUNDS seconds
(never under 0.2 s); the median round is reported in microseconds per step.

Prints CSV: depth,width,batch,precision,median_us,min_us,steps. `--selftest` instead compares
the step's gradients with central finite differences of its own loss and exits 1 on a mismatch.
"""

import os

# one BLAS thread, as depthlab's CPU backend runs a group on one thread; set before numpy loads
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

ROUNDS = 5
MIN_ROUND_SECONDS = 0.2


class Linear:
    """The seed's fully connected layer (He-normal weights, zero biases)."""

    def __init__(self, in_dims, out_dims, rng, dtype):
        self.W = (rng.standard_normal((in_dims, out_dims)) * np.sqrt(2 / in_dims)).astype(dtype)
        self.b = np.zeros((1, out_dims), dtype=dtype)

    def forward(self, X):
        self.X = X
        return X @ self.W + self.b

    def backward(self, dZ):
        self.dW = self.X.T @ dZ
        self.db = dZ.sum(axis=0, keepdims=True)
        return dZ @ self.W.T


class ReLU:
    """The seed's ReLU."""

    def forward(self, Z):
        self.Z = Z
        return np.maximum(0, self.Z)

    def backward(self, dA):
        return dA * (self.Z > 0)


class Sigmoid:
    """The seed's sigmoid, input clipped to [-500, 500]."""

    def forward(self, Z):
        Z_clip = np.clip(Z, -500, 500)
        self.A = 1 / (1 + np.exp(-Z_clip))
        return self.A

    def backward(self, dA):
        return dA * self.A * (1 - self.A)


class BCE:
    """The seed's per-sample binary cross-entropy, prediction clipped to [1e-8, 1 - 1e-8]."""

    def forward(self, y_hat, y):
        eps = 1e-8
        self.y_hat = np.clip(y_hat, eps, 1 - eps)
        self.y = y
        self.L = -(self.y * np.log(self.y_hat) + (1 - self.y) * np.log(1 - self.y_hat))
        return self.L

    def backward(self):
        self.dy_hat = (1 - self.y) / (1 - self.y_hat) - (self.y) / (self.y_hat)
        return self.dy_hat


def network(depth, width, rng, dtype, inputs=2):
    """The seed's Neural_Network layer list for `depth` hidden layers of `width` units."""
    sizes = [inputs] + [width] * depth + [1]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(Linear(sizes[i], sizes[i + 1], rng, dtype))
        layers.append(ReLU() if i < len(sizes) - 2 else Sigmoid())
    return layers


def step(model, loss_func, Xb, yb, lr):
    """One step of the seed's train loop: forward, loss, backward, SGD; returns the batch loss."""
    A = Xb
    for layer in model:
        A = layer.forward(A)
    loss = loss_func.forward(A, yb)
    batch_loss = loss.mean()
    dA = loss_func.backward()
    for layer in reversed(model):
        dA = layer.backward(dA)
    for layer in model:
        if hasattr(layer, "W"):
            layer.W -= lr * layer.dW
            layer.b -= lr * layer.db
    return batch_loss


def disc_data(n, rng, dtype):
    """n points uniform in [-1, 1]^2, label 1 inside the disc of radius 0.5 (as bench's data)."""
    X = rng.uniform(-1, 1, (n, 2)).astype(dtype)
    y = ((X**2).sum(axis=1, keepdims=True) < 0.25).astype(dtype)
    return X, y


def run_for(model, loss_func, X, y, batch, lr, seconds, rng):
    """Runs the seed's epoch loop for at least `seconds`; returns (microseconds per step, steps)."""
    n = X.shape[0]
    steps = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        perm = rng.permutation(n)
        X_shuffled = X[perm]
        y_shuffled = y[perm]
        for i in range(0, n, batch):
            step(model, loss_func, X_shuffled[i : i + batch], y_shuffled[i : i + batch], lr)
            steps += 1
            if time.perf_counter() >= deadline:
                break
        if time.perf_counter() >= deadline:
            break
    return (time.perf_counter() - start) * 1e6 / steps, steps


def time_point(depth, width, batch, dtype, seconds, lr, seed=42):
    """Median and min microseconds per step over ROUNDS rounds after a warm-up, and steps timed."""
    rng = np.random.default_rng(seed)
    model = network(depth, width, rng, dtype)
    X, y = disc_data(4 * batch, rng, dtype)
    loss_func = BCE()
    round_seconds = max(MIN_ROUND_SECONDS, seconds / ROUNDS)
    run_for(model, loss_func, X, y, batch, lr, min(0.5, seconds), rng)
    rounds = []
    total = 0
    for _ in range(ROUNDS):
        us, steps = run_for(model, loss_func, X, y, batch, lr, round_seconds, rng)
        rounds.append(us)
        total += steps
    rounds.sort()
    return rounds[ROUNDS // 2], rounds[0], total


def total_loss(model, loss_func, X, y):
    """The objective whose gradient the seed's backward pass computes: the summed per-sample BCE."""
    A = X
    for layer in model:
        A = layer.forward(A)
    return float(loss_func.forward(A, y).sum())


def selftest(h=1e-6, tol=1e-6):
    """Every weight and bias gradient of one step against central differences; True when all agree."""
    rng = np.random.default_rng(7)
    model = network(3, 5, rng, np.float64)
    for layer in model:
        if hasattr(layer, "b"):
            # nonzero biases, so their gradients are exercised away from the He-init zeros
            layer.b += rng.uniform(-0.1, 0.1, layer.b.shape)
    X, y = disc_data(8, rng, np.float64)
    y[:2] = [[1.0], [0.0]]  # both classes present
    loss_func = BCE()
    step(model, loss_func, X, y, 0.0)
    worst = 0.0
    where = ""
    for index, layer in enumerate(model):
        if not hasattr(layer, "W"):
            continue
        for name, param, grad in (("W", layer.W, layer.dW), ("b", layer.b, layer.db)):
            grad = grad.copy()
            for k in np.ndindex(param.shape):
                keep = param[k]
                param[k] = keep + h
                up = total_loss(model, loss_func, X, y)
                param[k] = keep - h
                down = total_loss(model, loss_func, X, y)
                param[k] = keep
                fd = (up - down) / (2 * h)
                err = abs(grad[k] - fd) / max(1.0, abs(fd))
                if err > worst:
                    worst, where = err, f"layer {index // 2} {name}{list(k)}: {float(grad[k])!r} vs {fd!r}"
    ok = worst <= tol
    print(
        f"numpy_step selftest: {'ok' if ok else 'FAILED'}: largest relative gradient error "
        f"{worst:.2e} (limit {tol:.0e}) at {where}"
    )
    return ok


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--depths", default="1,2,4,6,8", help="hidden layers, comma-separated")
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--precision", default="fp64,fp32", help="fp64, fp32 or both (comma-separated)")
    p.add_argument("--seconds", type=float, default=1.0, help="timed seconds per point")
    p.add_argument("--lr", type=float, default=0.0, help="learning rate (0: the same work every step)")
    p.add_argument("--no-header", action="store_true", help="print the CSV rows only")
    p.add_argument("--selftest", action="store_true", help="check gradients, then exit")
    a = p.parse_args(argv)
    if a.selftest:
        return 0 if selftest() else 1
    dtypes = {"fp64": np.float64, "fp32": np.float32}
    precisions = [s.strip() for s in a.precision.split(",")]
    for s in precisions:
        if s not in dtypes:
            p.error(f"--precision must be fp64 or fp32, got '{s}'")
    if not a.no_header:
        print("depth,width,batch,precision,median_us,min_us,steps")
    for depth in (int(d) for d in a.depths.split(",")):
        for s in precisions:
            med, low, steps = time_point(depth, a.width, a.batch, dtypes[s], a.seconds, a.lr)
            print(f"{depth},{a.width},{a.batch},{s},{med:.2f},{low:.2f},{steps}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
