//! `parse_datetime`: turns text columns into datetimes, with the format given or detected on train.

use chrono::{NaiveDate, NaiveDateTime};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame};
use crate::tool::{Category, FitCx, Fitted, Split, TEXT, Tool};

/// Parses text into datetimes.
pub struct ParseDatetime;

/// Parameters of `parse_datetime`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParseDatetimeParams {
    /// Text columns holding dates or datetimes.
    pub columns: Vec<String>,
    /// A chrono/strftime format such as `%Y-%m-%d`; default: detected from train.
    #[serde(default)]
    pub format: Option<String>,
}

const FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
];

/// Epoch milliseconds of `s` under `fmt` (a date-only format gives midnight).
pub fn parse_ms(s: &str, fmt: &str) -> Option<i64> {
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, fmt)
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, fmt)
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .map(|dt| dt.and_utc().timestamp_millis())
}

/// The first known format that parses at least 90% of the values, if any.
pub fn detect_format(values: &[Option<String>]) -> Option<&'static str> {
    let present: Vec<&str> = values
        .iter()
        .flatten()
        .map(String::as_str)
        .take(2000)
        .collect();
    if present.is_empty() {
        return None;
    }
    FORMATS.iter().copied().find(|f| {
        let ok = present.iter().filter(|s| parse_ms(s, f).is_some()).count();
        ok * 10 >= present.len() * 9
    })
}

struct Parse(Vec<(String, String)>);

impl Tool for ParseDatetime {
    const NAME: &'static str = "parse_datetime";
    const EXAMPLE: &'static str = r#"{"columns": ["day"]}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Parses text columns into datetimes using `format` (strftime, e.g. %Y-%m-%d) or a \
        format detected on train among common ISO, European and US layouts. Unparseable values become missing. \
        Follow with datetime_parts to give models numbers.";
    type Params = ParseDatetimeParams;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Box<dyn Fitted>> {
        let cols = cx.resolve(Self::NAME, Some(&p.columns), TEXT)?;
        let mut out = Vec::new();
        for c in cols {
            let fmt = match &p.format {
                Some(f) => f.clone(),
                None => detect_format(&frame::strs(cx.train, &c)?)
                    .ok_or_else(|| {
                        ToolkitError::params(
                            Self::NAME,
                            format!("column `{c}`: no common date format parses 90% of its values; pass `format`"),
                        )
                    })?
                    .to_string(),
            };
            out.push((c, fmt));
        }
        Ok(Box::new(Parse(out)))
    }
}

impl Fitted for Parse {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        for (c, fmt) in &self.0 {
            let ms = frame::strs(&df, c)?
                .into_iter()
                .map(|s| s.and_then(|s| parse_ms(&s, fmt)))
                .collect();
            frame::put_datetime(&mut df, c, ms)?;
        }
        Ok(df)
    }
}
