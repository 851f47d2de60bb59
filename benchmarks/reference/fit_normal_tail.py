"""Fits W(u) ≈ P(u)/Q(u) behind VectorMath.NormalTailScaled (GELU's Φ), where Φ(−u) = φ(u)/(u + W(u)).

W is the tail of Laplace's continued fraction, W(u) = 1/(u + 2/(u + 3/(u + …))): W(0) = √(2/π), W ~ 1/u. The fit
minimises the relative error of M = 1/(u + W) (a relative error δ of W moves M by δ·W/(u + W), which fades as u
grows), by Lawson-weighted linear least squares on Chebyshev points in 60-digit arithmetic; it prints the coefficients
rounded to the target type and the maximum relative error of M with them (exact arithmetic). Needs mpmath
(python3-mpmath).

    python3 fit_normal_tail.py float    # [0, 14.5], degrees 4/5
    python3 fit_normal_tail.py double   # [0, 38.7], degrees 9/10
"""
import struct
import sys

import mpmath as mp

mp.mp.dps = 60


def mills(u):
    return mp.ncdf(-u) / mp.npdf(u)


def tail(u):
    return 1 / mills(u) - u


def fit(a, b, n, m, points=500, iterations=40):
    xs = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / points) for k in range(points)]
    fs = [tail(x) for x in xs]
    gs = [f / (x + f) for x, f in zip(xs, fs)]
    weights = [mp.mpf(1)] * points
    previous = [mp.mpf(1)] * points
    best = None
    for _ in range(iterations):
        rows, rhs = [], []
        for x, f, g, w, q in zip(xs, fs, gs, weights, previous):
            s = mp.sqrt(w) * g / (f * q)
            rows.append([s * x**i for i in range(n + 1)] + [-s * f * x**j for j in range(1, m + 1)])
            rhs.append(s * f)
        c = mp.qr_solve(mp.matrix(rows), mp.matrix(rhs))[0]
        p = [c[i] for i in range(n + 1)]
        q = [mp.mpf(1)] + [c[n + j] for j in range(1, m + 1)]
        errors, denominators = [], []
        for x, f, g in zip(xs, fs, gs):
            d = mp.polyval(q[::-1], x)
            errors.append(abs(mp.polyval(p[::-1], x) / d / f - 1) * g)
            denominators.append(abs(d))
        worst = max(errors)
        if best is None or worst < best[0]:
            best = (worst, p, q)
        previous = denominators
        total = sum(w * e for w, e in zip(weights, errors))
        weights = [w * e / total for w, e in zip(weights, errors)]
    return best


def to_float32(x):
    return struct.unpack("f", struct.pack("f", float(x)))[0]


def main():
    single = sys.argv[1] == "float"
    a, b, n, m = (0, 14.5, 4, 5) if single else (0, 38.7, 9, 10)
    worst, p, q = fit(mp.mpf(a), mp.mpf(b), n, m)
    rnd = to_float32 if single else float
    pr, qr = [rnd(x) for x in p], [rnd(x) for x in q]
    print("fit max relative error of M", mp.nstr(worst, 3))
    print("P", ", ".join(repr(x) for x in pr))
    print("Q", ", ".join(repr(x) for x in qr))
    rounded = 0
    for k in range(4001):
        u = mp.mpf(a) + (mp.mpf(b) - a) * k / 4000
        w = mp.polyval([mp.mpf(x) for x in pr[::-1]], u) / mp.polyval([mp.mpf(x) for x in qr[::-1]], u)
        rounded = max(rounded, abs(1 / (u + w) / mills(u) - 1))
    print("rounded coefficients max relative error of M", mp.nstr(rounded, 3))


if __name__ == "__main__":
    main()
