#!/usr/bin/env python3
"""The synthetic example data, from known parameters and fixed seeds (numpy).

    /usr/bin/python3 examples/data/generate.py

Each file is a two- or three-component mixture of one family; the parameters are in the comments
below, so that a fit can be compared with the truth.
"""
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def write(name, header, rows, fmt):
    with open(os.path.join(here, name), "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(fmt(v) for v in r) + "\n")


def ints(v):
    return str(int(v))


def reals(v):
    return "%.6g" % v


rng = np.random.default_rng(20261123)

# Poisson: weights 0.6, 0.4; rates 2 and 9.
z = rng.choice(2, size=400, p=[0.6, 0.4])
write("poisson.csv", ["count"], [[rng.poisson([2.0, 9.0][k])] for k in z], ints)

# Exponential: weights 0.7, 0.3; rates 2 and 0.2.
z = rng.choice(2, size=400, p=[0.7, 0.3])
write("exponential.csv", ["duration"], [[rng.exponential(1 / [2.0, 0.2][k])] for k in z], reals)

# Geometric (failures before the first success): weights 0.5, 0.5; success probabilities 0.6 and 0.1.
z = rng.choice(2, size=400, p=[0.5, 0.5])
write("geometric.csv", ["failures"], [[rng.geometric([0.6, 0.1][k]) - 1] for k in z], ints)

# Binomial with 20 trials: weights 0.3, 0.7; success probabilities 0.2 and 0.75.
z = rng.choice(2, size=400, p=[0.3, 0.7])
write("binomial.csv", ["hits"], [[rng.binomial(20, [0.2, 0.75][k])] for k in z], ints)

# Independent Bernoullis over 6 items (latent class analysis): weights 0.5, 0.3, 0.2.
p = np.array([[0.9, 0.8, 0.9, 0.1, 0.2, 0.1],
              [0.1, 0.2, 0.1, 0.9, 0.8, 0.9],
              [0.8, 0.9, 0.2, 0.2, 0.9, 0.8]])
z = rng.choice(3, size=600, p=[0.5, 0.3, 0.2])
write("bernoulli.csv", ["q%d" % (i + 1) for i in range(6)],
      [(rng.random(6) < p[k]).astype(int) for k in z], ints)

# Gamma: weights 0.55, 0.45; (shape, rate) (2, 2) and (9, 1).
z = rng.choice(2, size=500, p=[0.55, 0.45])
write("gamma.csv", ["amount"], [[rng.gamma([2.0, 9.0][k], 1 / [2.0, 1.0][k])] for k in z], reals)

# Log-normal: weights 0.6, 0.4; log-means 0 and 2, log-variances 0.25 and 0.1.
z = rng.choice(2, size=500, p=[0.6, 0.4])
write("lognormal.csv", ["income"],
      [[rng.lognormal([0.0, 2.0][k], np.sqrt([0.25, 0.1][k]))] for k in z], reals)

# Categorical answers to three questions (latent class analysis): weights 0.6, 0.4.
theta = [np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]]),
         np.array([[0.6, 0.3, 0.1, 0.0], [0.1, 0.1, 0.2, 0.6]]),
         np.array([[0.8, 0.2], [0.3, 0.7]])]
z = rng.choice(2, size=500, p=[0.6, 0.4])
rows = [[rng.choice(len(t[k]), p=t[k]) + 1 for t in theta] for k in z]
write("survey.csv", ["a", "b", "c"], rows, ints)

# Multivariate Poisson counts over 3 kinds (independent given the component): weights 0.5, 0.5.
rates = np.array([[1.0, 5.0, 2.0], [6.0, 1.0, 4.0]])
z = rng.choice(2, size=400, p=[0.5, 0.5])
write("visits.csv", ["web", "store", "phone"], [rng.poisson(rates[k]) for k in z], ints)

# A mixture of two regressions of y on t (the column `one` gives the intercept): weights 0.5, 0.5;
# lines 1 + 2t and 12 − t; variances 1 and 2.25. The lines cross at t = 11/3.
rng = np.random.default_rng(7)
t = rng.uniform(0, 10, size=300)
z = rng.choice(2, size=300, p=[0.5, 0.5])
y = np.where(z == 0, 1 + 2 * t, 12 - t) + rng.normal(size=300) * np.where(z == 0, 1.0, 1.5)
write("regression.csv", ["y", "one", "t"], [[y[i], 1, t[i]] for i in range(300)], reals)

# A two-state Gaussian hidden Markov model, three sequences of 400 rows (column seq): the first
# state ~ (0.6, 0.4); transitions A = [[0.95, 0.05], [0.10, 0.90]]; emissions N(0, 1) and N(3, 0.5).
rng = np.random.default_rng(11)
A = np.array([[0.95, 0.05], [0.10, 0.90]])
rows = []
for seq in range(1, 4):
    z = rng.choice(2, p=[0.6, 0.4])
    for t in range(400):
        if t > 0:
            z = rng.choice(2, p=A[z])
        rows.append([seq, [0.0, 3.0][z] + rng.normal() * np.sqrt([1.0, 0.5][z])])
write("hmm.csv", ["seq", "x"], rows, lambda v: reals(v) if isinstance(v, float) else str(v))

# Old Faithful with cells emptied at random (for `emc fit --missing marginalize`): each row loses
# its eruptions with probability 0.08, else its waiting with probability 0.08; the rest as they are.
rng = np.random.default_rng(20261123)
with open(os.path.join(here, "faithful.csv")) as f:
    lines = f.read().splitlines()
with open(os.path.join(here, "faithful-missing.csv"), "w") as f:
    f.write(lines[0] + "\n")
    for line in lines[1:]:
        cells = line.split(",")
        u = rng.random()
        if u < 0.08:
            cells[0] = ""
        elif u < 0.16:
            cells[1] = ""
        f.write(",".join(cells) + "\n")

# Not synthetic: the wine recognition data (Forina et al., UCI Machine Learning Repository,
# CC BY 4.0), 178 wines × 13 chemical measurements, as scikit-learn bundles it, for factor
# analysis (examples/factor.model). The cultivar label is left out.
from sklearn.datasets import load_wine

wine = load_wine()
names = [n.replace("/", "_") for n in wine.feature_names]
write("wine.csv", names, wine.data, lambda v: "%.10g" % v)
