#!/usr/bin/env python3
"""examples/data/durations.csv, from known parameters and a fixed seed (standard library only).

    python3 examples/data/durations.py

Three durations per support ticket, in hours (until the first reply, the fix, and the closing),
from a two-component mixture of independent gammas: weights 0.6, 0.4; one shape per duration
shared by both components, (2, 4, 1.5); rates per component (1, 0.5, 2) and (0.2, 0.1, 0.25), so
means (2, 8, 0.75) and (10, 40, 6).
"""
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
shape = [2.0, 4.0, 1.5]
rate = [[1.0, 0.5, 2.0], [0.2, 0.1, 0.25]]

rng = random.Random(20261202)
with open(os.path.join(here, "durations.csv"), "w") as f:
    f.write("reply,fix,close\n")
    for _ in range(600):
        k = 0 if rng.random() < 0.6 else 1
        f.write(",".join("%.6g" % rng.gammavariate(shape[d], 1 / rate[k][d]) for d in range(3)) + "\n")
