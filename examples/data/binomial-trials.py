#!/usr/bin/env python3
"""examples/data/binomial-trials.csv, from known parameters and a fixed seed (standard library only).

    python3 examples/data/binomial-trials.py

Successes out of each row's own number of trials (5 to 30, uniform), from a two-component
binomial mixture: weights 0.4, 0.6; success probabilities 0.2 and 0.7.
"""
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
p = [0.2, 0.7]

rng = random.Random(20261202)
with open(os.path.join(here, "binomial-trials.csv"), "w") as f:
    f.write("hits,trials\n")
    for _ in range(300):
        k = 0 if rng.random() < 0.4 else 1
        trials = rng.randint(5, 30)
        hits = sum(rng.random() < p[k] for _ in range(trials))
        f.write("%d,%d\n" % (hits, trials))
