//! Rows added to train from another file (`--extra-train`): a Playground competition's data is
//! generated from a public original dataset, and Kaggle's top solutions fit on both. The added
//! rows go through every program as train rows do, and the models fit on them in every fold, but
//! they are never a fold's held-out rows nor scored: the out-of-fold estimate stays one of the
//! competition's own rows, which are what test resembles.

use std::collections::HashSet;
use std::path::Path;

use crate::dataset::{Dataset, ExtraRows, drop_unlabelled};
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::spec::Task;

impl Dataset {
    /// Stacks the rows of `path` onto train, mapped by column name: train's columns in train's
    /// types (a column the file lacks is missing for its rows; one train lacks is dropped), rows
    /// without a target dropped, and new ids that neither train nor test uses. For classification,
    /// rows of a class train never shows are dropped too: the submission cannot name it.
    pub fn add_extra_train(&mut self, path: &Path) -> Result<()> {
        let id = self.spec.id.clone();
        if !frame::has(&self.train, &id) {
            return Err(ToolkitError::column(
                path,
                &id,
                "added train rows are told apart from train's by id, and train has no id column; add one to train.csv",
            ));
        }
        let (raw, mut notes) = frame::read_csv_noted(path)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        for t in &self.spec.targets {
            if !frame::has(&raw, t) {
                return Err(ToolkitError::column(
                    path,
                    t,
                    "the target is not in the added train file; name its column as train does",
                ));
            }
        }
        let extra_cols: Vec<String> = frame::names(&raw)
            .into_iter()
            .filter(|c| !frame::has(&self.train, c) && *c != id)
            .collect();
        let (mut df, absent) = frame::conform(
            &frame::drop_cols(&raw, std::slice::from_ref(&id)),
            &self.train,
        )?;
        let features: Vec<&String> = absent.iter().filter(|c| **c != id).collect();
        if features.len() == self.features().len() {
            return Err(ToolkitError::file(
                path,
                "shares no feature column with train; its header must use train's column names",
            ));
        }
        if !features.is_empty() {
            notes.push(format!(
                "{name} lacks {}: missing for its rows",
                list(features.iter().map(|c| c.as_str()))
            ));
        }
        if !extra_cols.is_empty() {
            notes.push(format!(
                "{name}'s {} not in train: dropped",
                list(extra_cols.iter().map(String::as_str))
            ));
        }
        let before = df.height();
        df = drop_unlabelled(df, &self.spec, path)?.0;
        if df.height() < before {
            notes.push(format!(
                "{} rows of {name} without a target: dropped",
                before - df.height()
            ));
        }
        df = self.known_classes(df, &name, &mut notes)?;
        if df.height() == 0 {
            return Err(ToolkitError::file(
                path,
                "no row has a target train can learn from",
            ));
        }
        let new_ids = self.new_ids(df.height())?;
        frame::put_str(&mut df, &id, new_ids)?;
        let (df, _) = frame::conform(&df, &self.train)?;
        // The ids as train's column spells them, which is how rows are told apart later.
        let ids = frame::strs(&df, &id)?.into_iter().flatten().collect();
        self.train = frame::vstack(&self.train, &df)?;
        notes.push(format!(
            "added {} rows of {name} to train: fitted on in every fold, never held out or scored",
            df.height()
        ));
        self.notes.extend(notes);
        self.extra = Some(std::sync::Arc::new(ExtraRows {
            file: path.to_path_buf(),
            rows: df.height(),
            ids,
        }));
        Ok(())
    }

    /// Rows of a class train never shows dropped (classification only).
    fn known_classes(
        &self,
        df: DataFrame,
        name: &str,
        notes: &mut Vec<String>,
    ) -> Result<DataFrame> {
        if !matches!(self.spec.task, Task::Binary | Task::Multiclass) {
            return Ok(df);
        }
        let t = &self.spec.targets[0];
        let known: HashSet<String> = frame::strs(&self.train, t)?.into_iter().flatten().collect();
        let keep: Vec<bool> = frame::strs(&df, t)?
            .iter()
            .map(|v| v.as_ref().is_some_and(|v| known.contains(v)))
            .collect();
        let unknown = keep.iter().filter(|k| !**k).count();
        if unknown == 0 {
            return Ok(df);
        }
        notes.push(format!(
            "{unknown} rows of {name} have a class train never shows: dropped"
        ));
        frame::filter_rows(&df, &keep)
    }

    /// Ids for `n` added rows: after the largest numeric id of train and test, or `extra-1`,
    /// `extra-2`, ... for text ids.
    fn new_ids(&self, n: usize) -> Result<Vec<Option<String>>> {
        let id = &self.spec.id;
        if frame::kind(&self.train, id)? == frame::Kind::Numeric {
            let last = [&self.train, &self.test]
                .into_iter()
                .filter(|df| frame::has(df, id))
                .map(|df| frame::f64s(df, id))
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .flatten()
                .fold(0.0, f64::max)
                .floor() as i64;
            return Ok((1..=n as i64)
                .map(|i| Some((last + i).to_string()))
                .collect());
        }
        Ok((1..=n).map(|i| Some(format!("extra-{i}"))).collect())
    }

    /// This dataset with the added rows last in train: the layout a
    /// [`Problem`](crate::models::problem::Problem) reads (its last rows fitted on, never scored),
    /// which counts them.
    pub fn extra_last(&self) -> Result<Dataset> {
        let Some(extra) = &self.extra else {
            return Ok(self.clone());
        };
        let mask = extra.mask(&self.train, &self.spec.id)?;
        let order: Vec<usize> = (0..mask.len())
            .filter(|&i| !mask[i])
            .chain((0..mask.len()).filter(|&i| mask[i]))
            .collect();
        let mut ds = self.clone();
        if order.iter().enumerate().any(|(k, &i)| k != i) {
            ds.train = frame::take_rows(&self.train, &order)?;
        }
        Ok(ds)
    }
}

/// Column names for a note: `a`, `b` and `c`.
fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{C, dataset, df, f, s};

    fn competition() -> Dataset {
        let train = df(vec![
            ("id", C::F(vec![Some(1.0), Some(2.0), Some(3.0)])),
            ("a", C::F(vec![Some(0.1), Some(0.2), Some(0.3)])),
            ("b", C::S(vec![Some("x"), Some("y"), Some("x")])),
            ("y", C::S(vec![Some("no"), Some("yes"), Some("no")])),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(10.0)])),
            ("a", C::F(vec![Some(0.5)])),
            ("b", C::S(vec![Some("y")])),
        ]);
        dataset(train, test, Task::Binary)
    }

    /// Adds `text` to `ds` as an `original.csv` written for the call and removed after it.
    fn add(ds: &mut Dataset, name: &str, text: &str) -> crate::error::Result<()> {
        let dir = std::env::temp_dir().join(format!("ak-extra-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("original.csv");
        std::fs::write(&path, text).unwrap();
        let added = ds.add_extra_train(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        added
    }

    #[test]
    fn added_rows_are_mapped_by_name_given_new_ids_and_moved_last() {
        let mut ds = competition();
        // Columns in another order, `b` missing, `c` unknown to train; a row without a target and
        // one of a class train never shows.
        add(
            &mut ds,
            "mapped",
            "y,c,a\nyes,7,\"1.5\"\nno,8,2.5\n,9,3.5\nmaybe,1,4.5\n",
        )
        .unwrap();
        assert_eq!(ds.train.height(), 5);
        assert_eq!(frame::names(&ds.train), vec!["id", "a", "b", "y"]);
        assert_eq!(
            f(&ds.train, "id"),
            vec![Some(1.0), Some(2.0), Some(3.0), Some(11.0), Some(12.0)],
            "after test's largest id, 10"
        );
        assert_eq!(f(&ds.train, "a")[3..], [Some(1.5), Some(2.5)]);
        assert_eq!(s(&ds.train, "b")[3..], [None, None]);
        let notes = ds.notes.join("\n");
        for said in [
            "original.csv lacks `b`: missing for its rows",
            "original.csv's `c` not in train: dropped",
            "1 rows of original.csv have a class train never shows: dropped",
            "1 rows of original.csv without a target: dropped",
            "added 2 rows of original.csv to train",
        ] {
            assert!(notes.contains(said), "{said:?} not in {notes}");
        }
        let extra = ds.extra.clone().unwrap();
        assert_eq!(extra.rows, 2);
        // A program that reversed train's rows: the added ones are found by id and put last.
        let reversed = frame::take_rows(&ds.train, &[4, 3, 2, 1, 0]).unwrap();
        let last = Dataset {
            train: reversed,
            ..ds.clone()
        }
        .extra_last()
        .unwrap();
        assert_eq!(
            extra.mask(&last.train, "id").unwrap(),
            [false, false, false, true, true]
        );
        assert_eq!(
            f(&last.train, "id"),
            vec![Some(3.0), Some(2.0), Some(1.0), Some(12.0), Some(11.0)]
        );
    }

    #[test]
    fn a_file_without_the_target_or_any_shared_feature_is_refused_by_name() {
        let mut ds = competition();
        let e = add(&mut ds, "notarget", "a,b\n1,x\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("original.csv") && e.contains("`y`"), "{e}");
        assert!(
            e.contains("the target is not in the added train file"),
            "{e}"
        );
        let e = add(&mut ds, "nofeature", "y,z\nyes,1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("shares no feature column with train"), "{e}");
        assert_eq!(ds.train.height(), 3, "nothing added");
        assert!(ds.extra.is_none());
    }
}
