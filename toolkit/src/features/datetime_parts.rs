//! `datetime_parts`: year, month, day, weekday, hour... from datetime (or date-like text) columns.

use chrono::{DateTime, Datelike, Timelike};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::clean::parse_datetime::{detect_format, parse_ms};
use crate::error::{Result, ToolkitError};
use crate::frame::{self, DataFrame, Kind};
use crate::tool::{Category, FitCx, Fitted, Split, Tool};

/// Extracts datetime parts.
pub struct DatetimeParts;

/// A part of a datetime.
#[derive(Clone, Copy, Debug, serde::Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Calendar year.
    Year,
    /// Month 1..12.
    Month,
    /// Day of month 1..31.
    Day,
    /// Day of week, Monday = 0.
    Weekday,
    /// Day of year 1..366.
    Dayofyear,
    /// Hour 0..23.
    Hour,
    /// 1 on Saturday and Sunday.
    Weekend,
}

/// Parameters of `datetime_parts`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatetimePartsParams {
    /// Datetime columns, or text columns in a common date format.
    pub columns: Vec<String>,
    /// Parts to extract (default year, month, day, weekday).
    #[serde(default = "default_parts")]
    pub parts: Vec<Part>,
    /// Drop the datetime column afterwards (default true).
    #[serde(default = "yes")]
    pub drop_original: bool,
}

fn default_parts() -> Vec<Part> {
    vec![Part::Year, Part::Month, Part::Day, Part::Weekday]
}
fn yes() -> bool {
    true
}

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Parts {
    cols: Vec<(String, Option<String>)>,
    parts: Vec<Part>,
    drop: bool,
}

impl Tool for DatetimeParts {
    const NAME: &'static str = "datetime_parts";
    const EXAMPLE: &'static str = r#"{"columns": ["day"]}"#;
    const CATEGORY: Category = Category::Features;
    const DOC: &'static str = "Adds `<col>_<part>` number columns (year, month, day, weekday, dayofyear, hour, \
        weekend) from datetime columns, or from text columns whose date format is detected on train. \
        Missing or unparseable dates give missing parts.";
    type Params = DatetimePartsParams;
    type State = Parts;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
        let mut cols = Vec::new();
        for c in cx.resolve(Self::NAME, Some(&p.columns), &[Kind::Temporal, Kind::Text])? {
            let fmt = if frame::kind(cx.train, &c)? == Kind::Text {
                Some(detect_format(&frame::strs(cx.train, &c)?).ok_or_else(|| {
                    ToolkitError::params(Self::NAME, format!("column `{c}` is text in no known date format; run parse_datetime with a `format` first"))
                })?.to_string())
            } else {
                None
            };
            cols.push((c, fmt));
        }
        Ok(Parts {
            cols,
            parts: p.parts.clone(),
            drop: p.drop_original,
        })
    }
}

impl Fitted for Parts {
    fn apply(&self, mut df: DataFrame, _: Split) -> Result<DataFrame> {
        for (c, fmt) in &self.cols {
            let ms: Vec<Option<i64>> = match fmt {
                Some(f) => frame::strs(&df, c)?
                    .into_iter()
                    .map(|s| s.and_then(|s| parse_ms(&s, f)))
                    .collect(),
                None => frame::epoch_ms(&df, c)?,
            };
            let dts: Vec<_> = ms
                .iter()
                .map(|m| m.and_then(DateTime::from_timestamp_millis))
                .collect();
            for part in &self.parts {
                let v = dts
                    .iter()
                    .map(|d| {
                        d.map(|d| match part {
                            Part::Year => f64::from(d.year()),
                            Part::Month => f64::from(d.month()),
                            Part::Day => f64::from(d.day()),
                            Part::Weekday => f64::from(d.weekday().num_days_from_monday()),
                            Part::Dayofyear => f64::from(d.ordinal()),
                            Part::Hour => f64::from(d.hour()),
                            Part::Weekend => {
                                f64::from(u8::from(d.weekday().num_days_from_monday() >= 5))
                            }
                        })
                    })
                    .collect();
                frame::put_f64(
                    &mut df,
                    &format!("{c}_{}", format!("{part:?}").to_lowercase()),
                    v,
                )?;
            }
        }
        if self.drop {
            let drop: Vec<String> = self.cols.iter().map(|c| c.0.clone()).collect();
            df = frame::drop_cols(&df, &drop);
        }
        Ok(df)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::spec::Task;
    use crate::testing::*;

    #[test]
    fn datetime_pca_and_selection() {
        let train = df(vec![
            ("id", C::F(vec![Some(1.), Some(2.), Some(3.), Some(4.)])),
            (
                "d",
                C::S(vec![
                    Some("2024-01-06"),
                    Some("2024-02-29"),
                    None,
                    Some("2023-12-31"),
                ]),
            ),
            ("p", C::F(vec![Some(1.), Some(2.), Some(3.), Some(4.)])),
            ("q", C::F(vec![Some(2.), Some(4.), Some(6.), Some(8.)])),
            ("k", C::F(vec![Some(5.), Some(5.), Some(5.), Some(5.)])),
            ("y", C::F(vec![Some(0.), Some(0.), Some(1.), Some(1.)])),
        ]);
        let test = df(vec![
            ("id", C::F(vec![Some(9.)])),
            ("d", C::S(vec![Some("garbage")])),
            ("p", C::F(vec![Some(2.5)])),
            ("q", C::F(vec![Some(5.)])),
            ("k", C::F(vec![Some(5.)])),
        ]);
        let ds = dataset(train, test, Task::Binary);
        let (tr, te) = run1(
            &ds,
            "datetime_parts",
            json!({"columns": ["d"], "parts": ["year", "month", "weekday", "weekend"]}),
        );
        assert_eq!(
            f(&tr, "d_year"),
            vec![Some(2024.), Some(2024.), None, Some(2023.)]
        );
        assert_eq!(f(&tr, "d_month")[1], Some(2.));
        assert_eq!(
            f(&tr, "d_weekday")[0],
            Some(5.),
            "2024-01-06 was a Saturday"
        );
        assert_eq!(f(&tr, "d_weekend")[0], Some(1.));
        assert_eq!(f(&te, "d_year"), vec![None]);
        let (tr, te) = run1(
            &ds,
            "pca",
            json!({"columns": ["p", "q"], "n_components": 1}),
        );
        // Standardised p and q are identical, so pca_0 = sqrt(2) * z; z for p = 1 is -1.5/sqrt(1.25).
        let z = -1.5 / 1.25f64.sqrt();
        assert!((f(&tr, "pca_0")[0].unwrap() - 2f64.sqrt() * z).abs() < 1e-9);
        assert!(
            f(&te, "pca_0")[0].unwrap().abs() < 1e-9,
            "the train mean projects to 0"
        );
        let (tr, te) = run1(&ds, "select_variance", json!({}));
        assert!(!crate::frame::has(&tr, "k") && !crate::frame::has(&te, "k"));
        let (tr, _) = run1(&ds, "select_correlation", json!({"max_pairwise": 0.99}));
        assert!(
            crate::frame::has(&tr, "p") != crate::frame::has(&tr, "q"),
            "one of two identical columns goes"
        );
    }
}
