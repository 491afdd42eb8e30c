//! Checks before phase 1: a missing key, a refused connection, a 401 or an unknown model stop the
//! run at once with what to fix.

use super::*;

/// `autokaggle run` on the demo competition with extra arguments and environment.
fn run_cli(
    out: &Path,
    dir: &Path,
    args: &[&str],
    env: &[(&str, Option<&str>)],
) -> std::process::Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_autokaggle"));
    c.args(["run", "--competition"])
        .arg(dir)
        .arg("--out")
        .arg(out)
        .args(args);
    for (k, v) in env {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.output().unwrap()
}

/// Runs `autokaggle run` expecting a refusal; returns its stderr.
fn refused(out: &Path, dir: &Path, args: &[&str], env: &[(&str, Option<&str>)]) -> String {
    let o = run_cli(out, dir, args, env);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!o.status.success(), "{err}");
    err
}

#[test]
fn a_missing_key_a_refused_connection_a_401_or_an_unknown_model_stops_before_phase_1() {
    let (dir, out) = competition("fail-fast");
    // Four failures, each said before phase 1, in under 10 s in all.
    let t0 = std::time::Instant::now();
    let err = refused(
        &out,
        &dir,
        &["--llm", "openai:gpt-4o-mini"],
        &[("OPENAI_API_KEY", None)],
    );
    assert!(
        err.contains("the environment variable OPENAI_API_KEY is not set"),
        "{err}"
    );
    assert!(err.contains("--llm-fallback offline"), "{err}");
    // Nothing was started: no run directory beside the competition.
    let runs: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name() != "demo_breast_cancer")
        .collect();
    assert!(runs.is_empty(), "{runs:?}");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/v1:m");
    let err = refused(&out, &dir, &["--llm", &url], &[]);
    assert!(
        err.contains(&format!("cannot reach http://127.0.0.1:{port}/v1/models")),
        "{err}"
    );
    // A refused key and an unknown model, from a server that answers the probe.
    let mock = serve(|_, r| {
        if r.path.starts_with("/refuse/") {
            return Act::Reply(401, vec![], "{}".into());
        }
        Act::Reply(200, vec![], r#"{"data": [{"id": "served-a"}]}"#.into())
    });
    let key_refused = format!("http://127.0.0.1:{}/refuse/v1:served-a", mock.port);
    let err = refused(&out, &dir, &["--llm", &key_refused], &[]);
    assert!(err.contains("refused the key (HTTP 401)"), "{err}");
    let unknown = format!("http://127.0.0.1:{}/v1:gpt-5", mock.port);
    let err = refused(&out, &dir, &["--llm", &unknown], &[]);
    assert!(
        err.contains("does not serve `gpt-5`; it serves: served-a"),
        "{err}"
    );
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    // On purpose: the run goes on offline and the report says so at the top.
    let o = run_cli(
        &out,
        &dir,
        &["--llm", &url, "--llm-fallback", "offline"],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let run_dir = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.join("report.md").exists())
        .unwrap();
    let report = std::fs::read_to_string(run_dir.join("report.md")).unwrap();
    assert!(report.starts_with("> **No LLM was used.**"), "{report}");
    assert!(run_dir.join("submission.csv").exists());
    assert!(!run_dir.join("llm.jsonl").exists());
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn the_probe_names_a_refused_key_and_an_unknown_model() {
    use autokaggle_agents::llm::http::Http;
    use autokaggle_agents::llm::probe::{ProbeError, probe};
    let mock = serve(|_, r| {
        if r.path.starts_with("/refuse/") {
            return Act::Reply(401, vec![], "{}".into());
        }
        Act::Reply(
            200,
            vec![],
            r#"{"data": [{"id": "served-a"}, {"id": "served-b"}]}"#.into(),
        )
    });
    let http = Http::new().unwrap();
    // A local server needs no key; the variable is only named in messages.
    let ep = |base: &str, model: &str| autokaggle_agents::llm::Endpoint {
        key_env: Some("AK_PROBE_UNSET_KEY".into()),
        ..format!("http://127.0.0.1:{}{base}:{model}", mock.port)
            .parse()
            .unwrap()
    };
    assert_eq!(probe(&http, &ep("/v1", "served-b")), Ok(()));
    let e = probe(&http, &ep("/v1", "gpt-5")).unwrap_err();
    assert!(matches!(e, ProbeError::UnknownModel { .. }));
    assert!(
        e.to_string()
            .ends_with("does not serve `gpt-5`; it serves: served-a, served-b"),
        "{e}"
    );
    let e = probe(&http, &ep("/refuse/v1", "served-a")).unwrap_err();
    assert!(
        e.to_string()
            .contains("refused the key (HTTP 401); check AK_PROBE_UNSET_KEY"),
        "{e}"
    );
    assert_eq!(mock.seen().len(), 3, "one GET per probe");
}
