//! The `coroner` binary as a user runs it: `inspect` prints the model with
//! the contract's field names, `check` reports and sets its exit code, bad
//! config is a one-line error with exit 2, and discovery skips what it should.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn coroner(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coroner")).args(args).current_dir(dir).output().expect("coroner runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn inspect_prints_the_model_with_the_contract_field_names() {
    let out = coroner(&["inspect", "tests/fixtures/front-matter-yaml.md"], repo());
    assert!(out.status.success());
    let json: Value = serde_json::from_str(&stdout(&out)).expect("inspect prints JSON");
    let p = &json.as_array().expect("an array")[0];
    for field in [
        "source",
        "id",
        "kind",
        "title",
        "display_title",
        "date",
        "start",
        "end",
        "timezone",
        "tz_assumed",
        "duration_minutes",
        "impact",
        "severity",
        "services",
        "tags",
        "tags_source",
        "root_cause",
        "sections",
        "timeline",
        "action_items",
        "diagnostics",
        "provenance",
    ] {
        assert!(p.get(field).is_some(), "missing field {field}");
    }
    assert_eq!(p["id"], "pm-2024-017");
    assert_eq!(p["date"], "2024-08-20");
    assert_eq!(p["start"], "2024-08-20T06:12:00+02:00");
    // The front matter's tag, and the sample site's `queue` tag that the
    // title gives evidence for ("queue consumers stalled").
    assert_eq!(p["tags"], serde_json::json!(["software-bug", "queue"]));
    assert_eq!(p["tags_source"], "front_matter_and_inferred");
    assert!(p["impact"].get("text").is_some() && p["impact"].get("users_pct").is_some());
    assert_eq!(p["provenance"]["start"]["source"], "front_matter");
    assert!(p["provenance"]["start"]["line"].as_u64().unwrap() > 0);
    let section = &p["sections"][0];
    assert!(section.get("kind").is_some() && section.get("heading").is_some() && section.get("line").is_some());
    let entry = &p["timeline"][0];
    for field in ["time", "time_text", "text", "line"] {
        assert!(entry.get(field).is_some(), "timeline entry lacks {field}");
    }
    let item = &p["action_items"][0];
    for field in ["text", "done", "owner"] {
        assert!(item.get(field).is_some(), "action item lacks {field}");
    }
}

#[test]
fn unknown_values_are_null_not_guesses() {
    let out = coroner(&["inspect", "tests/fixtures/template.md"], repo());
    let p: Value = serde_json::from_str::<Value>(&stdout(&out)).unwrap()[0].clone();
    assert_eq!(p["kind"], "template");
    for field in ["start", "end", "duration_minutes", "severity", "root_cause"] {
        assert!(p[field].is_null(), "{field} should be null, is {}", p[field]);
    }
    assert!(p["impact"]["users_pct"].is_null());
}

#[test]
fn inspect_reads_folders_and_prints_text() {
    let out = coroner(&["inspect", "--format", "text", "content"], repo());
    assert!(out.status.success());
    let text = stdout(&out);
    assert_eq!(text.matches("  title ").count(), 13, "{text}");
    assert!(text.contains("2024/2024-03-12-checkout-dns-outage.md"));
}

#[test]
fn inspect_of_a_missing_path_fails_with_one_line() {
    let out = coroner(&["inspect", "no/such/file.md"], repo());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("no/such/file.md"));
}

#[test]
fn check_on_the_sample_archive_reports_warnings_and_exits_zero() {
    let out = coroner(&["check"], repo());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("checked 13 files: 0 errors"), "{text}");
    assert!(text.contains("warning[impossible-time]"));
    assert!(text.contains("2023-11-24-checkout-black-friday-saturation.md:19"), "file:line in the report: {text}");
    assert!(text.contains("help:"));
    // --strict turns warnings into a failure, for CI.
    assert_eq!(coroner(&["check", "--strict"], repo()).status.code(), Some(1));
}

#[test]
fn check_json_lists_findings_with_file_line_and_code() {
    let out = coroner(&["check", "--format", "json", "--content", "tests/fixtures"], repo());
    let findings: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let find = |file: &str, code: &str| {
        findings.as_array().unwrap().iter().find(|f| f["file"] == file && f["code"] == code).cloned()
    };
    let invalid = find("front-matter-invalid.md", "front-matter-invalid").expect("invalid front matter reported");
    assert_eq!(invalid["line"], 3);
    assert_eq!(invalid["severity"], "error");
    assert!(find("conflict-markers.md", "conflict-marker").is_some());
    assert!(find("template.md", "template").is_some());
    // Errors make check fail.
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn check_reports_archive_level_problems() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("a")).unwrap();
    let body = "---\nid: same\ntitle: One\ndate: 2024-01-02\ntags: [databse, dns]\n---\n## Summary\nIt broke.\n";
    std::fs::write(content.join("a/one.md"), body).unwrap();
    std::fs::write(content.join("two.md"), body.replace("One", "Two")).unwrap();
    let out = coroner(&["check", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let findings: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let codes: Vec<(&str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&("a/one.md", "duplicate-id")), "{codes:?}");
    assert!(codes.contains(&("two.md", "duplicate-id")));
    let unknown = findings.as_array().unwrap().iter().find(|f| f["code"] == "unknown-tag").expect("unknown tag");
    assert!(unknown["help"].as_str().unwrap().contains("database"), "nearest tag suggested: {unknown}");
    assert!(codes.contains(&("two.md", "missing-section")));
}

#[test]
fn unusable_config_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.toml"), "default_timezone = \"Mars/Base\"\n").unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    let out = coroner(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("default_timezone"), "{err}");

    let missing = coroner(&["check", "--content", "nowhere"], repo());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--content"));
}

#[test]
fn discovery_skips_hidden_underscore_and_other_files_and_survives_bad_links() {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path();
    let doc = "# Disk full on db-1\n\n## Summary\nOn 2024-03-01 at 10:00 UTC the disk filled.\n";
    for name in ["b.md", "a.txt", "c.markdown", "_draft.md", ".hidden.md", "notes.html"] {
        std::fs::write(c.join(name), doc).unwrap();
    }
    std::fs::create_dir(c.join("_private")).unwrap();
    std::fs::write(c.join("_private/x.md"), doc).unwrap();
    std::fs::create_dir(c.join("sub")).unwrap();
    std::fs::write(c.join("sub/d.md"), doc).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(c, c.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(c.join("gone.md"), c.join("dangling.md")).unwrap();
    }
    let out = coroner(&["inspect", "."], c);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let sources: Vec<&str> = json.as_array().unwrap().iter().map(|p| p["source"].as_str().unwrap()).collect();
    assert_eq!(sources, vec!["./a.txt", "./b.md", "./c.markdown", "./sub/d.md"]);
    #[cfg(unix)]
    {
        let check = coroner(&["check", "--format", "json", "--content", "."], c);
        let findings: Value = serde_json::from_str(&stdout(&check)).unwrap();
        let codes: Vec<&str> = findings.as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"symlink-loop"), "{codes:?}");
        assert!(codes.contains(&"unreadable"), "{codes:?}");
    }
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let run = |threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_coroner"))
            .args(["inspect", "content", "tests/fixtures"])
            .env("RAYON_NUM_THREADS", threads)
            .current_dir(repo())
            .output()
            .unwrap();
        out.stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert!(one == run("2"), "inspect output differs between 1 and 2 threads");
}
