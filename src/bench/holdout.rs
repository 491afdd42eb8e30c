//! Which rows of train a bench run holds out: a seeded stratified fraction, the latest fraction by a
//! column, or a fraction of the groups of a column. A suite folder says which in its `bench.toml`;
//! without one the split is random, as for the competitions we develop on.

use std::path::Path;

use super::{BenchError, Result};
use crate::error::io_at;
use autokaggle_toolkit::models::submission::classes_of;
use autokaggle_toolkit::models::validation::group_codes;
use autokaggle_toolkit::spec::{CompetitionSpec, Task};
use autokaggle_toolkit::{folds, frame};
use serde::Deserialize;

/// How rows are held out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holdout {
    /// Seeded, stratified by the first target's class.
    Random,
    /// The latest rows by this column (ISO dates and times sort as text): one split, whatever the seed.
    Time(String),
    /// Whole groups of this column, seeded.
    Group(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BenchToml {
    split: String,
    column: Option<String>,
}

impl Holdout {
    /// The holdout of a competition folder: its `bench.toml`, or random.
    pub fn of(dir: &Path) -> Result<Self> {
        let file = dir.join("bench.toml");
        if !file.exists() {
            return Ok(Self::Random);
        }
        let text = std::fs::read_to_string(&file).map_err(io_at(&file, "cannot read"))?;
        let bad = |problem: String| BenchError::Holdout {
            path: file.clone(),
            problem,
        };
        let b: BenchToml = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let column = || {
            b.column
                .clone()
                .ok_or_else(|| bad(format!("split = \"{}\" needs a `column`", b.split)))
        };
        Ok(match b.split.as_str() {
            "random" => Self::Random,
            "time" => Self::Time(column()?),
            "group" => Self::Group(column()?),
            other => {
                return Err(bad(format!(
                    "split = \"{other}\" is not one of random, time, group"
                )));
            }
        })
    }

    /// Whether different seeds give different splits.
    pub fn seeded(&self) -> bool {
        !matches!(self, Self::Time(_))
    }

    /// The rows held out (`true`) for about `fraction` of train.
    pub fn rows(
        &self,
        train: &frame::DataFrame,
        spec: &CompetitionSpec,
        fraction: f64,
        seed: u64,
    ) -> Result<Vec<bool>> {
        let n = train.height();
        let k = (1.0 / fraction).round().max(2.0) as usize;
        let fold = match self {
            Self::Random => folds::assign(n, k, seed, Some(&strata(train, spec)?)),
            Self::Time(c) => {
                let ranks = text_ranks(train, c)?;
                // The last block in time is held out: fold k-1 becomes 0.
                folds::assign_ordered(&ranks, k, seed)
                    .into_iter()
                    .map(|f| (f + 1) % k)
                    .collect()
            }
            Self::Group(c) => {
                folds::assign_grouped(&group_codes(train, c).map_err(|_| missing(c))?, k, seed)
            }
        };
        Ok(fold.into_iter().map(|f| f == 0).collect())
    }
}

/// The class of each row's first target, for stratifying (all 0 for regression).
fn strata(train: &frame::DataFrame, spec: &CompetitionSpec) -> Result<Vec<i64>> {
    if spec.task == Task::Regression {
        return Ok(vec![0; train.height()]);
    }
    let t = &spec.targets[0];
    let labels = classes_of(train, t)?;
    Ok(frame::strs(train, t)?
        .iter()
        .map(|l| {
            l.as_ref()
                .and_then(|l| labels.iter().position(|x| x == l))
                .map_or(-1, |i| i as i64)
        })
        .collect())
}

/// Each row's rank among the column's distinct texts in sorted order (ISO dates sort in time).
fn text_ranks(train: &frame::DataFrame, column: &str) -> Result<Vec<Option<i64>>> {
    let v = frame::strs(train, column).map_err(|_| missing(column))?;
    let mut distinct: Vec<&String> = v.iter().flatten().collect();
    distinct.sort();
    distinct.dedup();
    Ok(v.iter()
        .map(|s| {
            s.as_ref()
                .and_then(|s| distinct.binary_search(&s).ok())
                .map(|i| i as i64)
        })
        .collect())
}

fn missing(column: &str) -> BenchError {
    BenchError::MissingColumn(column.to_string())
}

#[cfg(test)]
mod tests {
    use autokaggle_toolkit::MetricId;
    use autokaggle_toolkit::spec::{CompetitionSpec, Files, Submission, Task};

    use super::Holdout;
    use crate::gates::testing::frame;

    fn spec() -> CompetitionSpec {
        CompetitionSpec {
            name: "t".into(),
            data: None,
            id: "id".into(),
            targets: vec!["y".into()],
            task: Task::Regression,
            metric: MetricId::must("rmse"),
            submission: Submission::Values,
            files: Files::default(),
        }
    }

    #[test]
    fn time_holds_out_the_latest_rows_and_group_keeps_groups_whole() {
        let train = frame(
            "id,y,when,g\n1,1,2020-05,a\n2,2,2020-01,a\n3,3,2020-09,b\n4,4,2020-03,b\n5,5,2020-07,c\n",
        );
        let time = Holdout::Time("when".into());
        // 2 folds of 5 rows in time: the last block, 2020-07 and 2020-09, is held out.
        let rows = time.rows(&train, &spec(), 0.5, 1).unwrap();
        assert_eq!(rows, vec![false, false, true, false, true]);
        assert_eq!(rows, time.rows(&train, &spec(), 0.5, 99).unwrap());
        assert!(!time.seeded());

        let group = Holdout::Group("g".into());
        for seed in 0..5 {
            let rows = group.rows(&train, &spec(), 0.5, seed).unwrap();
            assert_eq!(rows[0], rows[1], "group a split, seed {seed}");
            assert_eq!(rows[2], rows[3], "group b split, seed {seed}");
            assert!(rows.iter().any(|&h| h) && rows.iter().any(|&h| !h));
        }
    }
}
