#!/usr/bin/env python3
"""How far an online factor-analysis fit lies from the batch fit of the same rows, in standard errors.

usage: factor-distance.py BATCH.json ONLINE.json ROWS

Standard errors at the batch fit, as FactorOnlineTest writes them: mu_i's sqrt(Sigma_ii / N); Psi's
and WW^T's (W only up to rotation) by the delta method on the pseudo-inverse of the expected
information of N(mu, WW^T + Psi) in (W, Psi), I_ab = (N/2) tr(S^-1 dS_a S^-1 dS_b).
"""
import json
import sys

import numpy as np


def params(path):
    fit = json.load(open(path))
    p = fit["params"]
    return fit["logLikelihood"], np.array(p["mu"], float).ravel(), np.array(p["W"], float), np.array(p["Psi"], float).ravel()


ll_b, mu_b, w_b, psi_b = params(sys.argv[1])
ll_o, mu_o, w_o, psi_o = params(sys.argv[2])
n = int(sys.argv[3])
d, q = w_b.shape
sigma = w_b @ w_b.T + np.diag(psi_b)
inv = np.linalg.inv(sigma)
derivs = []
for i in range(d):
    for a in range(q):
        m = np.zeros((d, d))
        m[i, :] += w_b[:, a]
        m[:, i] += w_b[:, a]
        derivs.append(m)
for i in range(d):
    m = np.zeros((d, d))
    m[i, i] = 1
    derivs.append(m)
p = len(derivs)
info = np.array([[0.5 * n * np.trace(inv @ derivs[a] @ inv @ derivs[b]) for b in range(p)] for a in range(p)])
cov = np.linalg.pinv(info)
mu_z = np.abs(mu_o - mu_b) / np.sqrt(np.diag(sigma) / n)
psi_z = np.abs(psi_o - psi_b) / np.sqrt(np.diag(cov)[d * q:])
ww_b, ww_o = w_b @ w_b.T, w_o @ w_o.T
ww_z = []
for i in range(d):
    for j in range(i, d):
        g = np.zeros(p)
        for a in range(q):
            g[i * q + a] += w_b[j, a]
            g[j * q + a] += w_b[i, a]
        ww_z.append(abs(ww_o[i, j] - ww_b[i, j]) / np.sqrt(g @ cov @ g))
ww_z = np.array(ww_z)
print(f"log-likelihood per row below the batch fit's: {(ll_b - ll_o) / n:.2e}")
for name, z in (("mu", mu_z), ("Psi", psi_z), ("WWt", ww_z)):
    print(f"{name}: farthest {z.max():.2f} standard errors; over 3: {int((z > 3).sum())} of {len(z)}")
