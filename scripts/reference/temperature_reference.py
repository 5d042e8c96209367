"""Reference values for `calib recalibrate --method temperature` (NumPy + SciPy, run offline).

Writes two JSONL fixtures (mixed logits / log-probabilities / probabilities, 3-5 options, gold labels)
into lib/calibration/recalibrate/testdata/ and prints, per file, the temperature minimising the mean
floored NLL of softmax(z / T) (scipy.optimize.minimize_scalar, bounded, on ln T in [ln 0.02, ln 50],
xatol 1e-12), NLL before/after and ECE (15 equal-width bins) before/after. The numbers are pasted into
cli/commands/recalibrate.test.ts. Usage: python3 scripts/reference/temperature_reference.py
"""
import json
import os

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lib", "calibration", "recalibrate", "testdata")
CAP = -np.log(1e-12)


def make(seed, n, sharp):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        k = int(rng.integers(3, 6))
        label = int(rng.integers(0, k))
        z = rng.normal(0, 1, k)
        z[label] += 1.0  # some signal
        z = z * sharp  # sharp > 1: overconfident; < 1: underconfident
        kind = ["logits", "logprobs", "probs"][i % 3]
        if kind == "logits":
            scores = z + rng.normal(0, 3)  # an arbitrary per-row shift: softmax ignores it
        elif kind == "logprobs":
            scores = z - logsumexp(z)
        else:
            scores = np.exp(z - logsumexp(z))
        rows.append({"kind": kind, "scores": [float(v) for v in scores], "label": label})
    return rows


def logscores(row):
    s = np.array(row["scores"])
    return np.log(s) if row["kind"] == "probs" else s


def nll(rows, t):
    total = 0.0
    for r in rows:
        z = logscores(r) / t
        v = logsumexp(z) - z[r["label"]]
        total += min(v, CAP)
    return total / len(rows)


def ece(rows, t, bins=15):
    count = np.zeros(bins); sc = np.zeros(bins); sy = np.zeros(bins)
    for r in rows:
        z = logscores(r) / t
        p = np.exp(z - logsumexp(z))
        c = p.max(); y = 1.0 if int(np.argmax(p)) == r["label"] else 0.0
        b = min(int(np.floor(c * bins)), bins - 1)
        count[b] += 1; sc[b] += c; sy[b] += y
    m = count > 0
    return float(np.sum(count[m] / len(rows) * np.abs(sy[m] / count[m] - sc[m] / count[m])))


for name, seed, n, sharp in [("overconfident", 14, 300, 3.0), ("underconfident", 41, 240, 0.4)]:
    rows = make(seed, n, sharp)
    with open(os.path.join(OUT, f"temperature-{name}.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps({r["kind"]: r["scores"], "label": r["label"]}) + "\n")
    res = minimize_scalar(lambda u: nll(rows, np.exp(u)), bounds=(np.log(0.02), np.log(50)), method="bounded", options={"xatol": 1e-12})
    t = float(np.exp(res.x))
    print(json.dumps({"file": name, "n": n, "temperature": t, "nll_before": nll(rows, 1.0), "nll_after": nll(rows, t), "ece_before": ece(rows, 1.0), "ece_after": ece(rows, t)}))
