//! `coroner build` as a user runs it: the pages a reader opens, the links
//! between them, the publishing guarantees (base URL subpath, byte-identical
//! output, atomic swap, unchanged files untouched), and the failure paths.

mod common;
use common::tree;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn coroner(args: &[&str], dir: &Path, envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coroner"));
    command.args(args).current_dir(dir);
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("coroner runs")
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Build the sample archive (the repo root) into a fresh folder.
fn build_sample(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut args = vec!["build", "--quiet", "--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let result = coroner(&args, repo(), &[]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    (dir, out)
}

/// How many documents the build published, from archive.json.
fn published(out: &Path) -> usize {
    let json: serde_json::Value = serde_json::from_str(&read(out.join("archive.json"))).unwrap();
    json.as_array().unwrap().len()
}

#[test]
fn the_sample_archive_builds_every_page_of_the_layout() {
    let (_dir, out) = build_sample(&[]);
    for page in [
        "index.html",
        "incidents/2024-03-12-checkout-dns-outage/index.html",
        "tags/index.html",
        "tags/dns/index.html",
        "tags/dns/feed.xml",
        "services/checkout/index.html",
        "severity/sev1/index.html",
        "years/2024/index.html",
        "stats/index.html",
        "stats/recurrences/index.html",
        "actions/index.html",
        "feed.xml",
        "sitemap.xml",
        "archive.json",
        "list.json",
        "search/index.html",
        "search/data/index.json",
        "style.css",
        "coroner.js",
        "404.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    assert_eq!(published(&out), 12, "13 files, one of them a draft");
    let redirect = read(out.join("incidents/inc-2024-031/index.html"));
    assert!(redirect.contains("url=/incidents/2024-03-12-checkout-dns-outage/"), "front-matter alias");
}

/// The static search index as the search page reads it (docs/output.md):
/// the manifest, then the shards a word needs.
struct StaticIndex {
    dir: PathBuf,
    manifest: serde_json::Value,
}

impl StaticIndex {
    fn open(out: &Path) -> StaticIndex {
        let dir = out.join("search/data");
        let manifest = serde_json::from_str(&read(dir.join("index.json"))).unwrap();
        StaticIndex { dir, manifest }
    }

    /// The shard of `kind` whose range holds `key`: the last starting at or before it.
    fn shard(&self, kind: &str, key: &str) -> Option<PathBuf> {
        let starts = self.manifest[kind].as_array().unwrap();
        let last = starts.iter().take_while(|start| start[0].as_str().unwrap() <= key).last()?;
        Some(self.dir.join(last[1].as_str().unwrap()))
    }

    fn stem(&self, form: &str) -> Option<String> {
        let words = read(self.shard("words", form)?);
        words.lines().find_map(|line| {
            let (written, stem) = line.split_once('\t').unwrap_or((line, line));
            (written == form).then(|| stem.to_string())
        })
    }

    /// The incident numbers of each record of a postings or filter shard.
    fn records(&self, path: &Path) -> Vec<(String, Vec<usize>)> {
        let bytes = fs::read(path).unwrap();
        let mut at = 0;
        let varint = |at: &mut usize| {
            let (mut value, mut shift) = (0usize, 0);
            loop {
                let b = bytes[*at];
                *at += 1;
                value |= usize::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return value;
                }
            }
        };
        let mut records = Vec::new();
        while at < bytes.len() {
            let len = varint(&mut at);
            let key = String::from_utf8(bytes[at..at + len].to_vec()).unwrap();
            at += len;
            let flags = bytes[at];
            at += 1;
            let mut numbers = Vec::new();
            if flags & 1 == 1 {
                let len = varint(&mut at);
                for (i, byte) in bytes[at..at + len].iter().enumerate() {
                    numbers.extend((0..8).filter(|bit| byte & (1 << bit) != 0).map(|bit| i * 8 + bit));
                }
                at += len;
                if flags & 2 == 2 {
                    let top = varint(&mut at);
                    for _ in 0..top {
                        varint(&mut at);
                    }
                    at += top + 1;
                }
            } else {
                let n = varint(&mut at);
                let mut last = 0;
                for i in 0..n {
                    let gap = varint(&mut at);
                    last = if i == 0 { gap } else { last + gap };
                    numbers.push(last);
                }
                if flags & 2 == 2 {
                    at += n;
                }
            }
            records.push((key, numbers));
        }
        records
    }

    /// The page of incident `number`, from its result file.
    fn url(&self, number: usize) -> String {
        let doc: serde_json::Value = serde_json::from_str(&read(self.dir.join(format!("doc/{number}.json")))).unwrap();
        doc["url"].as_str().unwrap().to_string()
    }

    /// The pages of the incidents that have `word`, as written.
    fn find(&self, word: &str) -> std::collections::BTreeSet<String> {
        let Some(stem) = self.stem(word) else { return Default::default() };
        let records = self.records(&self.shard("terms", &stem).unwrap());
        let (_, numbers) = records.into_iter().find(|(key, _)| *key == stem).expect("every stem has postings");
        numbers.into_iter().map(|n| self.url(n)).collect()
    }

    /// The pages of a filter value's incidents, newest first.
    fn filter(&self, name: &str, value: &str) -> Vec<String> {
        let path = self.dir.join(self.manifest["filters"][name].as_str().unwrap());
        let (_, numbers) = self.records(&path).into_iter().find(|(key, _)| key == value).unwrap();
        numbers.into_iter().rev().map(|n| self.url(n)).collect()
    }
}

#[test]
fn the_static_search_index_finds_what_coroner_search_finds() {
    let (_dir, out) = build_sample(&[]);
    let index = StaticIndex::open(&out);
    for word in ["dns", "reconciler", "timeout", "database", "rollback", "certificate", "cname", "the", "zyzzyva"] {
        let found = coroner(&["search", word, "--format", "json", "--limit", "1000"], repo(), &[]);
        let hits: serde_json::Value = serde_json::from_slice(&found.stdout).unwrap();
        let expected: std::collections::BTreeSet<String> =
            hits.as_array().unwrap().iter().map(|hit| format!("/incidents/{}/", hit["id"].as_str().unwrap())).collect();
        assert_eq!(index.find(word), expected, "{word}");
    }
    assert!(index.find("reconciler").contains("/incidents/2024-05-28-checkout-dns-recurrence/"));
    // Both are written: the dictionary gives them one stem, so either finds both.
    assert_eq!(index.stem("resolvers").as_deref(), Some("resolv"));
    assert_eq!(index.stem("resolver").as_deref(), Some("resolv"));

    // A filter lists what its term page lists, in the same order.
    let tag_page = read(out.join("tags/dns/index.html"));
    let listed: Vec<&str> =
        tag_page.split("class=\"row-title\" href=\"").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
    assert_eq!(listed.len(), 4);
    assert_eq!(index.filter("tag", "dns"), listed);
}

#[test]
fn an_incident_page_shows_its_facts_timeline_and_links() {
    let (_dir, out) = build_sample(&[]);
    let page = read(out.join("incidents/2024-05-28-checkout-dns-recurrence/index.html"));
    assert!(page.contains("<h1>Checkout DNS failures return: the reconciler restored the stale CNAME</h1>"));
    assert!(page.contains(r#"href="/severity/sev2/">SEV2</a>"#), "severity links to its list");
    assert!(page.contains(r#"<a class="chip" href="/tags/dns/">dns</a>"#), "tags link to their pages");
    assert!(page.contains("43 min"), "duration");
    assert!(page.contains(r#"title="inferred from the text, line 25""#), "inferred values say from where");
    assert!(page.contains(r#"<span class="moment-time">13:15 UTC</span>"#), "timeline entries");
    // The markdown link `[timeline](2024-03-12-checkout-dns-outage.md#timeline)` points at the page.
    assert!(page.contains(r#"href="/incidents/2024-03-12-checkout-dns-outage/#timeline""#));
    assert!(page.contains("Related incidents"));

    let target = read(out.join("incidents/2024-03-12-checkout-dns-outage/index.html"));
    assert!(target.contains(r#"<h2 id="timeline">Timeline</h2>"#), "the anchor exists");
    let referenced_by = target.split("Referenced by").nth(1).expect("a backlinks section");
    assert!(referenced_by.contains("/incidents/2024-05-28-checkout-dns-recurrence/"), "backlink");
}

#[test]
fn lists_browse_by_tag_service_severity_and_year_with_counts() {
    let (_dir, out) = build_sample(&[]);
    let home = read(out.join("index.html"));
    let first = home.find("2026-08-21").expect("newest incident listed");
    let older = home.find("2023-06-08").expect("oldest incident listed");
    assert!(first < older, "newest first");
    assert!(
        home.contains(r#"<form class="filter" action="/search/" method="get""#),
        "the home page's filter is a plain form that opens the search page"
    );

    let tags = read(out.join("tags/index.html"));
    assert!(tags.contains(r#"<a href="/tags/dns/">DNS <span class="muted">(dns)</span></a>"#), "{tags}");
    let dns = read(out.join("tags/dns/index.html"));
    let rows = dns.matches(r#"<li class="row""#).count();
    assert!(rows >= 2 && dns.contains("Checkout DNS failures return"), "the DNS incidents");
    // Atom needs a date: the page lists the incident without one, its feed does not.
    let dated = dns.split(r#"<li class="row""#).skip(1).filter(|row| row.contains("<time")).count();
    assert!(dated < rows && dns.contains("Internal resolvers answered with public addresses"));
    let feed = read(out.join("tags/dns/feed.xml"));
    assert_eq!(feed.matches("<entry>").count(), dated);
}

#[test]
fn stats_are_inline_svg_with_medians() {
    let (_dir, out) = build_sample(&[]);
    let stats = read(out.join("stats/index.html"));
    assert!(stats.contains(r#"<svg class="chart""#) && stats.contains("role=\"img\""));
    assert!(stats.contains("Incidents per quarter") && stats.contains("2023-Q2"));
    assert!(stats.contains("Median"), "duration medians, never means");
    let actions = read(out.join("actions/index.html"));
    assert!(actions.contains("Open action items"));
}

#[test]
fn stats_list_each_recurring_pair_once_with_what_the_two_share() {
    let (_dir, out) = build_sample(&[]);
    let stats = read(out.join("stats/index.html"));
    let section = stats.split(r#"id="c-recur""#).nth(1).expect("a recurrence section");
    let newest: Vec<&str> = section.split("<li>").skip(1).map(|row| row.split("</li>").next().unwrap()).collect();
    let all = read(out.join("stats/recurrences/index.html"));
    let list = all.split(r#"class="page-header""#).nth(1).expect("a page header");
    let rows: Vec<&str> = list.split("<li>").skip(1).map(|row| row.split("</li>").next().unwrap()).collect();
    assert_eq!(newest, rows[..newest.len().min(10)], "the stats page shows the newest");
    if rows.len() > 10 {
        assert!(section.contains(r#"href="/stats/recurrences/">All "#), "{section}");
    }
    let mut pairs: Vec<Vec<&str>> =
        rows.iter().map(|row| row.split(r#"href=""#).skip(1).map(|h| h.split('"').next().unwrap()).collect()).collect();
    let count = pairs.len();
    pairs.sort();
    pairs.dedup();
    assert_eq!(pairs.len(), count, "a pair listed twice: {rows:#?}");
    let dns = rows.iter().find(|row| row.contains("Checkout DNS failures return")).expect("the DNS recurrence");
    assert!(dns.ends_with("77 days later: same root cause (dns, config-change) on checkout, cdn"), "{dns}");
}

#[test]
fn a_title_read_from_the_first_heading_shows_once_and_keeps_its_anchor() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    let heading = "# Disk full on db-1\n\n## Summary\n\nThe [disk](#disk-full-on-db-1) filled.\n";
    fs::write(site.path().join("content/heading.md"), heading).unwrap();
    let front_matter = "---\ntitle: Disk full on db-2\n---\n# What the on-call saw\n\nThe disk filled.\n";
    fs::write(site.path().join("content/front-matter.md"), front_matter).unwrap();
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());

    let page = read(site.path().join("public/incidents/heading/index.html"));
    assert_eq!(page.matches("<h1").count(), 1, "{page}");
    assert!(page.contains(r#"<h1 id="disk-full-on-db-1">Disk full on db-1</h1>"#), "the link to it still lands");
    assert!(page.contains(r##"<a href="#disk-full-on-db-1">disk</a>"##));
    let page = read(site.path().join("public/incidents/front-matter/index.html"));
    assert!(page.contains("<h1>Disk full on db-2</h1>"), "{page}");
    assert!(page.contains(r#"<h1 id="what-the-on-call-saw">What the on-call saw</h1>"#), "a different heading stays");
}

#[test]
fn times_show_the_zone_as_written_the_day_once_and_the_offset_on_hover() {
    let (_dir, out) = build_sample(&[]);
    let page = read(out.join("incidents/2024-03-12-checkout-dns-outage/index.html"));
    assert!(
        page.contains(r#"<span class="fact-text" title="UTC−04:00">2024-03-12 14:02 → 15:49 EDT</span>"#),
        "front matter writes -04:00, the text calls it EDT"
    );
    assert!(page.contains(r#"<span class="moment-time">17:55 UTC</span>"#), "the timeline's zone, from its column");
    let home = read(out.join("index.html"));
    assert!(home.contains(r#"<time datetime="2024-03-12" title="2024-03-12 14:02 → 15:49 EDT (UTC−04:00)">"#));
    let feed = read(out.join("feed.xml"));
    assert!(feed.contains("<updated>2024-03-12T14:02:00-04:00</updated>"), "the offset the file wrote");
    assert!(feed.contains("<summary>2024-03-12 14:02 → 15:49 EDT — A zone change"), "{feed}");
}

#[test]
fn archive_json_has_the_inspect_field_names() {
    let (_dir, out) = build_sample(&[]);
    let json: serde_json::Value = serde_json::from_str(&read(out.join("archive.json"))).unwrap();
    let first = &json.as_array().unwrap()[0];
    for field in ["id", "display_title", "start", "duration_minutes", "tags", "timeline", "provenance"] {
        assert!(first.get(field).is_some(), "{field}");
    }
}

#[test]
fn a_subpath_base_url_prefixes_every_link() {
    let (_dir, out) = build_sample(&["--base-url", "https://wiki.corp/postmortems/"]);
    let page = read(out.join("incidents/2024-05-28-checkout-dns-recurrence/index.html"));
    assert!(page.contains(r#"href="/postmortems/style.css""#));
    assert!(page.contains(r#"href="/postmortems/tags/dns/""#));
    assert!(!page.contains(r#"href="/tags/"#), "no link escapes the subpath");
    let sitemap = read(out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://wiki.corp/postmortems/incidents/"));
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let build = |name: &str, threads: &str| {
        let out = dir.path().join(name);
        let result = coroner(
            &["build", "--quiet", "--output", out.to_str().unwrap()],
            repo(),
            &[("RAYON_NUM_THREADS", threads), ("SOURCE_DATE_EPOCH", "1790000000")],
        );
        assert!(result.status.success());
        tree(&out)
    };
    let one = build("one", "1");
    for other in [build("two", "2"), build("again", "2")] {
        let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&one), names(&other));
        for ((name, a), (_, b)) in one.iter().zip(&other) {
            assert!(a == b, "{name} differs between builds");
        }
    }
}

#[test]
fn unchanged_files_are_not_rewritten_and_a_failed_build_keeps_the_old_site() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    fs::write(site.path().join("content/a.md"), "# Disk full on db-1\n\nRoot cause: the WAL volume filled.\n").unwrap();
    fs::write(site.path().join("content/b.md"), "# Cache stampede\n\nSee [the disk incident](a.md).\n").unwrap();
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    let page_a = site.path().join("public/incidents/a/index.html");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    fs::File::options().write(true).open(&page_a).unwrap().set_modified(old).unwrap();

    // b keeps its title and its link, so a's page (its backlinks) stays the same.
    fs::write(site.path().join("content/b.md"), "# Cache stampede\n\nSee [the disk incident](a.md). Edited.\n")
        .unwrap();
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    assert_eq!(fs::metadata(&page_a).unwrap().modified().unwrap(), old, "a's page did not change");
    assert!(read(site.path().join("public/incidents/b/index.html")).contains("Edited."));

    // A broken template override fails the build; the published site stays.
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(site.path().join("templates/incident.html"), "{% if %}").unwrap();
    fs::write(site.path().join("content/b.md"), "# Cache stampede\n\nSee [the disk incident](a.md). Edited again.\n")
        .unwrap();
    let failed = coroner(&["build", "--quiet"], site.path(), &[]);
    assert_eq!(failed.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(read(site.path().join("public/incidents/b/index.html")).contains("Edited."));
    let leftovers: Vec<_> = fs::read_dir(site.path()).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert!(!leftovers.iter().any(|n| n.to_string_lossy().contains("coroner-")), "{leftovers:?}");
}

/// Every file under `out` whose mtime is not `old`: what a build rewrote
/// after all were set to `old`.
fn rewritten(out: &Path, old: std::time::SystemTime) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.metadata().unwrap().modified().unwrap() != old)
        .map(|e| e.path().strip_prefix(out).unwrap().display().to_string())
        .collect();
    found.sort();
    found
}

fn set_all_mtimes(out: &Path, old: std::time::SystemTime) {
    for entry in walkdir::WalkDir::new(out).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        fs::File::options().write(true).open(entry.path()).unwrap().set_modified(old).unwrap();
    }
}

#[test]
fn a_rebuild_rewrites_only_what_changed_and_removes_what_is_gone() {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    fs::create_dir_all(&content).unwrap();
    // Enough distinct words for the static index to cut several shards.
    let write = |i: usize, extra: &str| {
        let words: Vec<String> = (0..300).map(|k| format!("w{i}x{k}")).collect();
        let text = format!(
            "---\ndate: 2024-03-{:02}\n---\n# Outage {i} of service {i}\n\nRoot cause: a full disk.\n\n{} {extra}\n",
            i + 1,
            words.join(" ")
        );
        fs::write(content.join(format!("i{i:02}.md")), text).unwrap();
    };
    for i in 0..12 {
        write(i, "");
    }
    let build = || {
        let result = coroner(&["build"], site.path(), &[]);
        assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
        String::from_utf8_lossy(&result.stdout).into_owned()
    };
    build();
    let out = site.path().join("public");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    set_all_mtimes(&out, old);

    // Nothing changed: nothing is rewritten, and once the pages are known
    // as published, none is rendered again.
    build();
    assert_eq!(rewritten(&out, old), Vec::<String>::new());
    let again = build();
    assert!(again.contains("not rendered: unchanged since the last build"), "{again}");
    assert_eq!(rewritten(&out, old), Vec::<String>::new());

    // One postmortem's body changes: its page, the files summing up the
    // archive and the index shards holding its words, nothing else.
    let shards = |dir: &str| fs::read_dir(out.join("search/data").join(dir)).unwrap().count();
    let before = (shards("words"), shards("terms"));
    write(5, "zyzzyva");
    build();
    let changed = rewritten(&out, old);
    assert!(changed.contains(&"incidents/i05/index.html".to_string()), "{changed:?}");
    let pages: Vec<_> = changed.iter().filter(|f| f.starts_with("incidents/")).collect();
    assert_eq!(pages, ["incidents/i05/index.html"]);
    let docs: Vec<_> = changed.iter().filter(|f| f.starts_with("search/data/doc/")).collect();
    assert_eq!(docs.len(), 1, "{docs:?}");
    let new_shards =
        changed.iter().filter(|f| f.starts_with("search/data/words/") || f.starts_with("search/data/terms/"));
    assert!(new_shards.count() < before.0 + before.1, "every shard rewritten: {changed:?}");
    assert!(before.0 > 1 && before.1 > 1, "too few shards to tell: {before:?}");
    // The shards the new manifest names, and no old one beside them.
    let manifest: serde_json::Value = serde_json::from_str(&read(out.join("search/data/index.json"))).unwrap();
    for kind in ["words", "terms"] {
        let mut named: Vec<String> =
            manifest[kind].as_array().unwrap().iter().map(|s| s[1].as_str().unwrap().to_string()).collect();
        let mut present: Vec<String> = fs::read_dir(out.join("search/data").join(kind))
            .unwrap()
            .map(|e| format!("{kind}/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        named.sort();
        present.sort();
        assert_eq!(named, present);
    }

    // A deleted postmortem's page and folder go; so does a file put there by hand.
    fs::remove_file(content.join("i07.md")).unwrap();
    fs::write(out.join("stray.txt"), "by hand").unwrap();
    build();
    assert!(!out.join("incidents/i07").exists());
    assert!(!out.join("stray.txt").exists());
    assert!(out.join("incidents/i06/index.html").exists());
}

/// An archive of `count` postmortems with enough distinct words for the
/// static index to cut many shards of each kind; `extra` is appended to
/// the postmortem of the same number.
fn write_many(content: &Path, count: usize, extra: &[(usize, &str)]) {
    fs::create_dir_all(content).unwrap();
    for i in 0..count {
        let words: Vec<String> = (0..150).map(|k| format!("w{i}x{k} shared{}", k % 40)).collect();
        let more = extra.iter().filter(|(e, _)| *e == i).map(|(_, text)| *text).collect::<Vec<_>>().join(" ");
        let text = format!(
            "---\ndate: 2024-{:02}-{:02}\n---\n# Outage {i} of service {i}\n\nRoot cause: a full disk.\n\n{} {more}\n",
            i / 28 + 1,
            i % 28 + 1,
            words.join(" ")
        );
        fs::write(content.join(format!("i{i:02}.md")), text).unwrap();
    }
}

/// The search folder a build from nothing makes of `content`.
fn clean_search_folder(content: &Path) -> Vec<(String, Vec<u8>)> {
    let site = tempfile::tempdir().unwrap();
    let copy = site.path().join("content");
    fs::create_dir_all(&copy).unwrap();
    for entry in fs::read_dir(content).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    tree(&site.path().join("public/search"))
}

#[test]
fn after_an_edit_the_search_folder_is_the_one_a_clean_build_makes() {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    write_many(&content, 40, &[]);
    let build = || assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    build();
    let search = site.path().join("public/search");
    // Each edit patches the index the one before left: a sentence with a
    // new word, a word gone, an incident's date moved (which renumbers
    // incidents), one deleted, one added.
    let edits: [(&str, &dyn Fn()); 5] = [
        ("a sentence appended", &|| write_many(&content, 40, &[(17, "a zyzzyva overheated")])),
        ("a word gone", &|| {
            write_many(&content, 40, &[(17, "a zyzzyva")]);
        }),
        ("a date moved", &|| {
            let path = content.join("i03.md");
            fs::write(&path, read(&path).replace("date: 2024-01-04", "date: 2024-02-20")).unwrap();
        }),
        ("a postmortem deleted", &|| fs::remove_file(content.join("i30.md")).unwrap()),
        ("a postmortem added", &|| {
            fs::write(content.join("new.md"), "# Quokka outage\n\nA quokka ate the cable.\n").unwrap()
        }),
    ];
    for (edit, apply) in edits {
        apply();
        build();
        assert!(
            tree(&search) == clean_search_folder(&content),
            "{edit}: the search folder differs from a clean build's"
        );
    }
}

#[test]
fn an_edit_rewrites_only_the_search_shards_whose_records_changed() {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    write_many(&content, 40, &[]);
    let build = || assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    build();
    let out = site.path().join("public");
    let shards = |manifest: &serde_json::Value| -> Vec<String> {
        ["words", "terms"]
            .iter()
            .flat_map(|kind| {
                manifest[kind].as_array().unwrap().iter().map(|s| format!("search/data/{}", s[1].as_str().unwrap()))
            })
            .collect()
    };
    let before = shards(&StaticIndex::open(&out).manifest);
    assert!(before.len() >= 10, "too few shards to tell: {before:?}");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    set_all_mtimes(&out, old);

    // One new word in one postmortem: the shard its word falls in, and
    // those whose scores moved with the postmortem's length.
    write_many(&content, 40, &[(17, "zyzzyva")]);
    build();
    let after = shards(&StaticIndex::open(&out).manifest);
    let rewritten = rewritten(&out, old);
    let new: Vec<&String> = after.iter().filter(|s| !before.contains(s)).collect();
    assert!((2..=4).contains(&new.len()), "{} of {} shards new: {new:?}", new.len(), after.len());
    for shard in &after {
        assert_eq!(rewritten.contains(shard), new.contains(&shard), "{shard}");
    }
    assert!(StaticIndex::open(&out).find("zyzzyva").len() == 1);
}

#[test]
fn open_action_items_are_paged_and_whole_archive_files_are_kept_when_unchanged() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    let items: String = (1..=500).map(|n| format!("- [ ] Fix thing {n}\n")).collect();
    fs::write(
        site.path().join("content/a.md"),
        format!("---\ndate: 2020-01-02\n---\n# Disk full\n\n## Action items\n\n{items}"),
    )
    .unwrap();
    fs::write(
        site.path().join("content/b.md"),
        "---\ndate: 2024-05-06\n---\n# Cache stampede\n\n## Action items\n\n- [ ] Add jitter\n",
    )
    .unwrap();
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    let first = read(site.path().join("public/actions/index.html"));
    assert!(first.contains("501 open items") && first.contains("page 1 of 2"), "{first}");
    assert!(first.contains("Fix thing 500") && !first.contains("Add jitter"), "the oldest incident's items first");
    assert!(first.contains(r#"href="/actions/page/2/">Newer →"#), "{first}");
    let second = read(site.path().join("public/actions/page/2/index.html"));
    assert!(second.contains("Add jitter") && second.contains(r#"href="/actions/">← Older"#), "{second}");

    // archive.json and list.json are streamed to the output, then linked
    // from the previous build when their bytes did not change.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for file in ["archive.json", "list.json"] {
        fs::File::options().write(true).open(site.path().join("public").join(file)).unwrap().set_modified(old).unwrap();
    }
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    for file in ["archive.json", "list.json"] {
        assert_eq!(fs::metadata(site.path().join("public").join(file)).unwrap().modified().unwrap(), old, "{file}");
    }
    assert_eq!(published(&site.path().join("public")), 2);
}

#[test]
fn the_static_search_index_follows_the_incidents_and_survives_hand_edits() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    fs::write(site.path().join("content/a.md"), "# Disk full on db-1\n\nRoot cause: the WAL volume filled.\n").unwrap();
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    let data = site.path().join("public/search/data");
    let first = tree(&data);
    assert!(StaticIndex::open(&site.path().join("public")).find("wal").len() == 1);

    // A page changes but no incident does: the index stays as published.
    fs::write(site.path().join("site.toml"), "title = \"Renamed archive\"\n").unwrap();
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    assert!(read(site.path().join("public/index.html")).contains("Renamed archive"));
    assert!(tree(&data) == first, "the index changed with the site's title");

    // A file of the index edited by hand is put back by the next build.
    fs::write(data.join("index.json"), "{}").unwrap();
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    assert!(tree(&data) == first, "the hand edit stayed");

    // The incident changes: its new words are found, its old ones not.
    fs::write(site.path().join("content/a.md"), "# Disk full on db-1\n\nRoot cause: a zyzzyva filled the volume.\n")
        .unwrap();
    assert!(coroner(&["build", "--quiet"], site.path(), &[]).status.success());
    let index = StaticIndex::open(&site.path().join("public"));
    assert_eq!(index.find("zyzzyva").len(), 1);
    assert!(index.find("wal").is_empty());
}

#[test]
fn broken_links_are_diagnostics_and_visibly_broken_and_strict_fails() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content/2023")).unwrap();
    fs::write(
        site.path().join("content/2023/db.md"),
        "---\naliases: [/old/db-outage/]\n---\n# DB outage\n\n## Timeline\n\n- 10:00 start\n",
    )
    .unwrap();
    fs::write(
        site.path().join("content/new.md"),
        "# Later\n\nSee [db](2023/db.md#timeline), [[db]], [gone](2023/nope.md) and [bad](2023/db.md#nowhere).\n",
    )
    .unwrap();
    let out = coroner(&["build"], site.path(), &[]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken-link") && stderr.contains("new.md:3"), "{stderr}");
    assert!(stderr.contains("no postmortem at `2023/nope.md`") && stderr.contains("has no heading `#nowhere`"));

    let page = read(site.path().join("public/incidents/new/index.html"));
    assert!(page.contains(r#"<a href="/incidents/db/#timeline">db</a>"#), "{page}");
    assert!(page.contains(r#"<a href="/incidents/db/">db</a>"#), "wiki link");
    assert!(page.contains(r#"<a class="broken-link" data-href="2023/nope.md""#), "visibly broken");
    assert!(page.contains("Reading notes"), "the page says what is wrong");

    let redirect = read(site.path().join("public/old/db-outage/index.html"));
    assert!(redirect.contains(r#"url=/incidents/db/"#), "alias redirect");

    let strict = coroner(&["build", "--quiet", "--strict"], site.path(), &[]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn builds_anywhere_without_site_toml_and_refuses_to_replace_the_content() {
    let site = tempfile::tempdir().unwrap();
    fs::write(site.path().join("one.md"), "# Outage\n\n<script>alert(1)</script>\n").unwrap();
    let ok = coroner(&["build", "--quiet", "--content", "one.md"], site.path(), &[]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let page = read(site.path().join("public/incidents/one/index.html"));
    assert!(!page.contains("<script>alert"), "raw HTML is sanitised");

    let refused = coroner(&["build", "--quiet", "--output", "."], site.path(), &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("refusing to build into"));
    assert!(site.path().join("one.md").exists());
}

#[test]
fn drafts_are_published_only_on_request() {
    let (_dir, out) = build_sample(&["--drafts"]);
    assert_eq!(published(&out), 13);
}

#[test]
fn init_and_new_make_an_archive_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("pm");
    assert!(coroner(&["init", "pm"], dir.path(), &[]).status.success());
    let again = coroner(&["init", "pm"], dir.path(), &[]);
    assert_eq!(again.status.code(), Some(2), "never overwrites");

    let new = coroner(&["new", "Queue backlog in billing", "--date", "2026-02-03"], &site, &[]);
    assert!(new.status.success());
    let written = site.join("content/2026/2026-02-03-queue-backlog-in-billing.md");
    assert!(read(&written).starts_with("---\ntitle: \"Queue backlog in billing\""));

    let built = coroner(&["build", "--drafts"], &site, &[]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert!(site.join("public/incidents/2026-02-03-queue-backlog-in-billing/index.html").exists());
    assert_eq!(published(&site.join("public")), 2, "the example and the new one");
}

#[test]
fn a_site_template_overrides_the_themes() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content")).unwrap();
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(site.path().join("content/a.md"), "# Disk full\n").unwrap();
    fs::write(
        site.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<p>Lost? Ask #sre.</p>{% endblock content %}",
    )
    .unwrap();
    let out = coroner(&["build", "--quiet"], site.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = read(site.path().join("public/404.html"));
    assert!(page.contains("Lost? Ask #sre.") && page.contains("<nav class=\"site-nav\""), "{page}");
}

#[test]
fn images_beside_the_postmortems_are_published_and_missing_ones_reported() {
    let site = tempfile::tempdir().unwrap();
    fs::create_dir_all(site.path().join("content/2024/img")).unwrap();
    fs::write(site.path().join("content/2024/img/p99 latency.png"), b"\x89PNG fake").unwrap();
    fs::write(site.path().join("content/2024/unrelated.pdf"), b"%PDF").unwrap();
    fs::write(
        site.path().join("content/2024/db.md"),
        "# DB outage\n\n![p99](img/p99%20latency.png)\n\n![gone](img/missing.png)\n",
    )
    .unwrap();
    let out = coroner(&["build"], site.path(), &[]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no file at `2024/img/missing.png`"), "{stderr}");
    assert!(!stderr.contains("p99"), "the existing image resolves: {stderr}");

    let page = read(site.path().join("public/incidents/db/index.html"));
    assert!(page.contains(r#"src="/assets/2024/img/p99%20latency.png""#), "{page}");
    assert_eq!(fs::read(site.path().join("public/assets/2024/img/p99 latency.png")).unwrap(), b"\x89PNG fake");
    assert!(!site.path().join("public/assets/2024/unrelated.pdf").exists(), "only linked files are published");
}
