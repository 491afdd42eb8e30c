//! Downloads: verified, resumed after dropped connections within a run and across runs, refused
//! when damaged or escaping; credentials read from the environment and never written.

use super::*;

#[test]
fn download_survives_dropped_connections_and_unpacks_verified_files() {
    let root = tmp("kaggle-dl");
    let (files, archive) = demo_archive(&root.join("src"));
    let size = archive.len();
    let k = fake_kaggle(
        archive,
        Faults {
            cut_at: 3000,
            cut_answers: 2,
        },
    );
    // Credentials from kaggle.json in KAGGLE_CONFIG_DIR this time.
    let conf = root.join("conf");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("kaggle.json"),
        json!({"username": USER, "key": KEY}).to_string(),
    )
    .unwrap();
    let dest = root.join("competitions").join(SLUG);
    let out = download_with(
        &k,
        &root,
        &[("KAGGLE_CONFIG_DIR", conf.to_str().unwrap())],
        &dest,
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains(KEY));
    for (name, bytes) in &files {
        assert_eq!(&std::fs::read(dest.join(name)).unwrap(), bytes, "{name}");
    }
    let overview = std::fs::read_to_string(dest.join("overview.txt")).unwrap();
    assert!(overview.starts_with("# Demo Cancer\n\nTell malignant from benign tumours."));
    assert!(overview.contains("Evaluation metric: Categorization Accuracy"));
    // Two cut answers, then the rest: each try asked for the bytes after what it had.
    let storage = k.seen("/storage/");
    let ranges: Vec<Option<&str>> = storage.iter().map(|r| r.header("range")).collect();
    assert_eq!(ranges, [None, Some("bytes=3000-"), Some("bytes=6000-")]);
    assert!(
        storage
            .iter()
            .all(|r| r.header("if-range") == Some("\"v1\"") || r.header("range").is_none())
    );
    // Storage is another host: it never sees the credentials.
    assert!(storage.iter().all(|r| r.header("authorization").is_none()));
    assert!(size > 6000);
    // Nothing but the competition folder is left (no .part, no staging folder).
    let left: Vec<_> = std::fs::read_dir(root.join("competitions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, [SLUG]);
    no_key_in(&root.join("competitions"));
    // The downloaded folder is a competition the tool can inspect.
    let inspect = bin()
        .args(["inspect", "--no-profile"])
        .arg(&dest)
        .output()
        .unwrap();
    assert!(inspect.status.success(), "{}", text(&inspect));
    // The metric is read from the overview the listing supplied.
    let spec = text(&inspect);
    assert!(
        spec.contains("accuracy") && spec.contains("named in the overview"),
        "{spec}"
    );
    // A second download into the same folder needs --force.
    let again = download(&k, &root, &dest);
    assert!(!again.status.success());
    assert!(text(&again).contains("pass --force"), "{}", text(&again));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_kaggle_api_token_is_read_from_the_environment_or_access_token_and_sent_as_bearer() {
    let root = tmp("kaggle-token");
    let (files, archive) = demo_archive(&root.join("src"));
    let k = fake_kaggle(archive, Faults::NONE);
    // From the environment.
    let dest = root.join("env").join(SLUG);
    let out = download_with(&k, &root, &[("KAGGLE_API_TOKEN", TOKEN)], &dest);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains(TOKEN));
    assert_eq!(std::fs::read(dest.join(&files[0].0)).unwrap(), files[0].1);
    // From ~/.kaggle/access_token (with a trailing newline, as editors save it).
    std::fs::create_dir_all(root.join(".kaggle")).unwrap();
    std::fs::write(root.join(".kaggle/access_token"), format!("{TOKEN}\n")).unwrap();
    let dest = root.join("file").join(SLUG);
    let out = download_with(&k, &root, &[], &dest);
    assert!(out.status.success(), "{}", text(&out));
    let api = k.seen("/api/");
    assert!(
        api.iter()
            .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))),
        "every API call carries the token"
    );
    assert!(
        k.seen("/storage/")
            .iter()
            .all(|r| r.header("authorization").is_none())
    );
    for d in [root.join("env"), root.join("file")] {
        for f in files_under(&d) {
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(TOKEN),
                "{}",
                f.display()
            );
        }
    }
    // A wrong token is refused with where it came from, and the token is not printed.
    let out = download_with(
        &k,
        &root,
        &[("KAGGLE_API_TOKEN", "KGAT_wrong")],
        &root.join("wrong"),
    );
    let said = text(&out);
    assert!(!out.status.success());
    assert!(
        said.contains("from environment (KAGGLE_API_TOKEN) (401)"),
        "{said}"
    );
    assert!(!said.contains("KGAT_wrong"), "{said}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn an_interrupted_download_resumes_on_the_next_run() {
    let root = tmp("kaggle-resume");
    let (files, archive) = demo_archive(&root.join("src"));
    // Every answer is cut after 2000 bytes: the first command gives up after its 4 tries.
    let k = fake_kaggle(
        archive,
        Faults {
            cut_at: 2000,
            cut_answers: usize::MAX,
        },
    );
    let dest = root.join("competitions").join(SLUG);
    let out = download(&k, &root, &dest);
    let said = text(&out);
    assert!(!out.status.success());
    assert!(
        said.contains("gave up after 4 tries") && said.contains(".part"),
        "{said}"
    );
    let part = root.join("competitions").join(format!(".{SLUG}.zip.part"));
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 8000);
    assert!(!dest.exists(), "nothing half-done at the destination");
    // The connection is fine again: the next command picks up at byte 8000.
    k.faults.lock().unwrap().cut_answers = 0;
    let out = download(&k, &root, &dest);
    assert!(out.status.success(), "{}", text(&out));
    let storage = k.seen("/storage/");
    assert_eq!(storage.len(), 5);
    assert_eq!(storage[4].header("range"), Some("bytes=8000-"));
    for (name, bytes) in &files {
        assert_eq!(&std::fs::read(dest.join(name)).unwrap(), bytes, "{name}");
    }
    assert!(!part.exists());
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_damaged_or_escaping_archive_is_refused_and_nothing_is_unpacked() {
    let root = tmp("kaggle-bad");
    let (files, mut archive) = demo_archive(&root.join("src"));
    // Flip a byte inside train.csv's stored data: the CRC-32 no longer matches.
    let train = &files[0].1;
    let at = archive.windows(64).position(|w| w == &train[..64]).unwrap() + 100;
    archive[at] ^= 0x20;
    let k = fake_kaggle(archive, Faults::NONE);
    let dest = root.join("competitions").join(SLUG);
    let out = download(&k, &root, &dest);
    let said = text(&out);
    assert!(!out.status.success());
    assert!(
        said.contains("checksum") && said.contains("run the command again"),
        "{said}"
    );
    assert!(!dest.exists());
    let left = std::fs::read_dir(root.join("competitions"))
        .unwrap()
        .count();
    assert_eq!(left, 0, "the damaged part and staging folder are removed");

    // An entry named ../../evil.txt would be written outside the folder: refused.
    let mut escaping = files.clone();
    escaping.push(("../../evil.txt".into(), b"pwned".to_vec()));
    let k = fake_kaggle(zip_of(&escaping), Faults::NONE);
    let out = download(&k, &root, &dest);
    let said = text(&out);
    assert!(!out.status.success());
    assert!(said.contains("outside"), "{said}");
    assert!(!root.join("evil.txt").exists() && !root.parent().unwrap().join("evil.txt").exists());
    assert!(!dest.exists());
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn credential_and_slug_errors_say_what_to_do_without_the_key() {
    let root = tmp("kaggle-auth");
    let (_, archive) = demo_archive(&root.join("src"));
    let k = fake_kaggle(archive, Faults::NONE);
    let dest = root.join("competitions").join(SLUG);
    let run = |env: &[(&str, &str)], slug: &str| {
        let out = kaggle_cmd(&root, env)
            .args(["download", slug, "--api-url", &k.api(), "--out"])
            .arg(&dest)
            .output()
            .unwrap();
        assert!(!out.status.success());
        text(&out)
    };
    let none = run(&[], SLUG);
    assert!(
        none.contains("no Kaggle credentials") && none.contains("kaggle.json"),
        "{none}"
    );
    let wrong = run(
        &[("KAGGLE_USERNAME", USER), ("KAGGLE_KEY", "WRONG-KEY-77")],
        SLUG,
    );
    assert!(
        wrong.contains("401") && wrong.contains("Settings > API"),
        "{wrong}"
    );
    assert!(!wrong.contains("WRONG-KEY-77"));
    let unknown = run(
        &[("KAGGLE_USERNAME", USER), ("KAGGLE_KEY", KEY)],
        "no-such-comp",
    );
    assert!(
        unknown.contains("404") && unknown.contains("no-such-comp"),
        "{unknown}"
    );
    let bad = run(&[("KAGGLE_USERNAME", USER), ("KAGGLE_KEY", KEY)], "../etc");
    assert!(bad.contains("not a competition slug"), "{bad}");
    // A kaggle.json that is not JSON: named, and its content (the key) not echoed.
    let conf = root.join("conf");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(
        conf.join("kaggle.json"),
        format!("username={USER} key={KEY}"),
    )
    .unwrap();
    let broken = run(&[("KAGGLE_CONFIG_DIR", conf.to_str().unwrap())], SLUG);
    assert!(broken.contains("kaggle.json: not valid JSON"), "{broken}");
    assert!(!broken.contains(KEY));
    assert!(!dest.exists());
    std::fs::remove_dir_all(&root).unwrap();
}
