#!/usr/bin/env python3
"""Writes the reference datasets and the golden values the Swift numerics are checked against.

Run once (needs numpy, scipy, statsmodels: `pip install statsmodels`):
    python3 Tests/ScoreTests/Golden/make_golden.py
It rewrites logit_*.csv, ols_*.csv and golden.json beside this script. The datasets are
committed, so the tests never need Python; the statsmodels version is recorded.
"""
import json
import os

import numpy as np
import scipy
import scipy.stats as st
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

HERE = os.path.dirname(os.path.abspath(__file__))


def dataset(seed, n, clusters, base, effects, dummies):
    """Logistic data with a cluster random effect, continuous predictors and dummies."""
    rng = np.random.default_rng(seed)
    g = rng.integers(0, clusters, n)
    u = rng.normal(0, 0.4, clusters)
    team_x = rng.normal(0, 1, clusters)
    cols = {"team_x": team_x[g], "agent_x": rng.normal(0, 1, n), "prior": rng.poisson(1.2, n).astype(float)}
    for k in range(dummies):
        cols[f"d{k + 1}"] = (rng.random(n) < 0.3 + 0.1 * k).astype(float)
    eta = base + u[g]
    for name, beta in zip(cols, effects):
        eta = eta + beta * cols[name]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return y, cols, g


def write(name, y, cols, g):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(",".join(["y", "cluster"] + list(cols)) + "\n")
        for i in range(len(y)):
            f.write(",".join([str(int(y[i])) if y[i] in (0.0, 1.0) else repr(float(y[i])), str(int(g[i]))] + [repr(float(cols[c][i])) for c in cols]) + "\n")


def design(cols):
    return np.column_stack([np.ones(len(next(iter(cols.values()))))] + [cols[c] for c in cols])


golden = {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "numpy": np.__version__, "logit": {}, "ols": {}}
specs = {
    "logit_moderate.csv": (11, 2000, 40, -1.7, [-0.15, -0.10, 0.2, 0.3, -0.2], 2),
    "logit_rare.csv": (12, 5000, 25, -3.0, [-0.3, 0.0, 0.1, 0.5], 1),
    "logit_few_clusters.csv": (13, 400, 12, -0.5, [0.4, -0.3, 0.05, 0.2, 0.1, -0.4], 3),
}
for name, (seed, n, k, base, effects, dummies) in specs.items():
    y, cols, g = dataset(seed, n, k, base, effects, dummies)
    write(name, y, cols, g)
    X = design(cols)
    fit = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-14, cov_type="cluster", cov_kwds={"groups": g})
    golden["logit"][name] = {"names": ["const"] + list(cols), "coefficients": list(fit.params), "cluster_se": list(fit.bse),
                             "clusters": int(len(set(g))), "rows": int(n)}

# Designs the score stage itself built (`ambassador score --export-designs DIR` on
# `ambassador generate --teams 15 --tickets 4000 --months 4 --seed 7 --scenario strong`): the
# REPEAT index model and behaviour model, refitted here as they are, never regenerated.
for name in ["logit_pipeline_confirmatory.csv", "logit_pipeline_behaviour.csv"]:
    with open(os.path.join(HERE, name)) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(os.path.join(HERE, name), delimiter=",", skiprows=1)
    y, g = data[:, 0], data[:, 1].astype(int)
    X = np.column_stack([np.ones(len(y)), data[:, 2:]])
    fit = sm.GLM(y, X, family=sm.families.Binomial()).fit(tol=1e-14, cov_type="cluster", cov_kwds={"groups": g})
    golden["logit"][name] = {"names": ["const"] + header[2:], "coefficients": list(fit.params), "cluster_se": list(fit.bse),
                             "clusters": int(len(set(g))), "rows": int(len(y))}

# OLS with clustered errors: a team-level outcome regressed on a prior rate (the reverse check's shape).
rng = np.random.default_rng(21)
n, k = 600, 30
g = rng.integers(0, k, n)
cols = {"x1": rng.normal(0, 1, n) + rng.normal(0, 1, k)[g], "x2": rng.random(n)}
y = 1.0 + 0.3 * cols["x1"] - 0.5 * cols["x2"] + rng.normal(0, 1, k)[g] * 0.5 + rng.normal(0, 1, n)
write("ols_clustered.csv", y, cols, g)
fit = sm.OLS(y, design(cols)).fit(cov_type="cluster", cov_kwds={"groups": g})
golden["ols"]["ols_clustered.csv"] = {"names": ["const", "x1", "x2"], "coefficients": list(fit.params), "cluster_se": list(fit.bse)}

golden["wilson"] = [{"successes": s, "trials": t, "low": lo, "high": hi}
                    for s, t in [(0, 10), (3, 10), (10, 10), (47, 311), (1500, 9000)]
                    for lo, hi in [proportion_confint(s, t, alpha=0.05, method="wilson")]]
# Wilson on an effective number of trials (rows / design effect): statsmodels takes a count
# and a number of trials that need not be whole.
golden["wilson_effective"] = [{"proportion": p, "trials": n, "low": lo, "high": hi}
                              for p, n in [(0.15, 812.5), (0.02, 40.3), (0.5, 7.25)]
                              for lo, hi in [proportion_confint(p * n, n, alpha=0.05, method="wilson")]]
pv = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696]
golden["bh"] = {"p": pv, "q": list(multipletests(pv, method="fdr_bh")[1])}
golden["fisher_z"] = []
for r, n in [(0.3, 50), (-0.45, 20), (0.05, 200)]:
    z, se = np.arctanh(r), 1 / np.sqrt(n - 3)
    q = st.norm.ppf(0.975)
    golden["fisher_z"].append({"r": r, "n": n, "low": float(np.tanh(z - q * se)), "high": float(np.tanh(z + q * se))})
golden["normal_cdf"] = [{"x": x, "p": float(st.norm.cdf(x))} for x in [-8.0, -3.2, -1.0, 0.0, 0.7, 1.959963984540054, 5.0]]
golden["normal_ppf"] = [{"p": p, "x": float(st.norm.ppf(p))} for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.999999]]
golden["t_sf"] = [{"t": t, "df": df, "p": float(st.t.sf(t, df))} for t, df in [(2.0, 5), (-1.3, 12), (0.0, 3), (4.5, 40), (1.96, 1000), (12.0, 2)]]
golden["t_ppf"] = [{"p": p, "df": df, "x": float(st.t.ppf(p, df))} for p, df in [(0.975, 5), (0.975, 29), (0.995, 59), (0.9, 2)]]
golden["f_sf"] = [{"f": f, "d1": a, "d2": b, "p": float(st.f.sf(f, a, b))} for f, a, b in [(3.0, 2, 20), (1.0, 5, 5), (10.5, 1, 58), (0.2, 3, 100)]]

with open(os.path.join(HERE, "golden.json"), "w") as f:
    json.dump(golden, f, indent=1)
    f.write("\n")
print("wrote", sorted(os.listdir(HERE)))
