//! Each codec writes the sample's exact format and reads it back to the same decisions.

use super::*;
use crate::metrics::MetricId;
use crate::testing::{C, df, s};

/// A spec for target `y` under `metric`, train labels `labels`, and a sample with `columns`.
fn format(
    metric: &str,
    task: Task,
    labels: Vec<Option<&'static str>>,
    columns: &[&str],
) -> Result<Format> {
    let m = MetricId::must(metric);
    let spec = CompetitionSpec {
        name: "t".into(),
        data: None,
        id: "id".into(),
        targets: vec!["y".into()],
        task,
        metric: m,
        submission: m.submission(),
        files: Default::default(),
    };
    let train = df(vec![("y", C::S(labels))]);
    let mut sample = df(vec![("id", C::F(vec![Some(1.0)]))]);
    for c in columns {
        frame::put_str(&mut sample, c, vec![Some("a b c".into())])?;
    }
    Format::from_parts(&spec, &train, &sample)
}

fn ids(n: usize) -> DataFrame {
    df(vec![("id", C::F((0..n).map(|i| Some(i as f64)).collect()))])
}

#[test]
fn ranked_labels_write_the_k_most_probable_and_read_back_the_ranking() {
    let f = format(
        "map_at_3",
        Task::Multiclass,
        vec![Some("red"), Some("blue"), Some("green"), Some("gold")],
        &["y"],
    )
    .unwrap();
    assert_eq!(f.classes, ["blue", "gold", "green", "red"]);
    // Two rows, four classes (blue, gold, green, red).
    let pred = vec![
        vec![0.1, 0.5],
        vec![0.2, 0.1],
        vec![0.3, 0.3],
        vec![0.4, 0.1],
    ];
    let out = f.write(ids(2), &pred, &[0, 1]).unwrap();
    assert_eq!(frame::names(&out), ["id", "y"]);
    assert_eq!(
        s(&out, "y"),
        [
            Some("red green gold".into()),
            Some("blue green gold".into())
        ]
    );
    let back = f.read(&out).unwrap();
    let map = MetricId::must("map_at_3");
    let y = f
        .truth(&df(vec![("y", C::S(vec![Some("green"), Some("GOLD")]))]))
        .unwrap();
    assert_eq!(map.score(&y, &back), map.score(&y, &pred));
    assert_eq!(map.score(&y, &back), (0.5 + 1.0 / 3.0) / 2.0);
}

#[test]
fn class_probabilities_follow_the_samples_prefix() {
    // Kaggle's S3E26: the sample names classes C, CL, D as Status_C, Status_CL, Status_D.
    let labels = vec![Some("C"), Some("CL"), Some("D")];
    let f = format(
        "log_loss",
        Task::Multiclass,
        labels.clone(),
        &["status_C", "status_CL", "status_D"],
    )
    .unwrap();
    assert_eq!(f.classes, ["status_C", "status_CL", "status_D"]);
    let pred = vec![vec![0.7, 0.1], vec![0.2, 0.1], vec![0.1, 0.8]];
    let out = f.write(ids(2), &pred, &[0, 1]).unwrap();
    assert_eq!(
        frame::names(&out),
        ["id", "status_C", "status_CL", "status_D"]
    );
    assert_eq!(f.read(&out).unwrap(), pred);
    let y = f
        .truth(&df(vec![("y", C::S(vec![Some("C"), Some("D")]))]))
        .unwrap();
    assert_eq!(y, [vec![1.0, 0.0], vec![0.0, 0.0], vec![0.0, 1.0]]);
    // Columns named by the class itself, in another order.
    let f = format(
        "log_loss",
        Task::Multiclass,
        labels.clone(),
        &["D", "C", "CL"],
    )
    .unwrap();
    assert_eq!(f.classes, ["C", "CL", "D"]);
    // A sample whose columns are not the classes is refused, naming both.
    let err = format("log_loss", Task::Multiclass, labels, &["p1", "p2", "p3"])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("columns (p1, p2, p3) do not name train's classes (C, CL, D)"),
        "{err}"
    );
}

#[test]
fn labels_and_values_round_trip() {
    let f = format("mcc", Task::Binary, vec![Some("no"), Some("yes")], &["y"]).unwrap();
    let out = f.write(ids(3), &[vec![0.2, 0.9, 0.6]], &[2, 1, 0]).unwrap();
    assert_eq!(
        s(&out, "y"),
        [Some("yes".into()), Some("yes".into()), Some("no".into())]
    );
    assert_eq!(f.read(&out).unwrap(), [vec![1.0, 1.0, 0.0]]);
    let mut f = format("rmsle", Task::Regression, vec![Some("1")], &["y"]).unwrap();
    assert!(f.log_target);
    f.targets = vec!["y".into()];
    let logs = vec![vec![0.0, 1.0f64.ln_1p()]];
    let out = f.write(ids(2), &logs, &[0, 1]).unwrap();
    assert_eq!(crate::testing::f(&out, "y"), [Some(0.0), Some(1.0)]);
    assert_eq!(f.read(&out).unwrap(), logs);
}

#[test]
fn every_kind_has_one_codec() {
    for kind in [
        Submission::Labels,
        Submission::RankedLabels,
        Submission::Probabilities,
        Submission::Values,
    ] {
        assert_eq!(
            CODECS.iter().filter(|c| c.kind() == kind).count(),
            1,
            "{kind:?}"
        );
    }
}
