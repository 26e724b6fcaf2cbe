#!/usr/bin/env python3
"""Coverage of emc fit --se's 95% intervals (issue 20): draws DATASETS data sets of ROWS rows from a
known two-component Gaussian mixture (the reference fit of Old Faithful, rounded), fits each with
examples/gmm.model and --se, and counts how often each mean's interval holds the true mean.

    /usr/bin/python3 bench/coverage.py [DATASETS=200] [ROWS=500]

Components are put in the truth's order by --order-by mu[1] (the eruption time), far apart in
this mixture, so that label switching cannot move an interval onto the other component's mean.
"""
import json, os, subprocess, sys, tempfile
import numpy as np

datasets = int(sys.argv[1]) if len(sys.argv) > 1 else 200
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 500
phi = np.array([0.36, 0.64])
mu = np.array([[2.04, 54.5], [4.29, 80.0]])
sigma = np.array([[[0.069, 0.44], [0.44, 33.7]], [[0.17, 0.94], [0.94, 36.0]]])
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rng = np.random.default_rng(20261202)
covered = np.zeros((2, 2))
fitted = 0
with tempfile.TemporaryDirectory() as tmp:
    for d in range(datasets):
        z = rng.choice(2, size=rows, p=phi)
        x = np.array([rng.multivariate_normal(mu[k], sigma[k]) for k in z])
        path = os.path.join(tmp, "data.csv")
        np.savetxt(path, x, delimiter=",", header="eruptions,waiting", comments="", fmt="%.10g")
        out = subprocess.run([os.path.join(root, "bin/emc"), "fit", os.path.join(root, "examples/gmm.model"),
                              "--data", path, "--se", "--order-by", "mu[1]", "--quiet", "--out", "-"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(f"data set {d}: emc failed: {out.stderr.strip()}", file=sys.stderr)
            continue
        fit = json.loads(out.stdout)
        lower = np.array(fit["information"]["lower"]["mu"], dtype=float)
        upper = np.array(fit["information"]["upper"]["mu"], dtype=float)
        covered += (lower <= mu) & (mu <= upper)
        fitted += 1
print(f"{fitted} of {datasets} data sets of {rows} rows fitted; share of 95% intervals holding the true mean:")
for k in range(2):
    for j, name in enumerate(["eruptions", "waiting"]):
        share = covered[k, j] / fitted
        se = np.sqrt(0.95 * 0.05 / fitted)
        print(f"  mu[{k + 1}][{name}] = {mu[k, j]:6.2f}: {share:.3f}  (0.95 ± {1.96 * se:.3f} expected by chance)")
