//! Archives and runs a careful user would not make, but a real one meets:
//! links out of the content folder, two builds at once into one output,
//! a build killed halfway, and files made to hurt (thousands of tags, a
//! 20 MB line, broken encodings, YAML bombs, odd names). What is published
//! stays what belongs, whole.

mod common;
#[path = "common/server.rs"]
mod server;
use common::tree;
use server::Server;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

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

/// The archive of 200 incidents built, then changed: the site as built
/// before the change (not yet rebuilt), and that site once rebuilt.
fn changed_site() -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    const COUNT: usize = 200;
    let site = generated_site(COUNT, "v1");
    let first = coroner(&["build", "--quiet"], site.path());
    assert!(first.status.success(), "{}", stderr(&first));
    generate(site.path(), COUNT + 20, "v2");
    let old = listing(&site.path().join("public"));
    (site, old)
}

/// Killed at any moment, a build leaves the site it started from, the
/// new one, or a commit that was publishing (its journal in the staging
/// folder) and that the next build finishes: never a mix left as it is.
#[test]
fn a_killed_build_leaves_the_previous_site_the_new_one_or_a_commit_the_next_build_finishes() {
    // The changed archive, as a build that is not killed publishes it.
    let (reference, _) = changed_site();
    let built = coroner(&["build", "--quiet"], reference.path());
    assert!(built.status.success(), "{}", stderr(&built));
    let new = listing(&reference.path().join("public"));

    for delay in [0, 50, 300, 1000, 2000] {
        let (site, old) = changed_site();
        assert!(new != old);
        let out = site.path().join("public");
        let mut child = spawn_build(site.path(), "public");
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        let publishing = site.path().join(".public.coroner-building/journal").is_file();
        let now = listing(&out);
        assert!(
            now == old || now == new || publishing,
            "killed after {delay} ms: one whole build, or one being published"
        );
        let again = coroner(&["build", "--quiet"], site.path());
        assert!(again.status.success(), "{}", stderr(&again));
        assert!(listing(&out) == new, "killed after {delay} ms: the next build publishes the new site");
        assert_eq!(leftovers(site.path()), Vec::<String>::new(), "the next build cleans up");
    }
}

/// A disk that fills up halfway (a file-size limit stands in for it:
/// tests run as root, whom permissions do not stop) and an output under a
/// file: one line, exit 2, and the site published before is untouched.
#[cfg(unix)]
#[test]
fn a_full_disk_or_an_output_under_a_file_is_one_line_and_leaves_the_site() {
    let site = generated_site(60, "v1");
    let first = coroner(&["build", "--quiet"], site.path());
    assert!(first.status.success(), "{}", stderr(&first));
    let out = site.path().join("public");
    let before = listing(&out);

    generate(site.path(), 80, "v2");
    // Ignored signals stay ignored across exec: a write past the limit
    // fails with EFBIG instead of killing the build.
    let full = Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_coroner"),
            "build",
            "--quiet",
        ])
        .current_dir(site.path())
        .output()
        .unwrap();
    let report = stderr(&full);
    assert_eq!(full.status.code(), Some(2), "{report}");
    assert_eq!(report.lines().count(), 1, "one line: {report}");
    assert!(report.contains("File too large") && report.contains("free some space"), "{report}");
    assert!(listing(&out) == before, "the previous site is unchanged");
    assert_eq!(leftovers(site.path()), Vec::<String>::new());

    fs::write(site.path().join("taken"), "a file").unwrap();
    let under = coroner(&["build", "--quiet", "--output", "taken/public"], site.path());
    let report = stderr(&under);
    assert_eq!(under.status.code(), Some(2), "{report}");
    assert_eq!(report.lines().count(), 1, "one line: {report}");
    assert!(report.contains("taken is a file, not a folder"), "{report}");
    assert!(listing(&out) == before);
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

/// A hostile file: where it goes under `content/`, its bytes, and a word
/// of its text that must reach its page.
struct Hostile {
    source: String,
    bytes: Vec<u8>,
    marker: &'static str,
}

fn hostile(source: &str, bytes: impl Into<Vec<u8>>, marker: &'static str) -> Hostile {
    Hostile { source: source.to_string(), bytes: bytes.into(), marker }
}

/// Build, check, inspect and serve an archive of `files` (and of `extra`,
/// files that only make it bigger), each without a panic (and with no
/// clock: how long they take is the benchmarks' to say, never a test's); every hostile file's page holds its marker. Returns the site,
/// built into `public/`.
fn survives(files: &[Hostile], extra: &[Hostile]) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    for file in files.iter().chain(extra) {
        let path = site.path().join("content").join(&file.source);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, &file.bytes).unwrap();
    }
    let names: Vec<&str> = files.iter().map(|f| f.source.as_str()).collect();
    let no_panic = |what: &str, output: &Output| {
        assert!(!stderr(output).contains("panicked"), "{what} panicked on {names:?}: {}", stderr(output));
    };

    let built = coroner(&["build", "--quiet"], site.path());
    no_panic("build", &built);
    assert!(built.status.success(), "build of {names:?}: {}", stderr(&built));
    let model: serde_json::Value =
        serde_json::from_slice(&fs::read(site.path().join("public/archive.json")).unwrap()).unwrap();
    let id_of = |source: &str| -> String {
        let entry = model.as_array().unwrap().iter().find(|p| p["source"] == source);
        entry.unwrap_or_else(|| panic!("{source} is published")).get("id").unwrap().as_str().unwrap().to_string()
    };
    for file in files {
        let page = fs::read_to_string(site.path().join(format!("public/incidents/{}/index.html", id_of(&file.source))))
            .unwrap();
        assert!(page.contains(file.marker), "{}: {} is on its page", file.source, file.marker);
    }

    let checked = coroner(&["check", "--format", "json"], site.path());
    no_panic("check", &checked);
    assert!(matches!(checked.status.code(), Some(0 | 1)), "check of {names:?}: {}", stderr(&checked));
    let findings: serde_json::Value = serde_json::from_slice(&checked.stdout).expect("check prints JSON");
    assert!(findings.is_array());

    let inspected = coroner(&["inspect", "content", "--format", "json"], site.path());
    no_panic("inspect", &inspected);
    assert!(inspected.status.success(), "inspect of {names:?}: {}", stderr(&inspected));
    let models: serde_json::Value = serde_json::from_slice(&inspected.stdout).expect("inspect prints JSON");
    for file in files {
        let listed = models.as_array().unwrap().iter().any(|p| p["source"] == format!("content/{}", file.source));
        assert!(listed, "{}: inspect shows what it understood of it", file.source);
    }

    let ids: Vec<String> = files.iter().map(|f| id_of(&f.source)).collect();
    let copy = tempfile::tempdir().unwrap();
    fs::rename(site.path().join("content"), copy.path().join("content")).unwrap();
    // No limit on its first build (`Duration::MAX` waits for good).
    let server = Server::start_in(copy, Duration::MAX);
    for (file, id) in files.iter().zip(&ids) {
        let (status, page) = server.get(&format!("incidents/{id}/"));
        assert_eq!(status, 200, "{} served", file.source);
        assert!(page.contains(file.marker), "{}: {} is on the served page", file.source, file.marker);
    }
    fs::rename(server.root.path().join("content"), site.path().join("content")).unwrap();
    site
}

/// `count` front-matter list items `prefix00000`, `prefix00001`…
fn numbered(prefix: &str, count: usize) -> String {
    (0..count).map(|i| format!("{prefix}{i:05}")).collect::<Vec<_>>().join(", ")
}

#[test]
fn thousands_of_tags_and_services_cost_what_they_weigh() {
    let tags = hostile(
        "many-tags.md",
        format!(
            "---\ntitle: Tag flood\ndate: 2024-03-01\ntags: [{}]\n---\n\nThe Tagflood incident.\n",
            numbered("tag", 5000)
        ),
        "Tagflood",
    );
    let services = hostile(
        "many-services.md",
        format!(
            "---\ntitle: Service flood\ndate: 2024-03-02\nservices: [{}]\n---\n\nThe Serviceflood incident.\n",
            numbered("svc", 5000)
        ),
        "Serviceflood",
    );
    let spread: Vec<Hostile> = (0..5000)
        .map(|i| {
            hostile(
                &format!("spread/outage-{i:05}.md"),
                format!(
                    "---\ntitle: Outage {i}\ndate: 2023-05-01\nservices: [api{i:05}]\n---\n\nThe api{i:05} fell over.\n"
                ),
                "fell over",
            )
        })
        .collect();
    let site = survives(&[tags, services], &spread);
    let public = site.path().join("public");
    assert!(public.join("services/api04999/index.html").is_file(), "every service has its page");
    // Each of the 5,000 services' pages lists the incident: as one line,
    // not with all 5,000 services again.
    let page = fs::read_to_string(public.join("services/svc04999/index.html")).unwrap();
    assert!(page.contains("+4988 more"), "the row names 12 services and counts the rest");
    assert!(page.len() < 50_000, "a term page of one incident stays small: {} bytes", page.len());
    let incident = fs::read_to_string(public.join("incidents/many-services/index.html")).unwrap();
    assert!(incident.contains("svc04999"), "the incident's own page lists them all");
}

/// Front matter over 5 MB, a 20 MB line, a 400,000-entry timeline.
#[test]
fn huge_files_are_published_whole() {
    let mut front = String::from("---\ntitle: Front matter flood\n");
    while front.len() < 5_000_000 {
        front.push_str(&format!("key{}: a value that says nothing much at all\n", front.len()));
    }
    front.push_str("---\n\nThe Frontflood incident.\n");
    let line = format!("# Long line\n\nLonglinestart {} Longlineend\n", "word ".repeat(4_000_000));
    let mut timeline = String::from("# Huge timeline\n\nThe Timelineflood incident.\n\n## Timeline\n\n");
    for i in 0..400_000 {
        timeline.push_str(&format!("- {:02}:{:02} step {i} done\n", i / 60 % 24, i % 60));
    }
    timeline.push_str("\n## Resolution\n\nTimelineend at last.\n");
    for file in [
        hostile("front.md", front, "Frontflood"),
        hostile("line.md", line, "Longlineend"),
        hostile("timeline.md", timeline, "Timelineend"),
    ] {
        survives(&[file], &[]);
    }
}

/// Markdown storms, bombs, binary bytes, conflict markers, broken
/// encodings and odd names, side by side in one archive.
#[test]
fn storms_bombs_broken_bytes_and_odd_names() {
    let utf16 = |text: &str, big_endian: bool| -> Vec<u8> {
        let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in text.encode_utf16() {
            bytes.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        bytes
    };
    let with_unit = |text: &str, unit: u16| -> Vec<u8> {
        let mut bytes = utf16(text, false);
        let middle = 2 + text.find("\n\n").unwrap() * 2;
        bytes.splice(middle..middle, unit.to_le_bytes());
        bytes
    };
    let broken_utf8 = |garbage: &[u8], marker: &str| -> Vec<u8> {
        [b"# Broken bytes\n\n".as_slice(), garbage, format!(" {marker} ").as_bytes(), garbage, b"\n"].concat()
    };
    let mut noise = Vec::with_capacity(65_536);
    let mut state: u32 = 19;
    for _ in 0..65_536 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        noise.push((state >> 16) as u8);
    }
    let mut laughs = String::from("---\ntitle: Alias bomb\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prior = format!("*a{}", i - 1);
        laughs.push_str(&format!("a{i}: &a{i} [{}]\n", [prior.as_str(); 9].join(", ")));
    }
    laughs.push_str("---\n\nThe Aliasbomb incident.\n");
    let mut anchors = String::from("---\ntitle: Anchor bomb\nk0: &n0 [root]\n");
    for i in 1..100_000 {
        anchors.push_str(&format!("k{i}: &n{i} [*n{}]\n", i - 1));
    }
    anchors.push_str("---\n\nThe Anchorbomb incident.\n");
    let headings: String = (0..5000).map(|i| format!("## Heading {i}\n\nStep {i}.\n\n")).collect();

    let files = [
        hostile("lists.md", format!("# Deep lists\n\n{}Deeplist\n", "- ".repeat(5000)), "Deeplist"),
        hostile("quotes.md", format!("# Deep quotes\n\n{}Deepquote\n", "> ".repeat(5000)), "Deepquote"),
        hostile("brackets.md", format!("# Brackets\n\n{} Bracketstorm\n", "[".repeat(200_000)), "Bracketstorm"),
        hostile("emphasis.md", format!("# Emphasis\n\n{} Starstorm\n", "*".repeat(200_000)), "Starstorm"),
        hostile("mixed-storm.md", format!("# Mixed\n\n{} Mixedstorm\n", "*[_`<".repeat(40_000)), "Mixedstorm"),
        hostile(
            "binary.md",
            [b"# Binary\n\nBinarystart here.\n\n".as_slice(), &noise, b"\n\nBinaryend here.\n"].concat(),
            "Binaryend",
        ),
        hostile("nul.md", "# Nul bytes\n\nNul\0bytes \0between Nulmarker\0 words.\n\0", "Nulmarker"),
        hostile("alias-bomb.md", laughs, "Aliasbomb"),
        hostile("anchor-bomb.md", anchors, "Anchorbomb"),
        hostile("headings.md", format!("# Many headings\n\n{headings}Headingsend.\n"), "Headingsend"),
        hostile(
            "conflicts.md",
            "<<<<<<< HEAD\nConflictours\n=======\nConflicttheirs\n>>>>>>> branch\n<<<<<<< HEAD\n=======\n>>>>>>> other\n",
            "Conflictours",
        ),
        hostile("utf8-lone-continuation.md", broken_utf8(&[0x80, 0xBF], "Lonecontinuation"), "Lonecontinuation"),
        hostile("utf8-overlong.md", broken_utf8(&[0xC0, 0xAF, 0xE0, 0x80, 0xAF], "Overlong"), "Overlong"),
        hostile("utf8-truncated.md", broken_utf8(&[0xE2, 0x82], "Truncatedseq"), "Truncatedseq"),
        hostile("utf8-surrogate.md", broken_utf8(&[0xED, 0xA0, 0x80], "Encodedsurrogate"), "Encodedsurrogate"),
        hostile(
            "utf8-beyond.md",
            broken_utf8(&[0xF4, 0x90, 0x80, 0x80, 0xF5, 0xFF, 0xFE], "Beyondunicode"),
            "Beyondunicode",
        ),
        hostile(
            "utf8-bom-garbage.md",
            [&[0xEF, 0xBB, 0xBF][..], &noise[..512], b"\n\nBomgarbage after.\n"].concat(),
            "Bomgarbage",
        ),
        hostile("utf16-le.md", utf16("# Sixteen\n\nLittleendian text.\n", false), "Littleendian"),
        hostile("utf16-be.md", utf16("# Sixteen\n\nBigendian text.\n", true), "Bigendian"),
        hostile("utf16-odd.md", [utf16("# Odd\n\nOddbytes text.\n", false), vec![0x41]].concat(), "Oddbytes"),
        hostile("utf16-lone-high.md", with_unit("# Lone\n\nLonehigh text.\n", 0xD800), "Lonehigh"),
        hostile("utf16-lone-low.md", with_unit("# Lone\n\nLonelow text.\n", 0xDC00), "Lonelow"),
        hostile(
            "utf16-bom-garbage.md",
            [&[0xFF, 0xFE][..], &noise[..512], &utf16("\n\nSixteengarbage after.\n", false)[2..]].concat(),
            "Sixteengarbage",
        ),
        hostile("with space.md", "# Spaced\n\nSpacedname text.\n", "Spacedname"),
        hostile("hash#sign.md", "# Hash\n\nHashname text.\n", "Hashname"),
        hostile("question?.md", "# Question\n\nQuestionname text.\n", "Questionname"),
        hostile("percent%20.md", "# Percent\n\nPercentname text.\n", "Percentname"),
        hostile("ünïcødé-日本語.md", "# Unicode\n\nUnicodename text.\n", "Unicodename"),
    ];
    let site = survives(&files, &[]);
    // What could not be read is said, with the file.
    let checked = coroner(&["check", "--format", "json"], site.path());
    let findings: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    let said =
        |file: &str, code: &str| findings.as_array().unwrap().iter().any(|f| f["file"] == file && f["code"] == code);
    for bomb in ["alias-bomb.md", "anchor-bomb.md"] {
        assert!(said(bomb, "front-matter-invalid"), "{bomb} refused: {findings}");
    }
    for file in files.iter().map(|f| f.source.as_str()) {
        if file.starts_with("utf8-") && file != "utf8-bom-garbage.md" {
            assert!(said(file, "not-utf8"), "{file}: {findings}");
        }
        if file.starts_with("utf16-") {
            assert!(said(file, "utf16"), "{file}: {findings}");
        }
    }
    assert!(said("conflicts.md", "conflict-marker"), "{findings}");
}
