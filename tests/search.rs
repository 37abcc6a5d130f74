//! `coroner search` as a user runs it: the seeds' bar from the search issue,
//! agreement with the archive's tag pages, lenient queries, and an index
//! that re-indexes only what changed. The tests that read `../shared/seeds`
//! are asked for explicitly (`-- --ignored`; `.ci/run` does).

mod common;
use common::tree;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn coroner(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_coroner")).args(args).current_dir(dir).output().expect("coroner runs")
}

fn seeds_dir() -> PathBuf {
    let dir = std::env::var_os("CORONER_SEEDS").map_or_else(|| PathBuf::from("../shared/seeds"), PathBuf::from);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    assert!(dir.is_dir(), "the seeds are not at {} (set CORONER_SEEDS)", dir.display());
    dir
}

/// The ids `search` returns, in order, run in a fresh folder.
fn ids(site: &Path, content: &Path, query: &str) -> Vec<String> {
    let out = coroner(&["search", query, "--content", content.to_str().unwrap(), "--format", "json"], site);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hits: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    hits.as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
}

fn seed_number(id: &str) -> &str {
    &id[..3]
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test search -- --ignored"]
fn seeds_tagged_database_are_exactly_the_database_seeds() {
    let site = tempfile::tempdir().unwrap();
    let mut found: Vec<String> =
        ids(site.path(), &seeds_dir(), "tag:database").iter().map(|i| seed_number(i).to_string()).collect();
    found.sort();
    assert_eq!(found, ["001", "002", "003", "004"]);
    let aliases = ids(site.path(), &seeds_dir(), "root_cause:db");
    assert_eq!(aliases.len(), 4, "tag aliases are accepted");
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test search -- --ignored"]
fn words_rank_the_matching_seed_first_and_typos_still_find() {
    let site = tempfile::tempdir().unwrap();
    assert_eq!(seed_number(&ids(site.path(), &seeds_dir(), "query logic")[0]), "000");
    let typos = coroner(&["search", "databse corupted", "--content", seeds_dir().to_str().unwrap()], site.path());
    assert!(typos.status.success());
    assert!(String::from_utf8_lossy(&typos.stdout).contains("incidents/002-"), "seed 002 is found");
    assert!(String::from_utf8_lossy(&typos.stderr).contains("no exact match"), "and the user is told");
}

#[test]
fn a_tag_query_agrees_with_the_tag_page_and_filters_combine() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    assert!(
        coroner(
            &["build", "--quiet", "--root", repo.to_str().unwrap(), "--output", out.to_str().unwrap()],
            site.path()
        )
        .status
        .success()
    );
    let page = fs::read_to_string(out.join("tags/dns/index.html")).unwrap();
    let mut on_page: Vec<String> = page
        .split(r#"<a class="row-title" href="/incidents/"#)
        .skip(1)
        .map(|rest| rest.split('/').next().unwrap().to_string())
        .collect();
    on_page.sort();
    let content = repo.join("content");
    let mut searched = ids(site.path(), &content, "tag:dns");
    searched.sort();
    assert_eq!(searched, on_page);

    let newest_first = ids(site.path(), &content, "tag:dns");
    let (dated, undated) = newest_first.split_at(newest_first.len() - 1);
    assert!(dated.windows(2).all(|w| w[0] >= w[1]), "filters alone list newest first: {newest_first:?}");
    assert_eq!(undated, ["internal-resolvers-split-horizon"], "and an incident without a date last");
    let excluded = ids(site.path(), &content, "tag:dns -service:cdn after:2024-04");
    assert!(!excluded.iter().any(|id| id.starts_with("2024-03")), "{excluded:?}");
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test search -- --ignored"]
fn malformed_queries_never_fail() {
    let site = tempfile::tempdir().unwrap();
    for query in ["sev:banana", "\"unclosed phrase", "tag:", "((", "-", "duration>x OR"] {
        let out = coroner(&["search", query, "--content", seeds_dir().to_str().unwrap()], site.path());
        assert!(out.status.success(), "{query}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn only_changed_incidents_are_reindexed() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    fs::write(site.path().join("content/a.md"), "# Disk full on db-1\n\nRoot cause: the WAL volume filled.\n").unwrap();
    fs::write(site.path().join("content/b.md"), "# Cache stampede\n\nRoot cause: a cold cache.\n").unwrap();
    let first = coroner(&["search", "disk"], site.path());
    assert!(String::from_utf8_lossy(&first.stderr).contains("2 added, 0 changed, 0 removed"));
    let again = coroner(&["search", "disk"], site.path());
    assert!(!String::from_utf8_lossy(&again.stderr).contains("brought up to date"), "nothing changed");

    fs::write(site.path().join("content/b.md"), "# Cache stampede\n\nRoot cause: a cold cache after a deploy.\n")
        .unwrap();
    fs::remove_file(site.path().join("content/a.md")).unwrap();
    let changed = coroner(&["search", "deploy"], site.path());
    assert!(String::from_utf8_lossy(&changed.stderr).contains("0 added, 1 changed, 1 removed"));
    assert!(String::from_utf8_lossy(&changed.stdout).contains("incidents/b/"));
}

#[test]
fn coroners_updating_a_new_index_at_once_index_each_incident_once() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    for (name, title) in [("a", "Disk full on db-1"), ("b", "Cache stampede"), ("c", "DNS record retired")] {
        fs::write(site.path().join(format!("content/{name}.md")), format!("# {title}\n\nRoot cause: {title}.\n"))
            .unwrap();
    }
    let searches: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_coroner"))
                .args(["search", "disk"])
                .current_dir(site.path())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("coroner runs")
        })
        .collect();
    for mut search in searches {
        assert!(search.wait().unwrap().success());
    }
    let out = coroner(&["search", "disk OR cache OR dns", "--format", "json"], site.path());
    let hits: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut ids: Vec<&str> = hits.as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, ["a", "b", "c"]);
}

#[test]
fn a_build_leaves_an_index_that_search_uses_as_is_until_a_file_changes() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    fs::write(site.path().join("content/a.md"), "# Disk full on db-1\n\nRoot cause: the WAL volume filled.\n").unwrap();
    let built = coroner(&["build", "--quiet"], site.path());
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let searched = coroner(&["search", "disk"], site.path());
    assert!(!String::from_utf8_lossy(&searched.stderr).contains("brought up to date"), "the build's index is current");
    assert!(String::from_utf8_lossy(&searched.stdout).contains("incidents/a/"));

    fs::write(site.path().join("content/a.md"), "# Disk full on db-1\n\nRoot cause: the WAL volume filled up.\n")
        .unwrap();
    let stale = coroner(&["search", "disk"], site.path());
    assert!(String::from_utf8_lossy(&stale.stderr).contains("0 added, 1 changed, 0 removed"));
}

#[test]
fn a_search_after_an_edit_parses_only_the_edited_file_and_a_build_after_it_is_a_clean_builds() {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    fs::create_dir_all(&content).unwrap();
    let write = |i: usize, words: &str| {
        let text = format!("# Outage {i}\n\nRoot cause: a full disk on host{i}.\n\n{words}\n");
        fs::write(content.join(format!("i{i:02}.md")), text).unwrap();
    };
    for i in 0..12 {
        write(i, "The pager rang.");
    }
    write(5, "The pager rang. A brontosaurus sat on the rack.");
    let built = coroner(&["build", "--quiet"], site.path());
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    // `CORONER_TIMINGS` counts the files parsed again, not taken back
    // from the models the build (or a search) kept.
    let search = |query: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_coroner"))
            .args(["search", query, "--format", "json", "--watcher", "never"])
            .env("CORONER_TIMINGS", "1")
            .current_dir(site.path())
            .output()
            .expect("coroner runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let hits: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let ids: Vec<String> = hits.as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect();
        (ids, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let parsed = |stderr: &str| stderr.lines().find_map(|l| l.trim().strip_prefix("parsed: ")).map(str::to_string);
    assert_eq!(search("brontosaurus").0, ["i05"]);

    write(5, "The pager rang. A zyzzyva sat on the rack.");
    let (found, stderr) = search("zyzzyva");
    assert_eq!(found, ["i05"], "{stderr}");
    assert!(stderr.contains("0 added, 1 changed, 0 removed"), "{stderr}");
    assert_eq!(parsed(&stderr).as_deref(), Some("1 of 12 files"), "{stderr}");
    assert_eq!(search("brontosaurus").0, Vec::<String>::new(), "a word removed is not found");

    // The search kept the model it parsed: the next one parses only the
    // file edited since.
    write(9, "The pager rang. A quokka chewed the cable.");
    let (found, stderr) = search("quokka");
    assert_eq!(found, ["i09"], "{stderr}");
    assert_eq!(parsed(&stderr).as_deref(), Some("1 of 12 files"), "{stderr}");

    // A build after those searches, taking their models back, publishes
    // what a build from nothing does.
    let built = coroner(&["build", "--quiet"], site.path());
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let clean = tempfile::tempdir().unwrap();
    fs::create_dir_all(clean.path().join("content")).unwrap();
    for entry in fs::read_dir(&content).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), clean.path().join("content").join(entry.file_name())).unwrap();
    }
    assert!(coroner(&["build", "--quiet"], clean.path()).status.success());
    assert!(tree(&site.path().join("public")) == tree(&clean.path().join("public")), "the sites differ");
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test search -- --ignored"]
fn facets_count_tags_and_services_over_every_match() {
    let site = tempfile::tempdir().unwrap();
    let seeds = seeds_dir();
    let args = ["search", "tag:database", "--content", seeds.to_str().unwrap(), "--limit", "1", "--facets"];
    let json = coroner(&[&args[..], &["--format", "json"]].concat(), site.path());
    let found: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(found["hits"].as_array().unwrap().len(), 1, "--limit limits the hits");
    assert_eq!(found["facets"]["tags"][0], serde_json::json!(["database", 4]), "but not the counts");
    let text = String::from_utf8_lossy(&coroner(&args, site.path()).stdout).into_owned();
    assert!(text.contains("root causes: database 4 · data-corruption 3"), "{text}");
}

/// The incident ids listed under "Related incidents" on a page, in order.
fn related_on_page(page: &Path) -> Vec<String> {
    let html = fs::read_to_string(page).unwrap();
    let Some(start) = html.find(r#"<section class="related""#) else { return Vec::new() };
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    section.split("incidents/").skip(1).map(|rest| rest[..rest.find('/').unwrap()].to_string()).collect()
}

#[test]
#[ignore = "reads ../shared/seeds: cargo test --test search -- --ignored"]
fn seeds_with_the_same_database_corruption_list_each_other_first_as_related() {
    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("public");
    let seeds = seeds_dir();
    let built = coroner(&["build", "--quiet", "--content", seeds.to_str().unwrap(), "--output", "public"], site.path());
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let page = |id: &str| {
        let dir = fs::read_dir(out.join("incidents"))
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(id));
        related_on_page(&dir.unwrap().path().join("index.html"))
    };
    // 002 (a corrupted table) and 004 (a misconfiguration that corrupted
    // data): both database and data-corruption, and worded alike.
    let (of_002, of_004) = (page("002"), page("004"));
    assert_eq!(seed_number(&of_002[0]), "004", "{of_002:?}");
    assert_eq!(seed_number(&of_004[0]), "002", "{of_004:?}");
    assert!(of_002.iter().all(|id| !id.starts_with("002")), "an incident is never related to itself");
    assert_eq!(seed_number(of_002.last().unwrap()), "000", "the query-logic bug, no database, comes last");
}

#[test]
fn before_a_day_or_month_includes_it() {
    let site = tempfile::tempdir().unwrap();
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for query in ["tag:dns before:2024-03-12", "tag:dns before:2024-03"] {
        assert_eq!(ids(site.path(), &content, query), ["2024-03-12-checkout-dns-outage"], "{query}");
    }
    assert_eq!(ids(site.path(), &content, "tag:dns before:2024-03-11"), Vec::<String>::new());
}

/// An edited incident leaves its old copy in the index until tantivy
/// merges it away, so a word can be in more documents than there are
/// incidents; MoreLikeThis used to panic on that at the next build.
#[test]
fn a_build_after_an_edit_still_finds_related_incidents() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    let write = |name: &str, day: u8, cause: &str| {
        let text = format!("---\ndate: 2024-01-{day:02}\n---\n# Database outage {name}\n\nRoot cause: {cause}\n");
        fs::write(site.path().join(format!("content/{name}.md")), text).unwrap();
    };
    for (name, day) in [("a", 1), ("b", 2), ("c", 3)] {
        write(name, day, "the database disk filled; the database stopped.");
    }
    let build = || coroner(&["build", "--quiet"], site.path());
    assert!(build().status.success());
    write("c", 3, "the database disk filled; the database stopped. Edited.");
    let rebuilt = build();
    assert!(rebuilt.status.success(), "{}", String::from_utf8_lossy(&rebuilt.stderr));
    let related = related_on_page(&site.path().join("public/incidents/c/index.html"));
    assert_eq!(related, ["b", "a"], "ties go to the incident earlier in the archive (newest first)");
}

/// Incidents that share no telling word with any other fall back to
/// those with their tags and services: the same list for each of them
/// (worked out once for all), less the incident itself.
#[test]
fn incidents_sharing_no_word_are_related_by_their_tags_and_services() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    for (name, day, tag, cause) in
        [("a", 1, "dns", "alpha"), ("b", 2, "dns", "bravo"), ("c", 3, "dns", "charlie"), ("d", 4, "database", "delta")]
    {
        let text = format!(
            "---\ndate: 2024-01-{day:02}\ntags: [{tag}]\nservices: [checkout-{tag}]\n---\n# Outage {name}\n\nRoot cause: {cause}.\n"
        );
        fs::write(site.path().join(format!("content/{name}.md")), text).unwrap();
    }
    let built = coroner(&["build", "--quiet"], site.path());
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let related = |id: &str| related_on_page(&site.path().join(format!("public/incidents/{id}/index.html")));
    // Newest first among equals; never itself; nothing for a tag no one shares.
    assert_eq!(related("a"), ["c", "b"]);
    assert_eq!(related("b"), ["c", "a"]);
    assert_eq!(related("c"), ["b", "a"]);
    assert_eq!(related("d"), Vec::<String>::new());
}

#[test]
fn snippets_quote_the_prose_around_a_match_never_markup_or_headings() {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    fs::create_dir_all(&content).unwrap();
    let text = "# Checkout slowdown\n\n**Issue Summary**\n\n- **Duration:** two hours\n\n## Root cause\n\n\
                The autoscaler hit its **maximum** replica count.\n";
    fs::write(content.join("a.md"), text).unwrap();
    let search = |query: &str| {
        let out = coroner(&["search", query, "--content", content.to_str().unwrap(), "--format", "json"], site.path());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let hits: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
        hits[0]["snippet"].as_str().map(str::to_string)
    };
    let snippet = search("autoscaler").expect("a snippet around the match");
    assert!(snippet.starts_with("The [autoscaler] hit its maximum"), "{snippet}");
    assert_eq!(search("slowdown"), None, "a title match is found, and the title not quoted");
}

/// Whether `coroner search` said it brought the index up to date, and how.
fn updated(out: &Output) -> Option<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr.lines().find_map(|l| l.strip_prefix("search index brought up to date: ")).map(str::to_string)
}

#[test]
fn edits_renames_additions_and_removals_are_noticed_before_search_answers() {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    let write = |path: &str, text: &str| {
        let path = content.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write("2024/a.md", "# Disk full on db-1\n\nRoot cause: the WAL volume filled.\n");
    write("2024/b.md", "# Cache stampede\n\nRoot cause: a cold cache.\n");
    write("2025/c.md", "# Disk quota on the build farm\n\nRoot cause: no alert.\n");
    // Folders changed this recently are listed again on every search;
    // older ones are trusted to list the same names while their stamp
    // holds, so each change below is made to a folder the index vouches for.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let search = |query: &str| coroner(&["search", query], site.path());
    assert_eq!(updated(&search("disk")).as_deref(), Some("3 added, 0 changed, 0 removed"));
    assert_eq!(updated(&search("disk")), None, "nothing changed");

    // Written in place: the folder's own stamp does not change.
    write("2024/a.md", "# Disk full on db-1\n\nRoot cause: the WAL volume filled after a vacuum.\n");
    let edited = search("vacuum");
    assert_eq!(updated(&edited).as_deref(), Some("0 added, 1 changed, 0 removed"));
    assert!(String::from_utf8_lossy(&edited.stdout).contains("incidents/a/"));

    fs::rename(content.join("2025/c.md"), content.join("2025/d.md")).unwrap();
    let renamed = search("quota");
    assert_eq!(updated(&renamed).as_deref(), Some("1 added, 0 changed, 1 removed"));
    assert!(String::from_utf8_lossy(&renamed.stdout).contains("incidents/d/"));

    write("2024/new/e.md", "# Certificate expired\n\nRoot cause: a manual renewal.\n");
    let added = search("certificate");
    assert_eq!(updated(&added).as_deref(), Some("1 added, 0 changed, 0 removed"));
    assert!(String::from_utf8_lossy(&added.stdout).contains("incidents/e/"));

    // An editor's save: a file written beside it, renamed over it.
    write("2024/.b.md.swp", "# Cache stampede\n\nRoot cause: a cold cache after a deploy.\n");
    fs::rename(content.join("2024/.b.md.swp"), content.join("2024/b.md")).unwrap();
    assert_eq!(updated(&search("deploy")).as_deref(), Some("0 added, 1 changed, 0 removed"));

    // A file that is no postmortem comes: nothing to index.
    write("2024/.a.md.swp", "unsaved");
    let beside = search("vacuum");
    assert_eq!(updated(&beside), None);
    assert!(String::from_utf8_lossy(&beside.stdout).contains("incidents/a/"));

    fs::remove_file(content.join("2024/a.md")).unwrap();
    let removed = search("vacuum");
    assert_eq!(updated(&removed).as_deref(), Some("0 added, 0 changed, 1 removed"));
    assert!(!String::from_utf8_lossy(&removed.stdout).contains("incidents/a/"));
}

/// An archive of three postmortems whose search watcher stays `idle`, its
/// folders old enough for the listing beside the index to vouch for them.
/// Dropped: every watcher of it is stopped, and the folder removed.
struct Watched {
    site: tempfile::TempDir,
}

impl Watched {
    fn new(search_toml: &str) -> Watched {
        let site = tempfile::tempdir().unwrap();
        fs::write(site.path().join("site.toml"), format!("[search]\n{search_toml}\n")).unwrap();
        let watched = Watched { site };
        watched.write("2024/a.md", "# Disk full on db-1\n\nRoot cause: the WAL volume filled.\n");
        watched.write("2024/b.md", "# Cache stampede\n\nRoot cause: a cold cache.\n");
        watched.write("2025/c.md", "# Disk quota on the build farm\n\nRoot cause: no alert.\n");
        std::thread::sleep(std::time::Duration::from_millis(2500));
        watched
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.site.path().join("content").join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn search(&self, query: &str, watcher: &str) -> Output {
        let out = coroner(&["search", query, "--watcher", watcher], self.site.path());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out
    }

    fn index(&self) -> PathBuf {
        self.site.path().join(".coroner/index")
    }

    /// The `coroner watch-index` processes running on this archive: started
    /// in its folder, as the searches here run (the folder is this test's).
    fn watchers(&self) -> Vec<u32> {
        let site = fs::canonicalize(self.site.path()).unwrap();
        let mut pids = Vec::new();
        for entry in fs::read_dir("/proc").unwrap().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else { continue };
            let Ok(cmdline) = fs::read(entry.path().join("cmdline")) else { continue };
            let watches = cmdline.split(|&b| b == 0).any(|arg| arg == b"watch-index");
            if watches && fs::read_link(entry.path().join("cwd")).is_ok_and(|cwd| cwd == site) {
                pids.push(pid);
            }
        }
        pids
    }

    /// The watcher noted in the index folder, once it is watching.
    fn noted_watcher(&self) -> u32 {
        let mut pid = 0;
        eventually("the watcher to note itself", || {
            let note = fs::read_to_string(self.index().join("coroner-watched")).unwrap_or_default();
            pid = note.split_whitespace().next().and_then(|p| p.parse().ok()).unwrap_or(0);
            pid != 0 && self.watchers() == [pid]
        });
        pid
    }

    /// Whether a search is answered without the files being looked at: with
    /// the listing beside the index gone, only a watcher vouching for the
    /// index keeps the search from walking the archive again (and saying so).
    fn vouched(&self) -> bool {
        let _ = fs::remove_file(self.index().join("coroner-sources"));
        updated(&self.search("disk", "never")).is_none()
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        for pid in self.watchers() {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// Poll `done` for up to ten seconds.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "waited 10 s for {what}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn found(out: &Output, id: &str) -> bool {
    String::from_utf8_lossy(&out.stdout).contains(&format!("incidents/{id}/"))
}

#[test]
fn a_search_started_watcher_sees_every_edit_and_a_killed_one_is_not_trusted() {
    let archive = Watched::new("watcher_idle = \"60s\"");
    assert_eq!(updated(&archive.search("disk", "always")).as_deref(), Some("3 added, 0 changed, 0 removed"));
    let pid = archive.noted_watcher();
    eventually("the watcher to vouch for the index", || archive.vouched());

    // Edited in place while it watches: the very next search finds the edit.
    archive.write("2024/a.md", "# Disk full on db-1\n\nRoot cause: the WAL volume filled after a vacuum.\n");
    let edited = archive.search("vacuum", "always");
    assert_eq!(updated(&edited).as_deref(), Some("0 added, 1 changed, 0 removed"));
    assert!(found(&edited, "a"));
    // A new file, then one removed.
    archive.write("2025/d.md", "# Certificate expired\n\nRoot cause: a manual renewal.\n");
    assert!(found(&archive.search("certificate", "always"), "d"));
    fs::remove_file(archive.site.path().join("content/2024/b.md")).unwrap();
    assert!(!found(&archive.search("stampede", "always"), "b"));
    assert_eq!(archive.watchers(), [pid], "the one watcher, no second one");
    eventually("the watcher to vouch again once the index holds the edits", || archive.vouched());
    assert!(found(&archive.search("vacuum", "never"), "a"));

    // Killed, its note left behind: searches check the files again.
    let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    eventually("the watcher to be gone", || archive.watchers().is_empty());
    archive.write("2024/a.md", "# Disk full on db-1\n\nRoot cause: a xylophone fell on the WAL volume.\n");
    let after = archive.search("xylophone", "never");
    assert!(found(&after, "a"));
    assert!(!found(&archive.search("vacuum", "never"), "a"));
    assert!(archive.watchers().is_empty(), "--watcher never starts none");
}

#[test]
fn a_search_started_watcher_stops_when_idle() {
    let archive = Watched::new("watcher_idle = \"1s\"");
    archive.search("disk", "always");
    archive.noted_watcher();
    eventually("the idle watcher to stop", || archive.watchers().is_empty());
    assert!(!archive.index().join("coroner-watched").exists(), "its note taken back");
    // The next search checks the files, and finds them.
    assert!(found(&archive.search("quota", "never"), "c"));
}

#[test]
fn no_watcher_starts_when_opted_out_or_outside_a_terminal() {
    let archive = Watched::new("watcher = \"never\"");
    // `--watcher` unset: site.toml's `never`.
    assert!(found(&coroner(&["search", "disk"], archive.site.path()), "a"));
    assert!(archive.watchers().is_empty());
    assert!(found(&archive.search("disk", "never"), "a"));
    assert!(archive.watchers().is_empty());
    // `auto`, with no terminal (the tests' stdin and stdout are not one).
    assert!(found(&archive.search("disk", "auto"), "a"));
    assert!(archive.watchers().is_empty());
    assert!(!archive.index().join("coroner-watched").exists());
}

#[test]
fn a_search_started_watcher_stops_when_site_toml_or_the_content_folder_is_replaced() {
    let archive = Watched::new("watcher_idle = \"60s\"");
    archive.search("disk", "always");
    archive.noted_watcher();
    fs::write(archive.site.path().join("site.toml"), "title = \"Incidents\"\n[search]\nwatcher_idle = \"60s\"\n")
        .unwrap();
    eventually("the watcher of the old site.toml to stop", || archive.watchers().is_empty());

    archive.search("disk", "always");
    archive.noted_watcher();
    let content = archive.site.path().join("content");
    fs::rename(&content, archive.site.path().join("old")).unwrap();
    let copied = Command::new("cp").arg("-a").arg(archive.site.path().join("old")).arg(&content).status();
    assert!(copied.is_ok_and(|s| s.success()));
    eventually("the watcher of the folder moved away to stop", || archive.watchers().is_empty());
    archive.write("2024/a.md", "# Disk full on db-1\n\nRoot cause: a zeppelin on the WAL volume.\n");
    assert!(found(&archive.search("zeppelin", "never"), "a"));
}
