//! Scoring a bench submission with the competition's metric, and putting scores of different
//! metrics on one scale: the normalized score is the share of the way from a constant prediction
//! (train's class frequencies or mean) to a perfect one that a submission goes, so 0 is "learned
//! nothing", 1 is perfect, and a mean over competitions means something.

use std::path::Path;

use super::{BenchError, Result};
use autokaggle_toolkit::MetricId;
use autokaggle_toolkit::frame;
use autokaggle_toolkit::models::submission::Format;
use autokaggle_toolkit::spec::{self, CompetitionSpec};
use serde::{Deserialize, Serialize};

/// A submission's score on its holdout.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// In the metric's own units.
    pub score: f64,
    /// From the constant prediction (0) to the perfect one (1); below 0 is worse than constant.
    pub normalized: f64,
    /// The constant prediction's score, what `normalized` measures from.
    pub constant: f64,
    /// The perfect prediction's score.
    pub perfect: f64,
}

impl Scored {
    /// A score of the same metric and holdout on this one's scale (the CV estimate beside the holdout).
    pub fn normalize(&self, score: f64) -> f64 {
        let span = self.perfect - self.constant;
        if span.abs() < 1e-12 || !score.is_finite() {
            0.0
        } else {
            (score - self.constant) / span
        }
    }
}

/// Scores a submission file for a split written by a bench run (its holdout.csv) with the
/// competition's metric: how a reference model's predictions are put beside ours.
pub fn score_split(
    competition: &Path,
    split: &Path,
    submission: &Path,
) -> Result<(MetricId, Scored)> {
    let r = spec::resolve(competition)?;
    let s = &r.spec;
    let train = frame::read_csv(&split.join("train.csv"))?;
    let truth = frame::read_csv(&split.join("holdout.csv"))?;
    let sub = frame::read_csv(submission)?;
    let want = frame::strs(&truth, &s.id)?;
    let bad = |problem: String| BenchError::Submission {
        path: submission.to_path_buf(),
        problem,
    };
    let got = frame::strs(&sub, &s.id).map_err(|_| bad(format!("has no `{}` column", s.id)))?;
    if want != got {
        return Err(bad(format!(
            "its `{}` column must list holdout.csv's {} ids in the same order",
            s.id,
            want.len()
        )));
    }
    Ok((s.metric, score_submission(s, &train, &truth, &sub)?))
}

/// Scores a submission against the labelled rows it predicts (same order) with the competition's
/// metric: the submission's codec reads it back into the model's space (its own header standing in
/// for the sample's), and the metric scores it as the model search does.
pub fn score_submission(
    spec: &CompetitionSpec,
    train: &frame::DataFrame,
    truth: &frame::DataFrame,
    sub: &frame::DataFrame,
) -> Result<Scored> {
    let format = Format::from_parts(spec, train, sub)?;
    let y = format.truth(truth)?;
    let m = spec.metric;
    // Train's mean of each output (class frequencies, label rates, the mean value) on every row.
    let constant: Vec<Vec<f64>> = format
        .truth(train)?
        .iter()
        .zip(&y)
        .map(|(col, rows)| {
            let seen: Vec<f64> = col.iter().copied().filter(|v| v.is_finite()).collect();
            let mean = seen.iter().sum::<f64>() / seen.len().max(1) as f64;
            vec![mean; rows.len()]
        })
        .collect();
    // A constant has no correlation (MCC, kappa): where the metric leaves it undefined, it is 0.
    let finite_or_zero = |v: f64| if v.is_finite() { v } else { 0.0 };
    let mut scored = Scored {
        score: m.score(&y, &format.read(sub)?),
        normalized: 0.0,
        constant: finite_or_zero(m.score(&y, &constant)),
        perfect: m.score(&y, &y),
    };
    scored.normalized = scored.normalize(scored.score);
    Ok(scored)
}

#[cfg(test)]
mod tests {
    use autokaggle_toolkit::MetricId;
    use autokaggle_toolkit::spec::{CompetitionSpec, Files, Submission, Task};

    use super::score_submission;
    use crate::gates::testing::frame;

    fn spec(task: Task, metric: MetricId, submission: Submission) -> CompetitionSpec {
        CompetitionSpec {
            name: "t".into(),
            data: None,
            id: "id".into(),
            targets: vec!["y".into()],
            task,
            metric,
            submission,
            files: Files::default(),
        }
    }

    #[test]
    fn each_metric_scores_the_holdout_as_the_model_search_does() {
        let train = frame("id,y\n1,no\n2,yes\n");
        let truth = frame("id,y\n1,yes\n2,no\n3,yes\n4,yes\n");
        let sub = frame("id,y\n1,yes\n2,yes\n3,no\n4,yes\n");
        let labels = |m| spec(Task::Binary, m, Submission::Labels);
        // 2 of 4 right; F1 of `yes`: tp 2, fp 1, fn 1.
        assert_eq!(
            score_submission(&labels(MetricId::must("accuracy")), &train, &truth, &sub)
                .unwrap()
                .score,
            0.5
        );
        let f1 = score_submission(&labels(MetricId::must("f1")), &train, &truth, &sub)
            .unwrap()
            .score;
        assert!((f1 - 2.0 / 3.0).abs() < 1e-12, "{f1}");

        let truth01 = frame("id,y\n1,1\n2,0\n3,1\n4,0\n");
        let probs = frame("id,y\n1,0.8\n2,0.4\n3,0.6\n4,0.2\n");
        let p = |m| spec(Task::Binary, m, Submission::Probabilities);
        let train01 = frame("id,y\n1,0\n2,1\n");
        assert_eq!(
            score_submission(&p(MetricId::must("roc_auc")), &train01, &truth01, &probs)
                .unwrap()
                .score,
            1.0
        );
        let ll = score_submission(&p(MetricId::must("log_loss")), &train01, &truth01, &probs)
            .unwrap()
            .score;
        let want = -(0.8f64.ln() + 0.6f64.ln() + 0.6f64.ln() + 0.8f64.ln()) / 4.0;
        assert!((ll - want).abs() < 1e-12, "log loss {ll}, want {want}");

        let vt = frame("id,y\n1,1\n2,2\n3,3\n");
        let vp = frame("id,y\n1,1\n2,2\n3,5\n");
        let v = |m| spec(Task::Regression, m, Submission::Values);
        assert_eq!(
            score_submission(&v(MetricId::must("mae")), &vt, &vt, &vp)
                .unwrap()
                .score,
            2.0 / 3.0
        );
        assert_eq!(
            score_submission(&v(MetricId::must("r2")), &vt, &vt, &vp)
                .unwrap()
                .score,
            1.0 - 4.0 / 2.0
        );
        let rmse = score_submission(&v(MetricId::must("rmse")), &vt, &vt, &vp)
            .unwrap()
            .score;
        assert!((rmse - (4.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn multiclass_labels_and_probabilities() {
        let train = frame("id,y\n1,a\n2,b\n3,c\n");
        let truth = frame("id,y\n1,a\n2,b\n3,c\n");
        let sub = frame("id,y\n1,a\n2,c\n3,c\n");
        let s = spec(
            Task::Multiclass,
            MetricId::must("accuracy"),
            Submission::Labels,
        );
        assert!(
            (score_submission(&s, &train, &truth, &sub).unwrap().score - 2.0 / 3.0).abs() < 1e-12
        );
        let probs = frame("id,a,b,c\n1,0.5,0.25,0.25\n2,0.25,0.5,0.25\n3,0.25,0.25,0.5\n");
        let s = spec(
            Task::Multiclass,
            MetricId::must("log_loss"),
            Submission::Probabilities,
        );
        let ll = score_submission(&s, &train, &truth, &probs).unwrap().score;
        assert!((ll - 2f64.ln()).abs() < 1e-12, "{ll}");
    }

    #[test]
    fn normalized_runs_from_the_constant_prediction_to_the_perfect_one() {
        let s = spec(Task::Binary, MetricId::must("accuracy"), Submission::Labels);
        let train = frame("id,y\n1,no\n2,no\n3,yes\n");
        let truth = frame("id,y\n1,yes\n2,no\n3,yes\n4,yes\n");
        let sub = frame("id,y\n1,yes\n2,yes\n3,no\n4,yes\n");
        // Train's majority `no` is right on 1 of 4; the submission on 2 of 4.
        let got = score_submission(&s, &train, &truth, &sub).unwrap();
        assert_eq!((got.constant, got.perfect, got.score), (0.25, 1.0, 0.5));
        assert!((got.normalized - 1.0 / 3.0).abs() < 1e-12, "{got:?}");

        let s = spec(Task::Regression, MetricId::must("rmse"), Submission::Values);
        let vt = frame("id,y\n1,1\n2,2\n3,3\n");
        let vp = frame("id,y\n1,1\n2,2\n3,5\n");
        // The mean 2 misses by sqrt(2/3); the submission by sqrt(4/3): worse than constant.
        let got = score_submission(&s, &vt, &vt, &vp).unwrap();
        assert!((got.constant - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(got.perfect, 0.0);
        assert!(
            (got.normalized - (1.0 - 2f64.sqrt())).abs() < 1e-12,
            "{got:?}"
        );
        assert!((got.normalize(got.constant)).abs() < 1e-12);
    }
}
