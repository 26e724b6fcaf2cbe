#!/usr/bin/env python3
"""examples/data/experts.csv, from known parameters and a fixed seed (standard library only).

    python3 examples/data/experts.py

A mixture of two linear-regression experts whose weights depend on the covariate t ~ Uniform(-3, 3)
(a mixture of experts): the first expert's probability is logistic(0.5 + 1.5 t), the second's the
rest, so that G = [[0.5, 1.5], [0, 0]] with the second row as reference (intercept, slope of t).
Expert 1: y = 1 + 2 t + N(0, 0.5^2); expert 2: y = 3 - t + N(0, 0.8^2).
"""
import math
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
gate = (0.5, 1.5)
beta = [(1.0, 2.0), (3.0, -1.0)]
sd = [0.5, 0.8]

rng = random.Random(20261204)
with open(os.path.join(here, "experts.csv"), "w") as f:
    f.write("y,one,t\n")
    for _ in range(400):
        t = rng.uniform(-3, 3)
        p1 = 1 / (1 + math.exp(-(gate[0] + gate[1] * t)))
        k = 0 if rng.random() < p1 else 1
        y = beta[k][0] + beta[k][1] * t + rng.gauss(0, sd[k])
        f.write("%.5f,1,%.5f\n" % (y, t))
