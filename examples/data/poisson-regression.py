#!/usr/bin/env python3
"""examples/data/poisson-regression.csv, from known parameters and a fixed seed (standard library only).

    python3 examples/data/poisson-regression.py

Counts from a two-component mixture of Poisson regressions (log link) on an intercept and two
covariates t, w ~ Uniform(-1, 1): weights 0.4, 0.6; coefficients (intercept, t, w) (1, 1.5, 0.5)
and (2.5, -1, 0): rates from about 0.4 to 20 for the first, and from 4.5 to 33 for the second,
one rising and one falling with t.
"""
import math
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
beta = [(1.0, 1.5, 0.5), (2.5, -1.0, 0.0)]


def poisson(rng, rate):
    """Knuth's method: the number of uniforms whose product stays above e^-rate."""
    limit = math.exp(-rate)
    k, product = 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


rng = random.Random(20261204)
with open(os.path.join(here, "poisson-regression.csv"), "w") as f:
    f.write("y,one,t,w\n")
    for _ in range(400):
        k = 0 if rng.random() < 0.4 else 1
        t = rng.uniform(-1, 1)
        w = rng.uniform(-1, 1)
        rate = math.exp(beta[k][0] + beta[k][1] * t + beta[k][2] * w)
        f.write("%d,1,%.5f,%.5f\n" % (poisson(rng, rate), t, w))
