#!/usr/bin/env python3
"""examples/data/logistic-mixture.csv, from known parameters and a fixed seed (standard library only).

    python3 examples/data/logistic-mixture.py

A 0/1 response from a two-component mixture of logistic regressions on an intercept and one
covariate t ~ Uniform(-3, 3): weights 0.4, 0.6; coefficients (intercept, slope) (4.5, 3) and
(4.5, -3): curves that rise past t = -1.5 and fall past t = 1.5.
"""
import math
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
beta = [(4.5, 3.0), (4.5, -3.0)]

rng = random.Random(20261203)
with open(os.path.join(here, "logistic-mixture.csv"), "w") as f:
    f.write("y,one,t\n")
    for _ in range(1000):
        k = 0 if rng.random() < 0.4 else 1
        t = rng.uniform(-3, 3)
        p = 1 / (1 + math.exp(-(beta[k][0] + beta[k][1] * t)))
        f.write("%d,1,%.5f\n" % (rng.random() < p, t))
