#!/usr/bin/env python3
"""Seeded benchmark data (numpy), written to bench/data/ (not committed; ~200 MB in all).

    /usr/bin/python3 bench/generate.py [a b c d]

(a) 1,000,000 × 2, K = 2, full covariances     a.csv
(b) 100,000 × 30, K = 30, full covariances     b.csv
(c) 1,000,000 × 10, K = 5, diagonal            c.csv
(d) 1,000,000 counts, Poisson, K = 4           d.csv
(e) 50,000,000 × 2, K = 2 (about 1 GB; larger than a 512 MB heap)   e.csv — only when asked for
"""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data")
os.makedirs(out, exist_ok=True)


def gaussian_mixture(rng, n, k, d, full):
    weights = rng.dirichlet(np.full(k, 5.0))
    means = rng.normal(0, 4, size=(k, d))
    z = rng.choice(k, size=n, p=weights)
    x = np.empty((n, d))
    for c in range(k):
        idx = np.where(z == c)[0]
        if full:
            a = rng.normal(0, 1, size=(d, d))
            cov = a @ a.T / d + 0.5 * np.eye(d)
            x[idx] = rng.multivariate_normal(means[c], cov, size=len(idx))
        else:
            sd = rng.uniform(0.5, 2.0, size=d)
            x[idx] = means[c] + rng.normal(0, 1, size=(len(idx), d)) * sd
    return x


def write(name, header, x, fmt):
    path = os.path.join(out, name)
    np.savetxt(path, x, delimiter=",", header=",".join(header), comments="", fmt=fmt)
    print(path, x.shape)


which = sys.argv[1:] or ["a", "b", "c", "d"]
if "e" in which:
    # One mixture, sampled a million rows at a time: the whole would not fit in memory as text.
    rng = np.random.default_rng(5)
    weights, means = np.array([0.4, 0.6]), np.array([[-2.0, 1.0], [3.0, -1.0]])
    covs = np.array([[[1.0, 0.5], [0.5, 2.0]], [[2.0, -0.3], [-0.3, 0.7]]])
    path = os.path.join(out, "e.csv")
    with open(path, "w") as f:
        f.write("x1,x2\n")
        for _ in range(50):
            z = rng.choice(2, size=1_000_000, p=weights)
            x = np.empty((1_000_000, 2))
            for c in range(2):
                idx = np.where(z == c)[0]
                x[idx] = rng.multivariate_normal(means[c], covs[c], size=len(idx))
            np.savetxt(f, x, delimiter=",", fmt="%.6f")
    print(path, (50_000_000, 2))
if "a" in which:
    rng = np.random.default_rng(1)
    write("a.csv", ["x1", "x2"], gaussian_mixture(rng, 1_000_000, 2, 2, True), "%.6f")
if "b" in which:
    rng = np.random.default_rng(2)
    write("b.csv", ["x%d" % (i + 1) for i in range(30)], gaussian_mixture(rng, 100_000, 30, 30, True), "%.6f")
if "c" in which:
    rng = np.random.default_rng(3)
    write("c.csv", ["x%d" % (i + 1) for i in range(10)], gaussian_mixture(rng, 1_000_000, 5, 10, False), "%.6f")
if "d" in which:
    rng = np.random.default_rng(4)
    rates = np.array([0.5, 3.0, 10.0, 30.0])
    z = rng.choice(4, size=1_000_000, p=[0.4, 0.3, 0.2, 0.1])
    write("d.csv", ["count"], rng.poisson(rates[z]).reshape(-1, 1), "%d")
