"""Generates t-mixture.csv: two 2-D clusters with heavy tails (multivariate t, 4 degrees of freedom),
as scale mixtures of normals (w ~ Gamma(ν/2, ν/2), x ~ N(μ, Σ/w)), plus a few outliers. Fixed seed.

    /usr/bin/python3 examples/data/t-mixture.py > examples/data/t-mixture.csv
"""
import numpy as np

rng = np.random.default_rng(20261202)
components = [  # (weight, mean, covariance, degrees of freedom)
    (0.6, np.array([0.0, 0.0]), np.array([[1.0, 0.5], [0.5, 1.5]]), 4.0),
    (0.4, np.array([5.0, 3.0]), np.array([[0.8, -0.3], [-0.3, 0.6]]), 4.0),
]
n = 300
rows = []
for _ in range(n):
    k = rng.choice(len(components), p=[c[0] for c in components])
    _, mu, sigma, nu = components[k]
    w = rng.gamma(nu / 2, 2 / nu)  # rate ν/2: numpy takes the scale, 1/rate
    rows.append(rng.multivariate_normal(mu, sigma / w))
# A few outliers far from both clusters.
for x in ([15.0, -10.0], [-12.0, 14.0], [20.0, 20.0], [-15.0, -15.0]):
    rows.append(np.array(x))
print("x1,x2")
for r in rows:
    print(f"{r[0]:.6f},{r[1]:.6f}")
