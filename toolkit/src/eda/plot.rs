//! Chart drawing with plotters into PNG files. Text is drawn with DejaVu Sans from the `dejavu`
//! crate through ab_glyph, so no system font library is needed.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Result, ToolkitError};

/// Chart size in pixels: readable in a report column and small as a PNG.
pub const SIZE: (u32, u32) = (760, 440);

/// A qualitative palette (colour-blind friendly, Okabe–Ito).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

fn fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // DejaVu is a valid TrueType font; a failure here would only mean text-less charts.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

fn err(e: impl std::fmt::Display) -> ToolkitError {
    ToolkitError::data(format!("drawing a chart: {e}"))
}

/// Draws into a PNG at `path` (written to a temporary name, then renamed). Plotters draws into an
/// RGB buffer and the `png` crate encodes it: the `image` crate's general codecs are not needed.
fn png(
    path: &Path,
    draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> Result<()>,
) -> Result<()> {
    fonts();
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    crate::atomic::write_with(path, |f| {
        let mut enc = ::png::Encoder::new(f, w, h);
        enc.set_color(::png::ColorType::Rgb);
        enc.set_depth(::png::BitDepth::Eight);
        // A filter chosen per row, as the `image` crate did: the same bytes, a third smaller than one filter.
        enc.set_adaptive_filter(::png::AdaptiveFilterType::Adaptive);
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(&rgb).map_err(err)?;
        writer.finish().map_err(err)
    })
}

/// A categorical axis of exactly `n` segments (plotters' `a..b` segmented range has b - a + 1).
fn segments(
    n: usize,
) -> plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordusize> {
    (0..n.max(2) - 1).into_segmented()
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// Horizontal bars, in the order given (top first): counts, rates, importances, drift statistics.
pub fn hbar(
    path: &Path,
    title: &str,
    labels: &[String],
    values: &[f64],
    x_desc: &str,
) -> Result<()> {
    let n = labels.len().max(1);
    let lo = values.iter().copied().fold(0.0_f64, f64::min);
    let hi = values.iter().copied().fold(0.0_f64, f64::max);
    let pad = (hi - lo).abs().max(1e-9) * 0.08;
    let names: Vec<String> = labels.iter().map(|l| short(l, 24)).collect();
    // Row i from the top sits in segment n-1-i of a categorical y axis.
    let row = |i: usize| n - 1 - i;
    png(path, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(180)
            .build_cartesian_2d(
                (lo - if lo < 0.0 { pad } else { 0.0 })..(hi + pad),
                segments(n),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(n)
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(k) if *k < n => names[n - 1 - k].clone(),
                _ => String::new(),
            })
            .x_desc(x_desc)
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, v)| {
                let k = row(i);
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(k)),
                        (*v, SegmentValue::Exact(k + 1)),
                    ],
                    PALETTE[0].filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                bar
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// Densities of one numeric variable for several groups (classes, or train and test), as step
/// lines over shared bins: a violin-like comparison that stays readable with many rows.
pub fn densities(
    path: &Path,
    title: &str,
    groups: &[(String, Vec<f64>)],
    x_desc: &str,
) -> Result<()> {
    let all: Vec<f64> = groups.iter().flat_map(|g| g.1.iter().copied()).collect();
    // The central 99% sets the axis, so one extreme value cannot squash the rest; values beyond it
    // count in the edge bins.
    let (lo, hi) = crate::eda::central_range(&all);
    let bins = 30;
    let width = (hi - lo) / bins as f64;
    let dens: Vec<Vec<(f64, f64)>> = groups
        .iter()
        .map(|(_, v)| {
            let mut c = vec![0.0; bins];
            for x in v {
                let b = (((x - lo) / width).max(0.0) as usize).min(bins - 1);
                c[b] += 1.0;
            }
            let total = v.len().max(1) as f64;
            let mut pts = Vec::with_capacity(2 * bins);
            for (b, k) in c.iter().enumerate() {
                let d = k / total / width;
                pts.push((lo + b as f64 * width, d));
                pts.push((lo + (b + 1) as f64 * width, d));
            }
            pts
        })
        .collect();
    let ymax = dens
        .iter()
        .flatten()
        .map(|p| p.1)
        .fold(0.0, f64::max)
        .max(1e-12)
        * 1.1;
    png(path, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(60)
            .build_cartesian_2d(lo..hi, 0.0..ymax)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .x_desc(x_desc)
            .y_desc("density")
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        for (i, ((name, v), pts)) in groups.iter().zip(&dens).enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
                .map_err(err)?
                .label(format!("{} (n={})", short(name, 18), v.len()))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        Ok(())
    })
}

/// A scatter of `y` against `x` (at most 2,000 points shown) with its least-squares line.
pub fn scatter(
    path: &Path,
    title: &str,
    x: &[f64],
    y: &[f64],
    x_desc: &str,
    y_desc: &str,
) -> Result<()> {
    let (xl, xh) = crate::eda::range(x);
    let (yl, yh) = crate::eda::range(y);
    let step = (x.len() / 2000).max(1);
    let (slope, icept) = crate::eda::least_squares(x, y);
    png(path, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(70)
            .build_cartesian_2d(xl..xh, yl..yh)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                x.iter()
                    .zip(y)
                    .step_by(step)
                    .map(|(a, b)| Circle::new((*a, *b), 2, PALETTE[0].mix(0.45).filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                [(xl, icept + slope * xl), (xh, icept + slope * xh)],
                PALETTE[5].stroke_width(2),
            ))
            .map_err(err)?;
        Ok(())
    })
}

/// A heatmap cell's colour: white to blue with |v| / hi, or white to orange for a negative `v`
/// when `signed`.
fn heat(v: f64, hi: f64, signed: bool) -> RGBColor {
    let t = (v.abs() / hi).clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t) as u8;
    if signed && v < 0.0 {
        RGBColor(mix(255, 213), mix(255, 94), mix(255, 0))
    } else {
        RGBColor(mix(255, 0), mix(255, 114), mix(255, 178))
    }
}

/// A cell label's style: 12-point, in `ink`, centred on its point.
fn centred(ink: RGBColor) -> TextStyle<'static> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    ("sans-serif", 12)
        .into_font()
        .color(&ink)
        .pos(Pos::new(HPos::Center, VPos::Center))
}

/// A heatmap of a matrix with row and column names; values go from white to blue (or, when
/// `signed`, negative ones from white to orange), each cell labelled when `labels`.
pub fn heatmap(
    path: &Path,
    title: &str,
    rows: &[String],
    cols: &[String],
    m: &[Vec<f64>],
    signed: bool,
    labels: bool,
) -> Result<()> {
    let (nr, nc) = (rows.len().max(1), cols.len().max(1));
    let hi = m
        .iter()
        .flatten()
        .map(|v| v.abs())
        .fold(0.0, f64::max)
        .max(1e-12);
    let rnames: Vec<String> = rows.iter().map(|l| short(l, 20)).collect();
    let cnames: Vec<String> = cols.iter().map(|l| short(l, 9)).collect();
    png(path, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(160)
            .build_cartesian_2d(segments(nc), segments(nr))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nc)
            .y_labels(nr)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(k) if *k < nc => cnames[*k].clone(),
                _ => String::new(),
            })
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(k) if *k < nr => rnames[nr - 1 - k].clone(),
                _ => String::new(),
            })
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(err)?;
        for (r, row) in m.iter().enumerate() {
            let k = nr - 1 - r;
            for (c, v) in row.iter().enumerate() {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [
                            (SegmentValue::Exact(c), SegmentValue::Exact(k)),
                            (SegmentValue::Exact(c + 1), SegmentValue::Exact(k + 1)),
                        ],
                        heat(*v, hi, signed).filled(),
                    )))
                    .map_err(err)?;
                if labels {
                    let text = if v.fract() == 0.0 {
                        format!("{v:.0}")
                    } else {
                        format!("{v:.2}")
                    };
                    let ink = if v.abs() / hi > 0.6 { WHITE } else { BLACK };
                    let at = (SegmentValue::CenterOf(c), SegmentValue::CenterOf(k));
                    chart
                        .draw_series(std::iter::once(Text::new(text, at, centred(ink))))
                        .map_err(err)?;
                }
            }
        }
        Ok(())
    })
}
