#!/usr/bin/env python3
"""Golden values of the mean-field theory (signal.MeanField) computed independently with SciPy's
adaptive quadrature (scipy.integrate.quad, nested for the two-dimensional expectations) and
root finding (brentq), written to src/test/resources/meanfield-golden.json for MeanFieldTest.

Definitions (docs/metrics.md): z = b + g, g ~ N(0, v); v' = sw2 E[phi(z)^2] + sb2;
v12' = sw2 E[phi(z1) phi(z2)] + sb2; q = b^2 + v; c = (b^2 + v12) / q; chi_1 = sw2 E[phi'(z)^2]
at q*; c* the stable fixed point of the correlation map; chi_c = sw2 E[phi'(z1) phi'(z2)] at c*;
xi_q = -1/ln(dv'/dv at v*), xi_c = -1/ln(chi_c).

Run: python3 tools/meanfield_golden.py  (NumPy and SciPy; about a minute)
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy import integrate, optimize

SQ2PI = math.sqrt(2 * math.pi)


def gauss(f, lim=12.0, kink=0.0):
    """E[f(u)], u ~ N(0, 1); quad is told where f has its kink or jump."""
    pts = [kink] if abs(kink) < lim else None
    val, _ = integrate.quad(lambda u: f(u) * math.exp(-0.5 * u * u) / SQ2PI, -lim, lim,
                            limit=400, epsabs=1e-13, epsrel=1e-12, points=pts)
    return val


def gauss2(f, c, lim=9.0, k1=0.0, k2=0.0):
    """E[f(u1, u2)] for unit normals of correlation c, as nested 1-d quads; f kinks where
    u1 = k1 or u2 = k2."""
    r = math.sqrt(max(0.0, 1 - c * c))
    def outer(u1):
        # u2 = c u1 + r w crosses k2 at w = (k2 - c u1) / r
        return gauss(lambda w: f(u1, c * u1 + r * w), lim, (k2 - c * u1) / r)
    return gauss(outer, lim, k1)


def tanh_point(sw2, b, sb2):
    phi = math.tanh
    dphi = lambda x: 1 - math.tanh(x) ** 2
    # the length map's fixed point v* (b = sb2 = 0 and sw2 <= 1: 0)
    h = lambda v: sw2 * gauss(lambda u: phi(b + math.sqrt(v) * u) ** 2) + sb2 - v
    v = optimize.brentq(h, 1e-8, 100.0, xtol=1e-15, rtol=1e-14)
    q = b * b + v
    s = math.sqrt(v)
    chi1 = sw2 * gauss(lambda u: dphi(b + s * u) ** 2)
    slope_q = sw2 * gauss(lambda u: (u * u - 1) * phi(b + s * u) ** 2) / (2 * v)
    def cmap(c):
        v12 = c * q - b * b
        cc = v12 / v
        e = gauss2(lambda u1, u2: phi(b + s * u1) * phi(b + s * u2), cc)
        return (b * b + sw2 * e + sb2) / q
    if chi1 > 1:
        cstar = optimize.brentq(lambda c: cmap(c) - c, b * b / q, 1 - 1e-9, xtol=1e-12)
        cc = (cstar * q - b * b) / v
        chic = sw2 * gauss2(lambda u1, u2: dphi(b + s * u1) * dphi(b + s * u2), cc)
    else:
        cstar, chic = 1.0, chi1
    xi = lambda x: -1 / math.log(x) if x < 1 else float("inf")
    return dict(sigma_w2=sw2, b=b, sigma_b2=sb2, q_star=q, chi1=chi1, c_star=cstar, chi_c=chic,
                xi_q=xi(slope_q), xi_c=xi(chic))


def main():
    points = []
    for sw2, b, sb2 in [(2.0, 0.0, 0.0), (1.5, 0.0, 0.05), (1.0, 0.0, 0.05), (3.0, 0.0, 0.01),
                        (4.0, 0.0, 0.1), (2.0, 0.3, 0.0), (0.8, 0.0, 0.2)]:
        p = tanh_point(sw2, b, sb2)
        points.append(p)
        print(p, file=sys.stderr)
    # E[phi(z1) phi(z2)] and E[phi'(z1) phi'(z2)] with unequal variances, per activation and bias
    cross = []
    acts = {
        "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
        "relu": (lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0),
        "leaky_relu": (lambda x: x if x > 0 else 0.2 * x, lambda x: 1.0 if x > 0 else 0.2),
    }
    for name, (phi, dphi) in acts.items():
        for v1, v2, c, b in [(1.0, 1.0, 0.5, 0.0), (0.7, 2.5, -0.3, 0.0), (3.0, 1.2, 0.9, 0.0),
                             (1.0, 1.0, 0.5, 0.4)]:
            s1, s2 = math.sqrt(v1), math.sqrt(v2)
            k1, k2 = -b / s1, -b / s2
            e0 = gauss2(lambda u1, u2: phi(b + s1 * u1) * phi(b + s2 * u2), c, 9.0, k1, k2)
            e1 = gauss2(lambda u1, u2: dphi(b + s1 * u1) * dphi(b + s2 * u2), c, 9.0, k1, k2)
            cross.append(dict(activation=name, slope=0.2, v1=v1, v2=v2, c=c, b=b, phi=e0, dphi=e1))
    out = dict(scipy=scipy.__version__, numpy=np.__version__, tanh_points=points, cross=cross)
    with open("src/test/resources/meanfield-golden.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
