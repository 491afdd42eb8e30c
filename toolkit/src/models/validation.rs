//! Folds that match how test differs from train. When test follows train in time, shuffled folds
//! score a model on rows whose neighbours in time it trained on, and when test holds groups train
//! never saw (new customers, new stores), on groups it has half learned: both flatter the model.
//! Detection looks at the data as read, before any program, and keys each train row by its time
//! or group so that a later phase's train (the same rows by id) can be dealt to folds.

use std::collections::{HashMap, HashSet};

use crate::clean::parse_datetime::{detect_format, parse_ms};
use crate::dataset::Dataset;
use crate::error::Result;
pub use crate::folds::{FoldKey, Split};
use crate::frame::{self, DataFrame, Kind};

/// Rows of train and of test that detection looks at.
const SAMPLE_ROWS: usize = 50_000;
/// Share of test rows later than every train row from which test is said to follow train.
const AFTER_SHARE: f64 = 0.9;
/// Most share of test rows whose group train has seen, for test's groups to count as new.
const SEEN_SHARE: f64 = 0.1;
/// Fewest groups, and fewest rows per group on average, for a column to be a grouping.
const MIN_GROUPS: usize = 20;
const MIN_GROUP_ROWS: f64 = 2.0;

/// The time or grouping test differs from train by, if any (time first). Columns are the
/// non-id, non-target ones of train and test.
pub fn detect(ds: &Dataset) -> Result<Option<FoldKey>> {
    let tr = frame::sample_rows(&ds.train, SAMPLE_ROWS, 1)?;
    let te = frame::sample_rows(&ds.test, SAMPLE_ROWS, 1)?;
    let shared: Vec<String> = frame::names(&ds.train)
        .into_iter()
        .filter(|c| !ds.is_protected(c) && frame::has(&ds.test, c))
        .collect();
    for c in &shared {
        if let Some(why) = follows_in_time(&tr, &te, c)? {
            return key(ds, Split::Time, c, why).map(Some);
        }
    }
    for c in &shared {
        if let Some(why) = new_groups(&ds.train, &tr, &te, c)? {
            return key(ds, Split::Group, c, why).map(Some);
        }
    }
    Ok(None)
}

/// Epoch milliseconds of a date-time column, or of a text column in a known date format.
fn times(df: &DataFrame, col: &str, fmt: Option<&str>) -> Result<Vec<Option<i64>>> {
    match fmt {
        None => frame::epoch_ms(df, col),
        Some(f) => Ok(frame::strs(df, col)?
            .iter()
            .map(|s| s.as_deref().and_then(|s| parse_ms(s, f)))
            .collect()),
    }
}

/// The date format of a text column (None for a date-time column); Err(()) when it holds no dates.
fn date_format(df: &DataFrame, col: &str) -> Result<std::result::Result<Option<&'static str>, ()>> {
    Ok(match frame::kind(df, col)? {
        Kind::Temporal => Ok(None),
        Kind::Text => detect_format(&frame::strs(&frame::head(df, 2000), col)?)
            .map(Some)
            .ok_or(()),
        _ => Err(()),
    })
}

/// Why test follows train in time on `col`, if it does.
fn follows_in_time(tr: &DataFrame, te: &DataFrame, col: &str) -> Result<Option<String>> {
    let Ok(fmt) = date_format(tr, col)? else {
        return Ok(None);
    };
    let Some(last) = times(tr, col, fmt)?.into_iter().flatten().max() else {
        return Ok(None);
    };
    let test: Vec<i64> = times(te, col, fmt)?.into_iter().flatten().collect();
    if test.len() * 2 < te.height() {
        return Ok(None);
    }
    let after = test.iter().filter(|&&t| t > last).count() as f64 / test.len() as f64;
    Ok((after >= AFTER_SHARE).then(|| {
        format!(
            "test follows train in time on `{col}`: {:.0}% of test rows are later than train's last",
            after * 100.0
        )
    }))
}

/// Whether a column can name groups: text, or whole numbers.
fn groupable(df: &DataFrame, col: &str) -> Result<bool> {
    Ok(match frame::kind(df, col)? {
        Kind::Text => true,
        Kind::Numeric => frame::is_integer(df, col)?,
        _ => false,
    })
}

/// Why test's groups on `col` are new, if they are: train's rows come in groups of two or more
/// on average, and few test rows share a value with train. `tr` and `te` are samples; all of
/// train's values are read only for a column whose test sample shares little with train's: with
/// more of train, test can only share more.
fn new_groups(
    train: &DataFrame,
    tr: &DataFrame,
    te: &DataFrame,
    col: &str,
) -> Result<Option<String>> {
    if !groupable(train, col)? || !groupable(te, col)? {
        return Ok(None);
    }
    let test = frame::strs(te, col)?;
    let test: Vec<&str> = test.iter().flatten().map(String::as_str).collect();
    if test.len() * 2 < te.height() {
        return Ok(None);
    }
    let share = |seen: &HashSet<&str>| {
        test.iter().filter(|v| seen.contains(*v)).count() as f64 / test.len() as f64
    };
    let sampled = frame::strs(tr, col)?;
    if share(&sampled.iter().flatten().map(String::as_str).collect()) > SEEN_SHARE {
        return Ok(None);
    }
    let counts = frame::value_counts(train, col)?;
    let seen: HashSet<&str> = counts.iter().map(|(v, _)| v.as_str()).collect();
    let present: usize = counts.iter().map(|(_, n)| n).sum();
    let per_group = present as f64 / seen.len().max(1) as f64;
    if seen.len() < MIN_GROUPS || per_group < MIN_GROUP_ROWS {
        return Ok(None);
    }
    let shared = share(&seen);
    Ok((shared <= SEEN_SHARE).then(|| {
        format!(
            "test's groups on `{col}` are new: {:.0}% of test rows share a value with train, whose {} groups have {per_group:.1} rows on average",
            shared * 100.0,
            seen.len()
        )
    }))
}

/// A code per row for its value of `col`, numbered in order of first appearance (None stays None):
/// the group key that grouped folds deal out.
pub fn group_codes(df: &DataFrame, col: &str) -> Result<Vec<Option<i64>>> {
    let mut code: HashMap<String, i64> = HashMap::new();
    Ok(frame::strs(df, col)?
        .into_iter()
        .map(|v| {
            v.map(|v| {
                let next = code.len() as i64;
                *code.entry(v).or_insert(next)
            })
        })
        .collect())
}

/// Keys every train row of `ds` by its time or group on `col`.
fn key(ds: &Dataset, split: Split, col: &str, why: String) -> Result<FoldKey> {
    let keys = match split {
        Split::Time => {
            let fmt = date_format(&ds.train, col)?.unwrap_or(None);
            times(&ds.train, col, fmt)?
        }
        Split::Group => group_codes(&ds.train, col)?,
    };
    FoldKey::new(split, col, why, keys, &ds.train, &ds.spec.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Task;
    use crate::testing::{dataset, small};

    /// A frame of ids `first..first + n`, a text column and a target.
    fn frame_of(first: usize, col: &str, values: Vec<String>) -> DataFrame {
        let n = values.len();
        let mut d = frame::empty(n);
        let ids = (first..first + n).map(|i| Some(i as f64)).collect();
        frame::put_f64(&mut d, "id", ids).unwrap();
        frame::put_str(&mut d, col, values.into_iter().map(Some).collect()).unwrap();
        frame::put_f64(&mut d, "y", (0..n).map(|i| Some((i % 2) as f64)).collect()).unwrap();
        d
    }

    #[test]
    fn a_test_set_after_train_in_time_gives_time_ordered_folds() {
        // Train: 60 days from 2020-01-01, newest first; test: the 20 days after.
        let day = |d: usize| {
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(d as u64)
        };
        let train = frame_of(
            0,
            "date",
            (0..60).rev().map(|d| day(d).to_string()).collect(),
        );
        let test = frame_of(60, "date", (60..80).map(|d| day(d).to_string()).collect());
        let ds = dataset(train, test, Task::Binary);
        let key = detect(&ds).unwrap().expect("test follows train");
        assert_eq!(key.split, Split::Time);
        assert_eq!(key.describe(), "time-ordered on `date`");
        assert!(
            key.why.contains("100% of test rows are later"),
            "{}",
            key.why
        );
        // A later phase dropped the first train row (the newest): rows still match by id.
        let later = frame::take_rows(&ds.train, &(1..60).collect::<Vec<_>>()).unwrap();
        let f = key.assign(&later, "id", 3, 1).unwrap().unwrap();
        assert_eq!(f.len(), 59);
        // Row r holds day 58 - r: the oldest 20 days (r 39..58) are fold 0, the newest fold 2.
        assert!(f[..19].iter().all(|&x| x == 2), "{f:?}");
        assert!(f[39..].iter().all(|&x| x == 0), "{f:?}");
    }

    #[test]
    fn new_groups_in_test_give_grouped_folds() {
        // 30 stores with 3 train rows each; test has 10 other stores.
        let store = |s: usize| format!("store{s}");
        let train = frame_of(0, "store", (0..90).map(|i| store(i / 3)).collect());
        let test = frame_of(90, "store", (0..20).map(|i| store(30 + i / 2)).collect());
        let ds = dataset(train, test, Task::Binary);
        let key = detect(&ds).unwrap().expect("test's stores are new");
        assert_eq!(key.split, Split::Group);
        assert!(
            key.why.contains(
                "0% of test rows share a value with train, whose 30 groups have 3.0 rows"
            ),
            "{}",
            key.why
        );
        let f = key.assign(&ds.train, "id", 5, 2).unwrap().unwrap();
        for s in 0..30 {
            assert!(
                f[3 * s] == f[3 * s + 1] && f[3 * s] == f[3 * s + 2],
                "{f:?}"
            );
        }
        let mut load: Vec<usize> = (0..5)
            .map(|k| f.iter().filter(|&&x| x == k).count())
            .collect();
        load.sort_unstable();
        assert_eq!(load, vec![18; 5]);
    }

    #[test]
    fn shared_groups_and_unordered_times_keep_shuffled_folds() {
        assert!(detect(&small()).unwrap().is_none());
        // The same 30 stores in test as in train: not new groups.
        let store = |s: usize| format!("store{s}");
        let train = frame_of(0, "store", (0..90).map(|i| store(i / 3)).collect());
        let test = frame_of(90, "store", (0..20).map(store).collect());
        assert!(
            detect(&dataset(train, test, Task::Binary))
                .unwrap()
                .is_none()
        );
    }
}
