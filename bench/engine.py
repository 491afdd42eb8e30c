"""Our booster beside LightGBM on the same rows, in one sitting: time per tree and the ratio.

    python3 bench/engine.py                 # 100k and 1M rows, binary and 16 classes, 3 repeats
    python3 bench/engine.py --sizes 100000 --repeats 5

Both fit 100 rounds with no early stopping on the same synthetic rows (20 uniform features,
written by `toolkit/examples/engine.rs` and read back here as float32): 255 bins, depth 5
(LightGBM: 31 leaves at most, depth 5), learning rate 0.1, no row or column sampling, no L2,
a minimum hessian of 1 per leaf, two threads. A softmax round grows one tree per class, so time
per tree is the fit's time over rounds x classes. LightGBM's time includes building its Dataset
(binning), as ours includes binning. Medians of the repeats; the machine is shared and noisy.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
import warnings

import references

warnings.filterwarnings("ignore", message="Usage of np.ndarray subset")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ROUNDS = 100
COLS = 20


def ours(rows, classes, dump=None):
    cmd = ["cargo", "run", "-q", "-p", "autokaggle-toolkit", "--example", "engine", "--",
           str(rows), str(classes)] + (["--dump", dump] if dump else [])
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return None if dump else json.loads(out)["seconds"]


def lightgbm(path, rows, classes):
    import lightgbm as lgb
    import numpy as np
    a = np.fromfile(path, dtype=np.float32).reshape(rows, COLS + 1)
    x, y = np.ascontiguousarray(a[:, :COLS]), a[:, COLS]
    p = dict(learning_rate=0.1, num_leaves=31, max_depth=5, max_bin=255, num_threads=2,
             verbose=-1, min_data_in_leaf=1, min_sum_hessian_in_leaf=1.0, lambda_l2=0.0,
             bagging_fraction=1.0, feature_fraction=1.0)
    p.update(objective="binary") if classes == 2 else p.update(objective="multiclass",
                                                                num_class=classes)
    t = time.time()
    lgb.train(p, lgb.Dataset(x, y), num_boost_round=ROUNDS)
    return time.time() - t


def main():
    references.ensure_venv("lightgbm")  # bench/.venv, shared with the references
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--classes", type=int, nargs="+", default=[2, 16])
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "-q", "-p", "autokaggle-toolkit", "--example", "engine"],
                   cwd=ROOT, check=True)
    print("| rows | classes | ours ms/tree | LightGBM ms/tree | ratio |")
    print("|---|---|---|---|---|")
    for rows in a.sizes:
        for k in a.classes:
            trees = ROUNDS * (1 if k == 2 else k)
            with tempfile.NamedTemporaryFile(suffix=".f32") as f:
                ours(rows, k, dump=f.name)
                us, them = [], []
                for _ in range(a.repeats):  # interleaved, so both see the same machine
                    us.append(ours(rows, k))
                    them.append(lightgbm(f.name, rows, k))
            u, t = statistics.median(us) * 1000 / trees, statistics.median(them) * 1000 / trees
            print(f"| {rows:,} | {k} | {u:.2f} | {t:.2f} | {u / t:.2f} |", flush=True)


if __name__ == "__main__":
    main()
