//! A run's saved model: `autokaggle predict` on the run's own test.csv writes its submission.csv
//! byte for byte, on every competition with data; bad input is refused with the column named.

use std::path::Path;

use autokaggle::Model;
use autokaggle::config::RunConfig;
use autokaggle::orchestrator;
use autokaggle_toolkit::frame;

use super::cli::{bin, shared, tmp};

/// The competitions with data, and the seed each runs with.
const COMPETITIONS: [&str; 6] = [
    "titanic",
    "spaceship_titanic",
    "house_prices",
    "ghouls_goblins_and_ghosts_boo",
    "obesity_risks",
    "plate_defect",
];

fn predict(run_dir: &Path, input: &Path, output: &Path) -> std::process::Output {
    bin()
        .arg("predict")
        .arg(run_dir)
        .arg("--input")
        .arg(input)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap()
}

#[test]
fn predict_on_test_reproduces_the_submission_byte_for_byte() {
    for name in COMPETITIONS {
        let Some(dir) = shared(name) else { continue };
        let out = tmp(&format!("predict-{name}"));
        let cfg = RunConfig {
            time_budget: 10.0,
            progress: false,
            ..RunConfig::new(dir.clone(), out.clone(), 42)
        };
        let s = orchestrator::run(&cfg).unwrap();
        let model_dir = s.model.clone().expect("the run saved a model");
        assert!(model_dir.join("manifest.json").exists());
        let pred = out.join("pred.csv");
        let o = predict(&s.run_dir, &dir.join("test.csv"), &pred);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            std::fs::read(&pred).unwrap(),
            std::fs::read(&s.submission).unwrap(),
            "{name}: predict differs from submission.csv"
        );
        let size: u64 = std::fs::read_dir(&model_dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        eprintln!("{name}: model/ is {size} bytes");
        // The library gives the same frame.
        let test = frame::read_csv(&dir.join("test.csv")).unwrap();
        let sub = Model::load(&s.run_dir).unwrap().predict(&test).unwrap();
        let again = out.join("lib.csv");
        frame::write_csv(&sub, &again).unwrap();
        assert_eq!(
            std::fs::read(&again).unwrap(),
            std::fs::read(&s.submission).unwrap()
        );
        if name == "titanic" {
            refuses_bad_input(&s.run_dir, &dir, &out);
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
}

/// A missing column or an uncastable value is refused naming the column, and no output is
/// written; an extra column is ignored and said.
fn refuses_bad_input(run_dir: &Path, dir: &Path, out: &Path) {
    let test = std::fs::read_to_string(dir.join("test.csv")).unwrap();
    let mut lines = test.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.take(20).collect();
    let pclass = header.split(',').position(|c| c == "Pclass").unwrap();

    let without: String = std::iter::once(header)
        .chain(rows.iter().copied())
        .map(|l| {
            let mut cells = split_csv(l);
            cells.remove(pclass);
            cells.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let f = out.join("no_pclass.csv");
    std::fs::write(&f, without + "\n").unwrap();
    let target = out.join("refused.csv");
    let o = predict(run_dir, &f, &target);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "no_pclass.csv: column `Pclass`: is missing; the model was trained with it (i64)"
        ),
        "{err}"
    );
    assert!(!target.exists(), "a refused input writes nothing");

    let bad: String = std::iter::once(header.to_string())
        .chain(rows.iter().enumerate().map(|(i, l)| {
            let mut cells = split_csv(l);
            if i == 3 {
                cells[pclass] = "first".into();
            }
            cells.join(",")
        }))
        .collect::<Vec<_>>()
        .join("\n");
    let f = out.join("bad_pclass.csv");
    std::fs::write(&f, bad + "\n").unwrap();
    let o = predict(run_dir, &f, &target);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad_pclass.csv: column `Pclass`: row 4: \"first\" cannot be read as i64"),
        "{err}"
    );

    let extra: String = std::iter::once(format!("{header},Comment"))
        .chain(rows.iter().map(|l| format!("{l},hello")))
        .collect::<Vec<_>>()
        .join("\n");
    let f = out.join("extra.csv");
    std::fs::write(&f, extra + "\n").unwrap();
    let o = predict(run_dir, &f, &target);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("note: ignored 1 column(s) the model does not use: Comment")
    );
    let sub = frame::read_csv(&target).unwrap();
    assert_eq!(frame::names(&sub), vec!["PassengerId", "Survived"]);
    assert_eq!(sub.height(), 20);
}

/// Splits a CSV line on commas outside quotes (titanic's names hold commas).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.last_mut().unwrap().push(c);
            }
            ',' if !quoted => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out
}
