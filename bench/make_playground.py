"""Writes a Playground-style competition with known labels for its test rows (seeded, stdlib only).

    python3 bench/make_playground.py ROWS [OUT_DIR] [--noise=N] [--time-split] [--classes=K]

OUT_DIR (default bench/playground_<ROWS>) gets train.csv (ROWS rows), test.csv (ROWS * 0.4 rows),
sample_submission.csv, overview.txt and test_labels.csv, the true targets of test, so a submission
can be scored without Kaggle. The generating process is known:

  logit = 1.2*x0 - 0.8*x1 + 0.6*x2*x3 + 0.5*sin(2*pi*x4) + region effect + 0.4*(weekday >= 5)
          + 0.3*(month in Nov, Dec) + channel effect - 1.0, target ~ Bernoulli(sigmoid(logit))

with 8 informative numeric columns (x0..x7, 5% missing each; x5..x7 enter through x0..x4's noise
only, weakly), 4 pure-noise columns (N with --noise=N: 38 makes a 50-column competition), a
signup time in ISO 8601 with `T` and `Z`, a 4,000-level region code (Zipf-like frequencies, a random
effect per level) and a 5-level channel. Scored by AUC.

With --time-split, test holds the latest signups (every test row is later than every train row)
and x1's effect drifts with time, + 1.5 * (time as a share of the 4 years) * x1: shuffled folds
then score a model on the same months it trained on, which test never is.

With --classes=K the target is one of K ordered labels (class_00 ...): the logit plus logistic
noise, cut at K - 1 evenly spaced points between -4 and 2.5; scored by accuracy. A speed and scale
case for many classes (16 at 250,000 rows is the budget test of docs/bench.md), not a quality one.
"""
import math
import os
import random
import sys

positional = [a for a in sys.argv[1:] if not a.startswith("--")]
time_split = "--time-split" in sys.argv
noise_columns = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--noise=")), 4))
classes = int(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--classes=")), 2))
rows = int(positional[0]) if positional else 250_000
out = positional[1] if len(positional) > 1 else f"bench/playground_{rows}"
test_rows = int(rows * 0.4)
rng = random.Random(2024)
os.makedirs(out, exist_ok=True)

levels = 4000
region_effect = [rng.gauss(0, 0.8) for _ in range(levels)]
# Zipf-like: level k has weight 1/(k+10).
weights = [1.0 / (k + 10) for k in range(levels)]
cum = []
acc = 0.0
for w in weights:
    acc += w
    cum.append(acc)
channels = ["web", "app", "store", "partner", "phone"]
channel_effect = {"web": 0.0, "app": 0.3, "store": -0.2, "partner": 0.5, "phone": -0.4}
start = 1_356_998_400  # 2013-01-01T00:00:00Z
span = 4 * 365 * 86400


def region():
    u = rng.random() * acc
    lo, hi = 0, levels - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < u:
            lo = mid + 1
        else:
            hi = mid
    return lo


def iso(t):
    days, secs = divmod(t, 86400)
    # Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y += m <= 2
    weekday = (days + 3) % 7  # Monday = 0
    h, rem = divmod(secs, 3600)
    mi, s = divmod(rem, 60)
    return f"{y:04d}-{m:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}Z", m, weekday


def row(i, when=None):
    x = [rng.gauss(0, 1) for _ in range(8)]
    noise = [rng.gauss(0, 1) for _ in range(noise_columns)]
    r = region()
    ch = rng.choice(channels)
    when = start + rng.randrange(span) if when is None else when
    t, month, weekday = iso(when)
    drift = 1.5 * (when - start) / span * x[1] if time_split else 0.0
    logit = drift + (1.2 * x[0] - 0.8 * x[1] + 0.6 * x[2] * x[3] + 0.5 * math.sin(2 * math.pi * x[4])
             + 0.1 * (x[5] + x[6] - x[7]) + region_effect[r] + 0.4 * (weekday >= 5)
             + 0.3 * (month in (11, 12)) + channel_effect[ch] - 1.0)
    u = min(max(rng.random(), 1e-12), 1 - 1e-12)
    if classes > 2:
        z = logit + math.log(u / (1 - u))
        y = "class_%02d" % sum(z > -4 + 6.5 * (j + 1) / classes for j in range(classes - 1))
    else:
        y = int(u < 1 / (1 + math.exp(-logit)))
    cells = ["" if rng.random() < 0.05 else f"{v:.4f}" for v in x]
    cells += [f"{v:.4f}" for v in noise]
    return [str(i), t, f"R{r:04d}", ch] + cells, y


# Under --time-split every row's time is drawn first and sorted: train takes the earliest.
times = sorted(start + rng.randrange(span) for _ in range(rows + test_rows)) if time_split else None


def at(i):
    return times[i] if times else None


header = ["id", "signup_time", "region_code", "channel"] + [f"x{k}" for k in range(8)] + [
    f"noise{k}" for k in range(noise_columns)]
with open(f"{out}/train.csv", "w") as f:
    f.write(",".join(header + ["target"]) + "\n")
    for i in range(rows):
        cells, y = row(i, at(i))
        f.write(",".join(cells + [str(y)]) + "\n")
with open(f"{out}/test.csv", "w") as f, open(f"{out}/test_labels.csv", "w") as lab, open(
        f"{out}/sample_submission.csv", "w") as sub:
    f.write(",".join(header) + "\n")
    lab.write("id,target\n")
    sub.write("id,target\n")
    for i in range(rows, rows + test_rows):
        cells, y = row(i, at(i))
        f.write(",".join(cells) + "\n")
        lab.write(f"{i},{y}\n")
        sub.write(f"{i},class_00\n" if classes > 2 else f"{i},0.5\n")
with open(f"{out}/overview.txt", "w") as f:
    f.write("Playground-style synthetic churn (bench)\n\nPredict whether a customer converts from "
            f"their signup time, region, channel and {8 + noise_columns} measurements.\n\nEvaluation\n\n"
            + ("Submissions are evaluated on accuracy, the share of rows whose predicted class is "
               "the observed one.\n" if classes > 2 else
               "Submissions are evaluated on area under the ROC curve between the predicted "
               "probability and the observed target.\n"))
print(f"{out}: {rows} train rows, {test_rows} test rows")
