#!/usr/bin/env python3
"""Side-by-side EM timings: emc against scikit-learn and Apache Commons Math on the same data,
from the same start, for the same number of iterations. Prints seconds per iteration, the ratio
peer : emc (how many times faster emc is), and whether the log-likelihoods agree.

    /usr/bin/python3 bench/generate.py          # once: bench/data/*.csv
    /usr/bin/python3 bench/run.py [a b c d] [--iters N] [--from W] [--threads 1,2] [--repeat R] [--no-commons]

Per iteration means: (time for N iterations − time for W) / (N − W), W = 1 unless --from says, so
that loading, compiling and setting up are not counted for anyone. A larger W leaves the JIT's
warm-up out as well: emc's first second runs its Vector API kernels before the JIT has compiled them. Both peers and emc run with no regularization and no
convergence test (emc: --reg 0 --tol 0; scikit-learn: reg_covar=0, tol=0).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.mixture import GaussianMixture

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
# The jar bin/emc builds; EMC_JAR points elsewhere (a copy, to keep benchmarking while editing).
jar = os.environ.get("EMC_JAR", os.path.join(root, "emc-cli", "target", "emc.jar"))
data_dir = os.path.join(here, "data")

# name: (data file, emc model, K, covariance type for scikit-learn or None for the Poisson mixture)
WORKLOADS = {
    "a": ("a.csv", "examples/gmm.model", 2, "full"),
    "b": ("b.csv", "examples/gmm.model", 30, "full"),
    "c": ("c.csv", "examples/gmm-diagonal.model", 5, "diag"),
    "d": ("d.csv", "examples/poisson.model", 4, None),
}


def start(x, k, cov, seed=0):
    """A start every implementation reads: the M-step of a few Lloyd iterations' hard labels; for
    counts, equal weights and rates at the data's quantiles (a cluster of zeros would have rate 0)."""
    if cov is None:
        rates = np.quantile(x[:, 0], [(j + 0.5) / k for j in range(k)]) + 0.5
        return np.full(k, 1.0 / k), rates.reshape(k, 1), None
    rng = np.random.default_rng(seed)
    centres = x[rng.choice(len(x), size=k, replace=False)]
    sample = x[rng.choice(len(x), size=min(len(x), 20000), replace=False)]
    for _ in range(5):
        labels = ((sample[:, None, :] - centres[None, :, :]) ** 2).sum(-1).argmin(1)
        centres = np.array([sample[labels == j].mean(0) if np.any(labels == j) else centres[j] for j in range(k)])
    labels = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(-1).argmin(1) if x.shape[1] * k * len(x) < 5e8 \
        else np.concatenate([((c[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1) for c in np.array_split(x, 50)])
    weights = np.bincount(labels, minlength=k) / len(x)
    means = np.array([x[labels == j].mean(0) for j in range(k)])
    if cov == "full":
        covs = np.array([np.cov(x[labels == j].T, bias=True).reshape(x.shape[1], x.shape[1]) for j in range(k)])
    elif cov == "diag":
        covs = np.array([x[labels == j].var(0) for j in range(k)])
    else:
        covs = None
    return weights, means, covs


def emc_params(weights, means, covs, cov):
    if cov is None:
        return {"phi": weights.tolist(), "lambda": means[:, 0].tolist()}
    return {"phi": weights.tolist(), "mu": means.tolist(), "Sigma": covs.tolist()}


def emc_fit(model, csv, k, init, iters, threads=None):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "fit.json")
        # As bin/emc runs it: with the Vector API for the full-covariance kernels.
        cmd = ["java", "--add-modules=jdk.incubator.vector", "-jar", jar, "fit", os.path.join(root, model),
               "--data", csv, "--set", "K=%d" % k, "--init", init, "--tol", "0", "--reg", "0",
               "--max-iter", str(iters), "--out", out] + (["--threads", str(threads)] if threads else [])
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as f:
            return json.load(f)


# emc's fits are timed REPEAT times each and the fastest kept: a pass of a few milliseconds makes
# the difference of two fits small beside the JIT's and the machine's jitter (--repeat R).
REPEAT = 1


# --from W: the shorter fit of the two whose difference is timed.
FROM = 1


def run_emc(model, csv, k, init, iters, threads=None):
    one = min((emc_fit(model, csv, k, init, FROM, threads) for _ in range(REPEAT)),
              key=lambda f: f["timing"]["fitSeconds"])
    many = min((emc_fit(model, csv, k, init, iters, threads) for _ in range(REPEAT)),
               key=lambda f: f["timing"]["fitSeconds"])
    seconds = (many["timing"]["fitSeconds"] - one["timing"]["fitSeconds"]) / (iters - FROM)
    return seconds, many["logLikelihood"], many


def sklearn_fit(x, k, cov, weights, means, covs, iters):
    precisions = np.linalg.inv(covs) if cov == "full" else 1.0 / covs
    gm = GaussianMixture(n_components=k, covariance_type=cov, tol=0, reg_covar=0, max_iter=iters,
                         init_params="random", weights_init=weights, means_init=means, precisions_init=precisions)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "did not converge": tol = 0 asks it not to
        t0 = time.perf_counter()
        gm.fit(x)
        seconds = time.perf_counter() - t0
    return seconds, gm.score(x) * len(x)


def run_sklearn(x, k, cov, weights, means, covs, iters):
    one, _ = sklearn_fit(x, k, cov, weights, means, covs, FROM)
    many, ll = sklearn_fit(x, k, cov, weights, means, covs, iters)
    return (many - one) / (iters - FROM), ll


def poisson_numpy(x, weights, rates, iters):
    """A vectorized numpy Poisson-mixture EM, the peer for (d): what a careful numpy user writes."""
    from scipy.special import gammaln, logsumexp
    x = x[:, 0]
    lf = gammaln(x + 1)
    w, lam = weights.copy(), rates.copy()
    t0 = time.perf_counter()
    for _ in range(iters):
        lp = np.log(w) + x[:, None] * np.log(lam) - lam - lf[:, None]
        r = np.exp(lp - logsumexp(lp, axis=1)[:, None])
        nk = r.sum(0)
        w, lam = nk / len(x), (r * x[:, None]).sum(0) / nk
    seconds = (time.perf_counter() - t0) / iters
    lp = np.log(w) + x[:, None] * np.log(lam) - lam - lf[:, None]
    return seconds, logsumexp(lp, axis=1).sum()


def run_commons(csv, init, iters):
    """Commons Math's MultivariateNormalMixtureExpectationMaximization, through bench/CommonsMathPeer.java."""
    peer = os.path.join(here, "CommonsMathPeer.java")
    out = subprocess.run(["java", "-Xmx8g", "-cp", jar, peer, csv, init, str(iters)], check=True,
                         capture_output=True, text=True).stdout
    fields = dict(line.split("=", 1) for line in out.split())
    return float(fields["secondsPerIteration"]), float(fields["logLikelihood"])


def agree(a, b):
    rel = abs(a - b) / abs(b)
    return "%.1e %s" % (rel, "agree" if rel <= 1e-9 else "DIFFER")


def main():
    args = sys.argv[1:]
    iters = 10
    if "--iters" in args:
        i = args.index("--iters")
        iters = int(args[i + 1])
        del args[i:i + 2]
    # --threads 1,2: emc once per thread count (default: all cores), each against the same peer run.
    threads = [None]
    if "--threads" in args:
        i = args.index("--threads")
        threads = [int(t) for t in args[i + 1].split(",")]
        del args[i:i + 2]
    global REPEAT, FROM
    if "--repeat" in args:
        i = args.index("--repeat")
        REPEAT = int(args[i + 1])
        del args[i:i + 2]
    if "--from" in args:
        i = args.index("--from")
        FROM = int(args[i + 1])
        del args[i:i + 2]
    if not 1 <= FROM < iters:
        sys.exit("--from W needs 1 <= W < N (--iters N)")
    commons = "--no-commons" not in args
    which = [a for a in args if a in WORKLOADS] or list(WORKLOADS)
    if "EMC_JAR" not in os.environ:  # bin/emc builds the jar when it is missing or stale
        subprocess.run([os.path.join(root, "bin", "emc"), "--version"], check=True, stdout=subprocess.DEVNULL)
    print("%-3s %-24s %12s %12s %9s  %s" % ("", "peer", "peer s/iter", "emc s/iter", "emc is", "log-likelihoods"))
    for name in which:
        csv_name, model, k, cov = WORKLOADS[name]
        csv = os.path.join(data_dir, csv_name)
        x = np.loadtxt(csv, delimiter=",", skiprows=1, ndmin=2)
        weights, means, covs = start(x, k, cov)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"params": emc_params(weights, means, covs, cov)}, f)
            init = f.name
        label = "%s (%s, K=%d)" % (name, "x".join(map(str, x.shape)), k)
        if cov is None:
            peer, (peer_s, peer_ll) = "numpy (vectorized)", poisson_numpy(x, weights, means[:, 0], iters)
        else:
            peer, (peer_s, peer_ll) = "scikit-learn", run_sklearn(x, k, cov, weights, means, covs, iters)
        for t in threads:
            emc_s, emc_ll, _ = run_emc(model, csv, k, init, iters, t)
            flops = ""
            d = x.shape[1]
            if cov == "full":
                # E-step and statistics: a triangular solve and a rank-one update per row and component.
                flops = "  emc %.1f GFLOP/s" % (len(x) * k * (2 * d * d + 6 * d) / emc_s / 1e9)
            elif cov == "diag":
                # Per row and component: the form Σ (x − μ)² / σ², 4D (subtract, square, multiply-add),
                # and the moments Σ r (x − μ) and Σ r (x − μ)², 5D. The exps and logs are not counted.
                flops = "  emc %.1f GFLOP/s" % (len(x) * k * 9 * d / emc_s / 1e9)
            print("%-3s %-24s %12.4f %12.4f %8.1fx  %s%s%s" % (
                name, peer, peer_s, emc_s, peer_s / emc_s, agree(emc_ll, peer_ll),
                "" if t is None else "  (emc on %d thread%s)" % (t, "" if t == 1 else "s"), flops))
        if cov is not None:
            if commons and cov == "full" and name == "a":
                cm_s, cm_ll = run_commons(csv, init, iters)
                print("%-3s %-24s %12.4f %12.4f %8.1fx  %s" % (name, "Commons Math", cm_s, emc_s, cm_s / emc_s,
                                                                 agree(emc_ll, cm_ll)))
        print("    %s" % label, flush=True)
        os.unlink(init)


if __name__ == "__main__":
    main()
