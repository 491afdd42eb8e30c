//! Data gates, in phases that rewrite train and test: the files are there, the columns agree, and
//! rows leave train only through a train-only step.

use std::path::Path;

use autokaggle_core::phase::GateFamily;
use autokaggle_toolkit::frame;
use autokaggle_toolkit::registry;
use autokaggle_toolkit::rows::MIN_TRAIN_ROWS;

use super::{Checked, Gate, GateCx, Verdict};

/// The phase's files read back.
pub const FILES: Gate = Gate {
    name: "files_written_and_readable",
    family: GateFamily::Data,
    doc: "the phase's train and test files exist and read back with the same shape",
    check: files,
};

/// Train's features are test's.
pub const COLUMNS_MATCH: Gate = Gate {
    name: "train_test_columns_match",
    family: GateFamily::Data,
    doc: "train's columns minus the targets equal test's, in order",
    check: columns_match,
};

/// Rows are kept.
pub const ROW_COUNTS: Gate = Gate {
    name: "row_counts_unchanged",
    family: GateFamily::Data,
    doc: "test rows unchanged; train rows removed only by a train-only step",
    check: row_counts,
};

/// Enough train rows remain to cross-validate.
pub const TRAIN_ROWS_REMAIN: Gate = Gate {
    name: "train_rows_remain",
    family: GateFamily::Data,
    doc: "train keeps enough rows to cross-validate (at least 10)",
    check: train_rows_remain,
};

fn train_rows_remain(cx: &GateCx) -> Checked {
    let n = cx.after.train.height();
    if n < MIN_TRAIN_ROWS {
        return Err(format!(
            "train has {n} row(s) left, fewer than the {MIN_TRAIN_ROWS} cross-validation needs; loosen or drop the row-removing step"
        ).into());
    }
    Ok(Verdict::Pass(format!("{n} train rows")))
}

fn files(cx: &GateCx) -> Checked {
    let Some((train, test)) = cx.files else {
        return Err("the phase wrote no train/test files".into());
    };
    for (path, df) in [(train, &cx.after.train), (test, &cx.after.test)] {
        let back = frame::parquet_shape(path)
            .map_err(|e| format!("{} does not read back: {e}", path.display()))?;
        if back != df.shape() {
            return Err(format!(
                "{} reads back as {:?}, expected {:?}",
                path.display(),
                back,
                df.shape()
            )
            .into());
        }
    }
    Ok(Verdict::Pass(format!(
        "{} and {} read back",
        file_name(train),
        file_name(test)
    )))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn columns_match(cx: &GateCx) -> Checked {
    let mut train = frame::names(&cx.after.train);
    train.retain(|c| !cx.after.spec.targets.contains(c));
    let test = frame::names(&cx.after.test);
    if train != test {
        let only_train: Vec<&String> = train.iter().filter(|c| !test.contains(c)).collect();
        let only_test: Vec<&String> = test.iter().filter(|c| !train.contains(c)).collect();
        return Err(format!(
            "train and test columns differ (only in train: {only_train:?}; only in test: {only_test:?}); apply every step to both"
        ).into());
    }
    Ok(Verdict::Pass(format!("{} columns match", test.len())))
}

fn row_counts(cx: &GateCx) -> Checked {
    if cx.after.test.height() != cx.before.test.height() {
        return Err(format!(
            "test rows changed from {} to {}; never remove test rows",
            cx.before.test.height(),
            cx.after.test.height()
        )
        .into());
    }
    let removed: usize = cx
        .logs
        .iter()
        .filter(|l| registry::removes_rows(&l.tool))
        .map(|l| l.train_rows_removed)
        .sum();
    if cx.before.train.height() != cx.after.train.height() + removed {
        return Err(format!(
            "train rows went from {} to {} outside a train-only step",
            cx.before.train.height(),
            cx.after.train.height()
        )
        .into());
    }
    Ok(Verdict::Pass(format!(
        "test {} rows kept; train {} rows ({} removed by train-only steps)",
        cx.after.test.height(),
        cx.after.train.height(),
        removed
    )))
}

#[cfg(test)]
mod tests {
    use autokaggle_core::Phase;
    use autokaggle_toolkit::StepLog;
    use autokaggle_toolkit::frame;
    use autokaggle_toolkit::spec::Submission;

    use super::*;
    use crate::gates::testing::{dataset, run};

    fn log(tool: &str, removed: usize) -> StepLog {
        StepLog {
            step: 1,
            tool: tool.into(),
            added: vec![],
            removed: vec![],
            changed: vec![],
            train_rows_removed: removed,
            millis: 0,
            notes: vec![],
        }
    }

    #[test]
    fn train_rows_remain_fails_when_a_filter_leaves_too_few() {
        let before = dataset(Submission::Labels);
        let pass = run(
            train_rows_remain,
            Phase::DataCleaning,
            &before,
            &before,
            &[],
        );
        assert_eq!(pass, Ok(Verdict::Pass("12 train rows".into())));
        let mut after = before.clone();
        after.train = frame::head(&before.train, 9);
        let fail = run(train_rows_remain, Phase::DataCleaning, &before, &after, &[]);
        assert_eq!(
            fail,
            Err("train has 9 row(s) left, fewer than the 10 cross-validation needs; loosen or drop the row-removing step".into())
        );
    }

    #[test]
    fn files_fail_when_missing_unreadable_or_of_another_shape() {
        let ds = dataset(Submission::Labels);
        let dir =
            std::env::temp_dir().join(format!("autokaggle-files-gate-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (train, test) = (dir.join("train.parquet"), dir.join("test.parquet"));
        frame::write_parquet(&ds.train, &train).unwrap();
        frame::write_parquet(&ds.test, &test).unwrap();
        let with = |written: Option<(&std::path::Path, &std::path::Path)>| {
            files(&GateCx {
                phase: Phase::DataCleaning,
                before: &ds,
                after: &ds,
                logs: &[],
                files: written,
                submission: None,
                cv: None,
                default_gbm: None,
            })
        };
        assert_eq!(
            with(Some((train.as_path(), test.as_path()))),
            Ok(Verdict::Pass(
                "train.parquet and test.parquet read back".into()
            ))
        );
        assert_eq!(
            with(None),
            Err("the phase wrote no train/test files".into())
        );
        // A test file with a row short.
        frame::write_parquet(&frame::head(&ds.test, 3), &test).unwrap();
        let e = with(Some((train.as_path(), test.as_path()))).unwrap_err().0;
        assert!(e.ends_with("reads back as (3, 3), expected (4, 3)"), "{e}");
        std::fs::write(&test, b"not parquet").unwrap();
        let e = with(Some((train.as_path(), test.as_path()))).unwrap_err().0;
        assert!(e.contains("does not read back"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn columns_match_fails_when_a_step_touched_train_only() {
        let before = dataset(Submission::Labels);
        let pass = run(
            columns_match,
            Phase::FeatureEngineering,
            &before,
            &before,
            &[],
        );
        assert_eq!(pass, Ok(Verdict::Pass("3 columns match".into())));
        let mut after = before.clone();
        frame::put_f64(&mut after.train, "a2", vec![Some(1.0); 12]).unwrap();
        let fail = run(
            columns_match,
            Phase::FeatureEngineering,
            &before,
            &after,
            &[],
        );
        assert_eq!(
            fail,
            Err("train and test columns differ (only in train: [\"a2\"]; only in test: []); apply every step to both".into())
        );
    }

    #[test]
    fn row_counts_allow_only_train_only_steps_to_remove_train_rows() {
        let before = dataset(Submission::Labels);
        let mut after = before.clone();
        after.train = frame::head(&before.train, 10);
        let removed = [log("remove_duplicates", 2)];
        let pass = run(row_counts, Phase::DataCleaning, &before, &after, &removed);
        assert_eq!(
            pass,
            Ok(Verdict::Pass(
                "test 4 rows kept; train 10 rows (2 removed by train-only steps)".into()
            ))
        );
        // The same two rows gone through a tool that does not remove rows.
        let fail = run(
            row_counts,
            Phase::DataCleaning,
            &before,
            &after,
            &[log("fill_missing", 2)],
        );
        assert_eq!(
            fail,
            Err("train rows went from 12 to 10 outside a train-only step".into())
        );
        let mut short_test = before.clone();
        short_test.test = frame::head(&before.test, 3);
        let fail = run(row_counts, Phase::DataCleaning, &before, &short_test, &[]);
        assert_eq!(
            fail,
            Err("test rows changed from 4 to 3; never remove test rows".into())
        );
    }
}
