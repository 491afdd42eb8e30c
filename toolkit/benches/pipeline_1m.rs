//! The 1M-row benchmark: read a mixed-type CSV, profile it, fill missing values, one-hot and
//! target-encode, scale, and write Parquet, reporting wall time per step and peak memory.
//! `cargo bench -p autokaggle-toolkit --bench pipeline_1m [-- ROWS]`; the same steps in pandas are in
//! bench/pandas_1m.py, and bench/make_data.py writes the shared input.

use std::path::Path;
use std::time::Instant;

use autokaggle_toolkit::MetricId;
use autokaggle_toolkit::spec::{CompetitionSpec, Files, Submission, Task};
use autokaggle_toolkit::{Dataset, Profile, Program, frame};

fn main() {
    let input = std::env::args()
        .skip(1)
        .find(|a| a.ends_with(".csv"))
        // cargo runs benches in the package folder: the default is the workspace's bench/ folder.
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/data_1m.csv").into());
    let path = Path::new(&input);
    if !path.exists() {
        eprintln!(
            "{} not found: run `python3 bench/make_data.py` first",
            path.display()
        );
        std::process::exit(2);
    }
    let total = Instant::now();
    let mut t = Instant::now();
    // Each lap also gives the peak so far, so a step that raises it shows where the memory goes.
    let mut lap = |name: &str| {
        println!(
            "{name:<22} {:>8.3} s   peak so far {:>5.0} MB",
            t.elapsed().as_secs_f64(),
            autokaggle_toolkit::memory::peak_mb()
        );
        t = Instant::now();
    };
    let df = frame::read_csv(path).expect("read");
    lap("read_csv");
    let ds = dataset(df);
    let profile = Profile::of(&ds).expect("profile");
    std::hint::black_box(&profile);
    lap("profile");
    let program = Program::from_json(
        r#"[
        {"tool": "fill_missing", "args": {"strategy": "auto"}},
        {"tool": "one_hot", "args": {"columns": ["city", "color"], "max_categories": 10}},
        {"tool": "target_encode", "args": {"columns": ["product"], "folds": 5}},
        {"tool": "scale", "args": {"method": "standard"}}
    ]"#,
    )
    .expect("program");
    // As pandas does, the pipeline keeps only its output: the program frees what it replaces.
    let (out, logs, _) = program.run_owned(ds, 42, &mut |_, _| {}).expect("run");
    for l in &logs {
        println!("{:<22} {:>8.3} s", l.tool, l.millis as f64 / 1000.0);
    }
    println!(
        "{:<22} {:>8} {:>4}   peak so far {:>5.0} MB",
        "(the program)",
        "",
        "",
        autokaggle_toolkit::memory::peak_mb()
    );
    t = Instant::now();
    frame::write_parquet(&out.train, &path.with_file_name("out_rust.parquet")).expect("parquet");
    println!(
        "{:<22} {:>8.3} s",
        "write_parquet",
        t.elapsed().as_secs_f64()
    );
    println!("{:<22} {:>8.3} s", "total", total.elapsed().as_secs_f64());
    println!(
        "{:<22} {:>8.0} MB",
        "peak memory",
        autokaggle_toolkit::memory::peak_mb()
    );
    println!(
        "{} rows x {} columns out",
        out.train.height(),
        out.train.width()
    );
}

/// The whole file as "train"; an empty-feature test keeps the Dataset's invariants cheap.
fn dataset(df: frame::DataFrame) -> Dataset {
    let spec = CompetitionSpec {
        name: "bench".into(),
        data: None,
        id: "id".into(),
        targets: vec!["target".into()],
        task: Task::Binary,
        metric: MetricId::must("roc_auc"),
        submission: Submission::Probabilities,
        files: Files::default(),
    };
    let test = frame::drop_cols(&frame::head(&df, 1000), &["target".to_string()]);
    let sample = frame::select(&test, &["id".to_string()]).expect("id");
    Dataset {
        train: df,
        test,
        sample,
        spec,
        notes: vec![],
        validation: None,
        extra: None,
    }
}
