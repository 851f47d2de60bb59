"""Fits the rational R(u) = e^(u²/2)·Φ(−u) ≈ P(u)/Q(u) behind VectorMath.NormalTailScaled (GELU's Φ).

Lawson-weighted linear least squares (P − R·Q relative to R, on Chebyshev points, 60-digit arithmetic), which
approaches the minimax relative error; prints the coefficients rounded to the target type and the maximum
relative error of those rounded coefficients (exact arithmetic). Needs mpmath (python3-mpmath).

    python3 fit_normal_tail.py float    # [0, 14.5], degrees 4/5
    python3 fit_normal_tail.py double   # [0, 38.7], degrees 10/11
"""
import struct
import sys

import mpmath as mp

mp.mp.dps = 60


def scaled_tail(u):
    return mp.ncdf(-u) * mp.exp(u * u / 2)


def fit(a, b, n, m, points=600, iterations=40):
    xs = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / points) for k in range(points)]
    fs = [scaled_tail(x) for x in xs]
    weights = [mp.mpf(1)] * points
    previous = [mp.mpf(1)] * points
    best = None
    for _ in range(iterations):
        rows, rhs = [], []
        for x, f, w, q in zip(xs, fs, weights, previous):
            s = mp.sqrt(w) / (f * q)
            rows.append([s * x**i for i in range(n + 1)] + [-s * f * x**j for j in range(1, m + 1)])
            rhs.append(s * f)
        c = mp.qr_solve(mp.matrix(rows), mp.matrix(rhs))[0]
        p = [c[i] for i in range(n + 1)]
        q = [mp.mpf(1)] + [c[n + j] for j in range(1, m + 1)]
        errors, denominators = [], []
        for x, f in zip(xs, fs):
            d = mp.polyval(q[::-1], x)
            errors.append(abs(mp.polyval(p[::-1], x) / d / f - 1))
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
    a, b, n, m = (0, 14.5, 4, 5) if single else (0, 38.7, 10, 11)
    worst, p, q = fit(mp.mpf(a), mp.mpf(b), n, m)
    rnd = to_float32 if single else float
    pr, qr = [rnd(x) for x in p], [rnd(x) for x in q]
    fmt = (lambda x: "%.9ef" % x) if single else repr
    print("fit max relative error", mp.nstr(worst, 3))
    print("P", ", ".join(fmt(x) for x in pr))
    print("Q", ", ".join(fmt(x) for x in qr))
    rounded = 0
    for k in range(4001):
        u = mp.mpf(a) + (mp.mpf(b) - a) * k / 4000
        value = mp.polyval([mp.mpf(x) for x in pr[::-1]], u) / mp.polyval([mp.mpf(x) for x in qr[::-1]], u)
        rounded = max(rounded, abs(value / scaled_tail(u) - 1))
    print("rounded coefficients max relative error", mp.nstr(rounded, 3))


if __name__ == "__main__":
    main()
