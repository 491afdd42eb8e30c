//! Each train row's time or group, kept from the data as read, so that any later train (the
//! same rows by id) is dealt to the same kind of folds: the models' CV and the tools that fit
//! out of fold (target encoding) both read it.

use std::collections::HashMap;

use crate::error::Result;
use crate::frame::{self, DataFrame};

/// How folds are drawn when they are not shuffled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Contiguous blocks in time order ([`super::assign_ordered`]).
    Time,
    /// Whole groups per fold ([`super::assign_grouped`]).
    Group,
}

/// Each train row's time or group, from the data as read.
pub struct FoldKey {
    /// Time-ordered or grouped.
    pub split: Split,
    /// The column the keys come from.
    pub column: String,
    /// What was seen, in a sentence for the log.
    pub why: String,
    keys: Vec<Option<i64>>,
    /// Each raw train row by its id, when ids are unique.
    rows_by_id: Option<HashMap<String, usize>>,
}

/// Each row by its id, when train has unique ids.
fn rows_by_id(train: &DataFrame, id: &str) -> Result<Option<HashMap<String, usize>>> {
    if !frame::has(train, id) {
        return Ok(None);
    }
    let ids = frame::strs(train, id)?;
    let map: HashMap<String, usize> = ids
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (v, i)))
        .collect();
    Ok((map.len() == train.height()).then_some(map))
}

impl std::fmt::Debug for FoldKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FoldKey({})", self.describe())
    }
}

impl FoldKey {
    /// The key of each row of `train` (the data as read) for `split` on `column`.
    pub fn new(
        split: Split,
        column: &str,
        why: String,
        keys: Vec<Option<i64>>,
        train: &DataFrame,
        id: &str,
    ) -> Result<Self> {
        Ok(Self {
            split,
            column: column.to_string(),
            why,
            keys,
            rows_by_id: rows_by_id(train, id)?,
        })
    }

    /// The fold of each row of `train`, a later phase's train: its rows are matched to the data as
    /// read by id (or by position when no row was dropped). None when they cannot be matched.
    pub fn assign(
        &self,
        train: &DataFrame,
        id: &str,
        k: usize,
        seed: u64,
    ) -> Result<Option<Vec<usize>>> {
        let keys: Vec<Option<i64>> = match &self.rows_by_id {
            Some(rows) if frame::has(train, id) => {
                let mut out = Vec::with_capacity(train.height());
                for v in frame::strs(train, id)? {
                    match v.and_then(|v| rows.get(&v)) {
                        Some(&i) => out.push(self.keys[i]),
                        None => return Ok(None),
                    }
                }
                out
            }
            _ if train.height() == self.keys.len() => self.keys.clone(),
            _ => return Ok(None),
        };
        Ok(Some(match self.split {
            Split::Time => super::assign_ordered(&keys, k, seed),
            Split::Group => super::assign_grouped(&keys, k, seed),
        }))
    }

    /// How the folds are drawn, for the log: "time-ordered on `date`".
    pub fn describe(&self) -> String {
        match self.split {
            Split::Time => format!("time-ordered on `{}`", self.column),
            Split::Group => format!("grouped on `{}`", self.column),
        }
    }
}
