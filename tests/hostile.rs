//! Archives and runs a careful user would not make, but a real one meets:
//! links out of the content folder, two builds at once into one output,
//! a build killed halfway. What is published stays what belongs, whole.

mod common;
use common::tree;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn coroner(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coroner")).args(args).current_dir(dir).output().expect("coroner runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(path: impl AsRef<Path>, text: &str) {
    let path = path.as_ref();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[cfg(unix)]
#[test]
fn links_out_of_the_content_folder_are_not_published_and_are_reported() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(outside.path().join("secret.md"), "# Secret incident\n\nTOPSECRET credentials leaked.\n");
    write(outside.path().join("folder/other.md"), "# Other secret\n\nTOPSECRET again.\n");
    write(outside.path().join("leak.png"), "TOPSECRET png");
    write(outside.path().join("404.html"), "TOPSECRET template");

    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    write(
        content.join("2024/db.md"),
        "# Disk full on db-1\n\nRoot cause: the WAL volume filled.\n\n![graph](leak.png)\n",
    );
    write(content.join("_shared/inside.md"), "# Cache stampede\n\nShared from inside the archive.\n");
    write(content.join("_shared/folder/deep.md"), "# Queue backlog\n\nA linked folder inside.\n");
    symlink(outside.path().join("folder"), content.join("2024/etclink")).unwrap();
    symlink(outside.path().join("secret.md"), content.join("2024/leak.md")).unwrap();
    symlink(outside.path().join("leak.png"), content.join("2024/leak.png")).unwrap();
    // A broken link is judged by where it would lead.
    symlink("../../../nowhere.md", content.join("2024/dangling.md")).unwrap();
    symlink("../_shared/inside.md", content.join("2024/inside.md")).unwrap();
    symlink("../_shared/folder", content.join("2024/inside-folder")).unwrap();
    // The theme's overrides: a template linked from outside is not used.
    fs::create_dir_all(site.path().join("templates")).unwrap();
    symlink(outside.path().join("404.html"), site.path().join("templates/404.html")).unwrap();

    let out = site.path().join("public");
    let built = coroner(&["build", "--output", out.to_str().unwrap()], site.path());
    assert!(built.status.success(), "{}", stderr(&built));
    let report = stderr(&built);
    let target = outside.path().canonicalize().unwrap().display().to_string();
    for link in ["2024/etclink", "2024/leak.md", "2024/leak.png", "templates/404.html", "2024/dangling.md"] {
        let line = report
            .lines()
            .find(|l| l.contains(link) && l.contains("leads outside"))
            .unwrap_or_else(|| panic!("{link} reported: {report}"));
        assert!(link == "2024/dangling.md" || line.contains(&target), "target named: {line}");
    }
    assert!(report.contains("symlink-outside"), "{report}");

    // The links inside are followed; nothing from outside is published.
    assert!(out.join("incidents/db/index.html").is_file());
    assert!(out.join("incidents/inside/index.html").is_file(), "a link to a file inside is published");
    assert!(out.join("incidents/deep/index.html").is_file(), "a link to a folder inside is followed");
    assert!(!out.join("incidents/leak").exists() && !out.join("incidents/other").exists());
    for (path, bytes) in tree(&out) {
        assert!(!String::from_utf8_lossy(&bytes).contains("TOPSECRET"), "{path} holds a file from outside");
    }
    let page = fs::read_to_string(out.join("404.html")).unwrap();
    assert!(page.contains("<nav class=\"site-nav\""), "the default 404 page: {page}");

    // --strict fails on it; check and inspect report it too.
    let strict = coroner(&["build", "--quiet", "--strict", "--output", out.to_str().unwrap()], site.path());
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    let check = coroner(&["check", "--format", "json"], site.path());
    let findings: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let outside_links: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "symlink-outside")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(outside_links.len(), 5, "{outside_links:?}");
    assert_eq!(check.status.code(), Some(0), "a warning fails only --strict: {findings}");
    let inspect = coroner(&["inspect", "content", "--format", "json"], site.path());
    assert!(inspect.status.success(), "{}", stderr(&inspect));
    assert!(!String::from_utf8_lossy(&inspect.stdout).contains("TOPSECRET"));
    assert!(stderr(&inspect).contains("leads outside"), "{}", stderr(&inspect));
}

/// A site of `count` postmortems, `version` in every one of them.
fn generated_site(count: usize, version: &str) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    generate(site.path(), count, version);
    site
}

fn generate(site: &Path, count: usize, version: &str) {
    for i in 0..count {
        let service = ["checkout", "payments", "search", "auth"][i % 4];
        write(
            site.join(format!("content/{}/incident-{i:04}.md", 2020 + i % 5)),
            &format!(
                "---\ntitle: Incident {i} on {service} ({version})\ndate: {}-0{}-1{}\nservices: [{service}]\n---\n\n\
                 ## Summary\n\n{service} was down for {i} minutes ({version}).\n\n\
                 ## Root cause\n\nA config change to the {service} load balancer.\n",
                2020 + i % 5,
                1 + i % 9,
                i % 10,
            ),
        );
    }
}

/// The published files' names, and each one's bytes.
fn listing(out: &Path) -> Vec<(String, Vec<u8>)> {
    tree(out)
}

/// What a build leaves beside its output (temporary folders, locks).
fn leftovers(site: &Path) -> Vec<String> {
    fs::read_dir(site)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("coroner-"))
        .collect()
}

fn spawn_build(site: &Path, out: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_coroner"))
        .args(["build", "--quiet", "--output", out])
        .current_dir(site)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("coroner starts")
}

#[test]
fn two_builds_at_once_into_one_output_publish_one_whole_site() {
    const COUNT: usize = 300;
    let site = generated_site(COUNT, "v1");
    let alone = coroner(&["build", "--quiet", "--output", "alone"], site.path());
    assert!(alone.status.success(), "{}", stderr(&alone));
    let single = listing(&site.path().join("alone"));

    let (first, second) = (spawn_build(site.path(), "public"), spawn_build(site.path(), "public"));
    for child in [first, second] {
        let done = child.wait_with_output().unwrap();
        assert!(done.status.success(), "both builds succeed: {}", stderr(&done));
    }
    let out = site.path().join("public");
    for i in 0..COUNT {
        assert!(out.join(format!("incidents/incident-{i:04}/index.html")).is_file(), "incident {i} published");
    }
    let published = listing(&out);
    assert_eq!(published.len(), single.len(), "as many files as one build makes");
    assert!(published == single, "the very files of one build");
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}

#[test]
fn a_killed_build_leaves_the_previous_site_or_the_new_one() {
    const COUNT: usize = 200;
    let site = generated_site(COUNT, "v1");
    let first = coroner(&["build", "--quiet"], site.path());
    assert!(first.status.success(), "{}", stderr(&first));
    let out = site.path().join("public");
    let old = listing(&out);

    // The changed archive, as a build that is not killed publishes it.
    generate(site.path(), COUNT + 20, "v2");
    let reference = coroner(&["build", "--quiet", "--output", "reference"], site.path());
    assert!(reference.status.success(), "{}", stderr(&reference));
    let new = listing(&site.path().join("reference"));
    assert!(new != old);

    for delay in [0, 50, 300, 1000, 2000] {
        let mut child = spawn_build(site.path(), "public");
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        let now = listing(&out);
        assert!(now == old || now == new, "killed after {delay} ms: the output is one whole build");
    }
    let again = coroner(&["build", "--quiet"], site.path());
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(listing(&out) == new);
    assert_eq!(leftovers(site.path()), Vec::<String>::new(), "the next build cleans up");
}

#[test]
fn a_date_no_reader_would_believe_is_a_warning_not_a_published_fact() {
    let site = tempfile::tempdir().unwrap();
    write(
        site.path().join("content/zero.md"),
        "---\ntitle: Cache stampede\nstart: 0000-01-01T00:00:00Z\n---\n\nThe cache emptied at once.\n",
    );
    write(
        site.path().join("content/far.md"),
        "---\ntitle: Disk full\ndate: 2999-05-01\n---\n\nThe WAL volume filled.\n",
    );
    write(site.path().join("content/fine.md"), "---\ntitle: DNS outage\ndate: 2024-03-12\n---\n\nResolvers failed.\n");
    let built = coroner(&["build", "--quiet"], site.path());
    assert!(built.status.success(), "{}", stderr(&built));
    let years: Vec<String> = fs::read_dir(site.path().join("public/years"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(years, ["2024"], "no year page for 0 or 2999");
    let page = fs::read_to_string(site.path().join("public/incidents/zero/index.html")).unwrap();
    assert!(page.contains("The cache emptied at once."), "the page is still published");

    let check = coroner(&["check", "--format", "json"], site.path());
    let findings: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let flagged: Vec<(String, u64)> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "implausible-date")
        .map(|f| (f["file"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(flagged, [("far.md".to_string(), 3), ("zero.md".to_string(), 3)]);
    let model: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(site.path().join("public/archive.json")).unwrap()).unwrap();
    for p in model.as_array().unwrap().iter().filter(|p| p["source"] != "fine.md") {
        assert!(p["date"].is_null() && p["start"].is_null(), "{p}");
    }
}
