//! A competition loaded and checked: train and test frames, the sample submission, and the spec.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{OutsideDomain, Result, ToolkitError};
use crate::folds::FoldKey;
use crate::frame::{self, DataFrame};
use crate::spec::{self, CompetitionSpec, Resolved, Task};

/// Train and test frames with what they mean. A program maps one `Dataset` to the next.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// Training rows, with the target column(s).
    pub train: DataFrame,
    /// Test rows, without targets.
    pub test: DataFrame,
    /// The submission format, with test's ids in the order to keep.
    pub sample: DataFrame,
    /// What the competition is.
    pub spec: CompetitionSpec,
    /// Things fixed on load that the report should mention (e.g. rows without a target dropped).
    pub notes: Vec<String>,
    /// The time or grouping test differs from train by, found on the data as read (None when
    /// shuffled folds fit): what the models' CV and every tool that fits out of fold deal folds by.
    pub validation: Option<Arc<FoldKey>>,
    /// Rows added to train from another file (`--extra-train`): fitted on, never scored.
    pub extra: Option<Arc<ExtraRows>>,
}

pub use crate::rows::{MIN_TRAIN_ROWS, check_train_rows};

/// Which train rows were added from another file (`--extra-train`, [`crate::extra_train`]), by
/// id: ids given to them when they were added, so they are found again after any program drops or
/// reorders rows.
#[derive(Debug)]
pub struct ExtraRows {
    /// The file they came from.
    pub file: PathBuf,
    /// How many were added.
    pub rows: usize,
    pub(crate) ids: HashSet<String>,
}

impl ExtraRows {
    /// Whether each row of `train` is an added one.
    pub fn mask(&self, train: &DataFrame, id: &str) -> Result<Vec<bool>> {
        Ok(frame::strs(train, id)?
            .iter()
            .map(|v| v.as_ref().is_some_and(|v| self.ids.contains(v)))
            .collect())
    }
}

impl Dataset {
    /// Reads and checks the competition in `dir` (a folder with a competition.toml or the raw files).
    pub fn open(dir: &Path) -> Result<Self> {
        Self::load(&spec::resolve(dir)?)
    }

    /// Reads and checks the files of a resolved spec. Errors name the file and the column.
    pub fn load(r: &Resolved) -> Result<Self> {
        let s = &r.spec;
        let train_path = r.path(&s.files.train);
        let test_path = r.path(&s.files.test);
        let sample_path = r.path(&s.files.sample_submission);
        let [(train, mut notes), (test, n2), (sample, n3)] = match &r.read {
            Some(read) => (**read).clone(),
            None => [
                frame::read_csv_noted(&train_path)?,
                frame::read_csv_noted(&test_path)?,
                frame::read_csv_noted(&sample_path)?,
            ],
        };
        notes.extend(n2);
        notes.extend(n3);
        let mut ds = Self::from_frames(
            train,
            test,
            sample,
            s.clone(),
            [&train_path, &test_path, &sample_path],
        )?;
        notes.append(&mut ds.notes);
        ds.notes = notes;
        Ok(ds)
    }

    /// Checks frames against a spec; `paths` (train, test, sample) are only used in messages.
    pub fn from_frames(
        train: DataFrame,
        test: DataFrame,
        sample: DataFrame,
        spec: CompetitionSpec,
        paths: [&Path; 3],
    ) -> Result<Self> {
        let [train_path, test_path, _] = paths;
        check_train_rows(&train, train_path)?;
        if test.height() == 0 {
            return Err(ToolkitError::file(test_path, "has a header but no rows"));
        }
        check_columns(&train, &test, &sample, &spec, paths)?;
        check_ids(&train, &test, &sample, &spec, paths)?;
        let (train, notes) = drop_unlabelled(train, &spec, train_path)?;
        Ok(Self {
            train,
            test,
            sample,
            spec,
            notes,
            validation: None,
            extra: None,
        })
    }

    /// Feature columns: everything in train but the id and the targets.
    pub fn features(&self) -> Vec<String> {
        frame::names(&self.train)
            .into_iter()
            .filter(|c| !self.is_protected(c))
            .collect()
    }

    /// Whether a column is the id or a target (tools never touch these).
    pub fn is_protected(&self, col: &str) -> bool {
        col == self.spec.id || self.spec.targets.iter().any(|t| t == col)
    }
}

/// Refuses targets the metric cannot score (RMSLE at -1 or below, MAPE at 0), naming the rows:
/// before phase 1, not as a failed fit four attempts later.
fn check_domain(train: &DataFrame, spec: &CompetitionSpec, path: &Path) -> Result<()> {
    let metric = spec.metric.get();
    for t in &spec.targets {
        let mut bad = Vec::new();
        let mut why = "";
        for (i, v) in frame::f64s(train, t)?.into_iter().enumerate() {
            if let Some(w) = v.and_then(|v| metric.outside_domain(v)) {
                bad.push(i + 1);
                why = w;
            }
        }
        if !bad.is_empty() {
            let first: Vec<String> = bad.iter().take(5).map(ToString::to_string).collect();
            return Err(ToolkitError::TargetDomain(Box::new(OutsideDomain {
                file: path.to_path_buf(),
                column: t.clone(),
                metric: metric.name().into(),
                why: why.into(),
                rows: bad.len(),
                first: first.join(", "),
            })));
        }
    }
    Ok(())
}

/// The targets are in train (and the sample) and not in test, the id is in test and the sample, and
/// every train column is in test.
fn check_columns(
    train: &DataFrame,
    test: &DataFrame,
    sample: &DataFrame,
    spec: &CompetitionSpec,
    [train_path, test_path, sample_path]: [&Path; 3],
) -> Result<()> {
    for t in &spec.targets {
        if !frame::has(train, t) {
            return Err(ToolkitError::column(
                train_path,
                t,
                "the target is not in train; fix `targets` in competition.toml",
            ));
        }
        if frame::has(test, t) {
            return Err(ToolkitError::column(
                test_path,
                t,
                "the target is in test; test must not hold the answer",
            ));
        }
        if !frame::has(sample, t) && spec.task != Task::Multiclass {
            return Err(ToolkitError::column(
                sample_path,
                t,
                "the target is not a column of the sample submission",
            ));
        }
    }
    for (df, path) in [(test, test_path), (sample, sample_path)] {
        if !frame::has(df, &spec.id) {
            return Err(ToolkitError::column(
                path,
                &spec.id,
                "the id column is missing; fix `id` in competition.toml",
            ));
        }
    }
    for c in frame::names(train) {
        if !spec.targets.contains(&c) && !frame::has(test, &c) {
            return Err(ToolkitError::column(
                test_path,
                &c,
                "is in train but missing from test; add it to test or drop it from train before running",
            ));
        }
    }
    Ok(())
}

/// Ids are unique in test and train, and the sample submission lists exactly test's ids.
fn check_ids(
    train: &DataFrame,
    test: &DataFrame,
    sample: &DataFrame,
    spec: &CompetitionSpec,
    [train_path, test_path, sample_path]: [&Path; 3],
) -> Result<()> {
    for (df, path) in [(test, test_path), (train, train_path)] {
        if frame::has(df, &spec.id) {
            let ids = frame::strs(df, &spec.id)?;
            let mut seen = HashSet::with_capacity(ids.len());
            if let Some(dup) = ids.iter().find(|v| !seen.insert(*v)) {
                return Err(ToolkitError::column(
                    path,
                    &spec.id,
                    format!(
                        "the id is not unique ({} appears twice); ids must identify rows",
                        dup.as_deref().unwrap_or("missing")
                    ),
                ));
            }
        }
    }
    let test_ids = frame::strs(test, &spec.id)?;
    let sample_ids = frame::strs(sample, &spec.id)?;
    if test_ids.len() != sample_ids.len() {
        return Err(ToolkitError::file(
            sample_path,
            format!(
                "has {} rows but test has {}; they must list the same ids",
                sample_ids.len(),
                test_ids.len()
            ),
        ));
    }
    let test_set: HashSet<&Option<String>> = test_ids.iter().collect();
    if let Some(bad) = sample_ids.iter().find(|i| !test_set.contains(i)) {
        return Err(ToolkitError::column(
            sample_path,
            &spec.id,
            format!(
                "id {} is not in test; the sample submission must list test's ids",
                bad.as_deref().unwrap_or("(missing)")
            ),
        ));
    }
    Ok(())
}

/// Rows without a target cannot be learned from: drops them and says so in the returned notes.
/// A target missing everywhere, or a value outside the metric's domain, is an error.
pub(crate) fn drop_unlabelled(
    train: DataFrame,
    spec: &CompetitionSpec,
    train_path: &Path,
) -> Result<(DataFrame, Vec<String>)> {
    let mut keep = vec![true; train.height()];
    for t in &spec.targets {
        let m = frame::strs(&train, t)?;
        let missing = m.iter().filter(|v| v.is_none()).count();
        if missing == m.len() {
            return Err(ToolkitError::column(
                train_path,
                t,
                "the target is missing in every row; nothing to learn from",
            ));
        }
        for (k, v) in keep.iter_mut().zip(&m) {
            *k &= v.is_some();
        }
    }
    if spec.task == Task::Regression {
        check_domain(&train, spec, train_path)?;
    }
    let dropped = keep.iter().filter(|k| !**k).count();
    if dropped == 0 {
        return Ok((train, Vec::new()));
    }
    let train = frame::filter_rows(&train, &keep)?;
    Ok((
        train,
        vec![format!(
            "dropped {dropped} train rows whose target is missing"
        )],
    ))
}
