"""Reference models on the exact splits `autokaggle bench` used, scored by the same metric code.

    target/debug/autokaggle bench --table runs/bench/ours.md   # writes runs/bench/splits/NAME/
    python3 bench/references.py lightgbm                        # default LightGBM, seconds per competition
    python3 bench/references.py autogluon --time-limit 300      # AutoGluon best_quality

Each reference fits on splits/NAME/train.csv, predicts splits/NAME/test.csv, writes
splits/NAME/ref_MODEL.csv in the competition's submission format, and `autokaggle bench-score`
scores it against holdout.csv with the metric our bench table uses. The table goes to stdout and to
runs/bench/ref_MODEL.md.

The first call creates a venv beside this script (bench/.venv for LightGBM, bench/.venv-autogluon for
AutoGluon, from PyPI) and re-runs itself inside it. What a user writes in a few lines is the
reference: the id column dropped, text columns as pandas categories, the target as it is (log1p of
it for RMSE-of-logs metrics), the model's defaults. AutoGluon gets `presets="best_quality"` and the
time limit; a competition with several targets splits the limit evenly between one predictor each.
AutoGluon is installed with its LightGBM, CatBoost and XGBoost extras, not its PyTorch models.
"""
import argparse
import math
import os
import subprocess
import sys
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENVS = {
    "lightgbm": (os.path.join(HERE, ".venv"),
                 ["lightgbm==4.7.0", "pandas", "scikit-learn", "pyarrow"]),
    "autogluon": (os.path.join(HERE, ".venv-autogluon"),
                  ["autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3"]),
}


def ensure_venv(model):
    venv, packages = VENVS[model]
    py = os.path.join(venv, "bin", "python")
    if sys.prefix == venv:
        return
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call([py, "-m", "pip", "install", "-q"] + packages)
    os.execv(py, [py] + sys.argv)


def features(pd, df, spec):
    x = df.drop(columns=[spec["id"]] + [t for t in spec["targets"] if t in df.columns])
    for c in x.columns:
        if not pd.api.types.is_numeric_dtype(x[c]) or pd.api.types.is_bool_dtype(x[c]):
            x[c] = x[c].astype(str).astype("category")
    return x


def target(train, spec, t):
    y = train[t]
    if spec["metric"] in ("rmse_of_logs", "rmsle"):
        return y.map(math.log1p)
    return y


def fit_lightgbm(train_x, y, spec, seconds):
    import lightgbm as lgb
    if spec["task"] == "regression":
        m = lgb.LGBMRegressor(verbose=-1)
    else:
        m = lgb.LGBMClassifier(verbose=-1)
    m.fit(train_x, y)
    return m


def fit_autogluon(train_x, y, spec, seconds):
    from autogluon.tabular import TabularPredictor
    import tempfile
    data = train_x.copy()
    data["__target__"] = y.values
    problem = {"binary": "binary", "multi_label": "binary", "multiclass": "multiclass",
               "regression": "regression"}[spec["task"]]
    metric = {"accuracy": "accuracy", "roc_auc": "roc_auc", "mean_columnwise_roc_auc": "roc_auc",
              "rmse_of_logs": "root_mean_squared_error"}.get(spec["metric"])
    p = TabularPredictor(label="__target__", problem_type=problem, eval_metric=metric,
                         path=tempfile.mkdtemp(prefix="ag-"), verbosity=0)
    p.fit(data, presets="best_quality", time_limit=seconds)
    return p


def predict(model, name, test_x, spec):
    if spec["submission"] == "probabilities":
        proba = model.predict_proba(test_x)
        if name == "autogluon":
            return proba.iloc[:, -1].to_numpy()
        return proba[:, -1]
    pred = model.predict(test_x)
    pred = pred.to_numpy() if hasattr(pred, "to_numpy") else pred
    if spec["metric"] in ("rmse_of_logs", "rmsle"):
        return [math.expm1(v) for v in pred]
    return pred


def run(name, comp, split, seconds):
    import pandas as pd
    spec = tomllib.load(open(os.path.join(comp, "competition.toml"), "rb"))
    train = pd.read_csv(os.path.join(split, "train.csv"))
    test = pd.read_csv(os.path.join(split, "test.csv"))
    start = time.time()
    train_x, test_x = features(pd, train, spec), features(pd, test, spec)
    out = pd.DataFrame({spec["id"]: test[spec["id"]]})
    fit = fit_autogluon if name == "autogluon" else fit_lightgbm
    for t in spec["targets"]:
        model = fit(train_x, target(train, spec, t), spec, seconds / len(spec["targets"]))
        out[t] = predict(model, name, test_x, spec)
    took = time.time() - start
    sub = os.path.join(split, f"ref_{name}.csv")
    out.to_csv(sub, index=False)
    exe = os.path.join(ROOT, "target", "debug", "autokaggle")
    scored = subprocess.check_output([exe, "bench-score", "--competition", comp, "--split", split,
                                      "--submission", sub], text=True).split()
    return scored[0], float(scored[1]), took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", choices=sorted(VENVS))
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--splits", default=os.path.join(ROOT, "runs", "bench", "splits"))
    ap.add_argument("--competitions", default=os.path.join(ROOT, "competitions"))
    args = ap.parse_args()
    if not os.path.isdir(args.splits):
        sys.exit(f"{args.splits} does not exist: run `autokaggle bench` first, it writes the splits")
    ensure_venv(args.model)
    rows = ["| competition | metric | holdout | seconds |", "|---|---|---|---|"]
    for name in sorted(os.listdir(args.splits)):
        comp = os.path.join(args.competitions, name)
        print(f"{name} ...", file=sys.stderr, flush=True)
        metric, score, took = run(args.model, comp, os.path.join(args.splits, name), args.time_limit)
        print(f"  {metric} {score:.4f} in {took:.1f}s", file=sys.stderr, flush=True)
        rows.append(f"| {name} | {metric} | {score:.4f} | {took:.1f} |")
    table = "\n".join(rows) + "\n"
    print(table)
    with open(os.path.join(os.path.dirname(args.splits), f"ref_{args.model}.md"), "w") as f:
        f.write(table)


if __name__ == "__main__":
    main()
