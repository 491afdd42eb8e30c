//! A small competition for gate and orchestrator tests: 12 train rows (id, a numeric, c text, y
//! binary), 4 test rows, and a sample submission.

use autokaggle_toolkit::MetricId;
use autokaggle_toolkit::frame::{self, DataFrame};
use autokaggle_toolkit::spec::{CompetitionSpec, Files, Submission, Task};
use autokaggle_toolkit::{Dataset, StepLog};

use super::{Checked, GateCx};
use autokaggle_core::Phase;

fn csv(name: &str, text: &str) -> DataFrame {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    // A file of its own per call, removed once read: test threads never share a folder.
    let p = std::env::temp_dir().join(format!(
        "autokaggle-gates-{}-{name}-{:?}-{}.csv",
        std::process::id(),
        std::thread::current().id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::write(&p, text).unwrap();
    let df = frame::read_csv(&p).unwrap();
    let _ = std::fs::remove_file(&p);
    df
}

/// The competition, its submission holding `submission`.
pub(crate) fn dataset(submission: Submission) -> Dataset {
    let mut train = String::from("id,a,c,y\n");
    for i in 0..12 {
        train.push_str(&format!(
            "{i},{}.5,{},{}\n",
            i % 5,
            ["x", "z"][i % 2],
            i % 2
        ));
    }
    let test = "id,a,c\n100,1.5,x\n101,2.5,z\n102,3.5,x\n103,0.5,z\n";
    let sample = "id,y\n100,0\n101,0\n102,0\n103,0\n";
    let spec = CompetitionSpec {
        name: "tiny".into(),
        data: None,
        id: "id".into(),
        targets: vec!["y".into()],
        task: Task::Binary,
        metric: if submission == Submission::Labels {
            MetricId::must("accuracy")
        } else {
            MetricId::must("roc_auc")
        },
        submission,
        files: Files::default(),
    };
    let p = std::path::Path::new("x.csv");
    Dataset::from_frames(
        csv("train", &train),
        csv("test", test),
        csv("sample", sample),
        spec,
        [p, p, p],
    )
    .unwrap()
}

/// A frame from CSV text.
pub(crate) fn frame(text: &str) -> DataFrame {
    csv("frame", text)
}

/// Runs `check` in `phase` on `before` -> `after`, with the given step logs.
pub(crate) fn run(
    check: fn(&GateCx) -> Checked,
    phase: Phase,
    before: &Dataset,
    after: &Dataset,
    logs: &[StepLog],
) -> Checked {
    check(&GateCx {
        phase,
        before,
        after,
        logs,
        files: None,
        submission: None,
        cv: None,
        default_gbm: None,
    })
}
