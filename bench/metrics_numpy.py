"""Vectorised NumPy implementation of the same metric set as lib/calibration (bootstrap excluded), for
`npm run bench:metrics` to compare speed and values against.

Usage: python3 bench/metrics_numpy.py PROBS.f64 LABELS.i32 N K BINS REPEATS
Reads raw little-endian float64 probabilities (N*K, row-major) and int32 gold labels, computes every
metric REPEATS times, and prints one JSON object: {"seconds": [...], "cpu_seconds": [...], "metrics": {...}}.

Conventions follow README.md ("Metrics"): equal-width bin = min(floor(c*M), M-1); equal-mass ranges from a
stable argsort split like numpy.array_split; smECE as relplot (reflected Gaussian kernel, grid
G = max(2000, round(20/sigma))//2 + 1, mesh max(round(10/sigma), 200), bisection for the fixed point).
"""
import json
import sys
import time

import numpy as np


def smece(f, y):
    cache = {}

    def grid(G):
        if G not in cache:
            b = np.clip((f * (G - 1)).astype(np.int64), 0, G - 2)
            frac = f * (G - 1) - b
            r = f - y
            vr = np.bincount(b, (1 - frac) * r, G) + np.bincount(b + 1, frac * r, G)
            v1 = np.bincount(b, 1 - frac, G) + np.bincount(b + 1, frac, G)
            cache[G] = (vr, v1)
        return cache[G]

    def smooth(v, sigma, G):
        t = np.linspace(0, 1, G)
        ker = np.exp(-(t - 0.5) * (t - 0.5) / (2 * sigma * sigma)) / (np.sqrt(2 * np.pi) * sigma)
        ext = np.concatenate([np.flip(v)[:-1], v, np.flip(v)[1:]])
        return np.convolve(ext, ker, "valid")[G // 2 : G // 2 + G]

    def interp(t, s):
        n = len(s)
        bucket = 1 / (n - 1)
        ind = np.clip((t * (n - 1)).astype(np.int64), 0, n - 2)
        res = (t - ind * bucket) / bucket
        return s[ind] * (1 - res) + s[ind + 1] * res

    evals = {}

    def at(sigma):
        if sigma not in evals:
            G = max(2000, round(20 / sigma)) // 2 + 1
            vr, v1 = grid(G)
            t = np.linspace(0, 1, max(round(10 / sigma), 200))
            ar = interp(t, smooth(vr, sigma, G))
            a1 = interp(t, smooth(v1, sigma, G)) + 1e-4
            evals[sigma] = np.sum(np.abs(ar)) / np.sum(a1)
        return evals[sigma]

    inside = lambda s: s < 0.001 or s < at(s)
    sigma = 1.0
    if not inside(1.0):
        lo, hi = 0.0, 1.0
        for _ in range(10):
            mid = (lo + hi) / 2
            if inside(mid):
                lo = mid
            else:
                hi = mid
        sigma = hi
    return at(sigma), sigma


def split_sizes(n, m):
    q, extra = divmod(n, m)
    return np.array([q + 1 if g < extra else q for g in range(m)])


def metrics(p, y, m):
    n, k = p.shape
    rows = np.arange(n)
    pred = p.argmax(1)  # first maximum on ties
    conf = p[rows, pred]
    correct = (pred == y).astype(np.float64)
    onehot = np.zeros_like(p)
    onehot[rows, y] = 1.0
    out = {"accuracy": correct.mean(), "confidence": conf.mean()}
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    out["entropy_bits"] = -plogp.sum(1).mean()
    out["brier"] = ((p - onehot) ** 2).sum(1).mean()
    out["nll"] = -np.log(np.maximum(p[rows, y], 1e-12)).mean()

    b = np.minimum(np.floor(conf * m).astype(np.int64), m - 1)
    cnt = np.bincount(b, minlength=m)
    gap = np.abs(np.bincount(b, correct, m) - np.bincount(b, conf, m))  # |Σy − Σc| per bin
    nz = cnt > 0
    out["ece"] = gap.sum() / n
    out["rms"] = np.sqrt((gap[nz] ** 2 / cnt[nz]).sum() / n)
    out["mce"] = (gap[nz] / cnt[nz]).max()

    cells = (np.minimum(np.floor(p * m).astype(np.int64), m - 1) + np.arange(k) * m).ravel()
    sce_gap = np.abs(np.bincount(cells, onehot.ravel(), k * m) - np.bincount(cells, p.ravel(), k * m))
    out["sce"] = (sce_gap.reshape(k, m).sum(1) / n).mean()

    sizes = split_sizes(n, m)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    ace = 0.0
    for c in range(k):
        order = np.argsort(p[:, c], kind="stable")
        ps = p[order, c]
        ys = onehot[order, c]
        ok = sizes > 0
        st = starts[ok]
        ace += (np.abs(np.add.reduceat(ys, st) - np.add.reduceat(ps, st)) / sizes[ok]).sum()
    out["ace"] = ace / (k * m)
    out["smece"], out["smece_sigma"] = smece(conf, correct)
    return {key: float(v) for key, v in out.items()}


def main():
    probs_file, labels_file, n, k, m, repeats = sys.argv[1:7]
    n, k, m, repeats = int(n), int(k), int(m), int(repeats)
    p = np.fromfile(probs_file, dtype="<f8").reshape(n, k)
    y = np.fromfile(labels_file, dtype="<i4").astype(np.int64)
    seconds = []
    cpu = []
    result = None
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        result = metrics(p, y, m)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(json.dumps({"numpy": np.__version__, "seconds": seconds, "cpu_seconds": cpu, "metrics": result}))


if __name__ == "__main__":
    main()
