"""The reference column for bench/make_playground.py's competitions, and a scorer for any submission.

    python3 bench/playground_ref.py DIR               # a default LightGBM: fit on train, AUC on test labels
    python3 bench/playground_ref.py DIR --score SUB   # the AUC of a submission against DIR/test_labels.csv

The first call creates bench/.venv (lightgbm 4.7.0, pandas, scikit-learn, pyarrow from PyPI) and re-runs itself
inside it. The LightGBM column is what a user writes in a few lines: the ISO signup time as year, month,
day, weekday and hour; region_code and channel as pandas categories (LightGBM's native categorical
splits); every other column as it is; LGBMClassifier() with its defaults.
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
PY = os.path.join(VENV, "bin", "python")


def ensure_venv():
    if sys.prefix == VENV:
        return
    if not os.path.exists(PY):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        # pyarrow is for bench/pandas_1m.py's Parquet step, which runs in the same venv.
        subprocess.check_call([PY, "-m", "pip", "install", "-q", "lightgbm==4.7.0", "pandas",
                               "scikit-learn", "pyarrow"])
    os.execv(PY, [PY] + sys.argv)


def frame(pd, df):
    t = pd.to_datetime(df.pop("signup_time"), utc=True)
    for part in ["year", "month", "day", "weekday", "hour"]:
        df[f"signup_{part}"] = getattr(t.dt, part)
    for c in ["region_code", "channel"]:
        df[c] = df[c].astype("category")
    return df


def main():
    ensure_venv()
    import pandas as pd
    from sklearn.metrics import roc_auc_score

    d = sys.argv[1]
    labels = pd.read_csv(os.path.join(d, "test_labels.csv"))
    if "--score" in sys.argv:
        sub = pd.read_csv(sys.argv[sys.argv.index("--score") + 1])
        merged = labels.merge(sub, on="id", suffixes=("", "_pred"))
        assert len(merged) == len(labels), "the submission must cover every test id"
        print(f"holdout AUC {roc_auc_score(merged['target'], merged['target_pred']):.5f}")
        return
    import lightgbm as lgb

    start = time.time()
    train = pd.read_csv(os.path.join(d, "train.csv"))
    test = pd.read_csv(os.path.join(d, "test.csv"))
    y = train.pop("target")
    x = frame(pd, train.drop(columns=["id"]))
    xt = frame(pd, test.drop(columns=["id"]))
    for c in ["region_code", "channel"]:
        xt[c] = pd.Categorical(xt[c], categories=x[c].cat.categories)
    fit_start = time.time()
    model = lgb.LGBMClassifier(verbose=-1).fit(x, y)
    fit = time.time() - fit_start
    p = model.predict_proba(xt)[:, 1]
    truth = labels.set_index("id").loc[test["id"], "target"]
    print(f"default LightGBM {lgb.__version__}: holdout AUC {roc_auc_score(truth, p):.5f}, "
          f"fit {fit:.1f} s, total {time.time() - start:.1f} s")


if __name__ == "__main__":
    main()
