//! The report a person reads: EDA charts chosen per phase, model charts, and one self-contained
//! report.html that parses, holds every phase and embeds every chart.

use std::path::Path;

use autokaggle::config::RunConfig;
use autokaggle::orchestrator as pipeline;
use autokaggle_core::phase::PHASES;

use super::cli::tmp;

fn charts_of(run_dir: &Path, phase_dir: &str) -> Vec<serde_json::Value> {
    let p = run_dir.join(phase_dir).join("charts.json");
    serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(p).unwrap())
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_run_has_a_self_contained_html_report_with_its_charts() {
    let out = tmp("report");
    let dir = out.join("demo_breast_cancer");
    autokaggle::demo::build_competition(&dir, 7).unwrap();
    let cfg = RunConfig::new(dir, out.clone(), 7);
    let s = pipeline::run(&cfg).unwrap();
    let mut total_charts = 0;
    for phase in ["2_preliminary_eda", "4_in_depth_eda"] {
        let charts = charts_of(&s.run_dir, phase);
        assert!(
            (5..=15).contains(&charts.len()),
            "{phase}: {}",
            charts.len()
        );
        assert_eq!(charts[0]["kind"], "target");
        total_charts += charts.len();
    }
    // Preliminary EDA sees the demo's missing values; in-depth EDA (after cleaning) does not.
    let kinds = |p| {
        charts_of(&s.run_dir, p)
            .iter()
            .map(|c| c["kind"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(kinds("2_preliminary_eda").contains(&"missing".to_string()));
    assert!(!kinds("4_in_depth_eda").contains(&"missing".to_string()));
    let model = charts_of(&s.run_dir, "6_model_building");
    let titles: Vec<&str> = model.iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert_eq!(titles[0], "CV accuracy per model");
    assert!(titles.iter().any(|t| t.starts_with("Feature importance")));
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Out-of-fold confusion matrix"))
    );
    total_charts += model.len();

    let html = std::fs::read_to_string(s.run_dir.join("report.html")).unwrap();
    let body = html.replacen("<!DOCTYPE html>", "", 1);
    let doc = roxmltree::Document::parse(&body).expect("report.html is well-formed");
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("h2"))
        .filter_map(|n| n.attribute("id"))
        .collect();
    for p in PHASES {
        assert!(ids.contains(&p.slug()), "{ids:?}");
    }
    let imgs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("img"))
        .filter_map(|n| n.attribute("src"))
        .collect();
    assert_eq!(imgs.len(), total_charts);
    assert!(
        imgs.iter().all(|s| s.starts_with("data:image/png;base64,")),
        "no image needs a file or the network"
    );
    assert!(!html.contains("http://") && !html.contains("https://"));

    // `autokaggle report` rebuilds the same page from the run directory alone.
    std::fs::remove_file(s.run_dir.join("report.html")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_autokaggle"))
        .arg("report")
        .arg(&s.run_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(s.run_dir.join("report.html")).unwrap(),
        html
    );
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn markdown_from_agents_cannot_inject_html() {
    let html = autokaggle::report::html::markdown(
        "Hi <script>alert(1)</script> **there**",
        Path::new("."),
    );
    assert!(
        html.contains("&lt;script&gt;") && !html.contains("<script>"),
        "{html}"
    );
    assert!(html.contains("<strong>there</strong>"));
}

#[test]
fn report_on_a_folder_that_is_not_a_run_says_so() {
    let dir = tmp("not-a-run");
    std::fs::create_dir_all(&dir).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_autokaggle"))
        .arg("report")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not-a-run") && err.contains("not a run directory (no spec.json)"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
