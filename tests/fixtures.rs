//! Every quirk fixture in `tests/fixtures/` (see its README) parses to the
//! facts a reader sees in it: title, start and end with their offset,
//! duration, share of users, severity, timeline and action-item counts, and
//! exactly the diagnostics listed.

use coroner::config::Config;
use coroner::ingest::Reader;
use coroner::model::Postmortem;
use std::path::Path;

struct Expect {
    file: &'static str,
    title: Option<&'static str>,
    start: Option<&'static str>,
    end: Option<&'static str>,
    minutes: Option<u32>,
    users_pct: Option<f64>,
    severity: Option<&'static str>,
    timeline: usize,
    /// (items, done)
    action_items: (usize, usize),
    /// Codes that must appear, with the line of the first one when known.
    diagnostics: &'static [(&'static str, Option<u32>)],
}

/// The codes a fixture asserts on; others (info notes) may appear freely.
const VOCABULARY: &[&str] = &[
    "mojibake",
    "conflict-marker",
    "heading-no-space",
    "front-matter-invalid",
    "front-matter-type",
    "not-utf8",
    "utf16",
    "impossible-time",
    "timeline-backwards",
    "duration-mismatch",
    "tz-assumed",
    "placeholder",
    "empty-file",
    "implausible-value",
];

pub fn parse_fixture(name: &str) -> Postmortem {
    let config = Config::default_for(Path::new("."));
    let bytes = std::fs::read(Path::new("tests/fixtures").join(name)).expect("fixture exists");
    Reader::new(&config).parse(name, &bytes)
}

fn mismatches(e: &Expect, p: &Postmortem) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, got: String, want: String| {
        if got != want {
            out.push(format!("{}: {what}: got {got}, want {want}", e.file));
        }
    };
    check("title", format!("{:?}", p.title.as_deref()), format!("{:?}", e.title));
    check("start", format!("{:?}", p.start.map(|t| t.to_string())), format!("{:?}", e.start));
    check("end", format!("{:?}", p.end.map(|t| t.to_string())), format!("{:?}", e.end));
    check("duration_minutes", format!("{:?}", p.duration_minutes), format!("{:?}", e.minutes));
    check("users_pct", format!("{:?}", p.impact.users_pct), format!("{:?}", e.users_pct));
    check("severity", format!("{:?}", p.severity.as_deref()), format!("{:?}", e.severity));
    check("timeline entries", p.timeline.len().to_string(), e.timeline.to_string());
    let done = p.action_items.iter().filter(|a| a.done).count();
    check("action items (n, done)", format!("{:?}", (p.action_items.len(), done)), format!("{:?}", e.action_items));
    for (code, line) in e.diagnostics {
        match p.diagnostics.iter().find(|d| d.code == *code) {
            None => out.push(format!("{}: missing diagnostic {code}", e.file)),
            Some(d) => {
                if let Some(line) = line
                    && d.line != *line
                    && *line != 0
                {
                    out.push(format!("{}: diagnostic {code} at line {}, want {line}", e.file, d.line));
                }
            }
        }
    }
    for d in p.diagnostics.iter().filter(|d| VOCABULARY.contains(&d.code)) {
        if !e.diagnostics.iter().any(|(c, _)| *c == d.code) {
            out.push(format!("{}: unexpected diagnostic {} at line {}: {}", e.file, d.code, d.line, d.message));
        }
    }
    out
}

#[test]
fn every_fixture_yields_the_facts_a_reader_sees() {
    let mut failures = Vec::new();
    for e in EXPECTED {
        failures.extend(mismatches(e, &parse_fixture(e.file)));
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_fixture_file_is_in_the_table() {
    for entry in std::fs::read_dir("tests/fixtures").unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        // Folders hold fixtures of their own tests (`reading/`: tests/reading.rs).
        if name != "README.md" && !entry.file_type().unwrap().is_dir() {
            assert!(EXPECTED.iter().any(|e| e.file == name), "{name} has no row in EXPECTED");
        }
    }
}

const EXPECTED: &[Expect] = &[
    Expect {
        file: "mojibake.md",
        title: Some("🔥 Locker API outage — unlock requests timed out"),
        start: Some("2024-02-06T09:10:00+00:00"),
        end: Some("2024-02-06T10:25:00+00:00"),
        minutes: Some(75),
        users_pct: Some(15.0),
        severity: Some("SEV3"),
        timeline: 5,
        action_items: (2, 1),
        diagnostics: &[("mojibake", Some(1))],
    },
    Expect {
        file: "conflict-markers.md",
        title: Some("Postmortem: Pickup booking outage"),
        start: Some("2024-04-09T08:30:00+00:00"),
        end: Some("2024-04-09T10:10:00+00:00"),
        minutes: Some(100),
        users_pct: Some(60.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[("conflict-marker", Some(1))],
    },
    Expect {
        file: "heading-no-space.md",
        title: Some("Label printer spooler crash"),
        start: Some("2024-10-02T07:00:00-04:00"),
        end: Some("2024-10-02T08:20:00-04:00"),
        minutes: Some(80),
        users_pct: Some(100.0),
        severity: None,
        timeline: 5,
        action_items: (3, 1),
        diagnostics: &[("heading-no-space", Some(1))],
    },
    Expect {
        file: "bold-labels.md",
        title: Some("Tracking API latency spike"),
        start: Some("2024-07-18T14:15:00+00:00"),
        end: Some("2024-07-18T15:05:00+00:00"),
        minutes: Some(50),
        users_pct: Some(25.0),
        severity: None,
        timeline: 6,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "plain-labels.md",
        title: Some("Postmortem: Business API returning 429 to all customers"),
        start: Some("2023-05-15T09:00:00+00:00"),
        end: Some("2023-05-15T13:00:00+00:00"),
        minutes: Some(240),
        users_pct: Some(100.0),
        severity: None,
        timeline: 6,
        action_items: (3, 0),
        diagnostics: &[],
    },
    Expect {
        file: "setext-headings.md",
        title: Some("Notifications e-mail bounce storm"),
        start: Some("2024-12-03T16:40:00+00:00"),
        end: Some("2024-12-03T17:25:00+00:00"),
        minutes: Some(45),
        users_pct: Some(12.0),
        severity: None,
        timeline: 4,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "front-matter-yaml.md",
        title: Some("Dispatch queue consumers stalled by a poison message"),
        start: Some("2024-08-20T06:12:00+02:00"),
        end: Some("2024-08-20T07:40:00+02:00"),
        minutes: Some(88),
        users_pct: Some(20.0),
        severity: Some("SEV3"),
        timeline: 5,
        action_items: (2, 1),
        diagnostics: &[],
    },
    Expect {
        file: "front-matter-toml.md",
        title: Some("CDN certificate not renewed for the tracking domain"),
        start: Some("2024-09-30T00:00:00+00:00"),
        end: Some("2024-09-30T01:35:00+00:00"),
        minutes: Some(95),
        users_pct: Some(100.0),
        severity: Some("SEV2"),
        timeline: 5,
        action_items: (3, 1),
        diagnostics: &[],
    },
    Expect {
        file: "front-matter-invalid.md",
        title: Some("Billing export job skipped a day"),
        start: Some("2024-10-28T02:00:00+01:00"),
        end: Some("2024-10-28T09:30:00+01:00"),
        minutes: Some(450),
        users_pct: None,
        severity: None,
        timeline: 3,
        action_items: (2, 0),
        diagnostics: &[("front-matter-invalid", Some(3))],
    },
    Expect {
        file: "front-matter-not-mapping.md",
        title: Some("Incident Report: Driver app login loop"),
        start: Some("2025-03-18T05:30:00+00:00"),
        end: Some("2025-03-18T06:50:00+00:00"),
        minutes: Some(80),
        users_pct: Some(30.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "front-matter-unknown-keys.md",
        title: Some("Northwind Parcel label API errors after storage quota reached"),
        start: Some("2025-04-22T13:05:00+00:00"),
        end: Some("2025-04-22T14:20:00+00:00"),
        minutes: Some(75),
        users_pct: Some(35.0),
        severity: None,
        timeline: 0,
        action_items: (0, 0),
        diagnostics: &[],
    },
    Expect {
        file: "front-matter-wrong-type.md",
        title: Some("Tracking widget blank on partner sites"),
        start: Some("2025-05-06T10:20:00+00:00"),
        end: Some("2025-05-06T11:05:00+00:00"),
        minutes: Some(45),
        users_pct: Some(5.0),
        severity: Some("SEV4"),
        timeline: 4,
        action_items: (1, 0),
        diagnostics: &[("front-matter-type", Some(7))],
    },
    Expect {
        file: "timezones-abbrev.md",
        title: Some("2024-06-11, West coast depot scanners offline"),
        start: Some("2024-06-11T14:05:00-07:00"),
        end: Some("2024-06-11T15:45:00-07:00"),
        minutes: Some(100),
        users_pct: Some(8.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "timezone-heading-suffix.md",
        title: Some("Billing invoice PDFs rendered without line items"),
        start: Some("2025-09-09T07:00:00+00:00"),
        end: Some("2025-09-09T08:10:00+00:00"),
        minutes: Some(70),
        users_pct: Some(4.0),
        severity: None,
        timeline: 5,
        action_items: (3, 1),
        diagnostics: &[],
    },
    Expect {
        file: "timezone-offset.md",
        title: Some("Cross-border customs feed delayed"),
        start: Some("2024-10-08T09:00:00+01:00"),
        end: Some("2024-10-08T10:30:00+01:00"),
        minutes: Some(90),
        users_pct: Some(22.0),
        severity: None,
        timeline: 4,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "no-timezone.md",
        title: Some("Pickup scheduling page showed no available slots"),
        start: Some("2025-02-11T08:15:00+00:00"),
        end: Some("2025-02-11T09:05:00+00:00"),
        minutes: Some(50),
        users_pct: Some(50.0),
        severity: None,
        timeline: 4,
        action_items: (2, 0),
        diagnostics: &[("tz-assumed", Some(0))],
    },
    Expect {
        file: "dates-formats.md",
        title: Some("Depot manifest export silently dropped return parcels"),
        start: Some("2024-01-15T14:02:00+00:00"),
        end: Some("2024-02-14T11:00:00+00:00"),
        minutes: Some(43018),
        users_pct: Some(3.0),
        severity: None,
        timeline: 5,
        action_items: (3, 2),
        diagnostics: &[],
    },
    Expect {
        file: "impossible-times.md",
        title: Some("Postmortem: Checkout coupon service outage"),
        start: Some("2024-06-03T12:10:00+00:00"),
        end: Some("2024-06-03T15:00:00+00:00"),
        minutes: Some(170),
        users_pct: Some(10.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[("impossible-time", Some(11))],
    },
    Expect {
        // The hour the clocks go back: 02:05 CET follows 02:40 CEST.
        file: "clocks-go-back.md",
        title: Some("Postmortem: Nightly invoice run billed twice when the clocks went back"),
        start: Some("2024-10-27T02:00:00+02:00"),
        end: Some("2024-10-27T02:50:00+01:00"),
        minutes: Some(110),
        users_pct: Some(2.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "timeline-backwards.md",
        title: Some("Postmortem: Label purchase double charges"),
        start: Some("2025-09-12T16:05:00+00:00"),
        end: Some("2025-09-12T17:30:00+00:00"),
        minutes: Some(85),
        users_pct: Some(6.0),
        severity: None,
        timeline: 5,
        action_items: (2, 1),
        diagnostics: &[("timeline-backwards", Some(12))],
    },
    Expect {
        file: "timeline-table.md",
        title: Some("Vulnerable logging library in the label renderer"),
        start: Some("2021-12-10T15:40:00+00:00"),
        end: Some("2021-12-13T10:20:00+00:00"),
        minutes: Some(4000),
        // "No customer impact."
        users_pct: Some(0.0),
        severity: None,
        timeline: 7,
        action_items: (3, 0),
        diagnostics: &[],
    },
    Expect {
        file: "timeline-html.md",
        title: Some("Postmortem: Returns portal outage"),
        start: Some("2024-03-21T10:30:00+00:00"),
        end: Some("2024-03-21T11:50:00+00:00"),
        minutes: Some(80),
        users_pct: Some(18.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "timeline-code-fence.md",
        title: Some("Osaka hub sorter used a stale routing table"),
        start: Some("2024-07-09T22:48:00+09:00"),
        end: Some("2024-07-10T01:10:00+09:00"),
        minutes: Some(142),
        users_pct: Some(15.0),
        severity: None,
        timeline: 6,
        action_items: (2, 1),
        diagnostics: &[],
    },
    Expect {
        file: "indented-code-labels.md",
        title: Some("Outage Postmortem: Notification Webhooks"),
        start: Some("2024-11-06T14:00:00+00:00"),
        end: Some("2024-11-06T15:15:00+00:00"),
        minutes: Some(75),
        users_pct: Some(40.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "duration-statements.md",
        title: Some("Tracking SDK release broke partner checkouts"),
        start: Some("2025-10-14T10:45:00+00:00"),
        end: Some("2025-10-14T16:11:00+00:00"),
        minutes: Some(326),
        users_pct: Some(22.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "duration-mismatch.md",
        title: Some("Postmortem: Address autocomplete unavailable"),
        start: Some("2025-01-22T10:00:00+00:00"),
        end: Some("2025-01-22T14:00:00+00:00"),
        // The stated "about 1 hour" wins over 10:00 → 14:00, with a warning.
        minutes: Some(60),
        users_pct: Some(9.0),
        severity: None,
        timeline: 5,
        action_items: (2, 0),
        diagnostics: &[("duration-mismatch", Some(6))],
    },
    Expect {
        file: "action-items-tasks.md",
        title: Some("Postmortem: Label API 502s under morning load"),
        start: Some("2024-04-30T08:05:00+00:00"),
        end: Some("2024-04-30T09:20:00+00:00"),
        minutes: Some(75),
        users_pct: Some(14.0),
        severity: None,
        timeline: 4,
        action_items: (8, 2),
        diagnostics: &[],
    },
    Expect {
        file: "severity-forms.md",
        title: Some("Incident Report: Depot Wi-Fi controller reboot loop"),
        start: Some("2025-10-21T06:10:00+02:00"),
        end: Some("2025-10-21T07:30:00+02:00"),
        minutes: Some(80),
        users_pct: Some(70.0),
        severity: Some("SEV2"),
        timeline: 4,
        action_items: (2, 1),
        diagnostics: &[],
    },
    Expect {
        file: "template.md",
        title: Some("Northwind Parcel postmortem template"),
        start: None,
        end: None,
        minutes: None,
        users_pct: None,
        severity: None,
        timeline: 0,
        action_items: (0, 0),
        diagnostics: &[("placeholder", Some(6))],
    },
    Expect {
        file: "list-of-incidents.md",
        title: Some("Minor incidents, Q3 2024"),
        start: None,
        end: None,
        minutes: None,
        users_pct: None,
        severity: None,
        timeline: 0,
        action_items: (0, 0),
        diagnostics: &[],
    },
    Expect {
        file: "assignment.md",
        title: Some("Week 9 lab: write your first postmortem"),
        start: None,
        end: None,
        minutes: None,
        users_pct: None,
        severity: None,
        timeline: 0,
        action_items: (0, 0),
        diagnostics: &[],
    },
    Expect {
        file: "non-english-fr.md",
        title: Some("Post-mortem : suivi des colis indisponible après une migration"),
        start: Some("2024-10-09T14:33:00+00:00"),
        end: Some("2024-10-09T18:45:00+00:00"),
        minutes: Some(252),
        users_pct: Some(8.0),
        severity: Some("SEV1"),
        timeline: 6,
        action_items: (3, 1),
        diagnostics: &[],
    },
    Expect {
        file: "non-english-de.md",
        title: Some("Post-mortem: Ausfall des Kundenportals am 12. August 2020"),
        start: Some("2020-08-12T13:13:00+02:00"),
        end: Some("2020-08-12T16:02:00+02:00"),
        minutes: Some(169),
        users_pct: Some(25.0),
        severity: None,
        timeline: 5,
        action_items: (2, 1),
        diagnostics: &[],
    },
    Expect {
        file: "non-english-ja.md",
        title: Some("障害報告: 配送状況プッシュ通知の遅延"),
        start: Some("2025-04-08T14:23:00+09:00"),
        end: Some("2025-04-08T15:41:00+09:00"),
        minutes: Some(78),
        users_pct: Some(30.0),
        severity: Some("SEV3"),
        timeline: 5,
        action_items: (2, 1),
        diagnostics: &[],
    },
    Expect {
        file: "crlf.md",
        title: Some("Postmortem: Pickup reminder SMS sent at 3 AM"),
        start: Some("2024-12-02T03:00:00+00:00"),
        end: Some("2024-12-02T03:40:00+00:00"),
        minutes: Some(40),
        users_pct: Some(11.0),
        severity: None,
        timeline: 4,
        action_items: (2, 1),
        diagnostics: &[],
    },
    Expect {
        file: "bom.md",
        title: Some("Courier app map tiles missing"),
        start: Some("2025-11-04T09:00:00+01:00"),
        end: Some("2025-11-04T09:35:00+01:00"),
        minutes: Some(35),
        users_pct: Some(20.0),
        severity: Some("SEV4"),
        timeline: 4,
        action_items: (1, 0),
        diagnostics: &[],
    },
    Expect {
        file: "windows-1252.md",
        title: Some("Postmortem: Depot café card terminal rejected payments"),
        start: Some("2024-02-20T11:30:00+01:00"),
        end: Some("2024-02-20T12:15:00+01:00"),
        minutes: Some(45),
        users_pct: Some(100.0),
        severity: None,
        timeline: 4,
        action_items: (1, 0),
        diagnostics: &[("not-utf8", Some(0))],
    },
    Expect {
        file: "utf16.md",
        title: Some("Postmortem: Warehouse tablet exports saved as UTF-16"),
        start: Some("2025-12-09T13:00:00+00:00"),
        end: Some("2025-12-09T13:50:00+00:00"),
        minutes: Some(50),
        users_pct: Some(5.0),
        severity: None,
        timeline: 4,
        action_items: (2, 1),
        diagnostics: &[("utf16", Some(0))],
    },
    Expect {
        file: "empty.md",
        title: None,
        start: None,
        end: None,
        minutes: None,
        users_pct: None,
        severity: None,
        timeline: 0,
        action_items: (0, 0),
        diagnostics: &[("empty-file", Some(0))],
    },
    Expect {
        file: "only-front-matter.md",
        title: Some("Billing API timeouts during the month-end run"),
        start: Some("2025-11-30T22:00:00+00:00"),
        end: Some("2025-11-30T23:10:00+00:00"),
        minutes: Some(70),
        users_pct: None,
        severity: Some("SEV3"),
        timeline: 0,
        action_items: (0, 0),
        diagnostics: &[],
    },
    Expect {
        file: "long-line.md",
        title: Some("Postmortem: Checkout 431 errors from runaway A/B test cookies"),
        start: Some("2025-08-05T09:40:00+00:00"),
        end: Some("2025-08-05T11:05:00+00:00"),
        minutes: Some(85),
        users_pct: Some(7.0),
        severity: None,
        timeline: 5,
        action_items: (3, 1),
        diagnostics: &[],
    },
    Expect {
        file: "wiki-links.md",
        title: Some("Dispatch consumers crash-looped on a malformed route update"),
        start: Some("2025-01-30T15:00:00+00:00"),
        end: Some("2025-01-30T15:45:00+00:00"),
        minutes: Some(45),
        users_pct: Some(10.0),
        severity: None,
        timeline: 4,
        action_items: (2, 0),
        diagnostics: &[],
    },
    Expect {
        file: "prose-start-and-length.md",
        title: Some("Parcel locker door controller outage"),
        start: Some("2025-03-04T07:45:00+03:00"),
        end: Some("2025-03-04T10:00:00+03:00"),
        minutes: Some(135),
        users_pct: None,
        severity: None,
        timeline: 0,
        action_items: (0, 0),
        diagnostics: &[],
    },
    Expect {
        file: "facts-table.md",
        title: Some("Incident Report — Payment webhook backlog"),
        start: Some("2024-09-10T08:40:00+09:00"),
        end: Some("2024-09-10T11:05:00+09:00"),
        minutes: Some(145),
        users_pct: Some(18.0),
        severity: Some("SEV2"),
        timeline: 0,
        action_items: (2, 1),
        diagnostics: &[],
    },
    Expect {
        file: "sre-book-format.md",
        title: Some("Search-Suggest Outage: Incident #4821"),
        start: Some("2022-03-21T14:53:00+00:00"),
        end: Some("2022-03-21T16:05:00+00:00"),
        minutes: Some(66),
        users_pct: Some(40.0),
        severity: None,
        timeline: 7,
        action_items: (3, 0),
        diagnostics: &[],
    },
];
