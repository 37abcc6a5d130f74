//! `coroner serve` as an author uses it: start it on a copy of the sample
//! archive, read pages and the API, edit, delete and break files and see
//! the served site follow, and stop it with Ctrl-C.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

/// How long a rebuild may take to reach the browser before a test fails.
const RELOAD_WAIT: Duration = Duration::from_secs(20);

#[path = "common/server.rs"]
mod server;
use server::Server;

impl Server {
    /// `coroner serve` over a temporary copy of the sample archive.
    fn start() -> Server {
        let root = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &root.path().join("content"));
        std::fs::copy(repo.join("site.toml"), root.path().join("site.toml")).unwrap();
        Server::start_in(root, RELOAD_WAIT)
    }

    fn content(&self, source: &str) -> PathBuf {
        self.root.path().join("content").join(source)
    }

    fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    /// The status line of a request sent exactly as written (no client
    /// normalising the path).
    fn raw(&self, request_line: &str) -> String {
        let addr = self.url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        write!(stream, "{request_line}\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response.lines().next().unwrap_or_default().to_string()
    }

    /// Listen for live-reload events; each `reload` arrives on the receiver.
    fn reloads(&self) -> mpsc::Receiver<()> {
        let response = ureq::get(format!("{}__coroner/events", self.url)).call().expect("the event stream");
        let (sender, receiver) = mpsc::channel();
        let mut lines = BufReader::new(response.into_body().into_reader()).lines();
        std::thread::spawn(move || {
            while let Some(Ok(line)) = lines.next() {
                if line == "event: reload" && sender.send(()).is_err() {
                    return;
                }
            }
        });
        receiver
    }
}

/// A copy of a folder, as `cp -r` makes it.
fn copy_dir(from: &Path, to: &Path) {
    let copied = Command::new("cp").arg("-r").arg(from).arg(to).status();
    assert!(copied.is_ok_and(|s| s.success()), "cp -r {} {}", from.display(), to.display());
}

/// Wait for the next reload, then let the page catch up.
fn wait(reloads: &mpsc::Receiver<()>, what: &str) {
    reloads.recv_timeout(RELOAD_WAIT).unwrap_or_else(|_| panic!("no reload after {what}"));
}

/// The warnings the overlay of `page` would show, from the injected data.
fn overlay(html: &str) -> Value {
    let start = html.find("window.coronerPreview=").expect("the preview script is injected") + 22;
    let end = start + html[start..].find(";</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

const DNS: &str = "2024/2024-03-12-checkout-dns-outage.md";
const DNS_ID: &str = "2024-03-12-checkout-dns-outage";
const DNS_PAGE: &str = "incidents/2024-03-12-checkout-dns-outage/";

#[test]
fn pages_and_api_are_served_as_build_would_write_them() {
    let server = Server::start();
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("/__coroner/live.js"), "pages get the live-reload script");
    let (status, page) = server.get(DNS_PAGE);
    assert_eq!(status, 200);
    assert!(page.contains("retired CDN distribution"), "the incident page shows its title");
    assert_eq!(server.get("incidents/2024-03-12-checkout-dns-outage").0, 200, "a folder without its slash redirects");
    let (status, css) = server.get("style.css");
    assert_eq!(status, 200);
    assert!(!css.contains("live.js"), "only HTML pages are injected");

    // The summaries of the whole archive are rendered when asked for.
    let (status, stats) = server.get("stats/");
    assert_eq!(status, 200);
    assert!(stats.contains("/__coroner/live.js"));
    let archive = server.json("archive.json");
    assert!(archive.as_array().unwrap().iter().any(|p| p["id"] == DNS_ID));

    let hits = server.json("api/search?q=tag:dns&limit=50");
    let ids: Vec<&str> = hits.as_array().unwrap().iter().filter_map(|h| h["id"].as_str()).collect();
    assert!(ids.contains(&DNS_ID), "{ids:?}");
    let with_facets = server.json("api/search?q=tag:dns&facets=1");
    assert!(with_facets["facets"]["tags"].as_array().is_some_and(|t| !t.is_empty()));
    let incident = server.json(&format!("api/incidents/{DNS_ID}"));
    assert_eq!(incident["id"], DNS_ID);
    assert!(incident["tags"].as_array().unwrap().iter().any(|t| t == "dns"));
    assert_eq!(server.get("api/incidents/no-such-incident").0, 404);
}

#[test]
fn nothing_outside_the_site_and_only_get_and_head() {
    let server = Server::start();
    for path in
        ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/incidents/%2E%2E/%2E%2E/site.toml", "/..%2f..%2fsite.toml"]
    {
        let status = server.raw(&format!("GET {path} HTTP/1.1"));
        assert!(status.contains(" 404 ") || status.contains(" 400 "), "{path}: {status}");
    }
    assert!(server.raw("HEAD / HTTP/1.1").contains(" 200 "));
    assert!(server.raw("POST / HTTP/1.1").contains(" 405 "));
    assert!(server.raw("DELETE /index.html HTTP/1.1").contains(" 405 "));
}

#[test]
fn edits_deletions_and_mistakes_show_up_after_a_reload() {
    let server = Server::start();
    let reloads = server.reloads();

    // Edit: the page and the home list show the new title.
    let text = std::fs::read_to_string(server.content(DNS)).unwrap();
    let edited = text.replacen(
        "title: \"Checkout unreachable after a DNS record pointed at a retired CDN distribution\"",
        "title: \"Checkout unreachable: the renamed DNS outage\"",
        1,
    );
    assert_ne!(text, edited, "the fixture's title line is where the test expects it");
    std::fs::write(server.content(DNS), &edited).unwrap();
    wait(&reloads, "an edit");
    let reloaded_page = server.reloads();
    assert!(
        reloaded_page.recv_timeout(Duration::from_millis(500)).is_err(),
        "a page loaded after the rebuild is not told to reload again"
    );
    assert!(server.get(DNS_PAGE).1.contains("the renamed DNS outage"));
    assert!(server.get("/").1.contains("the renamed DNS outage"));
    assert!(server.json(&format!("api/incidents/{DNS_ID}"))["title"].as_str().unwrap().contains("renamed"));

    // Broken front matter: the page is still served, and its overlay says why.
    std::fs::write(server.content(DNS), edited.replacen("date: 2024-03-12", "date: [2024-03-12", 1)).unwrap();
    wait(&reloads, "breaking the front matter");
    let (status, page) = server.get(DNS_PAGE);
    assert_eq!(status, 200, "a file with broken front matter is still published");
    let notices = overlay(&page)["notices"].clone();
    assert!(
        notices.as_array().unwrap().iter().any(|n| n["code"] == "front-matter-invalid" && n["line"].as_u64() > Some(0)),
        "{notices}"
    );
    std::fs::write(server.content(DNS), &edited).unwrap();
    wait(&reloads, "fixing the front matter");
    let fixed = overlay(&server.get(DNS_PAGE).1);
    assert!(!fixed["notices"].as_array().unwrap().iter().any(|n| n["code"] == "front-matter-invalid"));

    // A broken template: the last good pages stay, with the error over them.
    let templates = server.root.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("incident.html"), "{% extends \"base.html\" %}{% block content %}{{ oops(").unwrap();
    wait(&reloads, "breaking a template");
    let (status, page) = server.get(DNS_PAGE);
    assert_eq!(status, 200);
    assert!(page.contains("the renamed DNS outage"), "the last good page is kept");
    let error = overlay(&page)["error"].as_str().unwrap_or_default().to_string();
    assert!(error.contains("incident.html"), "the overlay names the template: {error}");
    std::fs::remove_file(templates.join("incident.html")).unwrap();
    wait(&reloads, "fixing the template");
    assert!(overlay(&server.get(DNS_PAGE).1)["error"].is_null());

    // A broken site.toml: the last good site stays, with the error over it.
    let config = server.root.path().join("site.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{good}\n[[[ not toml\n")).unwrap();
    wait(&reloads, "breaking site.toml");
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    let error = overlay(&home)["error"].as_str().unwrap_or_default().to_string();
    assert!(error.contains("site.toml"), "the overlay names site.toml: {error}");
    std::fs::write(&config, &good).unwrap();
    wait(&reloads, "fixing site.toml");
    assert!(overlay(&server.get("/").1)["error"].is_null());

    // Delete: the page is gone and the lists no longer show it.
    std::fs::remove_file(server.content(DNS)).unwrap();
    wait(&reloads, "a deletion");
    assert_eq!(server.get(DNS_PAGE).0, 404);
    assert!(!server.get("/").1.contains("the renamed DNS outage"));
    assert!(!server.get("tags/dns/").1.contains("the renamed DNS outage"));

    // Create: a new file becomes a page.
    std::fs::write(
        server.content("2025/new-incident.md"),
        "---\ntitle: Brand new incident\ndate: 2025-06-01\ntags: [dns]\n---\n# Brand new incident\n\n## Root cause\n\nA typo.\n",
    )
    .unwrap();
    wait(&reloads, "a new file");
    assert!(server.get("incidents/new-incident/").1.contains("Brand new incident"));
    assert!(server.get("tags/dns/").1.contains("Brand new incident"));
}

/// Poll until `done` holds, for at most [`RELOAD_WAIT`].
fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + RELOAD_WAIT;
    while !done() {
        assert!(std::time::Instant::now() < deadline, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn renames_and_bursts_of_files_end_in_a_consistent_site() {
    let server = Server::start();
    // A rename moves the page (its id comes from the file name).
    std::fs::rename(server.content(DNS), server.content("2024/2024-03-12-dns-outage-renamed.md")).unwrap();
    eventually("the renamed file's page", || server.get("incidents/2024-03-12-dns-outage-renamed/").0 == 200);
    assert_eq!(server.get(DNS_PAGE).0, 404, "the old page is gone");

    // A `git checkout` of many files: every one of them ends up published.
    let burst = 60;
    for n in 0..burst {
        std::fs::write(
            server.content(&format!("2025/burst-{n:02}.md")),
            format!("---\ntitle: Burst incident {n:02}\ndate: 2025-07-{:02}\ntags: [capacity]\n---\n# Burst incident {n:02}\n", n % 28 + 1),
        )
        .unwrap();
    }
    eventually("all the new pages", || (0..burst).all(|n| server.get(&format!("incidents/burst-{n:02}/")).0 == 200));
    // The index follows the pages a moment later.
    let indexed = || {
        let hits = server.json("api/search?q=tag:capacity&limit=200");
        hits.as_array().unwrap().iter().filter(|h| h["id"].as_str().is_some_and(|id| id.starts_with("burst-"))).count()
    };
    eventually("the index holds every one of them", || indexed() == burst);
}

#[test]
fn a_busy_port_is_an_error_that_names_the_way_out() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_coroner"))
        .args(["serve", "--port", &port, "--root", env!("CARGO_MANIFEST_DIR")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("in use") && stderr.contains("--port"), "{stderr}");
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut server = Server::start();
    assert_eq!(server.get("/").0, 200);
    let interrupted = Command::new("kill").args(["-INT", &server.child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    // Up to 20 s: a loaded machine (the other tests' servers building at
    // once) may take seconds to schedule the shutdown.
    let mut status = None;
    for _ in 0..400 {
        status = server.child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(status.is_some_and(|s| s.success()), "exits with 0 after Ctrl-C: {status:?}");
}

#[test]
fn the_preview_waits_for_a_build_updating_the_same_search_index() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("content")).unwrap();
    std::fs::write(root.path().join("content/db.md"), "# Disk full on db-1\n\nThe WAL volume filled.\n").unwrap();
    // The lock a build holds while it updates the index.
    let held = coroner::lock::lock_beside(&root.path().join(".coroner/index"), || ()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_coroner"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(child.stderr.take().unwrap()).lines().map_while(Result::ok);
    // Its first build updates the index: it says it waits, not that it built.
    let first = said.find(|l| l.starts_with("built") || l.starts_with("waiting")).unwrap_or_default();
    assert!(first.starts_with("waiting for another coroner updating the search index"), "{first}");
    drop(held);
    let built = said.find(|l| l.starts_with("built")).unwrap_or_default();
    assert!(built.contains("1 incidents"), "it builds once the lock is free: {built}");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn searches_follow_edits_renames_and_removals() {
    let server = Server::start();
    let ids = |query: &str| -> Vec<String> {
        let hits = server.json(&format!("api/search?q={query}&limit=50"));
        hits.as_array().unwrap().iter().filter_map(|h| h["id"].as_str().map(str::to_string)).collect()
    };
    assert!(ids("tag:dns").contains(&DNS_ID.to_string()));

    // Edited: every incident stays where it was, and the new word is found.
    let text = std::fs::read_to_string(server.content(DNS)).unwrap();
    std::fs::write(server.content(DNS), format!("{text}\nThe resolver cache was flushed by a zeppelin.\n")).unwrap();
    eventually("the edit in the index", || ids("zeppelin") == [DNS_ID]);

    // Renamed: the old id leaves the index, the new one comes.
    let renamed = "2024/2024-03-12-zeppelin-dns.md";
    std::fs::rename(server.content(DNS), server.content(renamed)).unwrap();
    eventually("the rename in the index", || ids("zeppelin") == ["2024-03-12-zeppelin-dns"]);

    std::fs::remove_file(server.content(renamed)).unwrap();
    eventually("the removal in the index", || ids("zeppelin").is_empty());
}

/// The DNS outage, edited as an author might: a new title, a root cause
/// swapped for another, and the Timeline heading renamed, which breaks
/// the link another postmortem makes to `#timeline`.
fn edit_dns(text: &str) -> String {
    let edited = text
        .replacen("title: \"Checkout unreachable after a DNS record", "title: \"Checkout gone: a DNS record", 1)
        .replacen("tags: [dns, config-change]", "tags: [dns, certificate]", 1)
        .replacen("## Timeline", "## Sequence of events", 1);
    assert_ne!(text, edited, "the fixture's lines are where the test expects them");
    edited
}

#[test]
fn an_edit_updates_its_page_its_lists_and_the_pages_linking_to_it() {
    let server = Server::start();
    let reloads = server.reloads();
    let linking = "incidents/2024-05-28-checkout-dns-recurrence/";
    let (status, before) = server.get(linking);
    assert_eq!(status, 200);
    assert!(!before.contains("broken-link"), "the link to the timeline works before the edit");
    assert!(!server.get("tags/certificate/").1.contains("Checkout unreachable after a DNS record"));

    let text = std::fs::read_to_string(server.content(DNS)).unwrap();
    std::fs::write(server.content(DNS), edit_dns(&text)).unwrap();
    wait(&reloads, "an edit");
    assert!(server.get(DNS_PAGE).1.contains("Checkout gone: a DNS record"));
    assert!(server.get("/").1.contains("Checkout gone: a DNS record"));
    assert!(server.get("tags/certificate/").1.contains("Checkout gone: a DNS record"), "the new root cause lists it");
    // The Terraform change its root cause tells still gives config-change
    // by inference: that page lists it under its new title, never the old.
    let config_change = server.get("tags/config-change/").1;
    assert!(config_change.contains("Checkout gone") && !config_change.contains("after a DNS record"));
    assert!(server.get(linking).1.contains("broken-link"), "the page linking to the old heading shows it broken");
    assert!(server.get(DNS_PAGE).1.contains("2024-05-28-checkout-dns-recurrence"), "its backlinks stay");
}

#[test]
fn a_save_leaves_the_site_a_preview_started_afresh_would_make() {
    use coroner::serve::{Change, Preview, Snapshot};
    let root = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &root.path().join("content"));
    // Two incidents a list page: an edit shifts the rows of its lists from
    // page to page, and most pages of a list are kept as they were.
    let site = std::fs::read_to_string(repo.join("site.toml")).unwrap();
    std::fs::write(root.path().join("site.toml"), format!("paginate = 2\n{site}")).unwrap();
    let config = coroner::config::Config::load(root.path()).unwrap();
    let start = || {
        let mut preview = Preview::new(config.clone(), None, "http://127.0.0.1:1/".into(), false, None);
        let snapshot = preview.rebuild(&[], &Snapshot::empty(preview.config())).expect("a first build");
        (preview, snapshot)
    };
    let (mut preview, mut served) = start();
    let dns = preview.content_dir().join(DNS);
    let text = std::fs::read_to_string(&dns).unwrap();
    // Edits that keep every incident where it was (a link to another
    // postmortem, a title its list pages show, then a new title and tag its
    // backlinks show, a link to a heading, a service and a date that change
    // its recurrences and shift the rows of its lists), then one that moves
    // it in the archive's order.
    let linked = format!("{text}\nSee also [the CDN purge](../2023/2023-06-08-tracking-cdn-full-purge.md).\n");
    let to_heading = format!("{text}\nSee [its timeline](../2023/2023-06-08-tracking-cdn-full-purge.md#timeline).\n");
    let one_service = text.replacen("services: [checkout, cdn]", "services: [cdn]", 1);
    let two_days_later = text.replace("2024-03-12", "2024-03-14");
    let retitled =
        linked.replacen("title: \"Checkout unreachable after a DNS record", "title: \"Checkout down: a DNS record", 1);
    let edits = [
        linked.clone(),
        retitled,
        edit_dns(&linked),
        to_heading,
        one_service,
        two_days_later,
        text.clone(),
        text.replace("2024-03-12", "2023-01-02"),
    ];
    for edited in edits {
        assert_ne!(edited, std::fs::read_to_string(&dns).unwrap(), "every edit changes the file");
        std::fs::write(&dns, &edited).unwrap();
        served = preview.rebuild(&[Change::Content(vec![dns.clone()])], &served).expect("a rebuild");
        let (_, fresh) = start();
        let mut files: Vec<&str> = served.files.keys().map(|f| &**f).collect();
        files.sort();
        let mut expected: Vec<&str> = fresh.files.keys().map(|f| &**f).collect();
        expected.sort();
        assert_eq!(files, expected);
        for file in files {
            assert!(served.files[file] == fresh.files[file], "{file} differs from a fresh preview's");
        }
        // The summaries, rendered when asked for, show the recurrences too.
        for file in ["stats/index.html", "stats/recurrences/index.html", "actions/index.html", "archive.json"] {
            let summary = served.summary(file).expect("summaries render");
            assert!(summary.is_some(), "{file} is a summary");
            assert!(summary == fresh.summary(file).unwrap(), "{file} differs from a fresh preview's");
        }
    }
}

#[test]
fn searches_see_every_edit_with_a_preview_running_and_after_it_stopped() {
    let mut server = Server::start();
    let reloads = server.reloads();
    let search = |word: &str| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_coroner"))
            .args(["search", "--format", "json", "--root"])
            .arg(server.root.path())
            .arg(word)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = std::fs::read_to_string(server.content(DNS)).unwrap();
    assert!(search("timeout").contains("\"id\""), "the sample archive is found while the preview runs");

    // Edited while the preview runs: found at once, rebuilt or not yet.
    std::fs::write(server.content(DNS), format!("{text}\nA zeppelin landed on the resolver.\n")).unwrap();
    assert!(search("zeppelin").contains(DNS_ID));
    wait(&reloads, "the edit");
    eventually("the edit in the preview's index", || search("zeppelin").contains(DNS_ID));

    // Edited after the preview stopped (killed: its note stays behind).
    let _ = server.child.kill();
    let _ = server.child.wait();
    std::fs::write(server.content(DNS), format!("{text}\nA xylophone fell on the resolver.\n")).unwrap();
    assert!(search("xylophone").contains(DNS_ID));
    assert!(!search("zeppelin").contains(DNS_ID));
}
