"""The 1M-row benchmark's steps in pandas: read, profile, fill missing, one-hot, target-encode (5-fold
out-of-fold, smoothed), scale, write Parquet. Prints wall time per step and peak memory."""
import resource, sys, time
import numpy as np
import pandas as pd

path = sys.argv[1] if len(sys.argv) > 1 else "bench/data_1m.csv"
t0 = t = time.perf_counter()
def lap(name):
    global t
    print(f"{name:<22} {time.perf_counter() - t:8.3f} s"); t = time.perf_counter()

df = pd.read_csv(path); lap("read_csv")
prof = {c: (df[c].dtype, df[c].isna().sum(), df[c].nunique()) for c in df.columns}
num = df.select_dtypes("number")
prof2 = (num.min(), num.max(), num.mean(), num.std(), num.skew(), num.corrwith(df["target"]))
for c in [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]:
    df[c].value_counts().head(5)
lap("profile")
feats = [c for c in df.columns if c not in ("id", "target")]
for c in feats:
    if not pd.api.types.is_numeric_dtype(df[c]):
        df[c] = df[c].fillna(df[c].mode()[0])
    else:
        s = df[c].skew()
        df[c] = df[c].fillna(df[c].median() if abs(s) > 1 else df[c].mean())
lap("fill_missing")
df = pd.get_dummies(df, columns=["city", "color"], dtype=float); lap("one_hot")
m = 10.0
prior = df["target"].mean()
folds = np.random.RandomState(42).permutation(len(df)) % 5
oof = np.empty(len(df))
for f in range(5):
    tr = folds != f
    g = df[tr].groupby("product")["target"].agg(["sum", "count"])
    p = df.loc[tr, "target"].mean()
    enc = (g["sum"] + m * p) / (g["count"] + m)
    oof[~tr] = df.loc[~tr, "product"].map(enc).fillna(p).values
df["product_te"] = oof
df = df.drop(columns=["product"]); lap("target_encode")
for c in [c for c in df.columns if c not in ("id", "target")]:
    sd = df[c].std(ddof=0)
    df[c] = 0.0 if sd == 0 else (df[c] - df[c].mean()) / sd
lap("scale")
df.to_parquet("bench/out_pandas.parquet"); lap("write_parquet")
print(f"{'total':<22} {time.perf_counter() - t0:8.3f} s")
print(f"{'peak memory':<22} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")
