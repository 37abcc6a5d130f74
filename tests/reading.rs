//! How coroner reads files it was not tuned on: one fixture per failure
//! class of issue 18 in `tests/fixtures/reading/` (see its README). Each
//! test asserts what a reader of the archive sees: the kind (a postmortem
//! shows in the lists), the root-cause tags and why, keywords, services.

use coroner::config::Config;
use coroner::ingest::Reader;
use coroner::model::{FactSource, Kind, Postmortem, TagsSource};
use std::path::Path;

fn read(name: &str) -> Postmortem {
    read_with(name, &Config::default_for(Path::new(".")))
}

fn read_with(name: &str, config: &Config) -> Postmortem {
    let bytes = std::fs::read(Path::new("tests/fixtures/reading").join(name)).expect("fixture exists");
    Reader::new(config).parse(name, &bytes)
}

/// A document written in the test, read as `text.md`.
fn parse(text: &str) -> Postmortem {
    Reader::new(&Config::default_for(Path::new("."))).parse("text.md", text.as_bytes())
}

/// The duration read from a report whose one section, its summary, is `summary`.
fn summary_duration(summary: &str) -> Option<u32> {
    parse(&format!("# Checkout outage\n\n## Summary\n\n{summary}\n")).duration_minutes
}

#[test]
fn front_matter_topics_are_keywords_and_the_cause_is_still_inferred() {
    let p = read("topic-tags.md");
    // "A change to the DNS resolver settings": the resolver, changed.
    assert_eq!(p.tags, ["dns", "config-change"]);
    assert_eq!(p.tags_source, Some(TagsSource::Inferred));
    assert_eq!(p.keywords, ["postmortem", "incident", "checkout-latency-2025-02-11", "cloud"]);
    // The evidence says where: the root-cause section, with its line.
    let first = &p.tag_evidence[0];
    assert_eq!((first.tag.as_str(), first.place.as_str(), first.line), ("dns", "root_cause", 16));
}

#[test]
fn thousands_of_front_matter_tags_are_each_kept_once_in_their_order() {
    // Written twice, in another case, again under `categories` and
    // `keywords`: each is kept once, as first written; the taxonomy's
    // own (an alias, in capitals) is a tag.
    let topics: Vec<String> = (0..3000).map(|i| format!("topic-{i:05}")).collect();
    let shouted: Vec<String> = topics.iter().step_by(7).map(|t| t.to_uppercase()).collect();
    let list = |names: &[String]| names.join(", ");
    let p = parse(&format!(
        "---\ntags: [{}, DB, {}, {}]\ncategories: [{}]\nkeywords: [{}, cloud]\n---\n# Checkout outage\n",
        list(&topics),
        list(&shouted),
        list(&topics[..100]),
        list(&topics[2900..]),
        list(&topics[..10]),
    ));
    assert_eq!(p.tags, ["database"]);
    let mut expected = topics.clone();
    expected.push("cloud".into());
    assert_eq!(p.keywords, expected);
}

#[test]
fn a_tag_the_front_matter_gives_takes_no_inferred_tags_place() {
    let p = parse(
        "---\ntags: [dns]\n---\n# Everything at once\n\n## Root cause\n\nThe deploy shipped a config change. \
         A race condition hit a deadlock in the database. The certificate had expired. The DNS resolver failed.\n",
    );
    assert_eq!(p.tags, ["dns", "deploy", "database", "config-change", "software-bug", "certificate"]);
    assert_eq!(p.tags_source, Some(TagsSource::FrontMatterAndInferred));
}

#[test]
fn a_cause_stated_only_in_prose_is_tagged() {
    let p = read("cause-in-summary.md");
    assert_eq!(p.kind, Kind::Postmortem);
    assert!(p.tags.contains(&"hardware".to_string()), "{:?}", p.tag_evidence);
    assert!(p.tag_evidence.iter().any(|e| e.tag == "hardware" && e.phrase == "lost power" && e.line == 4));
}

#[test]
fn a_student_debugging_narrative_under_a_generic_title_is_a_postmortem() {
    let p = read("student-debugging.md");
    assert_eq!(p.kind, Kind::Postmortem);
    assert!(p.tags.contains(&"config-change".to_string()), "{:?}", p.tags);
    assert!(!p.tags.contains(&"deploy".to_string()), "the fix names the deploy script: {:?}", p.tag_evidence);
}

#[test]
fn an_archive_entry_reads_fully() {
    let p = read("archive-entry.md");
    assert_eq!(p.kind, Kind::Postmortem);
    assert_eq!(p.services, ["Skyfield", "Object Storage"]);
    // The category that is a taxonomy tag wins; the text adds what it
    // gives evidence for (the load balancer rule), with that evidence.
    assert_eq!(p.tags, ["config-change", "network"]);
    assert_eq!(p.tags_source, Some(TagsSource::FrontMatterAndInferred));
    assert!(p.tag_evidence.iter().all(|e| e.tag == "network"), "{:?}", p.tag_evidence);
    assert_eq!(p.keywords, ["cloud", "postmortem", "load balancer"]);
    assert_eq!(p.source_url.as_deref(), Some("https://status.skyfield.example/incidents/2023-object-storage"));
    assert_eq!((p.start, p.end), (None, None), "empty start_time and end_time are no value");
    assert!(p.extra.contains_key("uuid") && !p.extra.contains_key("url"));
}

#[test]
fn an_archive_entrys_summary_gives_its_root_cause_text() {
    let p = parse(
        "---\ntitle: Checkout down\ncompany: Acme\nsummary: Checkout failed for an hour because a certificate expired.\n---\n\
         The on-call engineer looked at the database first, because it had failed the week before.\n",
    );
    assert_eq!(p.root_cause.as_deref(), Some("Checkout failed for an hour because a certificate expired."));
    assert_eq!(p.provenance["root_cause"].source, FactSource::FrontMatter);
}

#[test]
fn an_archive_entry_without_categories_gets_its_cause_from_the_summary() {
    let text = std::fs::read_to_string("tests/fixtures/reading/archive-entry.md").unwrap();
    let without: String = text.replace("- cloud\n- config-change\n- postmortem\n", "- postmortem\n");
    let p = Reader::new(&Config::default_for(Path::new("."))).parse("entry.md", without.as_bytes());
    assert_eq!(p.kind, Kind::Postmortem);
    assert!(p.tags.contains(&"network".to_string()), "{:?}", p.tag_evidence);
    assert!(!p.tags.contains(&"postmortem".to_string()));
}

#[test]
fn a_report_in_spanish_is_a_postmortem() {
    assert_eq!(read("non-english-es.md").kind, Kind::Postmortem);
}

#[test]
fn two_write_ups_in_a_conflict_are_one_postmortem() {
    let p = read("conflict-two-writeups.md");
    assert_eq!(p.kind, Kind::Postmortem);
    assert_eq!(p.conflicts.len(), 1);
    assert!(p.tags.contains(&"software-bug".to_string()), "{:?}", p.tags);
}

#[test]
fn negated_and_hypothetical_causes_and_fixes_are_not_tags() {
    let p = read("negated-causes.md");
    assert_eq!(p.tags, ["capacity"], "{:?}", p.tag_evidence);
}

#[test]
fn the_threshold_and_weights_are_the_sites_to_tune() {
    let strict = Config::from_toml(Path::new("."), Path::new("site.toml"), "[taxonomy]\nthreshold = 100.0\n").unwrap();
    assert_eq!(read_with("negated-causes.md", &strict).tags, Vec::<String>::new());
    let no_root_cause =
        Config::from_toml(Path::new("."), Path::new("site.toml"), "[taxonomy.weights]\nroot_cause = 0\n").unwrap();
    assert!(read_with("topic-tags.md", &no_root_cause).tag_evidence.iter().all(|e| e.place != "root_cause"));
    let err = Config::from_toml(Path::new("."), Path::new("site.toml"), "[taxonomy.weights]\ncause = 1\n").unwrap_err();
    assert!(err.to_string().contains("unknown place \"cause\""), "{err}");
    // One tag's own weights: a monitoring gap in the detection section no longer counts.
    let quiet_detection = "[taxonomy.tags.monitoring-gap]\nweights = { detection = 0.0, lessons_learned = 0.0 }\n";
    let quiet = Config::from_toml(Path::new("."), Path::new("site.toml"), quiet_detection).unwrap();
    assert!(!read_with("blog-topic-tags.md", &quiet).tags.contains(&"monitoring-gap".to_string()));
    let err =
        Config::from_toml(Path::new("."), Path::new("site.toml"), "[taxonomy.tags.dns]\nweights = { cause = 1 }\n")
            .unwrap_err();
    assert!(err.to_string().contains("taxonomy.tags.dns.weights: unknown place \"cause\""), "{err}");
}

#[test]
fn a_guide_that_names_outages_but_tells_none_is_not_a_postmortem() {
    let p = read("guide-about-postmortems.md");
    assert_eq!(p.kind, Kind::Other);
    let note = p.diagnostics.iter().find(|d| d.code == "kind").expect("a kind note");
    assert!(note.message.contains("Postmortems help"), "{}", note.message);
    // A write-up that says what a postmortem is, and tells its failure, is one.
    let told = "# Login outage\n\nA postmortem is how we learn. On 2024-05-02 the login API went down \
                for 20 minutes and we rolled back the deploy.\n";
    let p = Reader::new(&Config::default_for(Path::new("."))).parse("t.md", told.as_bytes());
    assert_eq!(p.kind, Kind::Postmortem);
}

#[test]
fn a_blank_form_and_an_assignment_in_other_words() {
    let form = "# Postmortem\n\nDate: ____________\nDuration: ____________\n\n## What happened?\n\n\
                ## Why did it happen?\n\n## What will we do to prevent it?\n";
    assert_eq!(parse(form).kind, Kind::Template);
    let assignment = "# Assignment 3: Incident postmortem\n\nIn this assignment you will write a blameless \
                      postmortem for the outage your team simulated in week 5. Your report should include a \
                      summary, timeline, root cause and action items.\n";
    assert_eq!(parse(assignment).kind, Kind::Prompt);
    // A filled-in form with one blank left is still a postmortem.
    let filled = "# Checkout outage\n\nDate: 2024-03-05\nOwner: ____\n\n## What happened?\n\nThe API went \
                  down at 14:15 UTC.\n\n## Why did it happen?\n\nA bad config push.\n";
    assert_eq!(parse(filled).kind, Kind::Postmortem);
}

#[test]
fn a_ticket_field_named_assignment_and_a_template_in_german() {
    // A problem record's "Assignment group" is a field, not a course's assignment.
    let record = "# Problem PRB0041877\n\n| Number | PRB0041877 | Assignment group | Network Operations |\n                  |---|---|---|---|\n\n### Problem statement\n\nFrom 6 February 2024, SAP sessions kept \
                  freezing and large file copies were failing part-way.\n\n### Root cause\n\nThe tunnel MTU \
                  was left at 1500.\n";
    assert_eq!(parse(record).kind, Kind::Postmortem);
    let vorlage = "# Vorlage: Post-Mortem\n\n**Datum:** TT.MM.JJJJ\n**Verfasser:** &lt;Name&gt;\n\n\
                   ## Zeitlicher Ablauf\n\n| Uhrzeit | Ereignis |\n|---|---|\n| hh:mm | Alarm |\n\n\
                   ## Ursache\n\n&lt;Technische Ursache&gt;\n";
    assert_eq!(parse(vorlage).kind, Kind::Template);
    // An index whose rows each link a write-up, under a heading read as a timeline.
    let rows = (1..=3)
        .map(|d| format!("| 2024-0{d}-1{d} | SEV2 | Checkout failing | [link](2024-0{d}-1{d}-checkout.md) |\n"))
        .collect::<String>();
    let index = format!("# Incident log\n\n| Date | Sev | Title | Write-up |\n|---|---|---|---|\n{rows}");
    assert_eq!(parse(&index).kind, Kind::List);
    // A quarter's report lists its incidents even where it tells their causes.
    let rows = (1..=3)
        .map(|d| format!("| INC-{d} | 2024-0{d}-0{d} | 48 min | Deploy with a broken bundle |\n"))
        .collect::<String>();
    let quarter = format!(
        "# Q2 2024 Incident Summary\n\nFour of the nine were caused by changes.\n\n## Incidents\n\n| ID | Date | Duration | Cause |\n|---|---|---|---|\n{rows}"
    );
    assert_eq!(parse(&quarter).kind, Kind::List);
    // A postmortems folder's README, in Portuguese.
    let readme = "# Postmortems — Time de Plataforma\n\nEsta pasta guarda os postmortems dos incidentes de produção.\n\n\
                  Escreva um para todo outage ou downtime de um serviço.\n\n\
                  ## Como escrever\n\n1. Copie `MODELO.md`.\n2. Preencha o resumo, o impacto e a causa raiz.\n";
    assert_eq!(parse(readme).kind, Kind::Other);
    // A service's SLO document names a cause in passing ("incidents caused by a provider").
    let slo = "# SLO: Checkout API\n\n## Exclusions\n\nIncidents caused by a payment provider are not excluded.\n";
    assert_eq!(parse(slo).kind, Kind::Other);
}

#[test]
fn a_file_not_read_as_a_postmortem_says_why() {
    let p = coroner_fixture("assignment.md");
    assert_eq!(p.kind, Kind::Prompt);
    let note = p.diagnostics.iter().find(|d| d.code == "kind").expect("a kind note");
    assert!(note.message.starts_with("read as prompt, not a postmortem"), "{}", note.message);
    assert!(note.line > 0);
    let front_matter = "---\nkind: template\n---\n# Checkout outage\n\nThe API failed and we rolled back.\n";
    let p = Reader::new(&Config::default_for(Path::new("."))).parse("t.md", front_matter.as_bytes());
    assert_eq!(p.kind, Kind::Template);
}

fn coroner_fixture(name: &str) -> Postmortem {
    let bytes = std::fs::read(Path::new("tests/fixtures").join(name)).expect("fixture exists");
    Reader::new(&Config::default_for(Path::new("."))).parse(name, &bytes)
}

/// Build a one-file archive and return the incident page's HTML.
fn published_page(fixture: &str, id: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    std::fs::copy(Path::new("tests/fixtures/reading").join(fixture), dir.path().join("content").join(fixture)).unwrap();
    let build = std::process::Command::new(env!("CARGO_BIN_EXE_coroner"))
        .args(["build", "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    std::fs::read_to_string(dir.path().join(format!("public/incidents/{id}/index.html"))).unwrap()
}

#[test]
fn the_page_shows_keywords_the_source_link_and_why_a_tag_was_inferred() {
    let page = published_page("archive-entry.md", "archive-entry");
    assert!(page.contains("cloud, postmortem, load balancer"), "keywords on the page");
    assert!(page.contains(r#"href="https://status.skyfield.example/incidents/2023-object-storage""#));
    let page = published_page("topic-tags.md", "topic-tags");
    assert!(page.contains(r#"inferred from dns: the root cause, line 16 (&quot;DNS&quot;)"#), "tooltip");
}

/// The start, end and duration a reader sees, as `inspect` prints them.
fn when(p: &Postmortem) -> (Option<String>, Option<String>, Option<u32>) {
    (p.start.map(|t| t.to_string()), p.end.map(|t| t.to_string()), p.duration_minutes)
}

#[test]
fn a_facts_table_date_is_day_first_in_a_european_zone() {
    let p = read("date-facts-table.md");
    let want = (Some("2024-03-12T14:02:00+01:00".into()), Some("2024-03-12T14:47:00+01:00".into()), Some(45));
    assert_eq!(when(&p), want);
    assert!(p.diagnostics.iter().all(|d| d.code != "ambiguous-date"));
}

#[test]
fn a_report_in_portuguese_reads_its_date_day_first_and_its_sections_and_causes() {
    let p = read("non-english-pt.md");
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2025-06-02"));
    assert!(p.diagnostics.iter().all(|d| d.code != "ambiguous-date"), "{:?}", p.diagnostics);
    let kinds: Vec<&str> = p.sections.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["summary", "root_cause", "contributing_factors", "resolution", "lessons_learned"]);
    assert_eq!(p.tags, ["config-change", "deploy", "monitoring-gap"]);
}

#[test]
fn a_blog_post_states_its_cause_with_connectives_and_its_length_with_a_range() {
    let p = read("blog-causes-in-prose.md");
    // "caused by that bad pool size" weighs as a root cause; the database
    // that "led to" rejections is the victim.
    assert_eq!(p.tags, ["config-change"]);
    let cause = p.tag_evidence.iter().find(|e| e.phrase == "bad pool size").expect("the stated cause is evidence");
    assert_eq!((cause.place.as_str(), cause.line), ("root_cause", 8));
    // "restarted within a minute or two" is not how long uploads failed.
    let want = (Some("2025-09-04T09:12:00+00:00".into()), Some("2025-09-04T10:05:00+00:00".into()), Some(53));
    assert_eq!(when(&p), want);
}

#[test]
fn meeting_notes_that_mention_an_incident_are_not_its_postmortem() {
    let p = read("meeting-notes.md");
    assert_eq!(p.kind, Kind::Other);
    let why = p.diagnostics.iter().find(|d| d.code == "kind").expect("the kind is explained");
    assert_eq!(why.line, 1);
    assert!(why.message.contains("another kind of document (\"sync\")"), "{}", why.message);
}

#[test]
fn a_handoff_note_and_a_decision_record_are_not_postmortems() {
    let story =
        "\nThe checkout API failed on 9 September 2024 from 10:00 to 10:40 UTC after a bad deploy; we rolled back.\n";
    assert_eq!(parse(&format!("# On-call handoff — Payments — week 37\n{story}")).kind, Kind::Other);
    assert_eq!(parse(&format!("# ADR-0042: Run our own DNS resolvers\n{story}")).kind, Kind::Other);
    assert_eq!(parse(&format!("# Ops weekly — 2024-09-10\n{story}")).kind, Kind::Other);
    assert_eq!(parse(&format!("# Daily standup notes\n{story}")).kind, Kind::Other);
    // A period that qualifies the job's output names no meeting.
    assert_eq!(parse(&format!("# Late delivery of the daily visits dataset\n{story}")).kind, Kind::Postmortem);
}

#[test]
fn a_total_downtime_label_and_a_canadian_french_zone() {
    let p = parse(
        "# Outage\n\nOn 2 October 2024 from 14:05 to 17:45 UTC logins failed twice.\n\nTotal customer-facing downtime: 92 minutes across two occurrences.\n",
    );
    assert_eq!(p.duration_minutes, Some(92));
    let p = parse("# Panne\n\nLe 2 octobre 2024 à 14 h 05 (HAE), l'application a cessé de répondre.\n");
    assert_eq!(p.start.map(|t| t.to_string()).as_deref(), Some("2024-10-02T14:05:00-04:00"));
}

#[test]
fn minutes_counted_in_a_title_are_a_length_not_meeting_minutes() {
    let story = "On 14 January 2025 between 19:02 and 20:12 UTC checkout failed: a network card dropped packets and the retries overloaded the database.\n";
    assert_eq!(
        parse(&format!("# How one network card took checkout down for 70 minutes\n\n{story}")).kind,
        Kind::Postmortem
    );
    let minutes = parse(
        "# Platform team minutes, 14 January\n\n- Checkout failed on Tuesday; Ana follows up.\n- Hiring: two open roles.\n",
    );
    assert_eq!(minutes.kind, Kind::Other);
}

#[test]
fn an_index_table_of_dated_links_is_a_list() {
    let p = read("incident-index.md");
    assert_eq!(p.kind, coroner::model::Kind::List);
    // A log's H1 that names its year is its title, not a timeline heading.
    let row = |n: u32| format!("| 2023-0{n}-09 | SEV2 | Slow search | [PM-00{n}](pm/00{n}.md) |\n");
    let log = format!(
        "# Incident log — 2023\n\n| Date | Sev | Summary | Postmortem |\n|---|---|---|---|\n{}{}{}",
        row(1),
        row(2),
        row(3)
    );
    let p = parse(&log);
    assert_eq!((p.kind, p.title.as_deref()), (Kind::List, Some("Incident log — 2023")));
}

#[test]
fn a_runbook_that_recalls_an_outage_is_not_a_postmortem() {
    let p = read("runbook.md");
    assert_eq!(p.kind, Kind::Other);
    let why = p.diagnostics.iter().find(|d| d.code == "kind").expect("the kind is explained");
    assert!(why.message.contains("\"Runbook\""), "{}", why.message);
}

#[test]
fn a_numeric_date_in_greenwich_time_is_day_first_and_in_utc_month_first() {
    let day = |zone: &str| {
        let p = parse(&format!("# Outage\n\nThe API outage started on 05/03/2024 at 13:20 {zone}.\n"));
        p.date.map(|d| d.to_string())
    };
    assert_eq!(day("GMT").as_deref(), Some("2024-03-05"));
    assert_eq!(day("UTC").as_deref(), Some("2024-05-03"));
}

#[test]
fn a_numeric_date_either_way_round_is_read_month_first_with_a_warning() {
    let p = read("date-ambiguous.md");
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2024-03-04"));
    let warning = p.diagnostics.iter().find(|d| d.code == "ambiguous-date").expect("an ambiguous-date warning");
    assert_eq!(warning.line, 3);
}

#[test]
fn the_next_morning_after_a_dated_entry_is_the_day_after() {
    let p = read("date-next-morning.md");
    assert_eq!(p.timeline[1].time.map(|t| t.to_string()).as_deref(), Some("2024-03-13T08:00:00+00:00"));
    assert_eq!(p.duration_minutes, Some(530));
}

#[test]
fn a_date_only_in_the_title_is_the_incident_date() {
    assert_eq!(read("date-in-title.md").date.map(|d| d.to_string()).as_deref(), Some("2024-06-07"));
}

#[test]
fn a_month_name_between_dots_and_times_with_h_and_a_bracketed_zone() {
    let p = read("date-month-dots.md");
    let want = (Some("2024-03-12T11:40:00+01:00".into()), Some("2024-03-12T12:25:00+01:00".into()), Some(45));
    assert_eq!(when(&p), want);
}

#[test]
fn a_blogs_topic_tag_that_names_a_cause_does_not_stop_inference() {
    let p = read("blog-topic-tags.md");
    // `postgresql` is an alias of database: it stays, from the front matter.
    assert_eq!(p.tags[0], "database");
    assert_eq!(p.tags_source, Some(TagsSource::FrontMatterAndInferred));
    assert_eq!(p.keywords, ["sre", "postmortem", "incidents"]);
    for tag in ["data-migration", "capacity", "cascading-failure", "monitoring-gap"] {
        assert!(p.tags.contains(&tag.to_string()), "{tag}: {:?}", p.tag_evidence);
    }
    // The front matter's tag needs no evidence; the inferred ones keep theirs.
    assert!(p.tag_evidence.iter().all(|e| e.tag != "database"));
    // A monitoring gap is told in the detection section, and weighs as a cause there.
    let gap = p.tag_evidence.iter().find(|e| e.tag == "monitoring-gap").unwrap();
    assert_eq!((gap.place.as_str(), gap.phrase.as_str(), gap.weight), ("detection", "Nobody was paged", 3.0));
}

#[test]
fn a_time_to_recovery_is_the_duration_and_a_site_completely_down_affects_everyone() {
    let p = read("stated-recovery.md");
    assert_eq!(p.duration_minutes, Some(50), "not the 150 minutes to the last timeline entry");
    assert_eq!(p.impact.users_pct, Some(100.0));
    assert!(p.tags.contains(&"config-change".to_string()), "{:?}", p.tag_evidence);
    assert!(!p.tags.contains(&"security".to_string()), "a potential DDoS explored is no cause");
}

#[test]
fn no_customer_impact_is_none_affected() {
    let p = read("no-customer-impact.md");
    assert_eq!(p.impact.users_pct, Some(0.0));
    assert_eq!(p.duration_minutes, Some(120));
    assert!(p.tags.contains(&"capacity".to_string()), "{:?}", p.tag_evidence);
}

#[test]
fn a_duration_is_read_from_recovery_words_and_from_the_title() {
    let recovered =
        parse("# Launches failing\n\n## Summary\n\nThe cluster appeared to recover itself in 20 minutes.\n");
    assert_eq!(recovered.duration_minutes, Some(20));
    let titled = parse("# January 2020: media server outage for approximately 2 weeks\n\nIt broke.\n");
    assert_eq!(titled.duration_minutes, Some(14 * 24 * 60));
}

#[test]
fn durations_written_before_the_outage_and_as_start_then_resolution() {
    let minutes = summary_duration;
    assert_eq!(minutes("There were approximately 3 hours of downtime for checkout."), Some(180));
    assert_eq!(minutes("Customers saw a 45-minute outage of the checkout API."), Some(45));
    assert_eq!(minutes("The outage started at 10:00 AM PST and was resolved at 11:30 AM PST."), Some(90));
    // Said after the outage's noun, after "took us", in words with a half.
    assert_eq!(minutes("Downtime was 6 hours and 12 minutes."), Some(372));
    assert_eq!(minutes("The total outage was about 50 minutes."), Some(50));
    // HTTP errors are the outage: "checkout returned 500s for 25 min".
    assert_eq!(minutes("Checkout returned 500s for 25 min after the deploy."), Some(25));
    assert_eq!(minutes("It took us 2 hours to restore service."), Some(120));
    assert_eq!(minutes("Customers could not pay for approximately two and a half hours."), Some(150));
    // A wait that is not the outage's length stays unread.
    assert_eq!(minutes("The outage was reported by a customer 3 hours after a deploy."), None);
    // "and" in the corpus languages.
    assert_eq!(minutes("Le paiement a été indisponible le 12 mars 2024 entre 14h10 et 14h55 CET."), Some(45));
    assert_eq!(minutes("Der Dienst fiel am 12.03.2024 zwischen 9:00 und 9:40 Uhr aus."), Some(40));
    // Two moments of a story are no range.
    assert_eq!(minutes("An alert fired at 10:05 and the team paged the DBA at 10:30."), None);
}

#[test]
fn the_share_of_users_in_words_fractions_and_percent() {
    let share = |impact: &str| parse(&format!("# Checkout outage\n\n## Impact\n\n{impact}\n")).impact.users_pct;
    assert_eq!(share("Half of all requests timed out."), Some(50.0), "not 'all requests'");
    assert_eq!(share("About a third of customers saw errors."), Some(33.0));
    assert_eq!(share("The outage affected 25 percent of our users."), Some(25.0));
    assert_eq!(share("Every request to the payment service failed."), Some(100.0));
    assert_eq!(share("The service was unavailable to everyone."), Some(100.0));
    assert_eq!(share("The API was partially down for some users in one region."), None);
    assert_eq!(share("Around 12,000 users were affected."), None, "a count is no share");
    assert_eq!(share("Customers could not pay: the site was completely down."), Some(100.0));
    assert_eq!(share("The site was not completely down."), None);
    assert_eq!(share("Nearly all users saw errors."), None, "nearly all is no 100");
    assert_eq!(share("One in ten requests failed."), Some(10.0));
    assert_eq!(share("1 out of 4 logins timed out."), Some(25.0));
    assert_eq!(share("The whole site was down for the evening."), Some(100.0));
    assert_eq!(share("The whole site was slow, and some pages were down."), None);
    assert_eq!(share("Users were not impacted."), Some(0.0));
    assert_eq!(share("Customers experienced no impact."), Some(0.0));
    // Said anywhere, a timeline entry too, when the impact does not say.
    let p = parse(
        "# Site outage

## Timeline

- 16:52 Site is hard down, engineers respond
- 17:30 Recovered
",
    );
    assert_eq!(p.impact.users_pct, Some(100.0));
}

#[test]
fn a_summary_of_labelled_facts_gives_the_impact_not_the_duration_line() {
    let facts = "# Checkout slowdown\n\n**Issue Summary**\n\n- **Duration:** 10:00 AM to 1:45 PM (UTC)\n- **Impact:** Checkout was slow for a quarter of users.\n- **Root Cause:** the autoscaler hit its maximum.\n";
    assert_eq!(parse(facts).summary.as_deref(), Some("Checkout was slow for a quarter of users."));
    let label = "# Resolver split\n\nIssue Summary: for about forty minutes the resolvers answered wrongly.\n\n## Timeline\n\n- 10:00 start\n";
    assert_eq!(parse(label).summary.as_deref(), Some("For about forty minutes the resolvers answered wrongly."));
}

#[test]
fn an_end_told_in_a_sentence_of_its_own() {
    let p = parse(
        "# Checkout incident\n\nOn 5 March 2024 at 14:02 CET our checkout failed. The outage ended at 15:10 CET.\n",
    );
    let want = (Some("2024-03-05T14:02:00+01:00".into()), Some("2024-03-05T15:10:00+01:00".into()), Some(68));
    assert_eq!(when(&p), want);
}

#[test]
fn a_reason_given_in_passing_is_the_root_cause_text_but_no_stronger_evidence() {
    let p =
        parse("# Binder down\n\nWe got alerts that Binder was down. It went down because the ingress pods crashed.\n");
    assert_eq!(p.root_cause.as_deref(), Some("It went down because the ingress pods crashed."));
    assert!(p.tag_evidence.iter().all(|e| e.place != "root_cause"), "{:?}", p.tag_evidence);
    // The author's reason for writing is no reason for the outage.
    let p = parse(
        "# The day our tokens expired\n\nThis post explains what happened, because several of you asked. \
         Logins failed for an hour because two clocks had drifted.\n",
    );
    assert_eq!(p.root_cause.as_deref(), Some("Logins failed for an hour because two clocks had drifted."));
}

#[test]
fn values_a_reader_would_not_believe_are_warnings_and_left_out() {
    let p = parse(
        "---\nstart: 2024-03-12T15:00:00Z\nend: 2024-03-12T14:00:00Z\n---\n# Swapped times\n\n## Impact\n\n150% of users were affected.\n",
    );
    assert_eq!((p.start.is_some(), p.end, p.duration_minutes, p.impact.users_pct), (true, None, None, None));
    let warnings: Vec<_> = p.diagnostics.iter().filter(|d| d.code == "implausible-value").map(|d| d.line).collect();
    assert_eq!(warnings, [3, 7], "the end, and the impact section: {:?}", p.diagnostics);
    assert!(p.body.contains("150% of users"), "the text stays");
    let long = parse("# Slow leak\n\n## Summary\n\nThe outage lasted 800 days.\n");
    assert_eq!(long.duration_minutes, None);
    assert!(long.diagnostics.iter().any(|d| d.code == "implausible-value" && d.line == 5), "{:?}", long.diagnostics);
}

#[test]
fn a_shortened_month_with_its_period_keeps_the_sentence_and_the_date() {
    // "Sept. 9, 2025" must not end the sentence after "Sept.".
    let p = read("date-abbreviated-month.md");
    let want = (Some("2025-09-09T14:15:00+03:00".into()), Some("2025-09-09T15:05:00+03:00".into()), Some(50));
    assert_eq!(when(&p), want);
}

#[test]
fn a_report_in_italian_reads_its_date_and_its_range() {
    let p = read("non-english-it.md");
    assert_eq!(p.kind, coroner::model::Kind::Postmortem);
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2025-03-14"));
    let want = (Some("2025-03-14T10:20:00+01:00".into()), Some("2025-03-14T11:05:00+01:00".into()), Some(45));
    assert_eq!(when(&p), want);
}

#[test]
fn a_duration_told_in_german_or_japanese_prose_is_read() {
    // "für knapp zwei Stunden nicht erreichbar": no duration label, no times.
    assert_eq!(when(&read("non-english-de-duration.md")).2, Some(120));
    // "約2時間にわたり停止": the clock time "14時30分" is not a duration.
    assert_eq!(when(&read("non-english-ja-duration.md")).2, Some(120));
}

#[test]
fn a_date_without_its_year_takes_the_year_the_page_writes_elsewhere() {
    // "on November 19": the year comes from the "Posted 11/19/2025" lines.
    let p = read("status-page-history.md");
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2025-11-19"));
    let want = (Some("2025-11-19T15:10:00-05:00".into()), Some("2025-11-19T16:25:00-05:00".into()), Some(75));
    assert_eq!(when(&p), want);
}

#[test]
fn a_sentence_that_runs_from_one_time_until_another_is_the_outage() {
    let p = read("start-until-end.md");
    let want = (Some("2025-05-08T07:12:00+01:00".into()), Some("2025-05-08T07:58:00+01:00".into()), Some(46));
    assert_eq!(when(&p), want);
    // The second time with a day of its own: "until Monday … at 08:30".
    let config = Config::default_for(Path::new("."));
    let story = b"# Search split brain\n\nFrom **Saturday 9 September 2023 at 22:47 BST** until **Monday 11 September 2023 at 08:30 BST** - roughly 34 hours - search returned incomplete results.\n";
    let p = Reader::new(&config).parse("s.md", story);
    let want = (Some("2023-09-09T22:47:00+01:00".into()), Some("2023-09-11T08:30:00+01:00".into()), Some(2023));
    assert_eq!(when(&p), want);
}

#[test]
fn a_jira_export_reads_its_day_month_year_dates_and_its_named_last_headings() {
    // "02/Sep/25 9:05 AM", "## Response timeline (BST)", "## Customer impact".
    let p = read("jira-export.md");
    let want = (Some("2025-09-02T09:05:00+01:00".into()), Some("2025-09-02T10:03:00+01:00".into()), Some(58));
    assert_eq!(when(&p), want);
    assert_eq!(p.timeline.len(), 4);
    let kinds: Vec<&str> = p.sections.iter().map(|s| s.kind.as_str()).collect();
    assert!(kinds.contains(&"timeline") && kinds.contains(&"impact"), "{kinds:?}");
    assert!(p.tags.contains(&"automation".to_string()), "{:?}", p.tags);
    // The "Severity" row, not the "Priority" row above it.
    assert_eq!(p.severity.as_deref(), Some("SEV3"));
}

#[test]
fn a_blog_posts_date_is_when_it_was_posted_and_the_story_tells_the_incident() {
    // Front matter `date: 2025-02-20` is the post; the text starts on the 12th,
    // "for the next 22 minutes", and "by 09:53 carts were back to normal".
    let p = read("blog-posted-later.md");
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2025-02-12"));
    let want = (Some("2025-02-12T09:31:00+00:00".into()), Some("2025-02-12T09:53:00+00:00".into()), Some(22));
    assert_eq!(when(&p), want);
    // "Posted on 2025-04-02" is a byline: the incident is on 24 March.
    let p = read("byline-story.md");
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2025-03-24"));
    assert_eq!(p.end.map(|t| t.to_string()).as_deref(), Some("2025-03-24T16:45:00+01:00"));
    // So is an author's line, "Name, Team — June 18, 2024": the story's
    // "Monday, June 10th" takes the byline's year.
    let p = read("byline-author-dash.md");
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2024-06-10"));
}

#[test]
fn a_status_pages_updates_are_its_timeline_oldest_first_and_bound_the_outage() {
    // Newest first on the page, each stamped on the line below it.
    let p = read("status-page-updates.md");
    let texts: Vec<&str> = p.timeline.iter().map(|e| e.text.split(' ').next().unwrap_or("")).collect();
    assert_eq!(texts, ["Investigating", "Identified", "Monitoring", "Resolved"]);
    let want = (Some("2025-03-04T10:12:00+01:00".into()), Some("2025-03-04T11:40:00+01:00".into()), Some(88));
    assert_eq!(when(&p), want);
}

#[test]
fn a_pasted_chat_log_is_the_timeline_of_a_file_without_one() {
    let p = read("chat-log.md");
    assert_eq!(p.timeline.len(), 5);
    assert_eq!(p.timeline[0].time.map(|t| t.to_string()).as_deref(), Some("2025-05-06T09:02:00+02:00"));
    assert!(p.timeline[4].text.contains("queue empty"), "{:?}", p.timeline[4].text);
}

#[test]
fn a_zone_with_daylight_saving_is_read_for_the_date() {
    // "All times America/Chicago" in July is CDT, not CST.
    let p = read("seasonal-zones.md");
    let (start, end, minutes) = when(&p);
    assert_eq!(start.as_deref(), Some("2024-07-18T21:41:00-05:00"));
    assert_eq!(end.as_deref(), Some("2024-07-18T22:58:00-05:00"));
    assert_eq!(minutes, Some(77));
    assert_eq!(p.timezone.as_deref(), Some("America/Chicago"));
}

#[test]
fn an_e_mails_date_header_is_when_it_was_sent_not_the_incident() {
    let p = read("mail-to-customers.md");
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2024-09-03"));
    let (start, end, minutes) = when(&p);
    assert_eq!(start.as_deref(), Some("2024-09-03T09:12:00+00:00"));
    assert_eq!(end.as_deref(), Some("2024-09-03T10:02:00+00:00"));
    assert_eq!(minutes, Some(50));
}

#[test]
fn a_time_said_to_start_it_takes_the_day_from_the_title() {
    let p = read("bullet-notes.md");
    let (start, _, _) = when(&p);
    assert_eq!(start.as_deref(), Some("2024-10-15T16:42:00+00:00"));
    // When the response started is not when the outage did.
    let config = Config::default_for(Path::new("."));
    let notes = b"# 2024-10-15 search outage\n\n- we started investigating at 16:50 UTC\n";
    assert_eq!(Reader::new(&config).parse("n.md", notes).start, None);
}

#[test]
fn a_postmortem_written_in_html_is_read_like_markdown() {
    let p = read("html-page.md");
    assert_eq!(p.kind, Kind::Postmortem);
    assert!(p.diagnostics.iter().any(|d| d.code == "html-document" && d.line == 1));
    let kinds: Vec<&str> = p.sections.iter().map(|s| s.kind.as_str()).collect();
    for kind in ["summary", "timeline", "root_cause", "action_items"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    // The table's rows are the timeline, on the lines the rows were written.
    let times: Vec<(String, u32)> = p.timeline.iter().map(|e| (e.time_text.clone(), e.line)).collect();
    assert_eq!(times, [("13:02".to_string(), 22), ("13:15".to_string(), 23), ("13:49".to_string(), 24)]);
    let (start, end, _) = when(&p);
    assert_eq!(
        (start.as_deref(), end.as_deref()),
        (Some("2024-06-18T13:02:00+00:00"), Some("2024-06-18T13:49:00+00:00"))
    );
    assert!(p.tags.contains(&"capacity".to_string()), "{:?}", p.tag_evidence);
    assert_eq!(p.action_items.len(), 2);
    // The page shows the table as a table.
    assert!(p.body.contains("| Time | Event |"), "{}", p.body);
}

#[test]
fn a_story_that_opens_with_its_time_starts_then() {
    let p = read("story-opening-time.md");
    let (start, end, minutes) = when(&p);
    assert_eq!(start.as_deref(), Some("2025-03-11T09:40:00+03:00"));
    assert_eq!(end.as_deref(), Some("2025-03-11T10:25:00+03:00"));
    assert_eq!(minutes, Some(45));
}

#[test]
fn an_archive_entrys_story_names_things_in_passing_its_summary_states_the_cause() {
    // The front matter's summary states the cause; the text retells the
    // morning, naming the firewall, the database and a release on the way.
    let p = read("archive-entry-story.md");
    assert_eq!(p.tags, ["config-change"], "{:?}", p.tag_evidence);
    assert!(p.tag_evidence.iter().any(|e| e.place == "summary" && e.line == 9));
}

#[test]
fn being_without_a_service_a_secret_left_public_and_a_total_are_outage_lengths() {
    let minutes = summary_duration;
    assert_eq!(minutes("The whole house was \"without internet\" for about nine hours."), Some(540));
    assert_eq!(minutes("The key was valid and public for 49 minutes."), Some(49));
    assert_eq!(minutes("Visitors got a parking page. About 57 hours in total."), Some(57 * 60));
    // A share of a span measures nothing.
    assert_eq!(minutes("For most of a week, a small share of requests failed."), None);
    assert_eq!(minutes("Dauer der Störung: 3 Std. 45 Min."), Some(225));
    // Data shown wrong is the outage of a data incident.
    assert_eq!(minutes("Historical appointment times were wrong for 24 days."), Some(24 * 24 * 60));
    // A part's length first, then the total: the total is the outage's.
    let parts = "Path B was without power for 4 minutes. Total duration of the incident, until all services \
                 were confirmed operational: 43 minutes.";
    assert_eq!(minutes(parts), Some(43));
}

#[test]
fn a_duration_after_a_qualifier_of_several_words_keeps_its_lead_word() {
    let minutes = summary_duration;
    assert_eq!(minutes("The outage lasted just over 2 hours."), Some(120));
    assert_eq!(minutes("Checkout failed for a little less than three hours."), Some(180));
    assert_eq!(minutes("The outage lasted slightly more than 40 minutes."), Some(40));
    // Italian "per" before Italian units, "durato" without its auxiliary.
    assert_eq!(minutes("Il servizio è rimasto irraggiungibile per circa due ore."), Some(120));
    assert_eq!(minutes("I pagamenti sono stati bloccati per quasi tre ore."), Some(180));
    assert_eq!(minutes("Il disservizio, durato circa 40 minuti, ha colpito tutti."), Some(40));
    // "per" before English units is a rate, not a length.
    assert_eq!(minutes("The outage raised errors to 300 per 5 minutes."), None);
    assert_eq!(minutes("El servicio estuvo caído durante casi dos horas."), Some(120));
    assert_eq!(minutes("O serviço ficou fora do ar por cerca de 3 horas."), Some(180));
    assert_eq!(minutes("Le service a été en panne pendant près de deux heures."), Some(120));
    assert_eq!(minutes("Der Dienst war für gut zwei Stunden ausgefallen."), Some(120));
}

#[test]
fn a_stated_duration_and_a_written_start_and_end() {
    let minutes = |summary: &str| parse(&format!("# Queue outage\n\n## Summary\n\n{summary}\n")).duration_minutes;
    // "just over five hours" and 08:12 → 13:30 agree: the times are exact.
    let agree =
        "The outage started at 08:12 UTC on 1 July 2022 and was resolved at 13:30 UTC. It lasted just over five hours.";
    assert_eq!(minutes(agree), Some(318));
    // A plain statement that agrees still wins, as written.
    let plain = "The outage started at 08:12 UTC on 1 July 2022 and was resolved at 13:30 UTC. It lasted 5 hours.";
    assert_eq!(minutes(plain), Some(300));
    // A sentence that says more than twice the written span is about something else.
    let longer = "On 9 October 2024 the queue failed from 2:47 PM to 4:19 PM EDT. Nobody noticed the outage risk because for a week the peaks came early.";
    let p = parse(&format!("# Queue outage\n\n## Summary\n\n{longer}\n"));
    assert_eq!(p.duration_minutes, Some(92));
    assert!(p.diagnostics.iter().any(|d| d.code == "duration-mismatch"), "{:?}", p.diagnostics);
    // A window label that states its length.
    let window = parse("# Crash\n\n**Window:** 2026-05-06 (deploy) -> 2026-05-14 (fix). ~8 days\n\nIt crashed.\n");
    assert_eq!(window.duration_minutes, Some(8 * 24 * 60));
}

#[test]
fn a_wrapped_line_that_goes_on_with_a_sentence_opens_no_story() {
    let config = Config::default_for(Path::new("."));
    let story = b"# A night with a leak\n\nFriday evening, Feb 2, 2024. Our alerts channel starts\nposting OOM kills. First one at 18:47. Then another\nat 19:30. Then two more.\n";
    assert_eq!(Reader::new(&config).parse("s.md", story).start, None);
    let opens = b"# A night with a leak\n\nFriday evening, Feb 2, 2024. Our alerts channel was quiet.\nAt 19:30 the first pod was killed.\n";
    let start = Reader::new(&config).parse("o.md", opens).start.map(|t| t.civil.to_string());
    assert_eq!(start.as_deref(), Some("2024-02-02T19:30:00"));
}

#[test]
fn a_clause_that_is_only_its_lead_word_goes_on_with_the_subject() {
    let config = Config::default_for(Path::new("."));
    let story = b"# Billed twice\n\nOn 27 October 2019 the billing job ran twice. The whole thing, from the duplicate run to the last void, took ninety minutes.\n";
    assert_eq!(Reader::new(&config).parse("s.md", story).duration_minutes, Some(90));
}

#[test]
fn a_time_told_as_the_end_is_not_the_start() {
    let config = Config::default_for(Path::new("."));
    let read = |text: &str| {
        let p = Reader::new(&config).parse("e.md", text.as_bytes());
        (p.start.map(|t| t.civil.to_string()), p.end.map(|t| t.civil.to_string()))
    };
    let english = "# Checkout outage\n\nCheckout failed on 5 March 2024 at 13:20 UTC.\nThe outage was resolved on 5 March 2024 at 14:00 UTC.\n";
    assert_eq!(read(english), (Some("2024-03-05T13:20:00".into()), Some("2024-03-05T14:00:00".into())));
    let german = "# Ausfall\n\nErst am 13. August 2020 gegen 16 Uhr konnte die Störung behoben werden.\n";
    assert_eq!(read(german).0, None);
}

#[test]
fn a_time_told_as_the_start_beats_the_update_stamp_before_it() {
    let window = |text: &str| {
        let p = parse(text);
        (p.start.map(|t| t.to_string()), p.duration_minutes)
    };
    let status = "# Terminals offline\n\n**12/02/2025 10h50 CET — Resolved.** Stable for 45 minutes. The impact started at 08h57 CET and ended at 10h02 CET.\n";
    assert_eq!(window(status), (Some("2025-02-12T08:57:00+01:00".into()), Some(65)));
    // A recovery that "started" is no start.
    let story = "# Chat outage\n\nOn 21 March 2024 our chat failed.\n\nAt 10:17 UTC a message got a 500.\nAt 10:58 we reset the sequence. Messages started flowing again at 11:06.\n";
    assert_eq!(window(story).0.as_deref(), Some("2024-03-21T10:17:00+00:00"));
}

#[test]
fn a_date_gives_its_day_to_a_time_in_its_own_sentence_only() {
    let story = "# Duplicate invoices\n\nThe schedule meant \"at midnight on the first of every month\". Nothing ran it between 28 October 2025 and 1 November 2025.\n";
    assert_eq!(parse(story).start, None);
    // A German date's "12." ends no sentence for this.
    let german = parse("# Ausfall\n\nAm 12. August 2020 war das Netz ab 13:13 Uhr nicht mehr erreichbar.\n");
    assert_eq!(german.start.map(|t| t.civil.to_string()).as_deref(), Some("2020-08-12T13:13:00"));
}

#[test]
fn french_and_japanese_clock_notations_give_the_window() {
    let window = |text: &str| {
        let p = parse(text);
        (p.start.map(|t| t.to_string()), p.end.map(|t| t.to_string()), p.duration_minutes)
    };
    let french = "# Panne\n\n**Date :** le 3 mars 2025 à 14 h 05 (heure de Paris)\n**Durée :** 1 h 15\n";
    let (start, end) = (Some("2025-03-03T14:05:00+01:00".into()), Some("2025-03-03T15:20:00+01:00".into()));
    assert_eq!(window(french), (start, end, Some(75)));
    let japanese =
        "# 障害報告書\n\n2024年8月2日（金）13時10分から15時10分（JST）までの約2時間、ログインできませんでした。\n";
    let (start, end) = (Some("2024-08-02T13:10:00+09:00".into()), Some("2024-08-02T15:10:00+09:00".into()));
    assert_eq!(window(japanese), (start, end, Some(120)));
}

#[test]
fn a_report_in_chinese_reads_its_sections_zone_severity_and_timeline() {
    let report = "# 故障复盘：支付回调超时\n\n**故障等级：** P2\n**故障时间：** 2024年6月3日09:10 — 09:55（北京时间）\n\n## 一、故障概述\n\n支付回调大量超时。\n\n## 二、影响范围\n\n约 30% 的订单支付失败。\n\n## 三、根因分析\n\n证书更新后回调地址配置错误。\n\n## 四、处理过程\n\n| 时间 | 事件 |\n|---|---|\n| 09:10 | 回调开始超时 |\n| 09:40 | 回滚配置 |\n| 09:55 | 恢复正常 |\n\n## 五、改进措施\n\n1. 配置变更增加校验。\n2. 增加回调超时告警。\n";
    let p = parse(report);
    let kinds: Vec<&str> = p.sections.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["summary", "impact", "root_cause", "timeline", "action_items"]);
    assert_eq!(
        when(&p),
        (Some("2024-06-03T09:10:00+08:00".into()), Some("2024-06-03T09:55:00+08:00".into()), Some(45))
    );
    assert_eq!(p.severity_text.as_deref(), Some("P2"));
    assert_eq!((p.timeline.len(), p.action_items.len()), (3, 2));
    assert_eq!(p.tags, ["config-change"]);
}

#[test]
fn a_line_that_says_what_zone_the_times_are_in_zones_them() {
    let start = |note: &str| {
        let p = parse(&format!("# Login errors\n\n{note}\n\nOn 19 August 2025 at 10:12 AM logins failed.\n"));
        p.start.map(|t| t.to_string())
    };
    let pacific = Some("2025-08-19T10:12:00-07:00".to_string());
    assert_eq!(start("_Times are Slack display times for the exporter (PT)._"), pacific);
    assert_eq!(start("All times in PT."), pacific);
    // A US region alone, which elsewhere names a region, names its zone here.
    assert_eq!(start("All times are Pacific."), pacific);
    assert_eq!(start("Times shown in UTC."), Some("2025-08-19T10:12:00+00:00".to_string()));
    let kyiv = Some("2025-08-19T10:12:00+02:00".to_string());
    assert_eq!(start("Усі часи вказано за київським часом (EET, UTC+2)."), kyiv);
    assert_eq!(start("Alle Zeiten in EET."), kyiv);
    assert_eq!(start("**Saat dilimi:** TRT (UTC+3)"), Some("2025-08-19T10:12:00+03:00".to_string()));
    assert_eq!(start("Časové pásmo: UTC+2"), kyiv);
    // "All times are Greek time (EET).", "All times are Istanbul time (TRT)."
    assert_eq!(start("Όλες οι ώρες είναι ώρα Ελλάδας (EET)."), kyiv);
    assert_eq!(start("Tüm saatler İstanbul saatiyle (TRT)."), Some("2025-08-19T10:12:00+03:00".to_string()));
    // A country's time in its language, with its summer time.
    assert_eq!(start("Wszystkie godziny podano w czasie polskim."), kyiv);
    assert_eq!(start("Alle tijden in Nederlandse tijd."), kyiv);
}

#[test]
fn a_range_of_dotted_times_takes_the_zone_written_after_it() {
    let p = parse(
        "# Database unreachable\n\n**Tanggal:** Senin, 19 Februari 2024\n**Waktu:** 13.40 – 14.25 WIB\n\nAplikasi tidak bisa terhubung ke database.\n",
    );
    assert_eq!(when(&p).0.as_deref(), Some("2024-02-19T13:40:00+07:00"));
    assert_eq!(when(&p).1.as_deref(), Some("2024-02-19T14:25:00+07:00"));
}

#[test]
fn a_start_written_in_words_is_a_zoned_start() {
    let start = |story: &str| {
        let p = parse(&format!("# Quote outage\n\nOn Wednesday, November 25, 2020, quotes failed.\n\n{story}\n"));
        p.start.map(|t| t.to_string())
    };
    let at = |s: &str| Some(s.to_string());
    assert_eq!(
        start("At half past four in the afternoon (UTC) the geocoder slowed down."),
        at("2020-11-25T16:30:00+00:00")
    );
    assert_eq!(start("The outage started at a quarter to midnight UTC."), at("2020-11-25T23:45:00+00:00"));
    assert_eq!(
        start("Shortly after nine in the morning Pacific time, quotes failed."),
        at("2020-11-25T09:00:00-08:00")
    );
    assert_eq!(start("The outage began at noon CET."), at("2020-11-25T12:00:00+01:00"));
    assert_eq!(start("It started around 3 in the morning (EST)."), at("2020-11-25T03:00:00-05:00"));
    assert_eq!(start("The outage started at 4pm PT."), at("2020-11-25T16:00:00-08:00"));
    // A count is no time: "four in the morning queue".
    assert_eq!(start("Four servers restarted in the morning."), None);
}

#[test]
fn a_default_timezone_named_from_the_tz_database_follows_the_date() {
    let mut config = Config::default_for(Path::new("."));
    config.default_timezone = coroner::zone::parse_zone("Europe/Berlin").expect("a tz database name");
    let summer = Reader::new(&config).parse("s.md", b"# Outage\n\nOn 2024-07-02 at 14:05 the API failed.\n");
    let winter = Reader::new(&config).parse("w.md", b"# Outage\n\nOn 2024-01-09 at 14:05 the API failed.\n");
    assert_eq!(summer.start.map(|t| t.to_string()).as_deref(), Some("2024-07-02T14:05:00+02:00"));
    assert_eq!(winter.start.map(|t| t.to_string()).as_deref(), Some("2024-01-09T14:05:00+01:00"));
    assert!(summer.tz_assumed);
}

#[test]
fn contained_or_mitigated_is_the_end_when_no_label_says_it_ended() {
    let end = |labels: &str| parse(&format!("# Leaked key\n\n{labels}\n")).end.map(|t| t.to_string());
    assert_eq!(
        end("Start: 2025-03-03 04:18 UTC\nContained: 2025-03-03 06:02 UTC").as_deref(),
        Some("2025-03-03T06:02:00+00:00")
    );
    let both = "Start: 2024-08-22 10:02 UTC\nMitigated: 2024-08-22 10:24 UTC\nEnd: 2024-08-22 10:41 UTC";
    assert_eq!(end(both).as_deref(), Some("2024-08-22T10:41:00+00:00"));
}

#[test]
fn the_first_hours_of_an_outage_are_not_its_length_and_quarters_count() {
    let story = "# Storage outage\n\nOn 12 November 2024 from 9:37 AM CST until 12:26 PM CST the storage region failed. Our status page could not be updated for the first two hours.\n";
    assert_eq!(parse(story).duration_minutes, Some(169));
    assert_eq!(summary_duration("For an hour and three quarters, a third of requests failed."), Some(105));
}

#[test]
fn the_last_part_to_recover_ends_the_outage() {
    let story = |recovery: &str| {
        parse(&format!(
            "# Storage outage\n\nAt 9:37 AM CST on 12 November 2024 a command removed too many servers. {recovery}\n"
        ))
        .duration_minutes
    };
    assert_eq!(story("The index recovered at 12:26 PM CST and the placement subsystem at 1:54 PM CST."), Some(257));
    // A step of the response after it is not another part recovering.
    assert_eq!(story("The index recovered at 12:26 PM CST and we closed the ticket at 1:54 PM CST."), Some(169));
}

#[test]
fn a_sentence_that_opens_with_its_length_frames_what_users_saw() {
    assert_eq!(summary_duration("For 85 minutes, users saw test accounts with zero balances."), Some(85));
    assert_eq!(summary_duration("Pendant 1 h 25, les usagers voyaient des données de test."), Some(85));
    assert_eq!(summary_duration("The load hold blocked job spawns for ~26 h."), Some(1560));
    assert_eq!(summary_duration("Terraform runs hung for ~28 minutes per run before timing out."), None);
    let late =
        "The daily dataset, due at 06:00 UTC, landed at 11:25 UTC, 5 h 25 min late. Dashboards showed old numbers.";
    assert_eq!(summary_duration(late), Some(325));
    assert_eq!(summary_duration("Systemet var otillgängligt i 5 timmar och 10 minuter."), Some(310));
    assert_eq!(summary_duration("Сервіс був недоступний протягом 4 години 35 хвилин."), Some(275));
    assert_eq!(summary_duration("Ödeme servisi 2 saat 30 dakika boyunca erişilemez durumdaydı."), Some(150));
    // Users in a sentence that tells no outage and opens with no length.
    assert_eq!(summary_duration("We onboarded 40 users over 3 weeks."), None);
}

#[test]
fn a_length_that_heads_what_it_measures_in_a_title_or_a_sentence_of_its_own() {
    let config = Config::default_for(Path::new("."));
    let titled = b"# An exposed key and 216 minutes of someone else's mining\n\nOn 2025-08-04 the key was used.\n";
    assert_eq!(Reader::new(&config).parse("t.md", titled).duration_minutes, Some(216));
    let story = b"# Saves failed\n\nOn 2024-06-04 nobody could save. The fix went out.\nThree hours and five minutes of \"please try again\".\n";
    assert_eq!(Reader::new(&config).parse("s.md", story).duration_minutes, Some(185));
    // Time spent looking is not the outage's length.
    let digging = b"# Saves failed\n\nOn 2024-06-04 nobody could save. Two hours of digging later, we found it.\n";
    assert_eq!(Reader::new(&config).parse("d.md", digging).duration_minutes, None);
    let after = b"# Saves failed\n\nOn 2024-06-04 nobody could save. After two hours of digging we found it.\n";
    assert_eq!(Reader::new(&config).parse("a.md", after).duration_minutes, None);
}

#[test]
fn a_length_set_off_by_a_dash_after_the_end_restates_the_span() {
    let config = Config::default_for(Path::new("."));
    let told = b"# Maintenance page for everyone\n\nOn 2025-01-21 at 16:32 CET a flag put the shop in maintenance mode until it was reverted at 16:49 CET \xe2\x80\x94 17 minutes, 100% of users.\n";
    let p = Reader::new(&config).parse("t.md", told);
    assert_eq!(p.duration_minutes, Some(17));
    assert_eq!(p.end.map(|t| t.to_string()).as_deref(), Some("2025-01-21T16:49:00+01:00"));
    // A length that goes on to say what it is after is not the span.
    let later = b"# Maintenance page for everyone\n\nOn 2025-01-21 at 16:32 CET \xe2\x80\x94 5 minutes after the deploy \xe2\x80\x94 the shop went into maintenance mode.\n";
    assert_eq!(Reader::new(&config).parse("l.md", later).duration_minutes, None);
}

#[test]
fn an_approximate_time_still_bounds_a_range() {
    let config = Config::default_for(Path::new("."));
    let span = |text: &str| {
        let p = Reader::new(&config).parse("r.md", text.as_bytes());
        (p.start.map(|t| t.to_string()), p.duration_minutes)
    };
    let japanese =
        "# 決済障害\n\n2025年5月12日 14時40分頃から16時35分頃まで、お支払いが完了しない事象が発生しておりました。\n";
    assert_eq!(span(japanese), (Some("2025-05-12T14:40:00+00:00".into()), Some(115)));
    let english = "# Payments failed\n\nOn 12 May 2025, from about 14:40 to about 16:35 UTC, card payments failed.\n";
    assert_eq!(span(english), (Some("2025-05-12T14:40:00+00:00".into()), Some(115)));
}

#[test]
fn korean_clock_times_and_a_timelines_days_without_a_year_are_read() {
    // "From 10:02 to 10:51 AM on 8 April, for 49 minutes", and a timeline
    // whose first entry, the evening before, is the deploy.
    let report = "---\ndate: 2025-04-08\n---\n# 결제 장애 회고\n\n## 무슨 일이 있었나\n\n4월 8일 오전 10시 02분부터 10시 51분까지 49분 동안 결제가 완료되지 않았습니다.\n\n## 타임라인 (KST)\n\n- 4/7 18:30 — 프론트엔드 v5.12 배포\n- 4/8 10:02 — 결제 완료율 급락\n- 4/8 10:51 — 정상 복귀\n";
    let p = parse(report);
    let want = (Some("2025-04-08T10:02:00+09:00".into()), Some("2025-04-08T10:51:00+09:00".into()), Some(49));
    assert_eq!(when(&p), want);
    let first = p.timeline.first().and_then(|e| e.time).map(|t| t.to_string());
    assert_eq!(first.as_deref(), Some("2025-04-07T18:30:00+09:00"));
    // "오후" (afternoon) before the time.
    let afternoon = parse("# 장애\n\n2025년 1월 15일 오후 2시 10분부터 오후 4시 40분까지 로그인이 실패했습니다.\n");
    assert_eq!(afternoon.start.map(|t| t.to_string()).as_deref(), Some("2025-01-15T14:10:00+00:00"));
}

#[test]
fn a_story_told_in_portuguese_gives_its_start_and_its_total() {
    // "Around 10h20 (Brasília time) an engineer started a migration …
    // In all it was 75 minutes of unavailability."
    let post = "---\ndate: 2025-02-11\n---\n# A migração que travou a tabela de vagas\n\nPor volta das 10h20 (horário de Brasília), um dos nossos engenheiros iniciou uma migração de dados. A API parou de responder.\n\nCancelamos a migração às 11h20 e, às 11h35, a API estava respondendo normalmente de novo. Ao todo foram 75 minutos de indisponibilidade.\n";
    let p = parse(post);
    let want = (Some("2025-02-11T10:20:00-03:00".into()), Some("2025-02-11T11:35:00-03:00".into()), Some(75));
    assert_eq!(when(&p), want);
}

#[test]
fn an_overflow_and_overwritten_data_in_chinese_are_a_bug_and_corruption() {
    // "Order IDs overflowed … part of the old orders' data was overwritten."
    let report = "# 故障复盘：订单号溢出\n\n## 根本原因\n\n订单号生成器使用32位整数，序号溢出为负数，新订单写入时部分历史订单的数据被覆盖。\n";
    let p = parse(report);
    assert!(p.tags.contains(&"software-bug".to_string()), "{:?}", p.tags);
    assert!(p.tags.contains(&"data-corruption".to_string()), "{:?}", p.tags);
}

#[test]
fn a_status_tag_before_a_japanese_title_keeps_it_the_title() {
    let p = parse(
        "# 【復旧】決済障害について\n\n**解決済み** ― 2025年5月12日 16:48 JST\n\n決済が完了しない事象が発生しておりました。\n",
    );
    assert_eq!(p.title.as_deref(), Some("【復旧】決済障害について"));
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2025-05-12"));
}

#[test]
fn how_soon_the_failure_spread_is_not_how_long_it_lasted() {
    let config = Config::default_for(Path::new("."));
    let story = b"# Retry storm\n\nOn 2020-11-25 the geocoder slowed down. Within ten minutes, half of all quote requests were failing. The worst of it lasted ninety minutes.\n";
    assert_eq!(Reader::new(&config).parse("s.md", story).duration_minutes, Some(90));
    let fixed = b"# Retry storm\n\nOn 2020-11-25 the quote service failed; we restored it within 40 minutes.\n";
    assert_eq!(Reader::new(&config).parse("f.md", fixed).duration_minutes, Some(40));
}

#[test]
fn a_confluence_page_in_wiki_markup_reads_as_its_markdown() {
    let p = read("wiki-markup.md");
    let kinds: Vec<&str> = p.sections.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["summary", "timeline", "root_cause", "action_items"]);
    assert_eq!(p.timeline.len(), 3);
    assert_eq!(p.action_items.len(), 2);
    assert_eq!(p.severity_text.as_deref(), Some("P2"));
    let (start, end, _) = when(&p);
    assert_eq!(
        (start.as_deref(), end.as_deref()),
        (Some("2025-03-14T09:05:00+00:00"), Some("2025-03-14T09:50:00+00:00"))
    );
    assert!(p.diagnostics.iter().any(|d| d.code == "wiki-markup" && d.line == 1));
    // `{{search-2025-03}}` is code in wiki markup, not a placeholder left in.
    assert!(p.diagnostics.iter().all(|d| d.code != "placeholder"), "{:?}", p.diagnostics);
}

#[test]
fn a_heading_that_names_its_section_only_in_brackets_starts_that_section() {
    let p = parse(
        "# The great request massacre\n\n## The Crime Scene (Issue Summary)\n\nHalf the requests failed.\n\n\
         ## Whodunnit (Root Cause)\n\nThe open-file limit was 15.\n\n## Replica lag (primary cluster)\n\nNone.\n",
    );
    let kinds: Vec<&str> = p.sections.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["summary", "root_cause", "other"]);
}

#[test]
fn a_blog_post_tells_the_incident_day_before_the_day_it_was_posted() {
    let post = "---\ntitle: The day our Postgres stopped accepting writes\ndate: 2024-08-09 09:00:00 +0200\n---\n\nIf you tried to buy something on Tuesday, August 6th, you could not. All times in this post are\nCEST.\n\n## A quiet Tuesday\n\nAt 10:42 the checkout page failed. Writes were accepted again at 14:02.\n";
    let p = parse(post);
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2024-08-06"));
    // The zone statement wraps onto the next line.
    assert_eq!(p.start.map(|t| t.to_string()).as_deref(), Some("2024-08-06T10:42:00+02:00"));
}

#[test]
fn a_front_matter_date_before_the_story_it_posts_is_not_the_incidents() {
    // A year mistyped, or left from the template: nothing is posted before
    // what it tells.
    let post = "---\ntitle: Ausfall 12. - 13. August 2020\ndate: 2019-08-13 23:30:00\n---\n\nVom Mittag des 12. bis zum Nachmittag des 13. August 2020 war das Netz gestört.\n\nAm 12. August 2020 war das Netz ab 13:13 Uhr nicht mehr erreichbar.\n";
    let p = parse(post);
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2020-08-12"));
    // A day told without its year, after the posting's day, is the year before's.
    let later = "---\ntitle: Checkout outage\ndate: 2024-01-03\n---\n\nOn December 28 at 10:42 UTC the checkout failed for an hour.\n";
    assert_eq!(parse(later).date.map(|d| d.to_string()).as_deref(), Some("2023-12-28"));
}

#[test]
fn an_incident_tools_key_timestamps_give_start_and_end_not_its_export_stamp() {
    let export = "# INC-2291: Payment webhooks failing\n\n> Exported from incident.io on 2024-05-24 16:02 UTC\n\n| Timestamp | Value |\n|---|---|\n| Impact started at | 2024-05-22 02:58 UTC |\n| Reported at | 2024-05-22 03:14 UTC |\n| Impact ended at | 2024-05-22 04:02 UTC |\n\n## Summary\n\nThe new parser panicked on refund events and returned HTTP 500.\n";
    let p = parse(export);
    let want = (Some("2024-05-22T02:58:00+00:00".into()), Some("2024-05-22T04:02:00+00:00".into()), Some(64));
    assert_eq!(when(&p), want);
}

#[test]
fn an_email_told_as_this_morning_is_dated_by_its_date_header() {
    let mail = |when: &str| {
        let text = format!(
            "From: Wei Ling <wl@example.com>\nTo: office@example.com\nDate: Thu, 10 Oct 2024 18:22:41 +0800\nSubject: Office internet outage\n\nHi all, a write-up of the outage {when}. All times below are SGT.\n\nEveryone in the office lost internet from 8:47am until 11:02am.\n"
        );
        parse(&text).start.map(|t| t.to_string())
    };
    assert_eq!(mail("this morning").as_deref(), Some("2024-10-10T08:47:00+08:00"));
    assert_eq!(mail("yesterday").as_deref(), Some("2024-10-09T08:47:00+08:00"));
}

#[test]
fn a_policy_an_agenda_and_a_quarters_table_of_incidents_are_not_postmortems() {
    let policy =
        "# Incident Response Policy\n\n## Severity levels\n\nSEV1: login down for all users. Page immediately.\n";
    assert_eq!(parse(policy).kind, Kind::Other);
    let agenda =
        "# Weekly Incident Review — Agenda\n\n1. INC-2207 — Payments latency (15 min)\n2. Action item review\n";
    assert_eq!(parse(agenda).kind, Kind::Other);
    let quarter = "# Q2 2024 Incident Summary\n\nNine incidents in Q2.\n\n| ID | Date | Duration | Cause |\n|---|---|---|---|\n| INC-1402 | 2024-04-03 | 48 min | Config change |\n| INC-1407 | 2024-04-11 | 2 h 10 min | Stuck consumer |\n| INC-1411 | 2024-04-19 | 1 h 52 min | Expired certificate |\n";
    assert_eq!(parse(quarter).kind, Kind::List);
    // A postmortem whose cause is a policy still is one.
    let iam = "# Uploads failed after a bad IAM policy\n\n## Root cause\n\nA bucket policy denied writes.\n";
    assert_eq!(parse(iam).kind, Kind::Postmortem);
}

#[test]
fn a_story_without_a_summary_opens_in_its_first_narrative_section() {
    let post = "# The afternoon our mesh forgot who it was (June 11, 2024)\n\n## How we noticed\n\nAt 2:14 PM ET our gateway's error rate went to 70%.\n\n## Recovery\n\nThe error rate was back to baseline at 4:05 PM ET. For about an hour and fifty minutes, most of our product did not work.\n";
    let want = (Some("2024-06-11T14:14:00-04:00".into()), Some("2024-06-11T16:05:00-04:00".into()), Some(111));
    assert_eq!(when(&parse(post)), want);
    // A heading stamped with its time is an entry of a thread, not the story.
    let thread = "# Approval of the recommendations\n\n### note · 2026-10-09T01:13Z\n\nApproved by the team (2026-10-08 ~9:20 PM ET).\n";
    assert_eq!(parse(thread).start, None);
}

#[test]
fn a_korean_range_and_duration_label() {
    let report = "# 장애 보고서: 푸시 알림 지연\n\n## 개요\n\n2024년 9월 3일(화) 15:20부터 17:05까지(KST) 알림 서버가 반복 재시작되었습니다. 같은 날 13:40 배포된 v2.31.0이 원인입니다.\n\n장애 지속 시간: 약 1시간 45분\n";
    let want = (Some("2024-09-03T15:20:00+09:00".into()), Some("2024-09-03T17:05:00+09:00".into()), Some(105));
    assert_eq!(when(&parse(report)), want);
}

#[test]
fn a_timeline_table_that_reports_the_cause_found_tags_it() {
    let p = parse(
        "# Order events stalled\n\n## Root cause\n\nConsumers were evicted from the group again and again.\n\n\
         ## Timeline\n\n| Time | Event |\n|---|---|\n| 09:14 | Kafka consumers restarted |\n\
         | 11:58 | Consumer logs show rebalances. Config change identified. |\n",
    );
    assert_eq!(p.tags, ["config-change"]);
    let evidence = &p.tag_evidence[0];
    assert_eq!((evidence.place.as_str(), evidence.line), ("root_cause", 12));
}

#[test]
fn a_status_page_with_its_status_words_on_lines_of_their_own() {
    let page = "# Elevated error rates\n\n**Resolved**\nThis incident has been resolved.\nPosted Mar 14, 2024 - 11:52 UTC\n\n\
                **Identified**\nAn incorrect DNS record was published.\nPosted Mar 14, 2024 - 09:58 UTC\n\n\
                **Investigating**\nRequests are failing with connection errors.\nPosted Mar 14, 2024 - 09:31 UTC\n";
    let p = parse(page);
    let entries: Vec<_> = p.timeline.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert!(entries[0].starts_with("Investigating - Requests are failing"), "oldest first: {entries:?}");
    assert_eq!(when(&p).0.as_deref(), Some("2024-03-14T09:31:00+00:00"));
}

#[test]
fn a_story_that_tells_its_trigger_first_starts_when_the_harm_began() {
    let story = "# DNS outage\n\n## What happened\n\nAt 09:12 UTC on March 14, 2024 an engineer changed the api record. \
                 Resolvers picked up the bad answer gradually, and errors started climbing at about 09:25 UTC. \
                 We reverted at 10:40 UTC.\n";
    assert_eq!(when(&parse(story)).0.as_deref(), Some("2024-03-14T09:25:00+00:00"));
    // A start told hours later is another story's.
    let later = story.replace("09:25", "14:25");
    assert_eq!(when(&parse(&later)).0.as_deref(), Some("2024-03-14T09:12:00+00:00"));
}

#[test]
fn a_blog_posted_days_later_is_dated_by_its_timeline() {
    let post = "+++\ntitle = \"The slow leak\"\ndate = 2023-04-20T10:00:00+10:00\n+++\n\nUploads failed.\n\n\
                ## Timeline (AEST)\n\n- **Sat 15 Apr 2023, 14:10** — first OOMKilled events\n- **17:05** — error rate back to normal\n";
    let p = parse(post);
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2023-04-15"), "the posting day gives way");
    assert_eq!(when(&p).0.as_deref(), Some("2023-04-15T14:10:00+10:00"));
}

#[test]
fn a_span_in_the_cause_analysis_is_not_the_outage_length() {
    let report = "# Search returned nothing\n\nSearch failed from 15:20 to 16:05.\n\n## Why it broke\n\n\
                  The job promotes any flag that has sat at 10% for 72h without errors.\n\n## Follow-ups\n\n1. Fix it\n";
    assert_eq!(parse(report).duration_minutes, Some(45));
}

#[test]
fn a_status_page_stamped_on_the_status_line_or_without_a_year() {
    let inline = "# Degraded performance\n\nOn Monday 3 June 2019 from 15:40 to 17:50 AEST the link was congested.\n\n---\n\n\
                  **Resolved** - 17:58 AEST\nLatency is back to normal.\n\n**Investigating** - 15:52 AEST\nWe are investigating.\n";
    let p = parse(inline);
    let entries: Vec<_> = p.timeline.iter().map(|e| (e.time_text.as_str(), e.text.as_str())).collect();
    assert_eq!(
        entries,
        [
            ("15:52 AEST", "Investigating - We are investigating."),
            ("17:58 AEST", "Resolved - Latency is back to normal.")
        ]
    );
    let yearless = "# Login failures\n\nBetween 11:09 and 11:47 EST on November 6, 2024, logins failed.\n\n---\n\n\
                    **Resolved** - Logins work.\nNov 6, 12:30 EST\n\n**Investigating** - Users cannot log in.\nNov 6, 11:20 EST\n";
    assert_eq!(parse(yearless).timeline.len(), 2);
}

#[test]
fn a_total_stated_beside_a_parts_length_wins_even_over_a_shorter_start_to_end() {
    let minutes = summary_duration;
    let both = "For 1 hour and 44 minutes requests failed, and events were delayed for roughly four and a half \
                hours in total before everything had caught up.";
    assert_eq!(minutes(both), Some(270));
    // The end told is the API's recovery, part of the story: the total still holds.
    let told = "At 22:47 UTC on 14 March 2023 a migration locked the table. The API recovered at 00:31 UTC. \
                Events were delayed for four and a half hours in total.";
    assert_eq!(minutes(told), Some(270));
}

#[test]
fn the_same_moment_in_a_second_zone_is_no_range() {
    let story = "# CI outage\n\n## Summary\n\nAt 09:15 PT (17:15 UTC) on 4 June 2024, builds started failing; they \
                 recovered at 10:05 PT.\n";
    let p = parse(story);
    assert_eq!(
        when(&p),
        (Some("2024-06-04T09:15:00-07:00".into()), Some("2024-06-04T10:05:00-07:00".into()), Some(50))
    );
}

#[test]
fn a_blogs_timeline_of_bare_times_falls_on_the_day_its_story_tells() {
    let post = "---\ntitle: Queue outage\ndate: 2024-06-10\n---\n\nOn Friday, June 7 our queue stopped.\n\n## Timeline\n\n\
                - 23:40 UTC — consumers stall\n- 00:20 UTC — restarted\n- 01:05 UTC — all clear\n";
    let p = parse(post);
    assert_eq!(p.date.map(|d| d.to_string()).as_deref(), Some("2024-06-07"));
    assert_eq!(when(&p).0.as_deref(), Some("2024-06-07T23:40:00+00:00"));
}

#[test]
fn a_year_from_the_title_s_month_and_iso_times_across_a_clock_change() {
    let titled = "# Checkout outage (June 2024)\n\n## Summary\n\nOn Tuesday 4th June, 10:40 BST, checkout began failing. \
                  It was fixed by 11:25 BST.\n";
    assert_eq!(when(&parse(titled)).0.as_deref(), Some("2024-06-04T10:40:00+01:00"));
    let iso = "# DST outage\n\n## Summary\n\nThe job failed from 2024-03-10T01:59:00-08:00 until 2024-03-10T04:10:00-07:00.\n";
    assert_eq!(when(&parse(iso)).2, Some(71));
}

#[test]
fn central_time_an_end_shortly_before_and_a_range_across_a_named_day() {
    let central =
        "# Outage\n\n## Impact\n\nOn Monday, Feb. 5, 2024, between 9:12am and 10:03am CT, 40% of logins failed.\n";
    assert_eq!(when(&parse(central)).0.as_deref(), Some("2024-02-05T09:12:00-06:00"));
    let before = "# Outage\n\n## Summary\n\nAt noon Pacific time on Friday, August 2, 2024, the payment API began \
                  rejecting cards. Service was restored shortly before 1:30 p.m.\n";
    assert_eq!(when(&parse(before)).2, Some(90));
    let overnight = "# Outage\n\n## Summary\n\nFrom 21:45 on Saturday 3 August 2024 to 01:15 on Sunday (UTC), the site \
                     was unavailable.\n";
    assert_eq!(when(&parse(overnight)).2, Some(210));
}
