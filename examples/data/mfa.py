#!/usr/bin/python3
"""examples/data/mfa.csv, from known parameters and a fixed seed (numpy).

    /usr/bin/python3 examples/data/mfa.py

A mixture of two factor analysers in D = 6 columns, each with Q = 2 factors: 500 rows, weights
0.4 and 0.6. Component k's rows are mu_k + W_k h + noise, h ~ N(0, I_2), the noise normal with
variances Psi_k: each cluster lies near a plane of its own, the planes' directions drawn at random
(W_k's entries N(0, 1)), the means 6 apart in the first and fourth columns.
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261204)
d, q, n = 6, 2, 500
phi = np.array([0.4, 0.6])
mu = np.array([[3.0, 0, 0, -3.0, 0, 0], [-3.0, 0, 0, 3.0, 0, 0]])
w = rng.normal(0.0, 1.0, size=(2, d, q))
psi = np.array([[0.4, 0.8, 0.6, 0.4, 1.0, 0.8], [1.2, 0.4, 0.8, 1.0, 0.4, 0.6]])

with open(os.path.join(here, "mfa.csv"), "w") as f:
    f.write(",".join("x%d" % (i + 1) for i in range(d)) + "\n")
    for _ in range(n):
        k = 0 if rng.random() < phi[0] else 1
        h = rng.normal(size=q)
        x = mu[k] + w[k] @ h + rng.normal(size=d) * np.sqrt(psi[k])
        f.write(",".join("%.5f" % v for v in x) + "\n")
