//! Modeling gates: the model beats the trivial baseline, and the submission has the sample's
//! columns, ids and order, no holes, labels from train's vocabulary, or probabilities that rank.

use std::collections::HashSet;

use autokaggle_core::phase::GateFamily;
use autokaggle_toolkit::frame::{self, DataFrame, Kind};
use autokaggle_toolkit::spec::Submission;

use super::{Checked, Fix, Gate, GateCx, Verdict};

/// The model learned something.
pub const CV_BEATS_BASELINE: Gate = Gate {
    name: "cv_beats_baseline",
    family: GateFamily::Submission,
    doc: "the best CV score beats predicting the train prior",
    check: cv_beats_baseline,
};

/// The sample's columns.
pub const COLUMNS: Gate = Gate {
    name: "submission_columns",
    family: GateFamily::Submission,
    doc: "the submission's columns equal the sample's",
    check: columns,
};

/// The sample's rows.
pub const IDS_IN_ORDER: Gate = Gate {
    name: "submission_ids_in_order",
    family: GateFamily::Submission,
    doc: "the submission's rows and ids equal the sample's, in order",
    check: ids_in_order,
};

/// No holes.
pub const COMPLETE: Gate = Gate {
    name: "submission_complete",
    family: GateFamily::Submission,
    doc: "no missing or infinite value in the submission",
    check: complete,
};

/// Labels as train spells them.
pub const LABELS: Gate = Gate {
    name: "labels_in_vocabulary",
    family: GateFamily::Submission,
    doc: "predicted labels are train's labels, in train's dtype (label submissions)",
    check: labels,
};

/// Probabilities that an AUC can rank.
pub const PROBABILITIES: Gate = Gate {
    name: "probabilities_valid",
    family: GateFamily::Submission,
    doc: "probabilities lie in [0, 1] and are not all equal (probability submissions)",
    check: probabilities,
};

/// Ranked labels as MAP@k scores them.
pub const RANKED: Gate = Gate {
    name: "ranked_labels_valid",
    family: GateFamily::Submission,
    doc: "each row holds the metric's k distinct labels from train, space-separated (MAP@k)",
    check: ranked,
};

/// The gates that judge the submission file itself: what the run checks once more before it
/// writes `submission.csv`.
pub const FORMAT: &[&Gate] = &[
    &COLUMNS,
    &IDS_IN_ORDER,
    &COMPLETE,
    &LABELS,
    &PROBABILITIES,
    &RANKED,
];

fn cv_beats_baseline(cx: &GateCx) -> Checked {
    let Some((best, base, higher)) = cx.cv else {
        return Err("no CV score was computed".into());
    };
    if (higher && best > base) || (!higher && best < base) {
        Ok(Verdict::Pass(format!(
            "best CV {best:.5} vs baseline {base:.5}"
        )))
    } else {
        Err(format!(
            "best CV {best:.5} does not beat the trivial baseline {base:.5}; revisit the features"
        )
        .into())
    }
}

fn submission<'a>(cx: &'a GateCx) -> Result<&'a DataFrame, Fix> {
    cx.submission
        .ok_or_else(|| Fix::from("no submission was produced"))
}

fn columns(cx: &GateCx) -> Checked {
    let s = submission(cx)?;
    let (got, want) = (frame::names(s), frame::names(&cx.after.sample));
    if got != want {
        return Err(format!("submission columns {got:?} differ from the sample's {want:?}").into());
    }
    Ok(Verdict::Pass(format!("columns {want:?}")))
}

fn ids_in_order(cx: &GateCx) -> Checked {
    let s = submission(cx)?;
    if s.height() != cx.after.sample.height() {
        return Err(format!(
            "submission has {} rows, the sample {}",
            s.height(),
            cx.after.sample.height()
        )
        .into());
    }
    let id = &cx.after.spec.id;
    let (a, b) = (
        frame::strs(s, id).map_err(|e| e.to_string())?,
        frame::strs(&cx.after.sample, id).map_err(|e| e.to_string())?,
    );
    if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) {
        return Err(format!(
            "row {i}: id {:?} where the sample has {:?}; keep the sample's order",
            a[i], b[i]
        )
        .into());
    }
    Ok(Verdict::Pass(format!(
        "{} ids in the sample's order",
        a.len()
    )))
}

fn complete(cx: &GateCx) -> Checked {
    let s = submission(cx)?;
    for c in frame::names(s) {
        if frame::missing(s, &c).unwrap_or(1) > 0 {
            return Err(format!("submission column `{c}` has missing values").into());
        }
        if matches!(frame::kind(s, &c), Ok(Kind::Numeric))
            && frame::f64s(s, &c)
                .unwrap_or_default()
                .iter()
                .flatten()
                .any(|x| !x.is_finite())
        {
            return Err(format!("submission column `{c}` has infinite values").into());
        }
    }
    Ok(Verdict::Pass("no missing or infinite values".into()))
}

fn labels(cx: &GateCx) -> Checked {
    let ds = cx.after;
    if ds.spec.submission != Submission::Labels {
        return Ok(Verdict::NotApplicable("not a label submission".into()));
    }
    let s = submission(cx)?;
    let t = &ds.spec.targets[0];
    let vocab = vocabulary(&ds.train, t);
    let got = frame::strs(s, t).map_err(|e| e.to_string())?;
    if let Some(bad) = got
        .iter()
        .flatten()
        .find(|v| !vocab.contains(&v.to_lowercase()))
    {
        return Err(format!("label `{bad}` is not one of train's labels").into());
    }
    if frame::is_integer(&ds.train, t).unwrap_or(false) && !frame::is_integer(s, t).unwrap_or(false)
    {
        return Err(format!("train's `{t}` holds integers but the submission's does not").into());
    }
    Ok(Verdict::Pass(format!(
        "labels within train's {} values",
        vocab.len()
    )))
}

/// Train's labels of `t`, lowercased: what a submitted label is checked against.
fn vocabulary(train: &DataFrame, t: &str) -> HashSet<String> {
    frame::strs(train, t)
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .map(|v| v.to_lowercase())
        .collect()
}

fn ranked(cx: &GateCx) -> Checked {
    let ds = cx.after;
    if ds.spec.submission != Submission::RankedLabels {
        return Ok(Verdict::NotApplicable(
            "not a ranked-label submission".into(),
        ));
    }
    let k = ds.spec.metric.get().top_k();
    let s = submission(cx)?;
    let t = &ds.spec.targets[0];
    let vocab = vocabulary(&ds.train, t);
    let want = k.min(vocab.len());
    for (row, cell) in frame::strs(s, t)
        .map_err(|e| e.to_string())?
        .iter()
        .enumerate()
    {
        let words: Vec<String> = cell
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let distinct: HashSet<&String> = words.iter().collect();
        if words.len() != want || distinct.len() != want {
            return Err(format!(
                "row {row}: `{}` holds {} label(s); {} scores {want} distinct labels, space-separated",
                cell.as_deref().unwrap_or(""),
                words.len(),
                ds.spec.metric
            ).into());
        }
        if let Some(bad) = words.iter().find(|w| !vocab.contains(*w)) {
            return Err(format!("row {row}: label `{bad}` is not one of train's labels").into());
        }
    }
    Ok(Verdict::Pass(format!(
        "{want} distinct labels of train's {} a row",
        vocab.len()
    )))
}

fn probabilities(cx: &GateCx) -> Checked {
    if cx.after.spec.submission != Submission::Probabilities {
        return Ok(Verdict::NotApplicable(
            "not a probability submission".into(),
        ));
    }
    let s = submission(cx)?;
    for c in frame::names(s)
        .into_iter()
        .filter(|c| *c != cx.after.spec.id)
    {
        let v: Vec<f64> = frame::f64s(s, &c)
            .map_err(|e| e.to_string())?
            .into_iter()
            .flatten()
            .collect();
        if v.iter().any(|p| !(0.0..=1.0).contains(p)) {
            return Err(format!("column `{c}` has values outside [0, 1]").into());
        }
        if v.windows(2).all(|w| w[0] == w[1]) {
            return Err(
                format!("column `{c}` is the same for every row: AUC cannot rank it").into(),
            );
        }
    }
    Ok(Verdict::Pass("probabilities in [0, 1] and varied".into()))
}

#[cfg(test)]
mod tests {
    use autokaggle_core::Phase;
    use autokaggle_toolkit::Dataset;
    use autokaggle_toolkit::spec::Submission;

    use super::*;
    use crate::gates::testing::{dataset, frame as csv};

    fn with(
        check: fn(&GateCx) -> Checked,
        ds: &Dataset,
        sub: Option<&DataFrame>,
        cv: Option<(f64, f64, bool)>,
    ) -> Checked {
        check(&GateCx {
            phase: Phase::ModelBuilding,
            before: ds,
            after: ds,
            logs: &[],
            files: None,
            submission: sub,
            cv,
            default_gbm: None,
        })
    }

    #[test]
    fn cv_must_beat_the_baseline_in_the_metric_direction() {
        let ds = dataset(Submission::Labels);
        let g = cv_beats_baseline;
        assert_eq!(
            with(g, &ds, None, Some((0.8, 0.6, true))),
            Ok(Verdict::Pass("best CV 0.80000 vs baseline 0.60000".into()))
        );
        assert_eq!(
            with(g, &ds, None, Some((0.6, 0.6, true))),
            Err(
                "best CV 0.60000 does not beat the trivial baseline 0.60000; revisit the features"
                    .into()
            )
        );
        // Lower is better (RMSE): 0.5 beats 0.6, 0.7 does not.
        assert!(with(g, &ds, None, Some((0.5, 0.6, false))).is_ok());
        assert!(with(g, &ds, None, Some((0.7, 0.6, false))).is_err());
        assert_eq!(
            with(g, &ds, None, None),
            Err("no CV score was computed".into())
        );
    }

    #[test]
    fn columns_and_ids_must_be_the_samples() {
        let ds = dataset(Submission::Labels);
        let good = csv("id,y\n100,1\n101,0\n102,1\n103,0\n");
        assert_eq!(
            with(columns, &ds, Some(&good), None),
            Ok(Verdict::Pass("columns [\"id\", \"y\"]".into()))
        );
        assert_eq!(
            with(ids_in_order, &ds, Some(&good), None),
            Ok(Verdict::Pass("4 ids in the sample's order".into()))
        );
        let renamed = csv("id,target\n100,1\n101,0\n102,1\n103,0\n");
        assert_eq!(
            with(columns, &ds, Some(&renamed), None),
            Err(
                "submission columns [\"id\", \"target\"] differ from the sample's [\"id\", \"y\"]"
                    .into()
            )
        );
        let swapped = csv("id,y\n101,1\n100,0\n102,1\n103,0\n");
        assert_eq!(
            with(ids_in_order, &ds, Some(&swapped), None),
            Err("row 0: id Some(\"101\") where the sample has Some(\"100\"); keep the sample's order".into())
        );
        let short = csv("id,y\n100,1\n");
        assert_eq!(
            with(ids_in_order, &ds, Some(&short), None),
            Err("submission has 1 rows, the sample 4".into())
        );
        assert_eq!(
            with(columns, &ds, None, None),
            Err("no submission was produced".into())
        );
    }

    #[test]
    fn complete_fails_on_a_missing_prediction() {
        let ds = dataset(Submission::Labels);
        let good = csv("id,y\n100,1\n101,0\n102,1\n103,0\n");
        assert!(with(complete, &ds, Some(&good), None).is_ok());
        let holed = csv("id,y\n100,1\n101,\n102,1\n103,0\n");
        assert_eq!(
            with(complete, &ds, Some(&holed), None),
            Err("submission column `y` has missing values".into())
        );
        let inf = csv("id,y\n100,inf\n101,0\n102,1\n103,0\n");
        assert_eq!(
            with(complete, &ds, Some(&inf), None),
            Err("submission column `y` has infinite values".into())
        );
    }

    #[test]
    fn labels_must_be_trains_and_apply_to_label_submissions_only() {
        let ds = dataset(Submission::Labels);
        let good = csv("id,y\n100,1\n101,0\n102,1\n103,0\n");
        assert_eq!(
            with(labels, &ds, Some(&good), None),
            Ok(Verdict::Pass("labels within train's 2 values".into()))
        );
        let unseen = csv("id,y\n100,1\n101,7\n102,1\n103,0\n");
        assert_eq!(
            with(labels, &ds, Some(&unseen), None),
            Err("label `7` is not one of train's labels".into())
        );
        let floats = csv("id,y\n100,1.0\n101,0.0\n102,1.0\n103,0.0\n");
        let e = with(labels, &ds, Some(&floats), None).unwrap_err().0;
        assert!(
            e.contains("not one of train's labels") || e.contains("holds integers"),
            "{e}"
        );
        let probs = dataset(Submission::Probabilities);
        assert_eq!(
            with(labels, &probs, Some(&good), None),
            Ok(Verdict::NotApplicable("not a label submission".into()))
        );
    }

    #[test]
    fn probabilities_must_lie_in_0_1_and_vary() {
        let ds = dataset(Submission::Probabilities);
        let good = csv("id,y\n100,0.9\n101,0.1\n102,0.5\n103,0.2\n");
        assert_eq!(
            with(probabilities, &ds, Some(&good), None),
            Ok(Verdict::Pass("probabilities in [0, 1] and varied".into()))
        );
        let outside = csv("id,y\n100,1.2\n101,0.1\n102,0.5\n103,0.2\n");
        assert_eq!(
            with(probabilities, &ds, Some(&outside), None),
            Err("column `y` has values outside [0, 1]".into())
        );
        let flat = csv("id,y\n100,0.5\n101,0.5\n102,0.5\n103,0.5\n");
        assert_eq!(
            with(probabilities, &ds, Some(&flat), None),
            Err("column `y` is the same for every row: AUC cannot rank it".into())
        );
        let labels_ds = dataset(Submission::Labels);
        assert_eq!(
            with(probabilities, &labels_ds, Some(&good), None),
            Ok(Verdict::NotApplicable(
                "not a probability submission".into()
            ))
        );
    }

    #[test]
    fn ranked_labels_hold_k_distinct_labels_of_train() {
        let mut ds = dataset(Submission::Labels);
        ds.spec.metric = autokaggle_toolkit::MetricId::must("map_at_3");
        ds.spec.submission = Submission::RankedLabels;
        // Two classes in train: MAP@3 can only rank two.
        let good = csv("id,y\n100,0 1\n101,1 0\n102,0 1\n103,1 0\n");
        assert_eq!(
            with(ranked, &ds, Some(&good), None),
            Ok(Verdict::Pass("2 distinct labels of train's 2 a row".into()))
        );
        let short = csv("id,y\n100,0\n101,1 0\n102,0 1\n103,1 0\n");
        assert_eq!(
            with(ranked, &ds, Some(&short), None),
            Err(
                "row 0: `0` holds 1 label(s); map_at_3 scores 2 distinct labels, space-separated"
                    .into()
            )
        );
        let twice = csv("id,y\n100,1 1\n101,1 0\n102,0 1\n103,1 0\n");
        assert!(with(ranked, &ds, Some(&twice), None).is_err());
        let stranger = csv("id,y\n100,0 7\n101,1 0\n102,0 1\n103,1 0\n");
        assert_eq!(
            with(ranked, &ds, Some(&stranger), None),
            Err("row 0: label `7` is not one of train's labels".into())
        );
        assert!(matches!(
            with(ranked, &dataset(Submission::Labels), Some(&good), None),
            Ok(Verdict::NotApplicable(_))
        ));
    }
}
