//! Fuzzing of the two parsers that take untrusted input, with proptest (cargo-fuzz needs a nightly
//! compiler, which this project does not use): programs from an LLM or a user, and CSV files.
//! Neither may panic, whatever the bytes; each answers with a value or an error.
//! `AK_FUZZ_CASES=200000 cargo test -p autokaggle-toolkit --test it fuzz` runs a long campaign.

use proptest::prelude::*;

use autokaggle_toolkit::tool::Category;
use autokaggle_toolkit::{Program, frame};

fn cases() -> u32 {
    std::env::var("AK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

/// JSON-like text built from program fragments, so the parser's deeper paths are reached.
fn programish() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("\"tool\"".to_string()),
        Just("\"args\"".to_string()),
        Just("\"steps\"".to_string()),
        Just("\"fill_missing\"".to_string()),
        Just("\"one_hot\"".to_string()),
        Just("\"custom_feature\"".to_string()),
        Just("\"columns\"".to_string()),
        Just("\"strategy\"".to_string()),
        Just("\"expression\"".to_string()),
        Just("\"SELECT a + b AS c\"".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(":".to_string()),
        Just(",".to_string()),
        Just("null".to_string()),
        Just("1e309".to_string()),
        Just("-1".to_string()),
        "[a-z_]{0,8}".prop_map(|s| format!("\"{s}\"")),
        any::<String>(),
    ];
    proptest::collection::vec(atom, 0..40).prop_map(|v| v.concat())
}

/// CSV-like bytes: delimiters, quotes, newlines, numbers, text, odd bytes.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"id,a,y\n".to_vec()),
        Just(b"NaN".to_vec()),
        Just(b"inf".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just(vec![0xe9]),
        Just(vec![0xff, 0xfe]),
        Just(vec![0]),
        "[0-9]{1,4}".prop_map(String::into_bytes),
        "[a-z]{1,4}".prop_map(String::into_bytes),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), .. ProptestConfig::default() })]

    #[test]
    fn the_program_parser_never_panics(text in programish()) {
        if let Ok(p) = Program::from_json(&text) {
            let _ = p.check(None);
            let _ = p.check(Some(&[Category::Cleaning]));
        }
    }

    #[test]
    fn csv_ingestion_never_panics(bytes in csvish()) {
        let path = std::env::temp_dir().join(format!("ak-fuzz-{}-{:?}.csv", std::process::id(), std::thread::current().id()));
        std::fs::write(&path, &bytes).unwrap();
        if let Ok((df, _)) = frame::read_csv_noted(&path) {
            prop_assert!(df.height() > 0);
        }
        std::fs::remove_file(&path).unwrap();
    }
}

/// Crashes the fuzzer found, kept as regression tests.
#[test]
fn found_by_fuzzing_malformed_quotes_are_an_error_not_a_panic() {
    let crashes: [&[u8]; 1] = [b"\"\"\"\"id,a,y\nNaN\",0,\n,\""];
    for (i, bytes) in crashes.iter().enumerate() {
        let path =
            std::env::temp_dir().join(format!("ak-fuzz-crash-{i}-{}.csv", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        let e = frame::read_csv_noted(&path)
            .expect_err("malformed")
            .to_string();
        assert!(
            e.contains("quoting") || e.contains("not a readable CSV"),
            "{e}"
        );
        std::fs::remove_file(&path).unwrap();
    }
}
