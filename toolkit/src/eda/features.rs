//! Features ranked by their relation to the target, and a chart of each of the top six against
//! it: densities by class or a scatter for numbers, the target's share or mean by category.

use std::collections::{HashMap, HashSet};

use super::stats::{binned, least_squares, relation};
use super::target::Target;
use super::{Canvas, plot};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::frame::{self, Kind};

/// A feature and how strongly it relates to the target.
pub(super) struct Ranked {
    pub name: String,
    pub kind: Kind,
    pub score: f64,
}

/// Features charts can show (numbers, and categories of 2 to 30 levels), most related first.
pub(super) fn ranked(ds: &Dataset, t: &Target) -> Result<Vec<Ranked>> {
    let mut feats: Vec<Ranked> = Vec::new();
    for name in ds.features() {
        let kind = frame::kind(&ds.train, &name)?;
        let groups = match kind {
            Kind::Numeric | Kind::Bool => binned(&frame::f64s(&ds.train, &name)?),
            _ => {
                let v = frame::strs(&ds.train, &name)?;
                let distinct: HashSet<&Option<String>> = v.iter().collect();
                if distinct.len() > 30 || distinct.len() < 2 {
                    continue;
                }
                v
            }
        };
        feats.push(Ranked {
            score: relation(&groups, &t.rank),
            name,
            kind,
        });
    }
    feats.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(feats)
}

/// One chart per top-six feature against the target.
pub(super) fn charts(ds: &Dataset, t: &Target, ranked: &[Ranked], c: &mut Canvas) -> Result<()> {
    for (i, f) in ranked.iter().take(6).enumerate() {
        let file = format!("feature_{}.png", i + 1);
        let title = format!("{} vs {}", f.name, t.name);
        let drawn = Drawn {
            file: &file,
            title: &title,
        };
        let stats = match f.kind {
            Kind::Numeric | Kind::Bool => {
                let x = frame::f64s(&ds.train, &f.name)?;
                if t.classification {
                    by_class(&x, &f.name, t, &drawn, c)?
                } else {
                    scatter(&x, &f.name, t, &drawn, c)?
                }
            }
            _ => by_category(&frame::strs(&ds.train, &f.name)?, t, &drawn, c)?,
        };
        c.add(
            &file,
            &title,
            "feature_vs_target",
            format!("relation to the target {:.3}; {stats}", f.score),
        );
    }
    Ok(())
}

/// The file and title one feature's chart is drawn with.
struct Drawn<'a> {
    file: &'a str,
    title: &'a str,
}

/// A number's density in each of the six most frequent classes; their means and spreads.
fn by_class(x: &[Option<f64>], name: &str, t: &Target, d: &Drawn, c: &Canvas) -> Result<String> {
    let groups: Vec<(String, Vec<f64>)> = t
        .classes
        .iter()
        .take(6)
        .map(|class| {
            let v: Vec<f64> = x
                .iter()
                .zip(&t.labels)
                .filter(|(_, l)| l.as_deref() == Some(class.as_str()))
                .filter_map(|(x, _)| x.filter(|x| x.is_finite()))
                .collect();
            (class.clone(), v)
        })
        .collect();
    plot::densities(&c.path(d.file), &c.tag(d.title), &groups, name)?;
    Ok(groups
        .iter()
        .map(|(class, v)| {
            let m = crate::profile::Moments::of(v);
            format!("{class}: mean {:.4}, std {:.4}", m.mean, m.std)
        })
        .collect::<Vec<_>>()
        .join("; "))
}

/// A number against a numeric target; their correlation and slope.
fn scatter(x: &[Option<f64>], name: &str, t: &Target, d: &Drawn, c: &Canvas) -> Result<String> {
    let pairs: Vec<(f64, f64)> = x
        .iter()
        .zip(&t.values)
        .filter_map(|(a, b)| Some((a.filter(|v| v.is_finite())?, b.filter(|v| v.is_finite())?)))
        .collect();
    let (xs, ys): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
    plot::scatter(&c.path(d.file), &c.tag(d.title), &xs, &ys, name, &t.name)?;
    let (slope, _) = least_squares(&xs, &ys);
    let r = crate::profile::pearson(x, &t.values).unwrap_or(0.0);
    Ok(format!(
        "Pearson r {r:+.3}, least-squares slope {slope:.4}, n={}",
        xs.len()
    ))
}

/// The target's share (of the rarest class) or mean in each of a category's 15 largest levels.
fn by_category(x: &[Option<String>], t: &Target, d: &Drawn, c: &Canvas) -> Result<String> {
    let mut g: HashMap<String, (f64, f64)> = HashMap::new();
    for (level, v) in x.iter().zip(&t.rank) {
        let e = g
            .entry(level.clone().unwrap_or_else(|| "(missing)".into()))
            .or_default();
        e.0 += v;
        e.1 += 1.0;
    }
    let mut rows: Vec<(String, f64, f64)> =
        g.into_iter().map(|(l, (s, n))| (l, s / n, n)).collect();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2));
    rows.truncate(15);
    let what = if t.classification {
        format!(
            "share of {} = {}",
            t.name,
            t.classes.last().map_or("", String::as_str)
        )
    } else {
        format!("mean {}", t.name)
    };
    let names: Vec<String> = rows
        .iter()
        .map(|r| format!("{} (n={})", r.0, r.2))
        .collect();
    let values: Vec<f64> = rows.iter().map(|r| r.1).collect();
    plot::hbar(&c.path(d.file), &c.tag(d.title), &names, &values, &what)?;
    Ok(rows
        .iter()
        .map(|r| format!("{}: {what} {:.3} (n={})", r.0, r.1, r.2))
        .collect::<Vec<_>>()
        .join("; "))
}
