//! Phase gates: deterministic checks over a phase's artefacts. A failed gate's message goes back to the
//! developer and says how to fix the problem.

use std::collections::HashSet;
use std::path::Path;

use autokaggle_agents::Phase;
use autokaggle_toolkit::frame::{self, DataFrame, Kind};
use autokaggle_toolkit::registry::ROW_REMOVING;
use autokaggle_toolkit::spec::Submission;
use autokaggle_toolkit::{Dataset, StepLog};
use serde::Serialize;

/// What gates look at.
pub struct GateCx<'a> {
    /// The phase being checked.
    pub phase: Phase,
    /// The data the phase received.
    pub before: &'a Dataset,
    /// The data the phase produced.
    pub after: &'a Dataset,
    /// What the phase's program did.
    pub logs: &'a [StepLog],
    /// The train/test files the phase wrote, if any.
    pub files: Option<(&'a Path, &'a Path)>,
    /// The submission, in the modeling phase.
    pub submission: Option<&'a DataFrame>,
    /// (best CV score, trivial baseline, higher is better), in the modeling phase.
    pub cv: Option<(f64, f64, bool)>,
}

/// A gate's result.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// The gate's name.
    pub gate: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// What was found, and on failure how to fix it.
    pub message: String,
}

/// A named check that runs in some phases.
pub struct Gate {
    /// Name.
    pub name: &'static str,
    /// Phases it runs in.
    pub phases: &'static [Phase],
    /// What it checks.
    pub doc: &'static str,
    /// The check: Ok(note) or Err(how to fix).
    pub check: fn(&GateCx) -> Result<String, String>,
}

const DATA: &[Phase] = &[Phase::DataCleaning, Phase::FeatureEngineering];
const CLEAN: &[Phase] = &[Phase::DataCleaning];
const FEATURES: &[Phase] = &[Phase::FeatureEngineering];
const MODEL: &[Phase] = &[Phase::ModelBuilding];
const ALL: &[Phase] = &autokaggle_agents::phase::PHASES;

/// Every gate.
pub const GATES: &[Gate] = &[
    Gate {
        name: "id_present",
        phases: ALL,
        doc: "the id column is in train (if it was) and test",
        check: id_present,
    },
    Gate {
        name: "target_in_train_not_test",
        phases: ALL,
        doc: "every target is in train and none is in test",
        check: targets,
    },
    Gate {
        name: "files_written_and_readable",
        phases: DATA,
        doc: "the phase's train and test files exist and read back with the same shape",
        check: files,
    },
    Gate {
        name: "no_duplicate_columns",
        phases: DATA,
        doc: "no column name appears twice",
        check: no_duplicate_columns,
    },
    Gate {
        name: "train_test_columns_match",
        phases: DATA,
        doc: "train's columns minus the targets equal test's, in order",
        check: columns_match,
    },
    Gate {
        name: "row_counts_unchanged",
        phases: DATA,
        doc: "test rows unchanged; train rows removed only by a train-only step",
        check: row_counts,
    },
    Gate {
        name: "no_missing_values",
        phases: CLEAN,
        doc: "no missing values in cleaned train or test features",
        check: no_missing,
    },
    Gate {
        name: "features_numeric_and_finite",
        phases: FEATURES,
        doc: "every feature is numeric with no missing or infinite value",
        check: numeric_finite,
    },
    Gate {
        name: "feature_count_bounded",
        phases: FEATURES,
        doc: "at most 1000 features",
        check: feature_count,
    },
    Gate {
        name: "no_target_leakage",
        phases: FEATURES,
        doc: "no feature equals or nearly equals the target (|corr| > 0.999)",
        check: leakage,
    },
    Gate {
        name: "cv_beats_baseline",
        phases: MODEL,
        doc: "the best CV score beats predicting the train prior",
        check: cv_beats_baseline,
    },
    Gate {
        name: "submission_columns",
        phases: MODEL,
        doc: "the submission's columns equal the sample's",
        check: sub_columns,
    },
    Gate {
        name: "submission_ids_in_order",
        phases: MODEL,
        doc: "the submission's rows and ids equal the sample's, in order",
        check: sub_ids,
    },
    Gate {
        name: "submission_complete",
        phases: MODEL,
        doc: "no missing or infinite value in the submission",
        check: sub_complete,
    },
    Gate {
        name: "labels_in_vocabulary",
        phases: MODEL,
        doc: "predicted labels are train's labels, in train's dtype",
        check: sub_labels,
    },
    Gate {
        name: "probabilities_valid",
        phases: MODEL,
        doc: "probabilities lie in [0, 1] and are not all equal",
        check: sub_probabilities,
    },
];

/// Runs the gates of a phase.
pub fn check(cx: &GateCx) -> Vec<Verdict> {
    GATES
        .iter()
        .filter(|g| g.phases.contains(&cx.phase))
        .map(|g| match (g.check)(cx) {
            Ok(m) => Verdict {
                gate: g.name,
                passed: true,
                message: m,
            },
            Err(m) => Verdict {
                gate: g.name,
                passed: false,
                message: m,
            },
        })
        .collect()
}

fn id_present(cx: &GateCx) -> Result<String, String> {
    let id = &cx.after.spec.id;
    if !frame::has(&cx.after.test, id) {
        return Err(format!("test lost the id column `{id}`; never drop it"));
    }
    if frame::has(&cx.before.train, id) && !frame::has(&cx.after.train, id) {
        return Err(format!("train lost the id column `{id}`; never drop it"));
    }
    Ok(format!("`{id}` present"))
}

fn targets(cx: &GateCx) -> Result<String, String> {
    for t in &cx.after.spec.targets {
        if !frame::has(&cx.after.train, t) {
            return Err(format!("train lost the target `{t}`; never drop it"));
        }
        if frame::has(&cx.after.test, t) {
            return Err(format!("test holds the target `{t}`; remove it from test"));
        }
    }
    Ok("targets in train only".into())
}

fn files(cx: &GateCx) -> Result<String, String> {
    let Some((train, test)) = cx.files else {
        return Err("the phase wrote no train/test files".into());
    };
    for (path, df) in [(train, &cx.after.train), (test, &cx.after.test)] {
        let back = frame::read_parquet(path)
            .map_err(|e| format!("{} does not read back: {e}", path.display()))?;
        if back.shape() != df.shape() {
            return Err(format!(
                "{} reads back as {:?}, expected {:?}",
                path.display(),
                back.shape(),
                df.shape()
            ));
        }
    }
    Ok(format!(
        "{} and {} read back",
        file_name(train),
        file_name(test)
    ))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn no_duplicate_columns(cx: &GateCx) -> Result<String, String> {
    for df in [&cx.after.train, &cx.after.test] {
        let mut seen = HashSet::new();
        if let Some(d) = frame::names(df)
            .into_iter()
            .find(|c| !seen.insert(c.clone()))
        {
            return Err(format!("column `{d}` appears twice; rename or drop one"));
        }
    }
    Ok("column names unique".into())
}

fn columns_match(cx: &GateCx) -> Result<String, String> {
    let mut train = frame::names(&cx.after.train);
    train.retain(|c| !cx.after.spec.targets.contains(c));
    let test = frame::names(&cx.after.test);
    if train != test {
        let only_train: Vec<&String> = train.iter().filter(|c| !test.contains(c)).collect();
        let only_test: Vec<&String> = test.iter().filter(|c| !train.contains(c)).collect();
        return Err(format!(
            "train and test columns differ (only in train: {only_train:?}; only in test: {only_test:?}); apply every step to both"
        ));
    }
    Ok(format!("{} columns match", test.len()))
}

fn row_counts(cx: &GateCx) -> Result<String, String> {
    if cx.after.test.height() != cx.before.test.height() {
        return Err(format!(
            "test rows changed from {} to {}; never remove test rows",
            cx.before.test.height(),
            cx.after.test.height()
        ));
    }
    let removed: usize = cx
        .logs
        .iter()
        .filter(|l| ROW_REMOVING.contains(&l.tool.as_str()))
        .map(|l| l.train_rows_removed)
        .sum();
    if cx.before.train.height() != cx.after.train.height() + removed {
        return Err(format!(
            "train rows went from {} to {} outside a train-only step",
            cx.before.train.height(),
            cx.after.train.height()
        ));
    }
    Ok(format!(
        "test {} rows kept; train {} rows ({} removed by train-only steps)",
        cx.after.test.height(),
        cx.after.train.height(),
        removed
    ))
}

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

fn no_missing(cx: &GateCx) -> Result<String, String> {
    let m = with_missing(cx.after);
    if m.is_empty() {
        Ok("no missing values".into())
    } else {
        Err(format!(
            "missing values remain in {m:?} (train or test); add a fill_missing step for them"
        ))
    }
}

fn numeric_finite(cx: &GateCx) -> Result<String, String> {
    for c in cx.after.features() {
        let kind = frame::kind(&cx.after.train, &c).map_err(|e| e.to_string())?;
        if !matches!(kind, Kind::Numeric | Kind::Bool) {
            return Err(format!(
                "feature `{c}` is a text column, not numeric; encode it (one_hot, ordinal_encode, target_encode) or drop it"
            ));
        }
        for (name, df) in [("train", &cx.after.train), ("test", &cx.after.test)] {
            let v = frame::f64s(df, &c).map_err(|e| e.to_string())?;
            if v.iter().any(|x| x.is_none_or(|x| !x.is_finite())) {
                return Err(format!(
                    "feature `{c}` has missing or infinite values in {name}; add a fill_missing step"
                ));
            }
        }
    }
    Ok(format!(
        "{} numeric, finite features",
        cx.after.features().len()
    ))
}

fn feature_count(cx: &GateCx) -> Result<String, String> {
    let n = cx.after.features().len();
    if n > 1000 {
        return Err(format!(
            "{n} features; cap one_hot's max_categories or add select_importance"
        ));
    }
    if n == 0 {
        return Err("no features left; do not drop every column".into());
    }
    Ok(format!("{n} features"))
}

fn leakage(cx: &GateCx) -> Result<String, String> {
    let ds = cx.after;
    let Some(t) = ds.spec.targets.first() else {
        return Ok("no target".into());
    };
    let y = autokaggle_toolkit::profile::encode_numeric(&ds.train, t).map_err(|e| e.to_string())?;
    for c in ds.features() {
        let x = frame::f64s(&ds.train, &c).map_err(|e| e.to_string())?;
        if let Some(r) = autokaggle_toolkit::profile::pearson(&x, &y)
            && r.abs() > 0.999
        {
            return Err(format!(
                "feature `{c}` is almost the target (corr {r:.4}): it leaks the answer; drop it"
            ));
        }
    }
    Ok("no feature mirrors the target".into())
}

fn cv_beats_baseline(cx: &GateCx) -> Result<String, String> {
    let Some((best, base, higher)) = cx.cv else {
        return Err("no CV score was computed".into());
    };
    if (higher && best > base) || (!higher && best < base) {
        Ok(format!("best CV {best:.5} vs baseline {base:.5}"))
    } else {
        Err(format!(
            "best CV {best:.5} does not beat the trivial baseline {base:.5}; revisit the features"
        ))
    }
}

fn submission<'a>(cx: &'a GateCx) -> Result<&'a DataFrame, String> {
    cx.submission
        .ok_or_else(|| "no submission was produced".to_string())
}

fn sub_columns(cx: &GateCx) -> Result<String, String> {
    let s = submission(cx)?;
    let (got, want) = (frame::names(s), frame::names(&cx.after.sample));
    if got != want {
        return Err(format!(
            "submission columns {got:?} differ from the sample's {want:?}"
        ));
    }
    Ok(format!("columns {want:?}"))
}

fn sub_ids(cx: &GateCx) -> Result<String, String> {
    let s = submission(cx)?;
    if s.height() != cx.after.sample.height() {
        return Err(format!(
            "submission has {} rows, the sample {}",
            s.height(),
            cx.after.sample.height()
        ));
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
        ));
    }
    Ok(format!("{} ids in the sample's order", a.len()))
}

fn sub_complete(cx: &GateCx) -> Result<String, String> {
    let s = submission(cx)?;
    for c in frame::names(s) {
        if frame::missing(s, &c).unwrap_or(1) > 0 {
            return Err(format!("submission column `{c}` has missing values"));
        }
        if matches!(frame::kind(s, &c), Ok(Kind::Numeric))
            && frame::f64s(s, &c)
                .unwrap_or_default()
                .iter()
                .flatten()
                .any(|x| !x.is_finite())
        {
            return Err(format!("submission column `{c}` has infinite values"));
        }
    }
    Ok("no missing or infinite values".into())
}

fn sub_labels(cx: &GateCx) -> Result<String, String> {
    let ds = cx.after;
    if ds.spec.submission != Submission::Labels {
        return Ok("not a label submission".into());
    }
    let s = submission(cx)?;
    let t = &ds.spec.targets[0];
    let vocab: HashSet<String> = frame::strs(&ds.train, t)
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .map(|v| v.to_lowercase())
        .collect();
    let got = frame::strs(s, t).map_err(|e| e.to_string())?;
    if let Some(bad) = got
        .iter()
        .flatten()
        .find(|v| !vocab.contains(&v.to_lowercase()))
    {
        return Err(format!("label `{bad}` is not one of train's labels"));
    }
    if frame::is_integer(&ds.train, t).unwrap_or(false) && !frame::is_integer(s, t).unwrap_or(false)
    {
        return Err(format!(
            "train's `{t}` holds integers but the submission's does not"
        ));
    }
    Ok(format!("labels within train's {} values", vocab.len()))
}

fn sub_probabilities(cx: &GateCx) -> Result<String, String> {
    if cx.after.spec.submission != Submission::Probabilities {
        return Ok("not a probability submission".into());
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
            return Err(format!("column `{c}` has values outside [0, 1]"));
        }
        if v.windows(2).all(|w| w[0] == w[1]) {
            return Err(format!(
                "column `{c}` is the same for every row: AUC cannot rank it"
            ));
        }
    }
    Ok("probabilities in [0, 1] and varied".into())
}
