//! Gates on what the models will see: cleaned data has no missing values; engineered features are
//! numeric, finite, not too many, and none of them is the target in disguise.

use autokaggle_core::phase::GateFamily;
use autokaggle_toolkit::Dataset;
use autokaggle_toolkit::frame::{self, Kind};
use autokaggle_toolkit::profile::{self, PROFILE_ROWS};

use super::{Checked, Gate, GateCx, Verdict};

/// Most features a phase may hand over.
pub const MAX_FEATURES: usize = 1000;
/// |correlation| with the target above which a feature is taken for the target itself.
pub const LEAKAGE_CORR: f64 = 0.999;

/// Cleaning leaves no holes.
pub const NO_MISSING: Gate = Gate {
    name: "no_missing_values",
    family: GateFamily::Cleaned,
    doc: "no missing values in cleaned train or test features",
    check: no_missing,
};

/// The models get numbers.
pub const NUMERIC_FINITE: Gate = Gate {
    name: "features_numeric_and_finite",
    family: GateFamily::Features,
    doc: "every feature is numeric with no missing or infinite value",
    check: numeric_finite,
};

/// Not too many, not none.
pub const FEATURE_COUNT: Gate = Gate {
    name: "feature_count_bounded",
    family: GateFamily::Features,
    doc: "between 1 and 1000 features",
    check: feature_count,
};

/// No feature is the answer.
pub const LEAKAGE: Gate = Gate {
    name: "no_target_leakage",
    family: GateFamily::Features,
    doc: "no feature equals or nearly equals the target (|corr| > 0.999)",
    check: leakage,
};

fn with_missing(ds: &Dataset) -> Vec<String> {
    let mut out = Vec::new();
    for c in ds.features() {
        for df in [&ds.train, &ds.test] {
            if frame::missing(df, &c).unwrap_or(1) > 0 && !out.contains(&c) {
                out.push(c.clone());
            }
        }
    }
    out
}

fn no_missing(cx: &GateCx) -> Checked {
    let m = with_missing(cx.after);
    if m.is_empty() {
        Ok(Verdict::Pass("no missing values".into()))
    } else {
        Err(format!(
            "missing values remain in {m:?} (train or test); add a fill_missing step for them"
        )
        .into())
    }
}

fn numeric_finite(cx: &GateCx) -> Checked {
    for c in cx.after.features() {
        let kind = frame::kind(&cx.after.train, &c).map_err(|e| e.to_string())?;
        if !matches!(kind, Kind::Numeric | Kind::Bool) {
            return Err(format!(
                "feature `{c}` is a text column, not numeric; encode it (one_hot, ordinal_encode, target_encode) or drop it"
            ).into());
        }
        for (name, df) in [("train", &cx.after.train), ("test", &cx.after.test)] {
            if !frame::complete(df, &c).map_err(|e| e.to_string())? {
                return Err(format!(
                    "feature `{c}` has missing or infinite values in {name}; add a fill_missing step"
                ).into());
            }
        }
    }
    Ok(Verdict::Pass(format!(
        "{} numeric, finite features",
        cx.after.features().len()
    )))
}

fn feature_count(cx: &GateCx) -> Checked {
    let n = cx.after.features().len();
    if n > MAX_FEATURES {
        return Err(
            format!("{n} features; cap one_hot's max_categories or add select_importance").into(),
        );
    }
    if n == 0 {
        return Err("no features left; do not drop every column".into());
    }
    Ok(Verdict::Pass(format!("{n} features")))
}

fn leakage(cx: &GateCx) -> Checked {
    let ds = cx.after;
    let Some(t) = ds.spec.targets.first() else {
        return Ok(Verdict::NotApplicable("no target".into()));
    };
    // A copy of the target shows in any sample of rows: the check reads as many as a profile does.
    let train = frame::sample_rows(&ds.train, PROFILE_ROWS, 42).map_err(|e| e.to_string())?;
    let y = profile::encode_numeric(&train, t).map_err(|e| e.to_string())?;
    for c in ds.features() {
        let x = frame::f64s(&train, &c).map_err(|e| e.to_string())?;
        if let Some(r) = profile::pearson(&x, &y)
            && r.abs() > LEAKAGE_CORR
        {
            return Err(format!(
                "feature `{c}` is almost the target (corr {r:.4}): it leaks the answer; drop it"
            )
            .into());
        }
    }
    Ok(Verdict::Pass("no feature mirrors the target".into()))
}

#[cfg(test)]
mod tests {
    use autokaggle_core::Phase;
    use autokaggle_toolkit::frame;
    use autokaggle_toolkit::spec::Submission;

    use super::*;
    use crate::gates::testing::{dataset, run};

    const FE: Phase = Phase::FeatureEngineering;

    /// The tiny competition with `c` dropped: every feature numeric and complete.
    fn numeric() -> Dataset {
        let mut ds = dataset(Submission::Labels);
        ds.train = frame::drop_cols(&ds.train, &["c".into()]);
        ds.test = frame::drop_cols(&ds.test, &["c".into()]);
        ds
    }

    #[test]
    fn no_missing_fails_on_a_hole_in_test() {
        let ds = numeric();
        let pass = run(no_missing, Phase::DataCleaning, &ds, &ds, &[]);
        assert_eq!(pass, Ok(Verdict::Pass("no missing values".into())));
        let mut holed = ds.clone();
        frame::put_f64(
            &mut holed.test,
            "a",
            vec![Some(1.0), None, Some(2.0), Some(3.0)],
        )
        .unwrap();
        let fail = run(no_missing, Phase::DataCleaning, &ds, &holed, &[]);
        assert_eq!(
            fail,
            Err("missing values remain in [\"a\"] (train or test); add a fill_missing step for them".into())
        );
    }

    #[test]
    fn numeric_finite_fails_on_text_and_on_infinity() {
        let ds = numeric();
        let pass = run(numeric_finite, FE, &ds, &ds, &[]);
        assert_eq!(pass, Ok(Verdict::Pass("1 numeric, finite features".into())));
        let text = dataset(Submission::Labels);
        let fail = run(numeric_finite, FE, &text, &text, &[]).unwrap_err().0;
        assert!(
            fail.starts_with("feature `c` is a text column, not numeric"),
            "{fail}"
        );
        let mut inf = ds.clone();
        frame::put_f64(&mut inf.train, "a", vec![Some(f64::INFINITY); 12]).unwrap();
        let fail = run(numeric_finite, FE, &ds, &inf, &[]);
        assert_eq!(
            fail,
            Err(
                "feature `a` has missing or infinite values in train; add a fill_missing step"
                    .into()
            )
        );
    }

    #[test]
    fn feature_count_fails_with_none_or_too_many() {
        let ds = numeric();
        assert_eq!(
            run(feature_count, FE, &ds, &ds, &[]),
            Ok(Verdict::Pass("1 features".into()))
        );
        let mut none = ds.clone();
        none.train = frame::drop_cols(&ds.train, &["a".into()]);
        none.test = frame::drop_cols(&ds.test, &["a".into()]);
        assert_eq!(
            run(feature_count, FE, &ds, &none, &[]),
            Err("no features left; do not drop every column".into())
        );
        let mut wide = ds.clone();
        for i in 0..MAX_FEATURES {
            frame::put_f64(&mut wide.train, &format!("f{i}"), vec![Some(0.0); 12]).unwrap();
        }
        assert_eq!(
            run(feature_count, FE, &ds, &wide, &[]),
            Err("1001 features; cap one_hot's max_categories or add select_importance".into())
        );
    }

    #[test]
    fn leakage_fails_on_a_copy_of_the_target() {
        let ds = numeric();
        assert_eq!(
            run(leakage, FE, &ds, &ds, &[]),
            Ok(Verdict::Pass("no feature mirrors the target".into()))
        );
        let mut leaky = ds.clone();
        let y: Vec<Option<f64>> = (0..12)
            .map(|i| Some(f64::from(i % 2) * 3.0 + 1.0))
            .collect();
        frame::put_f64(&mut leaky.train, "y_copy", y).unwrap();
        frame::put_f64(&mut leaky.test, "y_copy", vec![Some(1.0); 4]).unwrap();
        assert_eq!(
            run(leakage, FE, &ds, &leaky, &[]),
            Err(
                "feature `y_copy` is almost the target (corr 1.0000): it leaks the answer; drop it"
                    .into()
            )
        );
    }
}
