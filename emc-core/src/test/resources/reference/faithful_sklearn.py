#!/usr/bin/env python3
"""Reference numbers for emc's Gaussian-mixture tests, from scikit-learn's GaussianMixture.

Fits Old Faithful (examples/data/faithful.csv) from the fixed start in faithful_start.json with
no covariance regularization (reg_covar=0), once for exactly 3 EM iterations and once for 500, by
which EM has reached its fixed point (tol=0 makes scikit-learn run every iteration: its own test,
on the change of the mean log-likelihood, stops while the parameters still move in the 7th digit).
Writes the parameters and log-likelihoods to faithful_sklearn.json.

    /usr/bin/python3 src/test/resources/reference/faithful_sklearn.py   (Debian's python3-sklearn)
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.normpath(os.path.join(here, "..", "..", "..", ".."))
X = np.loadtxt(os.path.join(root, "examples", "data", "faithful.csv"), delimiter=",", skiprows=1)
start = json.load(open(os.path.join(here, "faithful_start.json")))["params"]


def fit(max_iter, tol):
    gm = GaussianMixture(
        n_components=2, covariance_type="full", reg_covar=0.0, tol=tol, max_iter=max_iter,
        weights_init=np.array(start["phi"]), means_init=np.array(start["mu"]),
        precisions_init=np.linalg.inv(np.array(start["Sigma"])), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(X)
    return {
        "iterations": int(gm.n_iter_),
        # score() is the mean log-likelihood per row at the fitted parameters.
        "logLikelihood": float(gm.score(X) * X.shape[0]),
        "params": {"phi": gm.weights_.tolist(), "mu": gm.means_.tolist(), "Sigma": gm.covariances_.tolist()},
    }


out = {"sklearn": sklearn.__version__, "threeIterations": fit(3, 0.0), "converged": fit(500, 0.0)}
with open(os.path.join(here, "faithful_sklearn.json"), "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
