//! Bad input: every case of a generated competition either fails with an error that names the file
//! (and the column, where there is one) and the fix, or is read with a note saying what was adapted.
//! None panics.

use std::path::{Path, PathBuf};

use autokaggle_toolkit::Dataset;

const HEADER: &str = "id,a,b,y\n";

fn rows() -> String {
    (1..=20)
        .map(|i| {
            format!(
                "{i},{},{},{}\n",
                i as f64 * 1.5,
                ["x", "y", "z"][i % 3],
                i % 2
            )
        })
        .collect()
}

fn test_csv() -> String {
    let mut t = String::from("id,a,b\n");
    t.extend((21..=30).map(|i| format!("{i},{},{}\n", i as f64 * 1.5, ["x", "y", "z"][i % 3])));
    t
}

fn sample_csv() -> String {
    let mut s = String::from("id,y\n");
    s.extend((21..=30).map(|i| format!("{i},0\n")));
    s
}

/// Writes a competition folder; `train`/`test`/`sample` default to a good file.
fn competition(
    tag: &str,
    train: Option<Vec<u8>>,
    test: Option<String>,
    sample: Option<String>,
) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ak-bad-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("train.csv"),
        train.unwrap_or_else(|| format!("{HEADER}{}", rows()).into_bytes()),
    )
    .unwrap();
    std::fs::write(dir.join("test.csv"), test.unwrap_or_else(test_csv)).unwrap();
    std::fs::write(
        dir.join("sample_submission.csv"),
        sample.unwrap_or_else(sample_csv),
    )
    .unwrap();
    dir
}

fn error_of(dir: &Path) -> String {
    let e = Dataset::open(dir).expect_err("should fail").to_string();
    std::fs::remove_dir_all(dir).unwrap();
    e
}

fn train_error(tag: &str, train: String) -> String {
    error_of(&competition(tag, Some(train.into_bytes()), None, None))
}

fn notes_of(dir: &Path) -> (Dataset, Vec<String>) {
    let ds = Dataset::open(dir).expect("should be read");
    let notes = ds.notes.clone();
    std::fs::remove_dir_all(dir).unwrap();
    (ds, notes)
}

#[test]
fn empty_and_header_only_files() {
    let e = train_error("empty", String::new());
    assert!(
        e.contains("train.csv") && e.contains("the file is empty"),
        "{e}"
    );
    let e = train_error("header", HEADER.into());
    assert!(
        e.contains("train.csv") && e.contains("has a header but no rows"),
        "{e}"
    );
    let e = error_of(&competition(
        "test-header",
        None,
        Some("id,a,b\n".into()),
        None,
    ));
    assert!(
        e.contains("test.csv") && e.contains("has a header but no rows"),
        "{e}"
    );
}

#[test]
fn ragged_rows() {
    // A row with too many fields is an error naming its line.
    let e = train_error("long", format!("{HEADER}{}21,1.0,x,1,99\n", rows()));
    assert!(
        e.contains("train.csv: line 22 has 5 fields but the header has 4"),
        "{e}"
    );
    // A short row reads as missing values (its missing target drops it, with a note).
    let (ds, notes) = notes_of(&competition(
        "short",
        Some(format!("{HEADER}{}21,1.0\n", rows()).into_bytes()),
        None,
        None,
    ));
    assert_eq!(ds.train.height(), 20);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("dropped 1 train rows whose target is missing")),
        "{notes:?}"
    );
}

#[test]
fn other_delimiters_quoted_newlines_bom_and_latin1_are_read_with_notes() {
    let (ds, notes) = notes_of(&competition(
        "semi",
        Some(format!("{HEADER}{}", rows()).replace(',', ";").into_bytes()),
        None,
        None,
    ));
    assert_eq!(ds.train.height(), 20);
    assert!(
        notes.iter().any(|n| n.contains("train.csv uses ';'")),
        "{notes:?}"
    );

    let (ds, _) = notes_of(&competition(
        "tab",
        Some(
            format!("{HEADER}{}", rows())
                .replace(',', "\t")
                .into_bytes(),
        ),
        None,
        None,
    ));
    assert_eq!(
        autokaggle_toolkit::frame::names(&ds.train),
        ["id", "a", "b", "y"]
    );

    let (ds, _) = notes_of(&competition(
        "quoted",
        Some(format!("{HEADER}{}21,2.0,\"two\nlines\",1\n", rows()).into_bytes()),
        None,
        None,
    ));
    let b = autokaggle_toolkit::frame::strs(&ds.train, "b").unwrap();
    assert_eq!(b[20].as_deref(), Some("two\nlines"));

    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend(format!("{HEADER}{}", rows()).bytes());
    let (ds, _) = notes_of(&competition("bom", Some(bom), None, None));
    assert_eq!(
        autokaggle_toolkit::frame::names(&ds.train)[0],
        "id",
        "the BOM is not part of the first name"
    );

    let mut latin = format!("{HEADER}{}", rows()).into_bytes();
    latin.extend(b"21,2.0,caf\xe9,1\n");
    let (ds, notes) = notes_of(&competition("latin1", Some(latin), None, None));
    assert_eq!(
        autokaggle_toolkit::frame::strs(&ds.train, "b").unwrap()[20].as_deref(),
        Some("café")
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("train.csv is not UTF-8; it was read as Latin-1")),
        "{notes:?}"
    );
}

#[test]
fn duplicate_columns_and_ids() {
    let e = train_error("dupcol", format!("id,a,a,y\n{}", rows()));
    assert!(
        e.contains("train.csv: column `a`: the header repeats this column name"),
        "{e}"
    );
    let e = train_error("dupid", format!("{HEADER}{}1,2.0,x,1\n", rows()));
    assert!(
        e.contains("train.csv: column `id`: the id is not unique (1 appears twice)"),
        "{e}"
    );
}

#[test]
fn targets_all_missing_or_constant() {
    let missing: String = (1..=20).map(|i| format!("{i},{i},x,\n")).collect();
    let e = train_error("ymiss", format!("{HEADER}{missing}"));
    assert!(
        e.contains("train.csv: column `y`: the target is missing in every row"),
        "{e}"
    );
    let constant: String = (1..=20).map(|i| format!("{i},{i},x,1\n")).collect();
    let e = train_error("yconst", format!("{HEADER}{constant}"));
    assert!(
        e.contains("train.csv: column `y`: the target is constant"),
        "{e}"
    );
}

#[test]
fn test_missing_a_feature_and_a_sample_that_disagrees() {
    let test: String = std::iter::once("id,a\n".to_string())
        .chain((21..=30).map(|i| format!("{i},{i}\n")))
        .collect();
    let e = error_of(&competition("nofeat", None, Some(test), None));
    assert!(
        e.contains("test.csv: column `b`: is in train but missing from test"),
        "{e}"
    );
    let sample: String = std::iter::once("id,y\n".to_string())
        .chain((121..=130).map(|i| format!("{i},0\n")))
        .collect();
    let e = error_of(&competition("sample", None, None, Some(sample)));
    assert!(
        e.contains("sample_submission.csv: column `id`: id 121 is not in test"),
        "{e}"
    );
}

#[test]
fn a_one_row_train_is_too_small() {
    let e = train_error("onerow", format!("{HEADER}1,1.0,x,1\n"));
    assert!(
        e.contains("train.csv: has 1 row(s); cross-validation needs at least 10"),
        "{e}"
    );
}

#[test]
fn all_missing_column_inf_nan_and_many_strings_are_read() {
    let all_missing: String = (1..=20).map(|i| format!("{i},,x,{}\n", i % 2)).collect();
    let (ds, _) = notes_of(&competition(
        "allmiss",
        Some(format!("{HEADER}{all_missing}").into_bytes()),
        None,
        None,
    ));
    assert!(
        autokaggle_toolkit::frame::f64s(&ds.train, "a")
            .unwrap()
            .iter()
            .all(Option::is_none)
    );

    let inf: String = (1..=20)
        .map(|i| {
            format!(
                "{i},{},x,{}\n",
                if i % 5 == 0 {
                    "inf".into()
                } else if i % 7 == 0 {
                    "NaN".into()
                } else {
                    i.to_string()
                },
                i % 2
            )
        })
        .collect();
    let (ds, _) = notes_of(&competition(
        "inf",
        Some(format!("{HEADER}{inf}").into_bytes()),
        None,
        None,
    ));
    let a = autokaggle_toolkit::frame::f64s(&ds.train, "a").unwrap();
    assert!(a[4].is_some_and(f64::is_infinite));

    let many: String = (1..=100_000)
        .map(|i| format!("{i},{i},s{i},{}\n", i % 2))
        .collect();
    let test: String = std::iter::once("id,a,b\n".to_string())
        .chain((100_001..=100_010).map(|i| format!("{i},{i},s{i}\n")))
        .collect();
    let sample: String = std::iter::once("id,y\n".to_string())
        .chain((100_001..=100_010).map(|i| format!("{i},0\n")))
        .collect();
    let (ds, _) = notes_of(&competition(
        "many",
        Some(format!("{HEADER}{many}").into_bytes()),
        Some(test),
        Some(sample),
    ));
    assert_eq!(ds.train.height(), 100_000);
}
