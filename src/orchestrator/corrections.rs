//! The reader's spec corrections (id, targets, task, metric), each checked against the files before
//! it stands. A competition.toml is the user's word: its spec is shown the corrections, not changed.

use crate::error::Result;
use autokaggle_toolkit::Dataset;
use autokaggle_toolkit::spec::{self, Resolved};

use super::Run;
use super::resume::spec_record;
use crate::config::RunConfig;

/// Checks the reader's spec corrections against the files, in order. A competition.toml is the
/// user's word: its spec is shown the corrections but not changed. Returns the text for the plan
/// and the dataset under the corrected spec, if any correction stood.
pub(super) fn check(
    cfg: &RunConfig,
    resolved: &Resolved,
    ds: &Dataset,
    overview: &str,
    corrections: &[spec::Correction],
) -> (String, Option<Dataset>) {
    if corrections.is_empty() {
        return (String::new(), None);
    }
    let from_toml = cfg.competition.join("competition.toml").exists();
    let mut text = String::from("## Spec corrections proposed by the reader\n\n");
    let mut current: Option<Dataset> = None;
    for c in corrections {
        let base = current.as_ref().unwrap_or(ds);
        let verdict = if from_toml {
            Err("not applied: competition.toml sets the spec; edit it to apply this".to_string())
        } else if let Some(why) = unsupported_metric(c, overview) {
            Err(why)
        } else {
            spec::corrected(&base.spec, c)
                .map_err(|e| e.to_string())
                .and_then(|s| {
                    let f = &s.files;
                    let paths = [
                        resolved.path(&f.train),
                        resolved.path(&f.test),
                        resolved.path(&f.sample_submission),
                    ];
                    Dataset::from_frames(
                        base.train.clone(),
                        base.test.clone(),
                        base.sample.clone(),
                        s,
                        [&paths[0], &paths[1], &paths[2]],
                    )
                    .map(|d| Dataset {
                        validation: base.validation.clone(),
                        extra: base.extra.clone(),
                        ..d
                    })
                    .map_err(|e| format!("rejected by the files: {e}"))
                })
        };
        let old = match c.field.as_str() {
            "id" => base.spec.id.clone(),
            "targets" => base.spec.targets.join(","),
            "task" => format!("{:?}", base.spec.task),
            "metric" => base.spec.metric.to_string(),
            _ => "?".into(),
        };
        text.push_str(&format!(
            "- {}: {old} -> {} ({}): {}\n",
            c.field,
            c.value,
            c.reason,
            match &verdict {
                Ok(_) => "applied".to_string(),
                Err(e) => e.clone(),
            }
        ));
        if let Ok(d) = verdict {
            current = Some(d);
        }
    }
    text.push('\n');
    (text, current)
}

/// Records the corrected spec in `spec.json` (so a resume uses it) and says what changed.
pub(super) fn record(run: &Run, c: &Dataset) -> Result<()> {
    run.dir.write_json(
        &run.dir.layout().spec(),
        &spec_record(run.cfg, run.resolved, c),
    )?;
    run.say(&format!(
        "  spec corrected by the reader: id {}, targets {}, task {:?}, metric {:?}",
        c.spec.id,
        c.spec.targets.join(","),
        c.spec.task,
        c.spec.metric
    ));
    Ok(())
}

/// Why a metric correction is refused: the overview does not name that metric.
fn unsupported_metric(c: &spec::Correction, overview: &str) -> Option<String> {
    if c.field != "metric" {
        return None;
    }
    let m = spec::MetricId::named(&c.value)?;
    (!spec::metric_named(overview, m)).then(|| {
        format!(
            "not applied: the overview never names {m:?}; a metric is only corrected to one the overview states"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use autokaggle_toolkit::MetricId;

    #[test]
    fn a_metric_correction_needs_the_overview_to_name_the_metric() {
        let c = |value: &str| spec::Correction {
            field: "metric".into(),
            value: value.into(),
            reason: "the overview says AUC".into(),
        };
        let titanic = "Your score is the percentage of passengers you correctly predict. This is known as accuracy.";
        assert_eq!(
            unsupported_metric(&c("roc_auc"), titanic).unwrap(),
            "not applied: the overview never names roc_auc; a metric is only corrected to one the overview states"
        );
        assert_eq!(unsupported_metric(&c("accuracy"), titanic), None);
        let auc = "Submissions are evaluated on area under the ROC curve.";
        assert_eq!(unsupported_metric(&c("roc_auc"), auc), None);
        // Not a metric field, or not a metric name (spec::corrected says why): not this check's.
        assert_eq!(unsupported_metric(&c("nonsense"), titanic), None);
        // Short names only as whole words: "because" holds no "auc", "sauce" no "auc" either.
        assert!(!spec::metric_named(
            "sauce because",
            MetricId::must("roc_auc")
        ));
        assert!(spec::metric_named(
            "scored by RMSLE of log prices",
            MetricId::must("rmsle")
        ));
    }
}
