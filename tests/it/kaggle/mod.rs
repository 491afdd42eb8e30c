//! `autokaggle download` and `autokaggle submit` against a local server that speaks Kaggle's v1 API:
//! the listing, the all-files download (redirected to storage, as Kaggle does), the three-step
//! submission. Downloads are verified and resume after dropped connections, within a run and
//! across runs; credentials go to Kaggle's API only and are never written.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine;
use serde_json::json;

use super::cli::{bin, files_under, tmp};
use super::http::{self, Request};

mod download;

const USER: &str = "ada";
const KEY: &str = "KAGGLE-SECRET-0d1e2f";
/// One of Kaggle's newer API tokens (sent as a Bearer token).
const TOKEN: &str = "KGAT_0123456789abcdef";
const SLUG: &str = "demo-cancer";

/// What the fake storage does with downloads.
struct Faults {
    /// Storage answers cut after this many body bytes...
    cut_at: usize,
    /// ...for this many answers.
    cut_answers: usize,
}

impl Faults {
    /// A connection that never drops.
    const NONE: Faults = Faults {
        cut_at: 0,
        cut_answers: 0,
    };
}

struct FakeKaggle {
    port: u16,
    log: Arc<Mutex<Vec<Request>>>,
    faults: Arc<Mutex<Faults>>,
}

impl FakeKaggle {
    fn api(&self) -> String {
        format!("http://127.0.0.1:{}/api/v1", self.port)
    }
    fn seen(&self, prefix: &str) -> Vec<Request> {
        let log = self.log.lock().unwrap();
        log.iter()
            .filter(|r| r.path.starts_with(prefix))
            .cloned()
            .collect()
    }
}

fn fake_kaggle(archive: Vec<u8>, faults: Faults) -> FakeKaggle {
    let log: Arc<Mutex<Vec<Request>>> = Arc::default();
    let faults = Arc::new(Mutex::new(faults));
    let (l, f) = (log.clone(), faults.clone());
    let port_cell: Arc<Mutex<u16>> = Arc::default();
    let pc = port_cell.clone();
    let port = http::listen(move |_, req, mut s| {
        l.lock().unwrap().push(req.clone());
        let port = *pc.lock().unwrap();
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{KEY}"))
        );
        let json_reply = |s: &mut TcpStream, status: u16, v: serde_json::Value| {
            let ct = [("content-type", "application/json".to_string())];
            http::respond(s, status, &ct, v.to_string().as_bytes())
        };
        let bearer = format!("Bearer {TOKEN}");
        let auth = req.header("authorization");
        if req.path.starts_with("/api/") && auth != Some(&expected) && auth != Some(&bearer) {
            return json_reply(
                &mut s,
                401,
                json!({"code": 401, "message": "Unauthenticated"}),
            );
        }
        let path = req.path.as_str();
        if path.starts_with("/api/v1/competitions/list?") {
            return json_reply(
                &mut s,
                200,
                json!([
                    {"ref": "https://www.kaggle.com/competitions/demo-cancer-2", "title": "Other"},
                    {"ref": "https://www.kaggle.com/competitions/demo-cancer", "title": "Demo Cancer",
                     "description": "Tell malignant from benign tumours.",
                     "evaluationMetric": "Categorization Accuracy", "category": "Getting Started",
                     "url": "https://www.kaggle.com/competitions/demo-cancer"}
                ]),
            );
        }
        if path == format!("/api/v1/competitions/data/download-all/{SLUG}") {
            // Kaggle answers with a redirect to storage on another host.
            let to = format!("http://localhost:{port}/storage/{SLUG}.zip");
            return http::respond(&mut s, 302, &[("location", to)], b"");
        }
        if path.starts_with("/api/v1/competitions/data/download-all/") {
            return json_reply(&mut s, 404, json!({"code": 404, "message": "NotFound"}));
        }
        if path == format!("/storage/{SLUG}.zip") {
            let from: usize = req
                .header("range")
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.trim_end_matches('-').parse().ok())
                .filter(|_| req.header("if-range").is_none_or(|v| v == "\"v1\""))
                .unwrap_or(0);
            let rest = &archive[from..];
            let (status, mut headers) = if from > 0 {
                let range = format!("bytes {from}-{}/{}", archive.len() - 1, archive.len());
                (206, vec![("content-range", range)])
            } else {
                (200, vec![])
            };
            headers.push(("etag", "\"v1\"".into()));
            let mut fl = f.lock().unwrap();
            if fl.cut_answers > 0 {
                fl.cut_answers -= 1;
                let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", rest.len());
                for (k, v) in &headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&rest[..fl.cut_at.min(rest.len())]);
                let _ = s.flush();
                let _ = s.shutdown(std::net::Shutdown::Both);
                return;
            }
            drop(fl);
            return http::respond(&mut s, status, &headers, rest);
        }
        if path.starts_with(&format!("/api/v1/competitions/{SLUG}/submissions/url/")) {
            let to = format!("http://localhost:{port}/upload/blob-1");
            return json_reply(&mut s, 200, json!({"createUrl": to, "token": "tok-1"}));
        }
        if path == "/upload/blob-1" && req.method == "PUT" {
            return http::respond(&mut s, 200, &[], b"");
        }
        if path == format!("/api/v1/competitions/submissions/submit/{SLUG}") {
            return json_reply(
                &mut s,
                200,
                json!({"message": "Successfully submitted to Demo Cancer"}),
            );
        }
        json_reply(&mut s, 404, json!({"message": "no route"}))
    });
    *port_cell.lock().unwrap() = port;
    FakeKaggle { port, log, faults }
}

/// The demo competition's files (without overview.txt, which the listing supplies) and a zip of
/// them; stored uncompressed so a flipped byte reaches the checksum.
fn demo_archive(dir: &Path) -> (Vec<(String, Vec<u8>)>, Vec<u8>) {
    autokaggle::demo::build_competition(dir, 7).unwrap();
    let files: Vec<(String, Vec<u8>)> = ["train.csv", "test.csv", "sample_submission.csv"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(dir.join(n)).unwrap()))
        .collect();
    (files.clone(), zip_of(&files))
}

fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in files {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The binary with a home that has no kaggle.json and the given environment.
fn kaggle_cmd(home: &Path, env: &[(&str, &str)]) -> std::process::Command {
    let mut c = bin();
    c.env("HOME", home)
        .env_remove("KAGGLE_USERNAME")
        .env_remove("KAGGLE_KEY")
        .env_remove("KAGGLE_API_TOKEN")
        .env_remove("KAGGLE_CONFIG_DIR")
        .env_remove("AUTOKAGGLE_KAGGLE_API");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn no_key_in(dir: &Path) {
    for f in files_under(dir) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(KEY),
            "{} holds the key",
            f.display()
        );
    }
}

fn download(k: &FakeKaggle, home: &Path, dest: &Path) -> std::process::Output {
    download_with(
        k,
        home,
        &[("KAGGLE_USERNAME", USER), ("KAGGLE_KEY", KEY)],
        dest,
    )
}

/// `autokaggle download` from the fake API with the given credentials' environment.
fn download_with(
    k: &FakeKaggle,
    home: &Path,
    env: &[(&str, &str)],
    dest: &Path,
) -> std::process::Output {
    kaggle_cmd(home, env)
        .args(["download", SLUG, "--api-url", &k.api(), "--out"])
        .arg(dest)
        .output()
        .unwrap()
}

#[test]
fn submit_uploads_the_runs_submission_and_records_it() {
    let root = tmp("kaggle-submit");
    let comp = root.join(SLUG);
    autokaggle::demo::build_competition(&comp, 3).unwrap();
    let runs = root.join("runs");
    let out = bin()
        .args(["run", "--time-budget", "5", "--competition"])
        .arg(&comp)
        .arg("--out")
        .arg(&runs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let run_dir: PathBuf = std::fs::read_dir(&runs)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let k = fake_kaggle(vec![], Faults::NONE);
    let submit = |msg: &str| {
        kaggle_cmd(&root, &[("KAGGLE_USERNAME", USER), ("KAGGLE_KEY", KEY)])
            .args(["submit", "--api-url", &k.api(), "-m", msg])
            .arg(&run_dir)
            .output()
            .unwrap()
    };
    let out = submit("blend of gbm and linear");
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("demo-cancer: Successfully submitted to Demo Cancer"),
        "{said}"
    );
    let sub = std::fs::read(run_dir.join("submission.csv")).unwrap();
    let asked = k.seen(&format!("/api/v1/competitions/{SLUG}/submissions/url/"));
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].path.contains(&format!("/url/{}/", sub.len())),
        "{}",
        asked[0].path
    );
    assert_eq!(
        String::from_utf8_lossy(&asked[0].body),
        "fileName=submission.csv"
    );
    let put = k.seen("/upload/blob-1");
    assert_eq!(put.len(), 1);
    assert_eq!(
        put[0].body, sub,
        "the uploaded bytes are the run's submission.csv"
    );
    assert!(
        put[0].header("authorization").is_none(),
        "storage gets no credentials"
    );
    let done = k.seen("/api/v1/competitions/submissions/submit/");
    assert_eq!(
        String::from_utf8_lossy(&done[0].body),
        "blobFileTokens=tok-1&submissionDescription=blend+of+gbm+and+linear"
    );
    let record = std::fs::read_to_string(run_dir.join("submissions.json")).unwrap();
    let record: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(record[0]["competition"], SLUG);
    assert_eq!(record[0]["message"], "blend of gbm and linear");
    assert_eq!(record[0]["answer"], "Successfully submitted to Demo Cancer");
    no_key_in(&run_dir);
    // An empty message is refused before anything is sent.
    let empty = submit(" ");
    assert!(!empty.status.success());
    assert!(text(&empty).contains("needs a message"), "{}", text(&empty));
    assert_eq!(k.seen("/upload/").len(), 1);
    std::fs::remove_dir_all(&root).unwrap();
}
