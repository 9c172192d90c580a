#!/usr/bin/env python3
"""Refits one exported linkage design with statsmodels, for comparison and timing.

    ambassador score --pipeline P --export-designs DIR
    python3 Tests/ScoreTests/Golden/statsmodels_fit.py DIR/design_REPEAT.csv

Prints one JSON object: the seconds the logistic fit with team-clustered (CR1) errors took
(reading the CSV excluded), and each coefficient with its clustered standard error.
"""
import json
import sys
import time

import numpy as np
import statsmodels.api as sm


def main(path):
    data = np.genfromtxt(path, delimiter=",", names=True)
    names = list(data.dtype.names)
    y = data["y"]
    groups = data["cluster"].astype(int)
    columns = [n for n in names if n not in ("y", "cluster")]
    X = np.column_stack([np.ones(len(y))] + [data[c] for c in columns])
    started = time.perf_counter()
    fit = sm.GLM(y, X, family=sm.families.Binomial()).fit(cov_type="cluster", cov_kwds={"groups": groups})
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": int(len(y)), "names": ["const"] + columns,
                      "coefficients": list(map(float, fit.params)), "cluster_se": list(map(float, fit.bse))}))


if __name__ == "__main__":
    main(sys.argv[1])
