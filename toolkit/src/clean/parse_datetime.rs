//! `parse_datetime`: turns text columns into datetimes, with the format given or detected on train.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
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

/// The pseudo-format for RFC 3339 / ISO 8601 date-times with `T` and a zone (`Z` or an offset,
/// fractional seconds allowed), converted to UTC.
pub const RFC3339: &str = "rfc3339";

/// A date and an hour without minutes (`2016-09-06 18`), as hourly records are often written.
/// chrono reads no time without minutes, so [`parse_ms`] adds `:00`.
const HOURLY: &str = "%Y-%m-%d %H";

const FORMATS: &[&str] = &[
    RFC3339,
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    HOURLY,
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
];

/// Epoch milliseconds of `s` under `fmt` (a date-only format gives midnight; [`RFC3339`] takes
/// the zone into account).
pub fn parse_ms(s: &str, fmt: &str) -> Option<i64> {
    let s = s.trim();
    if fmt == RFC3339 {
        return DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.timestamp_millis());
    }
    if fmt == HOURLY {
        return parse_ms(&format!("{s}:00"), "%Y-%m-%d %H:%M");
    }
    NaiveDateTime::parse_from_str(s, fmt)
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, fmt)
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
        .map(|dt| dt.and_utc().timestamp_millis())
}

/// Whether `s` is an ISO 8601 date or date-time (a 4-digit year first: `2013-05-16`,
/// `2013-05-16 08:30:00`, `2013-05-16T08:30:00Z`, `...+02:00`). Only the unambiguous year-first
/// layouts count, so codes such as `1/2/3` are not mistaken for dates.
pub fn is_iso_datetime(s: &str) -> bool {
    let s = s.trim();
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && FORMATS
            .iter()
            .filter(|f| **f == RFC3339 || f.starts_with("%Y-"))
            .any(|f| parse_ms(s, f).is_some())
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

/// What the tool learned on train; saved with a run.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Parse(Vec<(String, String)>);

impl Tool for ParseDatetime {
    const NAME: &'static str = "parse_datetime";
    const EXAMPLE: &'static str = r#"{"columns": ["day"]}"#;
    const CATEGORY: Category = Category::Cleaning;
    const DOC: &'static str = "Parses text columns into datetimes using `format` (strftime, e.g. %Y-%m-%d) or a \
        format detected on train among common ISO, European and US layouts. Unparseable values become missing. \
        Follow with datetime_parts to give models numbers.";
    type Params = ParseDatetimeParams;
    type State = Parse;

    fn fit(&self, p: &Self::Params, cx: &FitCx) -> Result<Self::State> {
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
        Ok(Parse(out))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_8601_with_t_z_offsets_and_fractions_is_detected_and_read_in_utc() {
        let v = |xs: &[&str]| xs.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        assert_eq!(
            detect_format(&v(&["2013-05-16T00:00:00Z", "2014-01-02T10:20:30Z"])),
            Some(RFC3339)
        );
        assert_eq!(
            parse_ms("2013-05-16T00:00:00Z", RFC3339),
            Some(1_368_662_400_000)
        );
        // The same instant with an offset.
        assert_eq!(
            parse_ms("2013-05-16T02:00:00+02:00", RFC3339),
            Some(1_368_662_400_000)
        );
        assert_eq!(
            parse_ms("2013-05-16T00:00:00.250Z", RFC3339),
            Some(1_368_662_400_250)
        );
        assert_eq!(
            detect_format(&v(&["2013-05-16T08:30:00.5", "2013-05-17T09:00:00.25"])),
            Some("%Y-%m-%dT%H:%M:%S%.f")
        );
        assert_eq!(
            detect_format(&v(&["2013-05-16", "2014-12-31"])),
            Some("%Y-%m-%d")
        );
        // Hourly records: an hour without minutes.
        assert_eq!(
            detect_format(&v(&["1975-06-27 00", "2016-09-06 18"])),
            Some(HOURLY)
        );
        assert_eq!(parse_ms("2013-05-16 02", HOURLY), Some(1_368_669_600_000));
        assert_eq!(parse_ms("2013-05-16 02:30", HOURLY), None);
        assert_eq!(
            detect_format(&v(&["2013-05-16 02:30", "2013-05-16 03:45"])),
            Some("%Y-%m-%d %H:%M")
        );
        for s in [
            "2013-05-16 08",
            "2013-05-16T00:00:00Z",
            "2013-05-16 08:30:00",
            "2013-05-16",
            "2013-05-16T02:00:00+02:00",
        ] {
            assert!(is_iso_datetime(s), "{s}");
        }
        for s in ["B/0/P", "1/2/3", "16/05/2013", "A/5 21171", "2013", "R1412"] {
            assert!(!is_iso_datetime(s), "{s}");
        }
    }
}
