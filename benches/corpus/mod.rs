//! A deterministic generator of messy postmortem archives for the benchmarks.
//!
//! `generate(count, seed)` returns `(relative path, bytes)` pairs shaped like
//! a real archive: tidy YAML front matter next to student write-ups with
//! `#Issue Summary:` headings, bold-label bullets, mybinder-style `### 16:30`
//! timelines and plain narrative prose, plus the occasional CRLF file, BOM,
//! windows-1252 file, mojibake, git conflict block, `13:00 PM`, 2,000-character
//! line, log excerpt in a code fence or table. The text is made from the word
//! lists below; nothing is copied from real reports.
//!
//! Document `i` depends only on `(i, seed)`, so a smaller corpus is a prefix
//! of a larger one with the same seed. No `rand`: a SplitMix64 PRNG is enough.
//!
//! [`Terms`] adds made-up front-matter tags and services to the same
//! documents, for the cost of many distinct terms: everything else in the
//! archive stays as it was.

#![allow(dead_code)] // each bench uses a different part of the API

use rayon::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// Generate `count` documents: `(path relative to the content root, bytes)`.
/// Paths look like `2024/2024-03-12-checkout-dns-outage-0042.md`.
pub fn generate(count: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    (0..count).map(|i| document(i, seed, Terms::NONE)).collect()
}

/// Write the corpus of `generate(count, seed)`, with `terms` added, under
/// `dir` (created when missing) and return the number of bytes written.
/// Document by document on every thread: nothing is held but the one
/// being written.
pub fn write_to(dir: &Path, count: usize, seed: u64, terms: Terms) -> std::io::Result<u64> {
    (0..count)
        .into_par_iter()
        .map(|i| {
            let (path, bytes) = document(i, seed, terms);
            let full = dir.join(&path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&full, &bytes)?;
            Ok(bytes.len() as u64)
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))
}

/// Total size in bytes of a generated corpus.
pub fn total_bytes(docs: &[(String, Vec<u8>)]) -> u64 {
    docs.iter().map(|(_, b)| b.len() as u64).sum()
}

/// Distinct made-up terms written in the front matter of an archive of
/// `count` documents: `distinct` tags, all in the first document (one file
/// with thousands of tags), and `distinct` services spread over the archive
/// round robin (free-form service names across many files). Tags outside
/// the taxonomy are topics (keywords) to coroner and taxonomy terms to Hugo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Terms {
    pub distinct: usize,
    pub count: usize,
}

impl Terms {
    pub const NONE: Terms = Terms { distinct: 0, count: 1 };

    /// The tags and services added to document `index`.
    fn of(self, index: usize) -> (Vec<String>, Vec<String>) {
        let tags = if index == 0 { (0..self.distinct).map(|j| format!("topic-{j:05}")).collect() } else { Vec::new() };
        let services = (index..self.distinct)
            .step_by(self.count.max(1))
            .map(|j| format!("{}-{j:05}", SERVICES[j % SERVICES.len()].name))
            .collect();
        (tags, services)
    }
}

/// The `index`-th document of the corpus with this `seed`, with `terms`.
pub fn document(index: usize, seed: u64, terms: Terms) -> (String, Vec<u8>) {
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_add(1).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut inc = Incident::new(index, &mut rng);
    (inc.extra_tags, inc.extra_services) = terms.of(index);
    let style = match rng.below(100) {
        0..=29 => Style::Tidy,
        30..=54 => Style::Student,
        55..=74 => Style::Bold,
        75..=86 => Style::Binder,
        _ => Style::Narrative,
    };
    let quirks = Quirks::roll(&mut rng, style);
    let mut blocks = match style {
        Style::Tidy => tidy(&inc, &mut rng, &quirks),
        Style::Student => student(&inc, &mut rng, &quirks),
        Style::Bold => bold(&inc, &mut rng, &quirks),
        Style::Binder => binder(&inc, &mut rng, &quirks),
        Style::Narrative => narrative(&inc, &mut rng, &quirks),
    };
    if style != Style::Tidy {
        add_terms(&mut blocks, &inc);
    }
    apply_block_quirks(&mut blocks, &inc, &mut rng, &quirks);
    let mut text = String::with_capacity(4096);
    for block in &blocks {
        text.push_str(block.text.trim_end_matches('\n'));
        text.push_str(if rng.chance(15) { "\n\n\n" } else { "\n\n" });
    }
    if rng.chance(30) {
        text.truncate(text.trim_end().len() + 1); // a single final newline
    }
    if quirks.mojibake {
        text = mojibake(&text);
    }
    if quirks.crlf {
        text = text.replace('\n', "\r\n");
    }
    let mut bytes = if quirks.cp1252 { windows_1252(&text) } else { text.into_bytes() };
    if quirks.bom {
        bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
    }
    let ext = match style {
        Style::Student if rng.chance(15) => "txt",
        _ if rng.chance(3) => "markdown",
        _ => "md",
    };
    let path = format!(
        "{y}/{y}-{m:02}-{d:02}-{svc}-{slug}-{index:04}.{ext}",
        y = inc.start.y,
        m = inc.start.mo,
        d = inc.start.d,
        svc = inc.svc.name,
        slug = inc.cause.slug,
    );
    (path, bytes)
}

// ---------------------------------------------------------------------------
// PRNG

/// SplitMix64: tiny, fast, good enough for picking words.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng(seed);
        rng.next_u64();
        rng
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct items (fewer when `items` is shorter), in list order.
    pub fn sample<'a, T>(&mut self, items: &'a [T], k: usize) -> Vec<&'a T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        for i in 0..k.min(idx.len()) {
            let j = i + self.below(idx.len() - i);
            idx.swap(i, j);
        }
        idx.truncate(k);
        idx.sort_unstable();
        idx.into_iter().map(|i| &items[i]).collect()
    }
}

// ---------------------------------------------------------------------------
// Calendar arithmetic (no date crate needed)

#[derive(Clone, Copy, PartialEq)]
struct Civil {
    y: i32,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
}

fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400) as i32 + i32::from(m <= 2);
    (y, m, d)
}

impl Civil {
    fn plus(self, minutes: i64) -> Civil {
        let total = days_from_civil(self.y, self.mo, self.d) * 1440 + i64::from(self.h * 60 + self.mi) + minutes;
        let (y, mo, d) = civil_from_days(total.div_euclid(1440));
        let m = total.rem_euclid(1440) as u32;
        Civil { y, mo, d, h: m / 60, mi: m % 60 }
    }

    fn minutes_until(&self, later: &Civil) -> i64 {
        let at = |c: &Civil| days_from_civil(c.y, c.mo, c.d) * 1440 + i64::from(c.h * 60 + c.mi);
        at(later) - at(self)
    }

    fn same_day(&self, other: &Civil) -> bool {
        (self.y, self.mo, self.d) == (other.y, other.mo, other.d)
    }

    fn weekday(&self) -> &'static str {
        const DAYS: [&str; 7] = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"];
        DAYS[days_from_civil(self.y, self.mo, self.d).rem_euclid(7) as usize]
    }

    fn iso_date(&self) -> String {
        format!("{}-{:02}-{:02}", self.y, self.mo, self.d)
    }

    fn hm24(&self) -> String {
        format!("{:02}:{:02}", self.h, self.mi)
    }

    fn hm12(&self) -> String {
        let h = match self.h % 12 {
            0 => 12,
            h => h,
        };
        format!("{h}:{:02} {}", self.mi, if self.h < 12 { "AM" } else { "PM" })
    }

    /// The student quirk: a 24-hour hour with "PM" (`13:00 PM`).
    fn hm12_broken(&self) -> String {
        if self.h >= 13 { format!("{}:{:02} PM", self.h, self.mi) } else { self.hm12() }
    }

    fn long_date(&self) -> String {
        format!("{} {}, {}", MONTHS[self.mo as usize - 1], self.d, self.y)
    }

    fn abbr_date(&self) -> String {
        format!("{} {:02}, {}", &MONTHS[self.mo as usize - 1][..3], self.d, self.y)
    }

    fn ordinal_date(&self) -> String {
        format!("{} {}{}, {}", MONTHS[self.mo as usize - 1], self.d, ordinal(self.d), self.y)
    }

    fn day_month_date(&self) -> String {
        format!("{}{} {} {}", self.d, ordinal(self.d), MONTHS[self.mo as usize - 1], self.y)
    }

    fn rfc3339(&self, offset_minutes: Option<i32>) -> String {
        let base = format!("{}T{}:00", self.iso_date(), self.hm24());
        match offset_minutes {
            None => base,
            Some(0) => format!("{base}Z"),
            Some(o) => format!("{base}{}{:02}:{:02}", if o < 0 { '-' } else { '+' }, o.abs() / 60, o.abs() % 60),
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn ordinal(d: u32) -> &'static str {
    match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 { days_from_civil(y + 1, 1, 1) } else { days_from_civil(y, m + 1, 1) };
    (next - days_from_civil(y, m, 1)) as u32
}

fn duration_words(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let hours = if h == 1 { "1 hour".to_string() } else { format!("{h} hours") };
    match (h, m) {
        (0, m) => format!("{m} minutes"),
        (_, 0) => hours,
        (_, m) => format!("{hours} {m} minutes"),
    }
}

// ---------------------------------------------------------------------------
// Word lists

struct Zone {
    name: &'static str,
    offset: i32,
}

const ZONES: &[Zone] = &[
    Zone { name: "UTC", offset: 0 },
    Zone { name: "UTC", offset: 0 },
    Zone { name: "PST", offset: -480 },
    Zone { name: "PST", offset: -480 },
    Zone { name: "CET", offset: 60 },
    Zone { name: "GMT+1", offset: 60 },
    Zone { name: "EAT", offset: 180 },
    Zone { name: "EST", offset: -300 },
    Zone { name: "PDT", offset: -420 },
    Zone { name: "WAT", offset: 60 },
    Zone { name: "GMT", offset: 0 },
    Zone { name: "CEST", offset: 120 },
    Zone { name: "IST", offset: 330 },
];

struct Service {
    name: &'static str,
    label: &'static str,
    verb: &'static str,
}

const SERVICES: &[Service] = &[
    Service { name: "checkout", label: "Checkout", verb: "complete a purchase" },
    Service { name: "auth", label: "Auth", verb: "sign in" },
    Service { name: "tracking-api", label: "Tracking API", verb: "see where their parcels were" },
    Service { name: "postgres-primary", label: "Postgres primary", verb: "save any changes" },
    Service { name: "payments", label: "Payments", verb: "pay by card" },
    Service { name: "search", label: "Search", verb: "search the catalogue" },
    Service { name: "notifications", label: "Notifications", verb: "receive delivery e-mails and texts" },
    Service { name: "label-printer", label: "Label printing", verb: "print shipping labels" },
    Service { name: "inventory", label: "Inventory", verb: "see stock levels" },
    Service { name: "billing-export", label: "Billing export", verb: "download their invoices" },
    Service { name: "driver-app", label: "Driver app backend", verb: "scan deliveries on the road" },
    Service { name: "customer-portal", label: "Customer portal", verb: "open their account pages" },
    Service { name: "dispatch-queue", label: "Dispatch queue", verb: "book courier pickups" },
    Service { name: "image-resizer", label: "Image resizer", verb: "see product photos" },
    Service { name: "api-gateway", label: "API gateway", verb: "reach any public API" },
    Service { name: "webhooks", label: "Webhooks", verb: "receive webhook deliveries" },
    Service { name: "identity", label: "Identity service", verb: "reset their passwords" },
    Service { name: "reporting", label: "Reporting", verb: "run scheduled reports" },
    Service { name: "redis-cache", label: "Redis cache tier", verb: "load dashboards in reasonable time" },
    Service { name: "kafka-brokers", label: "Kafka brokers", verb: "publish order events" },
    Service { name: "cdn-edge", label: "CDN edge", verb: "load static assets" },
    Service { name: "warehouse-scanner", label: "Warehouse scanner sync", verb: "sync handheld scanners" },
    Service { name: "geo-routing", label: "Geo routing", verb: "get delivery estimates" },
    Service { name: "mobile-backend", label: "Mobile backend", verb: "use the mobile app" },
];

struct Cause {
    slug: &'static str,
    title: &'static str,
    tags: &'static [&'static str],
    short: &'static str,
    detail: &'static [&'static str],
    fix: &'static [&'static str],
    mitigation: &'static str,
    symptom: &'static str,
    actions: &'static [&'static str],
}

const CAUSES: &[Cause] = &[
    Cause {
        slug: "dns-outage",
        title: "DNS resolution failures",
        tags: &["dns", "network"],
        short: "the internal DNS resolver in {region}, which stopped answering queries",
        detail: &[
            "After a routine configuration reload the DNS resolver in {region} ran out of file descriptors and silently dropped most queries for {svc}.",
            "Clients cached the failed lookups for five minutes, so every retry failed the same way and connections to {host} kept timing out.",
            "The resolver pods were restarted by their liveness probe again and again, which made them look healthy on the dashboard while they answered almost nothing.",
        ],
        fix: &[
            "We rolled the resolver back to the previous configuration and raised its descriptor limit.",
            "Negative caching on the clients was shortened to thirty seconds so that a recovered resolver is noticed quickly.",
        ],
        mitigation: "Pointed {svc} at the secondary resolver",
        symptom: "requests failed with name resolution errors",
        actions: &[
            "Alert on resolver SERVFAIL rate per region",
            "Add a synthetic lookup check for {host}",
            "Document how to fail over to the secondary resolver",
        ],
    },
    Cause {
        slug: "cert-expiry",
        title: "expired TLS certificate",
        tags: &["certificate", "automation"],
        short: "an expired TLS certificate for {domain}",
        detail: &[
            "The certificate served for {domain} expired at midnight UTC.",
            "The automated renewal job had been failing for three weeks because its API token was revoked during a credential rotation, and nobody read its output.",
            "Our expiry check looked at the certificate on the load balancer, not the one actually served by the edge proxies, so it stayed green.",
        ],
        fix: &[
            "A new certificate was issued by hand and the edge proxies were reloaded.",
            "The renewal job now runs with its own token and reports failures to the on-call channel.",
        ],
        mitigation: "Issued a new certificate manually and reloaded the edge proxies",
        symptom: "browsers showed certificate warnings and API clients refused to connect",
        actions: &[
            "Check certificate expiry from outside, on every public hostname",
            "Page when a renewal job fails twice in a row",
            "Move {domain} to the managed certificate service",
        ],
    },
    Cause {
        slug: "db-deadlock",
        title: "database deadlock",
        tags: &["database"],
        short: "a database deadlock between the {svc} writer and a reporting query",
        detail: &[
            "A new reporting query took row locks on the {table} table in the opposite order from the {svc} writer.",
            "Under normal load the two rarely overlapped; at the evening peak they deadlocked every few seconds and the connection pool filled with waiting transactions.",
            "Postgres resolved each deadlock by aborting one side, but the application retried immediately and recreated the same lock cycle.",
        ],
        fix: &[
            "The blocked transactions were terminated on {db} and the reporting job was paused.",
            "The query was rewritten to lock rows in primary-key order, matching the writer.",
        ],
        mitigation: "Killed the blocked transactions on {db} and paused the reporting job",
        symptom: "writes hung for up to thirty seconds and then failed",
        actions: &[
            "Alert on deadlock count per minute on {db}",
            "Run reporting queries against the read replica",
            "Add lock ordering to the database review checklist",
        ],
    },
    Cause {
        slug: "lb-misconfig",
        title: "misconfigured load balancer",
        tags: &["config-change", "network"],
        short: "a misconfigured load balancer health check that marked every backend unhealthy",
        detail: &[
            "A change to the load balancer health check pointed it at port 8081, which {svc} does not listen on.",
            "Within two minutes every backend behind {lb} was marked unhealthy and the load balancer answered all requests with 503.",
            "The change had been tested in staging, where the health check port is configured differently, so the mistake did not show up there.",
        ],
        fix: &[
            "The health check change on {lb} was reverted and the backends were marked healthy again within a minute.",
            "Load balancer configuration is now generated from the same source for staging and production.",
        ],
        mitigation: "Reverted the health check change on {lb}",
        symptom: "every request returned 503 Service Unavailable",
        actions: &[
            "Validate health check ports against the service manifest in CI",
            "Require a second reviewer for load balancer changes",
            "Add a canary listener that alerts when all backends are unhealthy",
        ],
    },
    Cause {
        slug: "disk-full",
        title: "full disk",
        tags: &["capacity"],
        short: "a lack of disk space on the data volume of {host}",
        detail: &[
            "Debug logging had been left on after an earlier investigation and the log volume on {host} grew by about 40 GB a day.",
            "When the disk was full, {svc} could no longer write its journal and started rejecting writes with 'no space left on device'.",
            "The disk space alert existed but routed to a channel that was archived last quarter.",
        ],
        fix: &[
            "Old log files were deleted and the volume was extended by 200 GB.",
            "Debug logging was switched off and log rotation re-enabled.",
        ],
        mitigation: "Deleted old log files on {host} and extended the volume",
        symptom: "uploads and saves failed with internal errors",
        actions: &[
            "Route disk space alerts to the paging rotation",
            "Turn debug logging off automatically after 24 hours",
            "Review retention settings for every log volume",
        ],
    },
    Cause {
        slug: "bad-deploy",
        title: "bad deploy",
        tags: &["deploy", "software-bug"],
        short: "a bad deploy of {svc} {ver} that crashed on requests without a locale header",
        detail: &[
            "Release {ver} of {svc} contained a regression in request parsing: a missing null check made the handler crash on requests without a locale header.",
            "Canary analysis only looked at traffic from the web client, which always sends the header, so the rollout went on to all hosts.",
            "Mobile clients older than two years do not send the header, and they make up a large share of traffic on weekends.",
        ],
        fix: &[
            "{Svc} was rolled back to the previous release, and a fixed build went out the next morning.",
            "The canary now samples traffic from every client type.",
        ],
        mitigation: "Rolled {svc} back to the previous release",
        symptom: "requests from older mobile clients failed with 500 errors",
        actions: &[
            "Add a test for requests without optional headers",
            "Make canary analysis sample mobile traffic",
            "Allow one-click rollback from the deploy dashboard",
        ],
    },
    Cause {
        slug: "memory-leak",
        title: "memory leak",
        tags: &["software-bug", "capacity"],
        short: "a memory leak in the {svc} response cache",
        detail: &[
            "Each {svc} worker kept a reference to every decoded response in a cache that had no size limit.",
            "Memory usage climbed steadily for six days until the kernel's out of memory killer started terminating workers.",
            "Because all workers had been started by the same deploy, they ran out of memory within minutes of each other.",
        ],
        fix: &[
            "Workers were restarted in batches to buy time, and the cache was given a fixed size.",
            "A heap profile from one of the killed workers confirmed the cache as the culprit.",
        ],
        mitigation: "Restarted {svc} workers in batches",
        symptom: "pages loaded slowly and then failed while workers restarted",
        actions: &[
            "Alert on steady memory growth, not only on absolute usage",
            "Bound every in-process cache by size",
            "Stagger worker restarts after a deploy",
        ],
    },
    Cause {
        slug: "migration-lock",
        title: "blocking schema migration",
        tags: &["data-migration", "database"],
        short: "a schema migration that rewrote the {table} table while holding an exclusive lock",
        detail: &[
            "A migration adding a column with a default value was run during business hours.",
            "On our database version that rewrites the whole {table} table while holding an exclusive lock, which blocked every read and write from {svc}.",
            "The migration had run in seconds against the staging copy, which holds a fraction of the production rows.",
        ],
        fix: &[
            "The migration was cancelled and the backlog of queued requests drained over the next few minutes.",
            "It was rerun that night in three steps that do not rewrite the table.",
        ],
        mitigation: "Cancelled the migration and let the request backlog drain",
        symptom: "every page that touches {table} hung until it timed out",
        actions: &[
            "Lint migrations for table rewrites before merge",
            "Run large migrations in the maintenance window only",
            "Refresh the staging database with production-sized data monthly",
        ],
    },
    Cause {
        slug: "traffic-surge",
        title: "traffic surge",
        tags: &["capacity"],
        short: "a traffic surge from a marketing e-mail that exhausted the connection pool",
        detail: &[
            "A promotional e-mail went out to two million customers at once instead of in batches.",
            "The spike in traffic to {svc} was about six times the usual peak, and the database connection pool was exhausted within minutes.",
            "New requests queued behind the pool until they timed out, which made users retry and added even more load.",
        ],
        fix: &[
            "{Svc} was scaled out and the waiting room was switched on until traffic settled.",
            "The e-mail tool now sends large campaigns in batches of fifty thousand.",
        ],
        mitigation: "Scaled {svc} out and enabled the waiting room",
        symptom: "pages took more than ten seconds to load or timed out",
        actions: &[
            "Tell the on-call team before large campaigns go out",
            "Autoscale {svc} on queue depth, not only CPU",
            "Load test {svc} at three times the current peak",
        ],
    },
    Cause {
        slug: "provider-outage",
        title: "upstream provider outage",
        tags: &["dependency"],
        short: "an outage at our third-party {vendor} provider",
        detail: &[
            "Our {vendor} provider had a regional outage and its API returned errors for every call.",
            "{Svc} retried each call up to five times without backoff, which kept its threads busy and slowed down endpoints that do not use the provider at all.",
            "The provider's status page stayed green for the first forty minutes.",
        ],
        fix: &[
            "{Svc} was switched to the fallback provider until the primary recovered.",
            "Retries now use exponential backoff and a circuit breaker per provider.",
        ],
        mitigation: "Switched {svc} to the fallback {vendor} provider",
        symptom: "orders could be placed but confirmations were delayed for hours",
        actions: &[
            "Add a circuit breaker around every third-party call",
            "Monitor provider error rates ourselves instead of relying on their status page",
            "Make fallback provider switching a documented one-step operation",
        ],
    },
    Cause {
        slug: "firewall-rule",
        title: "firewall rule change",
        tags: &["config-change", "network", "automation"],
        short: "a firewall rule change applied by terraform that blocked database traffic",
        detail: &[
            "A terraform change meant to tighten egress rules removed the rule that allows traffic from the application subnet to port 5432.",
            "The plan output was several hundred lines long and the removed rule was not noticed in review.",
            "Existing connections kept working until the pool recycled them, so the failure started twenty minutes after the apply.",
        ],
        fix: &[
            "The rule was restored from the previous state and connections recovered immediately.",
            "Plans that delete firewall rules now need an explicit approval.",
        ],
        mitigation: "Restored the firewall rule from the previous terraform state",
        symptom: "the application could not reach its database",
        actions: &[
            "Highlight deleted firewall rules in the terraform plan comment",
            "Add a connectivity check from every subnet to its dependencies",
            "Apply network changes to one zone at a time",
        ],
    },
    Cause {
        slug: "clock-skew",
        title: "clock skew",
        tags: &["time"],
        short: "clock skew on {svc} hosts after NTP was disabled by an image change",
        detail: &[
            "The NTP daemon on a group of {svc} hosts had been disabled by a base image change.",
            "After several weeks their clocks had drifted by more than five minutes, and tokens issued by {svc2} were rejected as not yet valid.",
            "Only hosts built from the new image were affected, so the errors looked random at first.",
        ],
        fix: &[
            "NTP was re-enabled and a clock sync forced on every host.",
            "The base image build now fails if the time service is not enabled.",
        ],
        mitigation: "Re-enabled NTP and forced a clock sync on the affected hosts",
        symptom: "about one request in four was rejected as unauthorised",
        actions: &[
            "Alert on clock offset above one second on every host",
            "Test the base image for a running time service",
            "Allow a small clock tolerance when validating tokens",
        ],
    },
    Cause {
        slug: "disk-failure",
        title: "disk failure",
        tags: &["hardware"],
        short: "a failed disk in the RAID array of {host}",
        detail: &[
            "One disk in the RAID array of {host} failed and the controller started a rebuild.",
            "During the rebuild I/O latency on the host rose above two seconds, and {svc}, which runs there, timed out on most requests.",
            "The host was due for replacement last year; it is one of the last machines in the old rack.",
        ],
        fix: &[
            "Traffic was moved to the standby host and the disk replaced the same afternoon.",
            "The remaining hosts in the old rack are now scheduled for replacement this quarter.",
        ],
        mitigation: "Moved {svc} traffic to the standby host",
        symptom: "most requests timed out",
        actions: &[
            "Replace the remaining hosts in the old rack",
            "Alert on RAID degraded state, not only on disk failure",
            "Rehearse failover to the standby host every quarter",
        ],
    },
    Cause {
        slug: "manual-error",
        title: "cleanup run in production",
        tags: &["human-error", "database"],
        short: "a cleanup command run against the production database by mistake",
        detail: &[
            "During routine maintenance an engineer ran a cleanup command meant for staging against the production {svc} database.",
            "The shell prompt looked the same in both environments, and the command did not ask for confirmation.",
            "It truncated the sessions table, which signed out every user at once.",
        ],
        fix: &[
            "The sessions table was restored from the hourly snapshot.",
            "Production shells now show a red prompt, and destructive commands ask for the environment name.",
        ],
        mitigation: "Restored the sessions table from the hourly snapshot",
        symptom: "every user was signed out and many could not sign back in",
        actions: &[
            "Make production shell prompts visibly different",
            "Require typing the environment name for destructive commands",
            "Remove direct write access to production databases from laptops",
        ],
    },
    Cause {
        slug: "retry-storm",
        title: "retry storm",
        tags: &["cascading-failure"],
        short: "a retry storm after a short {svc2} interruption",
        detail: &[
            "{Svc2} was unavailable for about forty seconds during a node replacement.",
            "Clients of {svc} retried immediately and without jitter, and the thundering herd kept {svc} overloaded long after {svc2} had recovered.",
            "Each overloaded instance failed its health check, which moved its share of the load onto the others.",
        ],
        fix: &[
            "Load was shed at the gateway and {svc} was restarted in small batches.",
            "Client retries now use jittered exponential backoff.",
        ],
        mitigation: "Shed load at the gateway and restarted {svc} in small batches",
        symptom: "error rates stayed high for long after the first blip",
        actions: &[
            "Add jitter and a retry budget to every client library",
            "Protect {svc} with admission control at the gateway",
            "Drain nodes before replacing them",
        ],
    },
    Cause {
        slug: "cache-corruption",
        title: "corrupted cache entries",
        tags: &["data-corruption", "software-bug"],
        short: "corrupted entries written to the {svc} cache by two writers racing",
        detail: &[
            "Two writers could update the same cache key at once, and a race condition let a half-written entry win.",
            "Readers trusted the cache and served the corrupted entries, so customers saw other parcels' addresses on their tracking page for a short while.",
            "The race had existed for months but only became likely after the cache cluster was resized.",
        ],
        fix: &[
            "The cache was flushed and rebuilt from the database.",
            "Writes now use compare-and-set with a version number.",
        ],
        mitigation: "Flushed the {svc} cache and rebuilt it from the database",
        symptom: "some customers saw wrong data on their pages",
        actions: &[
            "Checksum cache entries and drop the ones that do not match",
            "Add a concurrency test for the cache writer",
            "Notify the customers who saw wrong data",
        ],
    },
    Cause {
        slug: "credential-stuffing",
        title: "credential stuffing attack",
        tags: &["security", "capacity"],
        short: "a credential stuffing attack against the {svc} login endpoint",
        detail: &[
            "In a credential stuffing attack, a botnet sent login attempts with leaked passwords from tens of thousands of addresses.",
            "The login endpoint had no rate limit per account, and password hashing saturated the CPU of every {svc} instance.",
            "Legitimate users could not sign in, and a small number of accounts with reused passwords were accessed.",
        ],
        fix: &[
            "Rate limits per account and per network were switched on, and the affected accounts were locked.",
            "The security team reset the passwords of every account that was accessed.",
        ],
        mitigation: "Enabled per-account rate limits and blocked the worst networks",
        symptom: "sign-in attempts timed out",
        actions: &[
            "Keep per-account rate limits on permanently",
            "Offer two-factor sign-in to every customer",
            "Alert on failed login ratio above baseline",
        ],
    },
    Cause {
        slug: "stuck-consumer",
        title: "stuck queue consumer",
        tags: &["monitoring-gap", "software-bug"],
        short: "a stuck consumer on the {svc} queue that went unnoticed for hours",
        detail: &[
            "A consumer of the {svc} queue stopped acknowledging messages after it hit a message it could not parse.",
            "There was no alert on the age of the oldest message, so the backlog went unnoticed for hours.",
            "Downstream systems kept working on stale data and nothing looked broken from the outside.",
        ],
        fix: &[
            "The poison message was moved to a dead letter queue and the consumer caught up within an hour.",
            "Messages that fail three times now go to the dead letter queue automatically.",
        ],
        mitigation: "Moved the poison message to a dead letter queue",
        symptom: "updates were delayed by up to four hours",
        actions: &[
            "Alert on the age of the oldest message in each queue",
            "Send messages that fail three times to a dead letter queue",
            "Show consumer lag on the service dashboard",
        ],
    },
    Cause {
        slug: "archive-job",
        title: "runaway archive job",
        tags: &["automation", "data-corruption"],
        short: "a nightly cron script that archived far more records than intended",
        detail: &[
            "The nightly cron script that archives old {table} rows computed its cutoff date with the wrong month at the year boundary.",
            "Instead of rows older than a year it selected almost everything, and moved them to cold storage.",
            "The script reported success, because from its point of view it had worked.",
        ],
        fix: &[
            "The rows were copied back from cold storage and the script was disabled.",
            "The cutoff is now computed by the database, and the job refuses to archive more than one percent of the table in one run.",
        ],
        mitigation: "Disabled the archive job and restored rows from cold storage",
        symptom: "customers saw empty order histories",
        actions: &[
            "Cap how many rows a single archive run may move",
            "Test date arithmetic across year boundaries",
            "Alert when a table shrinks by more than five percent overnight",
        ],
    },
    Cause {
        slug: "flag-push",
        title: "bad feature flag push",
        tags: &["config-change"],
        short: "a feature flag configuration push with the wrong value",
        detail: &[
            "A configuration push meant to enable a new pricing page for one per cent of users set the rollout value to one hundred per cent.",
            "The new page called {svc2} on every view, and {svc2} was never sized for that.",
            "The flag tool shows percentages and fractions in the same field, which made the wrong value easy to type.",
        ],
        fix: &[
            "The flag was switched off, which restored the old page straight away.",
            "The flag tool now asks for confirmation above ten per cent.",
        ],
        mitigation: "Switched the feature flag off",
        symptom: "pages were slow and some failed to load",
        actions: &[
            "Confirm flag rollouts above ten per cent",
            "Show flag changes on the service dashboards",
            "Load test new pages before widening their rollout",
        ],
    },
];

const REGIONS: &[&str] = &["eu-west-1", "us-east-1", "ap-southeast-2", "fra1", "ams3", "us-central1", "eu-north-1"];
const VENDORS: &[&str] = &["SMS", "payment", "geocoding", "e-mail delivery", "address validation", "object storage"];
const DOMAINS: &[&str] = &[
    "track.parcelhub.example",
    "shop.example.net",
    "id.example.org",
    "api.lumen-freight.example",
    "status.example.com",
];
const TABLES: &[&str] = &["orders", "shipments", "sessions", "invoices", "parcels", "user_events", "stock_levels"];
const HOSTS: &[&str] = &["db", "web", "lb-edge", "k8s-node", "cache", "worker", "batch", "pg"];
const TEAMS: &[&str] =
    &["SRE", "Platform", "Database", "Networking", "Payments", "Mobile", "Infrastructure", "Security"];
const AUTHORS: &[&str] = &[
    "amara.okafor",
    "lukas.brenner",
    "mei.tanaka",
    "diego.ramos",
    "priya.nair",
    "tomasz.wojcik",
    "zoë.martin",
    "josé.ferreira",
    "ingrid.holm",
    "kwame.mensah",
    "sofia.rossi",
    "yusuf.demir",
];
const HERRINGS: &[&str] = &[
    "a network problem between availability zones",
    "a DDoS attack",
    "the CDN change from the morning",
    "a database overload",
    "a noisy neighbour on the host",
    "the new monitoring agent",
    "an expired API key",
];
const COMPANIES: &[&str] = &["Northwind Parcel", "Lumen Freight", "Kestrel Pay", "Orchard Grocers", "Tidewater Health"];

const DETECT: &[&str] = &[
    "Monitoring alert fired for elevated 5xx errors on {svc}",
    "Issue detected: customer support reported a wave of complaints about {svc}",
    "PagerDuty paged the on-call engineer about {svc} latency",
    "Synthetic check for {svc} turned red and the alert was detected by on-call",
];
const START: &[&str] = &[
    "Error rate on {svc} started to climb",
    "First failed requests to {svc} appeared in the logs",
    "{Svc} p99 latency jumped above five seconds",
    "Outage began: {svc} stopped answering health checks",
];
const INVESTIGATE: &[&str] = &[
    "On-call engineer acknowledged the page and began investigating",
    "Engineers checked dashboards and the list of recent changes",
    "Incident channel opened; the {team} team joined",
];
const HERRING_EVENT: &[&str] = &[
    "Initial assumption was {herring}; time was spent ruling it out",
    "Misleading path: suspected {herring}, which the graphs did not support",
];
const ESCALATE: &[&str] =
    &["Incident escalated to the {team} team", "Escalated to the {team} lead and declared a major incident"];
const IDENTIFY: &[&str] = &["Root cause identified: {short}", "Found the cause: {short}"];
const COMMUNICATE: &[&str] = &[
    "Status page updated: investigating reports of errors on {Svc}",
    "Customer support given a holding reply for incoming tickets",
    "Incident commander assigned; updates every twenty minutes in the incident channel",
];
const CONTRIBUTING: &[&str] = &[
    "A contributing factor was that the runbook for {svc} still described the setup from before last year's migration.",
    "It did not help that two other alerts were firing at the same time, which split the attention of the on-call engineer.",
    "The change had been reviewed, but the reviewer had no way to see its effect on production traffic.",
    "The same failure had been seen once in staging a month earlier and was closed as not reproducible.",
    "Dashboards for {svc} aggregate all regions, which hid the problem in {region} for the first minutes.",
];
const RECOVER: &[&str] =
    &["Error rates dropped back towards normal; monitoring continued", "Traffic recovering; queues draining"];
const RESOLVE: &[&str] = &[
    "Incident resolved; {svc} fully restored",
    "All clear: {svc} back to normal and the incident was closed",
    "Service restored and resolved for all customers",
];
const GENERIC_ACTIONS: &[&str] = &[
    "Add an alert on the {svc} error budget burn rate",
    "Write a runbook entry for this failure mode",
    "Run a game day that rehearses this failure on {svc}",
    "Review the on-call escalation policy",
    "Add a canary stage to the {svc} deploy pipeline",
    "Move the {svc} dashboards into the shared incident view",
    "Audit other services for the same pattern",
    "Update the status page templates so customers hear from us sooner",
];
const BACKGROUND: &[&str] = &[
    "{Svc} handles about {rpm} requests per minute at peak and depends on {svc2}.",
    "This report follows our blameless format: it describes what the systems did, not who is to blame.",
    "Most of the timeline was reconstructed from the incident channel and the deploy log.",
    "{Svc} is owned by the {team} team and has been in production since {since}.",
    "The affected path is the busiest one in the product, so even a short interruption is felt by many customers.",
    "Nothing about the day looked unusual before the first alert.",
    "Requests to {svc} pass through {svc2} before they reach the database.",
    "The system had been stable for several months before this incident.",
    "A similar incident last year led to several of the alerts mentioned in this report.",
    "Traffic at the time was close to the weekly average.",
];
const DETECTION: &[&str] = &[
    "Our monitoring caught the problem, but the alert threshold was set for a much larger failure, so the first page came later than it should have.",
    "Customers noticed before we did: the first report came through the support chat, and the on-call engineer was paged a few minutes later.",
    "The error budget alert for {svc} fired first, and the dashboard linked from it showed the failure clearly.",
    "Detection relied on a synthetic check that runs every five minutes, which sets a floor on how quickly we can notice.",
    "Nobody was looking at the {svc} dashboard at the time; the page reached the on-call engineer on their phone.",
    "The first alert was about latency, not errors, and it was acknowledged as a known flaky alert before anyone looked closer.",
];
const COMMS: &[&str] = &[
    "The status page was updated fifteen minutes after the incident was declared and every thirty minutes after that.",
    "Customer support received a short internal note with the symptoms and a suggested reply.",
    "Large customers were contacted directly by their account managers.",
    "An all-clear message went out on the status page once error rates had been normal for half an hour.",
    "The incident commander posted a summary in the engineering channel every twenty minutes.",
];
const IMPACT_EXTRA: &[&str] = &[
    "Internal tools that depend on {svc} were also affected.",
    "The mobile app showed a generic error screen, which led many users to reinstall it.",
    "Partners calling our API saw the same errors and several opened tickets of their own.",
    "Background jobs queued during the incident were processed in the hour after it.",
    "Requests that failed were not retried automatically, so some customers had to repeat their action.",
];
const WENT_WELL: &[&str] = &[
    "The alert fired within minutes of the first errors.",
    "People with the right access were online quickly.",
    "Rolling back was fast once we decided to do it.",
    "Status page updates went out every thirty minutes.",
];
const WENT_WRONG: &[&str] = &[
    "We spent too long on the wrong theory before looking at recent changes.",
    "The runbook for {svc} was out of date.",
    "The alert went to a subset of the team only.",
    "Dashboards did not show the one metric that mattered.",
];
const LUCKY: &[&str] = &[
    "The incident happened during working hours for most of the team.",
    "A snapshot had been taken an hour before.",
    "Traffic was lower than usual because of a public holiday.",
];
const LOG_LINES: &[&str] = &[
    "ERROR {svc}-{pod} upstream connect error: dial tcp 10.0.{a}.{b}:5432: i/o timeout",
    "WARN  {svc}-{pod} request took {ms}ms (threshold 1000ms) path=/api/v2/{table}",
    "ERROR {svc}-{pod} 503 Service Unavailable: no healthy upstream",
    "INFO  {svc}-{pod} retrying call to {svc2} (attempt {n}/5)",
    "ERROR {svc}-{pod} lookup {host}.internal: no such host",
    "FATAL {svc}-{pod} out of memory: killed process {ms}",
];
const EMOJI: &[&str] = &["🔥", "🚨", "💥", "😅", "🙈", "✅", "📉"];

// ---------------------------------------------------------------------------
// The incident behind a document

struct Event {
    at: Civil,
    text: String,
}

struct Action {
    text: String,
    done: bool,
    owner: Option<String>,
}

struct Incident {
    index: usize,
    start: Civil,
    end: Civil,
    minutes: i64,
    zone: Option<&'static Zone>,
    svc: &'static Service,
    svc2: &'static Service,
    cause: &'static Cause,
    pct: u32,
    severity: u32,
    host: String,
    lb: String,
    db: String,
    ver: String,
    region: &'static str,
    vendor: &'static str,
    domain: &'static str,
    table: &'static str,
    team: &'static str,
    author: &'static str,
    herring: &'static str,
    company: &'static str,
    rpm: u32,
    since: u32,
    events: Vec<Event>,
    /// Index of the mitigation event.
    mitigated: usize,
    actions: Vec<Action>,
    /// Made-up terms of the many-terms archive ([`Terms`]).
    extra_tags: Vec<String>,
    extra_services: Vec<String>,
}

impl Incident {
    fn new(index: usize, rng: &mut Rng) -> Incident {
        let y = rng.range(2019, 2026) as i32;
        let mo = rng.range(1, 12);
        let d = rng.range(1, days_in_month(y, mo));
        let start = Civil { y, mo, d, h: rng.range(0, 23), mi: 5 * rng.range(0, 11) };
        let minutes = i64::from(match rng.below(10) {
            0..=5 => 5 * rng.range(3, 36),
            6..=8 => 5 * rng.range(36, 100),
            _ => 15 * rng.range(33, 120),
        });
        let end = start.plus(minutes);
        let zone = if rng.chance(12) { None } else { Some(rng.pick_ref(ZONES)) };
        let svc = rng.pick_ref(SERVICES);
        let mut svc2 = rng.pick_ref(SERVICES);
        if svc2.name == svc.name {
            svc2 = &SERVICES[(index + 1) % SERVICES.len()];
        }
        let mut inc = Incident {
            index,
            start,
            end,
            minutes,
            zone,
            svc,
            svc2,
            cause: rng.pick_ref(CAUSES),
            pct: [5, 10, 12, 15, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100][rng.below(15)],
            severity: rng.range(1, 4),
            host: format!("{}-{:02}", rng.pick(HOSTS), rng.range(1, 40)),
            lb: format!("lb-{}-{}", rng.pick(REGIONS), rng.range(1, 4)),
            db: format!("pg-{}-{}", rng.pick(TABLES).replace('_', "-"), rng.range(1, 3)),
            ver: format!("v{}.{}.{}", rng.range(1, 9), rng.range(0, 40), rng.range(0, 12)),
            region: rng.pick(REGIONS),
            vendor: rng.pick(VENDORS),
            domain: rng.pick(DOMAINS),
            table: rng.pick(TABLES),
            team: rng.pick(TEAMS),
            author: rng.pick(AUTHORS),
            herring: rng.pick(HERRINGS),
            company: rng.pick(COMPANIES),
            rpm: 500 * rng.range(2, 400),
            since: rng.range(2012, y.max(2013) as u32),
            events: Vec::new(),
            mitigated: 0,
            actions: Vec::new(),
            extra_tags: Vec::new(),
            extra_services: Vec::new(),
        };

        // Timeline: phases in order, times spread over the incident.
        let mut texts: Vec<String> = vec![inc.fill(rng.pick(START)), inc.fill(rng.pick(DETECT))];
        if rng.chance(70) {
            texts.push(inc.fill(rng.pick(INVESTIGATE)));
        }
        if rng.chance(50) {
            texts.push(inc.fill(rng.pick(HERRING_EVENT)));
        }
        if rng.chance(60) {
            texts.push(inc.fill(rng.pick(ESCALATE)));
        }
        texts.push(inc.fill(rng.pick(IDENTIFY)));
        inc.mitigated = texts.len();
        texts.push(inc.fill(inc.cause.mitigation));
        if rng.chance(50) {
            texts.push(inc.fill(rng.pick(COMMUNICATE)));
        }
        if rng.chance(50) {
            texts.push(inc.fill(rng.pick(RECOVER)));
        }
        texts.push(inc.fill(rng.pick(RESOLVE)));
        let inner = texts.len() - 2;
        let mut offsets: Vec<i64> = (0..inner).map(|_| 1 + rng.below(minutes as usize - 1) as i64).collect();
        offsets.sort_unstable();
        offsets.insert(0, 0);
        offsets.push(minutes);
        inc.events = texts.into_iter().zip(offsets).map(|(text, m)| Event { at: start.plus(m), text }).collect();

        let n_generic = rng.range(1, 3) as usize;
        let mut actions: Vec<String> = inc.cause.actions.iter().map(|a| inc.fill(a)).collect();
        actions.truncate(rng.range(2, 3) as usize);
        actions.extend(rng.sample(GENERIC_ACTIONS, n_generic).into_iter().map(|a| inc.fill(a)));
        inc.actions = actions
            .into_iter()
            .map(|text| Action {
                text,
                done: rng.chance(25),
                owner: match rng.below(6) {
                    0 => Some(format!("@{}", inc.author)),
                    1 => Some(format!("@team-{}", inc.team.to_lowercase())),
                    2 => Some(format!("{} team", inc.team)),
                    _ => None,
                },
            })
            .collect();
        inc
    }

    /// Replace `{svc}`-style placeholders.
    fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else { break };
            let key = &rest[open + 1..open + close];
            match key {
                "svc" => out.push_str(self.svc.name),
                "Svc" => out.push_str(self.svc.label),
                "Svc2" => out.push_str(self.svc2.label),
                "svc2" => out.push_str(self.svc2.name),
                "host" => out.push_str(&self.host),
                "lb" => out.push_str(&self.lb),
                "db" => out.push_str(&self.db),
                "ver" => out.push_str(&self.ver),
                "region" => out.push_str(self.region),
                "vendor" => out.push_str(self.vendor),
                "domain" => out.push_str(self.domain),
                "table" => out.push_str(self.table),
                "team" => out.push_str(self.team),
                "herring" => out.push_str(self.herring),
                "short" => out.push_str(&self.fill(self.cause.short)),
                "rpm" => out.push_str(&self.rpm.to_string()),
                "since" => out.push_str(&self.since.to_string()),
                other => {
                    out.push('{');
                    out.push_str(other);
                    out.push('}');
                }
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// For each event: does it fall on another day than the one before it
    /// (the first event always does)?
    fn new_days(&self) -> Vec<bool> {
        let mut prev: Option<Civil> = None;
        self.events
            .iter()
            .map(|e| {
                let new = prev.is_none_or(|p| !p.same_day(&e.at));
                prev = Some(e.at);
                new
            })
            .collect()
    }

    fn zone_paren(&self) -> String {
        self.zone.map_or_else(String::new, |z| format!(" ({})", z.name))
    }

    fn zone_space(&self) -> String {
        self.zone.map_or_else(String::new, |z| format!(" {}", z.name))
    }

    fn offset(&self) -> Option<i32> {
        self.zone.map(|z| z.offset)
    }

    fn cause_paragraph(&self, rng: &mut Rng) -> String {
        let n = if rng.chance(75) { 3 } else { 2 };
        let mut sentences: Vec<String> = self.cause.detail[..n].iter().map(|s| self.fill(s)).collect();
        if rng.chance(60) {
            sentences.push(self.fill(rng.pick(CONTRIBUTING)));
        }
        sentences.join(" ")
    }

    fn fix_paragraph(&self) -> String {
        self.cause.fix.iter().map(|s| self.fill(s)).collect::<Vec<_>>().join(" ")
    }

    fn summary_paragraph(&self, rng: &mut Rng) -> String {
        let mut s = match rng.below(3) {
            0 => format!(
                "On {}, {} was degraded for {}. ",
                self.start.long_date(),
                self.svc.label,
                duration_words(self.minutes)
            ),
            1 => format!(
                "Between {} and {}{} on {}, customers could not {}. ",
                self.start.hm24(),
                self.end.hm24(),
                self.zone_space(),
                self.start.long_date(),
                self.svc.verb
            ),
            _ => format!(
                "For {} starting at {}{} on {}, {} of {} failed. ",
                duration_words(self.minutes),
                self.start.hm12(),
                self.zone_paren(),
                self.start.ordinal_date(),
                if self.pct == 100 { "all requests".to_string() } else { format!("about {}%", self.pct) },
                self.svc.label
            ),
        };
        let _ = write!(s, "The cause was {}. ", self.fill(self.cause.short));
        s.push_str(&self.fill(self.cause.fix[0]));
        if rng.chance(60) {
            s.push(' ');
            s.push_str(&self.fill(rng.pick(BACKGROUND)));
        }
        s
    }

    fn impact_paragraph(&self, rng: &mut Rng) -> String {
        let who = if self.pct == 100 {
            "All users were affected".to_string()
        } else {
            format!("Approximately {}% of users were affected", self.pct)
        };
        let symptom = self.fill(self.cause.symptom);
        let mut s = format!("{who}: {symptom}. ");
        let _ = write!(
            s,
            "Roughly {} requests failed and support received {} tickets.",
            self.rpm as u64 * self.minutes.min(240) as u64 / 7,
            3 + self.index % 140
        );
        if rng.chance(60) {
            s.push(' ');
            s.push_str(&self.fill(rng.pick(IMPACT_EXTRA)));
        }
        if rng.chance(40) {
            s.push_str(" No data was lost.");
        }
        s
    }

    fn background(&self, rng: &mut Rng, n: usize) -> String {
        self.sentences(rng, BACKGROUND, n)
    }

    fn sentences(&self, rng: &mut Rng, bank: &[&str], n: usize) -> String {
        rng.sample(bank, n).into_iter().map(|s| self.fill(s)).collect::<Vec<_>>().join(" ")
    }

    /// A title; files that get mojibake or windows-1252 always carry a dash
    /// (and, for mojibake, an emoji) so the quirk has something to damage.
    fn title(&self, rng: &mut Rng, q: &Quirks) -> String {
        let (force_dash, mojibake) = (q.mojibake || q.cp1252, q.mojibake);
        let cause = self.fill(self.cause.title);
        let mut t = match rng.below(5) {
            0 => format!("{} outage — {}", self.svc.label, cause),
            1 => format!("{} {}", self.svc.label, cause),
            2 => format!("{} took down {}", capitalize(&cause), self.svc.name),
            3 => format!("{}: {} outage caused by {}", self.company, self.svc.label, cause),
            _ => format!("{} incident on {}", capitalize(&cause), self.start.abbr_date()),
        };
        if force_dash && !t.contains('—') {
            t = format!("{t} — {}", self.svc.name);
        }
        if mojibake || (!q.cp1252 && rng.chance(8)) {
            t = format!("{} {t}", rng.pick(EMOJI));
        }
        t
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------
// Styles

#[derive(Clone, Copy, PartialEq, Debug)]
enum Style {
    Tidy,
    Student,
    Bold,
    Binder,
    Narrative,
}

/// Per-document quirks, rolled once.
struct Quirks {
    crlf: bool,
    bom: bool,
    cp1252: bool,
    mojibake: bool,
    conflict: bool,
    pm13: bool,
    long_line: bool,
    log_fence: bool,
    table: bool,
    emoji: bool,
}

impl Quirks {
    fn roll(rng: &mut Rng, style: Style) -> Quirks {
        let cp1252 = rng.chance(1);
        Quirks {
            crlf: rng.chance(6),
            bom: rng.chance(2),
            cp1252,
            mojibake: !cp1252 && rng.chance(4),
            conflict: matches!(style, Style::Student | Style::Bold | Style::Tidy) && rng.chance(5),
            pm13: style == Style::Student && rng.chance(30),
            long_line: rng.chance(4),
            log_fence: rng.chance(15),
            table: rng.chance(10),
            emoji: rng.chance(12),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Part {
    Front,
    Title,
    Summary,
    Impact,
    Timeline,
    Cause,
    Resolution,
    Lessons,
    Actions,
    Other,
}

struct Block {
    part: Part,
    text: String,
}

fn block(part: Part, text: String) -> Block {
    Block { part, text }
}

macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = writeln!($dst, $($arg)*);
    }};
}

/// Style 1: YAML front matter and `## Summary/Impact/Timeline/...` sections.
fn tidy(inc: &Incident, rng: &mut Rng, q: &Quirks) -> Vec<Block> {
    let title = inc.title(rng, q);
    let mut fm = String::from("---\n");
    if rng.chance(60) {
        w!(fm, "title: \"{}\"", title.replace('"', "'"));
    } else {
        w!(fm, "title: {}", title.replace(": ", " - "));
    }
    if rng.chance(40) {
        w!(fm, "id: pm-{}-{:04}", inc.start.y, inc.index);
    }
    w!(fm, "date: {}", inc.start.iso_date());
    if rng.chance(90) {
        let (k0, k1) = rng.pick(&[("start", "end"), ("started_at", "resolved_at"), ("start_time", "end_time")]);
        let quote = if rng.chance(30) { "\"" } else { "" };
        w!(fm, "{k0}: {quote}{}{quote}", inc.start.rfc3339(inc.offset()));
        w!(fm, "{k1}: {quote}{}{quote}", inc.end.rfc3339(inc.offset()));
    }
    let sev = match rng.below(4) {
        0 => format!("SEV{}", inc.severity),
        1 => format!("sev{}", inc.severity),
        2 => format!("P{}", inc.severity),
        _ => ["critical", "high", "medium", "low"][inc.severity as usize - 1].to_string(),
    };
    w!(fm, "severity: {sev}");
    let mut services = vec![inc.svc.name];
    if rng.chance(50) {
        services.push(inc.svc2.name);
    }
    services.extend(inc.extra_services.iter().map(String::as_str));
    let mut tags: Vec<&str> = inc.cause.tags[..rng.range(1, inc.cause.tags.len() as u32) as usize].to_vec();
    tags.extend(inc.extra_tags.iter().map(String::as_str));
    if rng.chance(50) {
        w!(fm, "services: [{}]", services.join(", "));
        w!(fm, "tags: [{}]", tags.join(", "));
    } else {
        w!(fm, "services:");
        for s in &services {
            w!(fm, "  - {s}");
        }
        w!(fm, "tags:");
        for t in &tags {
            w!(fm, "  - {t}");
        }
    }
    w!(fm, "authors: [{}]", inc.author);
    if rng.chance(70) {
        w!(fm, "status: {}", rng.pick(&["published", "final", "draft", "in review"]));
    }
    if rng.chance(25) {
        w!(fm, "team: {}", inc.team.to_lowercase());
    }
    fm.push_str("---");

    let mut blocks = vec![block(Part::Front, fm)];
    if rng.chance(80) {
        blocks.push(block(Part::Title, format!("# {title}")));
    }
    let n = rng.range(1, 2) as usize;
    let summary = format!("## Summary\n\n{}\n\n{}", inc.summary_paragraph(rng), inc.background(rng, n));
    blocks.push(block(Part::Summary, summary));
    blocks.push(block(Part::Impact, format!("## Impact\n\n{}", inc.impact_paragraph(rng))));
    if rng.chance(60) {
        blocks.push(block(Part::Other, format!("## Detection\n\n{}", inc.sentences(rng, DETECTION, 2))));
    }

    let mut tl = String::new();
    let zone_in_heading = inc.zone.is_some() && rng.chance(30);
    if zone_in_heading {
        w!(tl, "## Timeline{}\n", inc.zone_paren());
    } else {
        w!(tl, "## Timeline\n");
        if let Some(z) = inc.zone {
            w!(tl, "All times in {}.\n", z.name);
        }
    }
    match rng.below(3) {
        0 => {
            let full = rng.chance(50) || !inc.start.same_day(&inc.end);
            w!(tl, "| Time | Event |");
            w!(tl, "| :--- | --- |");
            for e in &inc.events {
                let t = if full { format!("{} {}", e.at.iso_date(), e.at.hm24()) } else { e.at.hm24() };
                w!(tl, "| {t} | {} |", e.text);
            }
        }
        1 => {
            for (e, new_day) in inc.events.iter().zip(inc.new_days()) {
                let date = if new_day { format!("{} ", e.at.iso_date()) } else { String::new() };
                w!(tl, "- **{date}{}** - {}", e.at.hm24(), e.text);
            }
        }
        _ => {
            let mut day = inc.start;
            for (i, e) in inc.events.iter().enumerate() {
                if i > 0 && !e.at.same_day(&day) {
                    w!(tl, "- {} {}: {}", e.at.iso_date(), e.at.hm24(), e.text);
                    day = e.at;
                } else {
                    w!(tl, "- {}: {}", e.at.hm24(), e.text);
                }
            }
        }
    }
    blocks.push(block(Part::Timeline, tl));
    let heading = if rng.chance(30) { "Root Cause Analysis" } else { "Root Cause" };
    blocks.push(block(Part::Cause, format!("## {heading}\n\n{}", inc.cause_paragraph(rng))));
    blocks.push(block(Part::Resolution, format!("## Resolution\n\n{}", inc.fix_paragraph())));
    if rng.chance(30) {
        blocks.push(block(Part::Other, format!("## Communication\n\n{}", inc.sentences(rng, COMMS, 3))));
    }
    if rng.chance(65) {
        let mut l = String::from("## Lessons Learned\n\n");
        for s in rng.sample(WENT_WELL, 2).into_iter().chain(rng.sample(WENT_WRONG, 2)) {
            w!(l, "- {}", inc.fill(s));
        }
        blocks.push(block(Part::Lessons, l));
    }
    let mut a = String::from("## Action Items\n\n");
    for act in &inc.actions {
        let owner = act.owner.as_ref().map_or_else(String::new, |o| format!(" (owner: {o})"));
        w!(a, "- [{}] {}{owner}", if act.done { 'x' } else { ' ' }, act.text);
    }
    blocks.push(block(Part::Actions, a));
    blocks
}

/// Style 2: no front matter, `#Issue Summary:`, plain `Label:` lines,
/// `9:00 AM: …` timeline lines.
fn student(inc: &Incident, rng: &mut Rng, q: &Quirks) -> Vec<Block> {
    let hash = |rng: &mut Rng| match rng.below(3) {
        0 => "#",
        1 => "# ",
        _ => "",
    };
    // `13:00 PM` on some of the afternoon times, as people write it.
    let clock = |c: &Civil| if q.pm13 && !(c.h + c.mi / 5).is_multiple_of(3) { c.hm12_broken() } else { c.hm12() };
    let mut blocks = Vec::new();
    let title = inc.title(rng, q);
    match rng.below(3) {
        0 => blocks.push(block(Part::Title, format!("#Postmortem: {title}"))),
        1 => blocks.push(block(Part::Title, format!("# Postmortem\n{}\n\n## {title}", student_intro(rng)))),
        _ => blocks.push(block(Part::Title, format!("{title}\n\nPOSTMORTEM REPORT"))),
    }

    let mut s = format!("{}Issue Summary:\n", hash(rng));
    let multi_day = !inc.start.same_day(&inc.end);
    let duration = match rng.below(3) {
        _ if multi_day => format!(
            "Duration: {}, {} to {}, {}{}",
            inc.start.long_date(),
            clock(&inc.start),
            inc.end.long_date(),
            clock(&inc.end),
            inc.zone_paren()
        ),
        0 => format!(
            "Duration: {}, {} to {}, {}{}",
            inc.start.long_date(),
            clock(&inc.start),
            inc.end.long_date(),
            clock(&inc.end),
            inc.zone_paren()
        ),
        1 => format!(
            "Duration: The outage occurred on {}, from {} to {}{}.",
            inc.start.abbr_date(),
            clock(&inc.start),
            clock(&inc.end),
            inc.zone_space()
        ),
        _ => format!(
            "Start Time: {}, {}{}\nEnd Time: {}, {}{}",
            inc.start.long_date(),
            clock(&inc.start),
            inc.zone_paren(),
            inc.end.long_date(),
            clock(&inc.end),
            inc.zone_paren()
        ),
    };
    w!(s, "{duration}");
    w!(s, "Impact: {}", inc.impact_paragraph(rng));
    w!(s, "Root Cause: The root cause was {}.", inc.fill(inc.cause.short));
    if rng.chance(70) {
        w!(s, "\n{}", inc.summary_paragraph(rng));
    }
    blocks.push(block(Part::Summary, s));

    let mut tl = format!("{}Timeline:\n", hash(rng));
    let dated = multi_day || rng.chance(25);
    let gap = rng.chance(40);
    for (i, e) in inc.events.iter().enumerate() {
        let zone = if i == 0 || dated { inc.zone_paren() } else { String::new() };
        if dated {
            w!(tl, "{}, {}{zone}: {}", e.at.long_date(), clock(&e.at), e.text);
        } else {
            w!(tl, "{}{zone}: {}", clock(&e.at), e.text);
        }
        if gap {
            tl.push('\n');
        }
    }
    blocks.push(block(Part::Timeline, tl));

    let mut rc = format!("{}Root Cause and Resolution:\n", hash(rng));
    w!(rc, "Root Cause: {}", inc.cause_paragraph(rng));
    w!(rc, "Resolution: {}", inc.fix_paragraph());
    blocks.push(block(Part::Cause, rc));

    let mut a = format!("{}Corrective and Preventative Measures:\n", hash(rng));
    w!(a, "Improvements/Fixes:");
    for act in inc.actions.iter().take(2) {
        w!(a, "{}", act.text);
    }
    w!(a, "Tasks:");
    for act in inc.actions.iter().skip(2) {
        if rng.chance(30) {
            w!(a, "Task: {}", act.text);
            if let Some(o) = &act.owner {
                w!(a, "Owner: {o}");
            }
        } else {
            w!(a, "{}", act.text);
        }
    }
    blocks.push(block(Part::Actions, a));
    if rng.chance(65) {
        let h = hash(rng);
        let body = format!(
            "This outage showed how much we depend on {}. {} {}",
            inc.svc.name,
            inc.background(rng, 2),
            inc.sentences(rng, WENT_WRONG, 1)
        );
        blocks.push(block(Part::Other, format!("{h}Conclusion:\n{body}")));
    }
    blocks
}

fn student_intro(rng: &mut Rng) -> &'static str {
    rng.pick(&[
        "This is an exercise in writing a technical report about an incident.",
        "A postmortem is written after an outage so that everyone can learn what happened and why.",
        "Written for the web stack debugging project.",
    ])
}

/// Style 3: `- **Root Cause:** …` bullets and `**10:00 AM (UTC):**` times.
fn bold(inc: &Incident, rng: &mut Rng, q: &Quirks) -> Vec<Block> {
    let mut blocks = Vec::new();
    let title = inc.title(rng, q);
    let mut t = format!("# {title}");
    if rng.chance(40) {
        let _ = write!(
            t,
            "\n\n### {}",
            rng.pick(&["Oops, that was not the plan", "What broke and why", "A long afternoon"])
        );
    }
    blocks.push(block(Part::Title, t));

    let multi_day = !inc.start.same_day(&inc.end);
    let duration = if multi_day || rng.chance(40) {
        format!(
            "{}, {} - {}, {}{}",
            inc.start.long_date(),
            inc.start.hm12(),
            inc.end.long_date(),
            inc.end.hm12(),
            inc.zone_paren()
        )
    } else {
        format!(
            "The outage occurred from {} to {}{} on {}.",
            inc.start.hm12(),
            inc.end.hm12(),
            inc.zone_paren(),
            inc.start.ordinal_date()
        )
    };
    let mut s = String::from("## Issue Summary\n\n");
    w!(s, "- **Duration:** {duration}");
    w!(s, "- **Impact:** {}", inc.impact_paragraph(rng));
    w!(s, "- **Root Cause:** The root cause was {}.", inc.fill(inc.cause.short));
    if rng.chance(50) {
        w!(s, "- **Detection:** {}", inc.sentences(rng, DETECTION, 1));
    }
    blocks.push(block(Part::Summary, s));

    let mut tl = String::from("## Timeline\n\n");
    match rng.below(3) {
        0 => {
            for (i, (e, new_day)) in inc.events.iter().zip(inc.new_days()).enumerate() {
                let zone = if i == 0 { inc.zone_paren() } else { String::new() };
                let date = if new_day && i > 0 { format!("{}, ", e.at.long_date()) } else { String::new() };
                w!(tl, "- **{date}{}{zone}:** {}", e.at.hm12(), e.text);
            }
        }
        1 => {
            for (e, new_day) in inc.events.iter().zip(inc.new_days()) {
                if new_day {
                    w!(tl, "{}", e.at.iso_date());
                }
                w!(tl, "* *{}{}* - {}", e.at.hm24(), inc.zone_space(), e.text);
            }
        }
        _ => {
            if let Some(z) = inc.zone {
                w!(tl, "All times {}.\n", z.name);
            }
            for (i, (e, new_day)) in inc.events.iter().zip(inc.new_days()).enumerate() {
                let date = if new_day && i > 0 { format!("{} ", e.at.abbr_date()) } else { String::new() };
                w!(tl, "<li><strong>{date}{}:</strong>{}.</li>", e.at.hm12(), e.text);
            }
        }
    }
    blocks.push(block(Part::Timeline, tl));

    let mut rc = String::from("## Root Cause and Resolution\n\n");
    w!(rc, "- **Root Cause:** {}", inc.cause_paragraph(rng));
    w!(rc, "- **Resolution:** {}", inc.fix_paragraph());
    blocks.push(block(Part::Cause, rc));

    let mut a = String::from("## Corrective and Preventative Measures\n\n");
    let split = inc.actions.len() / 2;
    w!(a, "- **Improvements/Fixes:**");
    for act in &inc.actions[..split] {
        w!(a, "  - {}", act.text);
    }
    w!(a, "- **Tasks:**");
    for act in &inc.actions[split..] {
        w!(a, "  - {}", act.text);
    }
    blocks.push(block(Part::Actions, a));
    if rng.chance(40) {
        let mut l = String::from("## Lessons Learned\n\n");
        w!(l, "- **What went well:** {}", inc.sentences(rng, WENT_WELL, 2));
        w!(l, "- **What went wrong:** {}", inc.sentences(rng, WENT_WRONG, 2));
        blocks.push(block(Part::Lessons, l));
    }
    if rng.chance(60) {
        let text = format!("{} {}", inc.background(rng, 2), inc.sentences(rng, COMMS, 2));
        blocks.push(block(Part::Other, format!("## Conclusion\n\n{text}")));
    }
    blocks
}

/// Style 4: mybinder: `All times in PST` and `### 2018-02-22 16:30` entries.
fn binder(inc: &Incident, rng: &mut Rng, q: &Quirks) -> Vec<Block> {
    let mut blocks = Vec::new();
    let short_title = capitalize(&inc.fill(inc.cause.title));
    let mut title = format!("# {}, {} {}", inc.start.iso_date(), inc.svc.label, short_title);
    if q.mojibake || q.cp1252 {
        title = format!("# {}, {} — {}", inc.start.iso_date(), inc.svc.label, short_title);
    }
    blocks.push(block(Part::Title, title));
    let summary = format!("## Summary\n\n{}\n\n{}", inc.summary_paragraph(rng), inc.background(rng, 2));
    blocks.push(block(Part::Summary, summary));

    let mut tl = String::from("## Timeline\n\n");
    if let Some(z) = inc.zone {
        w!(tl, "All times in {}\n", z.name);
    }
    let mut day: Option<Civil> = None;
    for e in &inc.events {
        let heading = match day {
            Some(d) if d.same_day(&e.at) => e.at.hm24(),
            _ => format!("{} {}", e.at.iso_date(), e.at.hm24()),
        };
        day = Some(e.at);
        w!(tl, "### {heading}\n");
        let extra = if rng.chance(70) { format!(" {}", inc.fill(rng.pick(BACKGROUND))) } else { String::new() };
        w!(tl, "{}.{extra}\n", e.text);
    }
    blocks.push(block(Part::Timeline, tl));
    blocks.push(block(Part::Cause, format!("## Root cause\n\n{}", inc.cause_paragraph(rng))));

    let mut l = String::from("## Lessons learnt\n\n");
    for (heading, bank) in
        [("What went well", WENT_WELL), ("What went wrong", WENT_WRONG), ("Where we got lucky", LUCKY)]
    {
        w!(l, "### {heading}\n");
        for (i, s) in rng.sample(bank, 2).into_iter().enumerate() {
            w!(l, "{}. {}", i + 1, inc.fill(s));
        }
        l.push('\n');
    }
    blocks.push(block(Part::Lessons, l));

    let mut a = String::from("## Action items\n\n### Process improvements\n\n");
    let split = inc.actions.len() / 2;
    for (i, act) in inc.actions[..split].iter().enumerate() {
        w!(a, "{}. {}{}", i + 1, act.text, if act.done { " (DONE)" } else { "" });
    }
    w!(a, "\n### Technical improvements\n");
    for (i, act) in inc.actions[split..].iter().enumerate() {
        w!(
            a,
            "{}. {} [#{}](https://github.com/example/ops/issues/{})",
            i + 1,
            act.text,
            100 + inc.index % 900,
            100 + inc.index % 900
        );
    }
    blocks.push(block(Part::Actions, a));
    blocks
}

/// Style 5: prose only, sometimes with icco-style front matter.
fn narrative(inc: &Incident, rng: &mut Rng, q: &Quirks) -> Vec<Block> {
    let mut blocks = Vec::new();
    let title = inc.title(rng, q);
    if rng.chance(50) {
        let mut fm = String::from("---\n");
        w!(
            fm,
            "uuid: {:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            rng.next_u64() as u32,
            rng.below(0xffff),
            rng.below(0xfff),
            rng.below(0xfff),
            rng.next_u64() >> 16
        );
        w!(fm, "url: https://status.{}.example/incidents/{}", inc.company.to_lowercase().replace(' ', "-"), inc.index);
        w!(fm, "title: \"{}\"", title.replace('"', "'"));
        w!(fm, "start_time: {}", inc.start.plus(-i64::from(inc.offset().unwrap_or(0))).rfc3339(Some(0)));
        w!(fm, "end_time: {}", inc.end.plus(-i64::from(inc.offset().unwrap_or(0))).rfc3339(Some(0)));
        w!(fm, "categories:");
        w!(fm, "- cloud");
        w!(fm, "- {}", inc.cause.tags[0]);
        w!(fm, "keywords:");
        for k in [inc.svc.name, inc.svc2.name, inc.cause.slug] {
            w!(fm, "- {k}");
        }
        w!(fm, "company: {}", inc.company);
        w!(fm, "product: {}", inc.svc.label);
        w!(fm, "summary: {}", inc.fill(inc.cause.short).replace(": ", " - "));
        fm.push_str("---");
        blocks.push(block(Part::Front, fm));
    } else {
        blocks.push(block(Part::Title, title));
    }
    blocks.push(block(Part::Summary, inc.summary_paragraph(rng)));
    let detect = &inc.events[1];
    let fix = &inc.events[inc.mitigated];
    let mut middle = format!(
        "The first alert came at {}{}, {} after the first errors. ",
        detect.at.hm24(),
        inc.zone_space(),
        duration_words(inc.start.minutes_until(&detect.at))
    );
    let _ = write!(middle, "{} ", inc.cause_paragraph(rng));
    let _ = write!(middle, "At {} the team {}.", fix.at.hm24(), lower_first(&fix.text));
    blocks.push(block(Part::Cause, middle));
    blocks.push(block(Part::Impact, format!("{} {}", inc.impact_paragraph(rng), inc.background(rng, 2))));
    if rng.chance(60) {
        let text = format!("{} {}", inc.sentences(rng, DETECTION, 2), inc.sentences(rng, COMMS, 2));
        blocks.push(block(Part::Other, text));
    }
    let follow: Vec<String> = inc.actions.iter().map(|a| lower_first(&a.text)).collect();
    blocks.push(block(
        Part::Actions,
        format!("{} Follow-ups committed in the review: {}.", inc.fix_paragraph(), follow.join("; ")),
    ));
    blocks
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with("DNS") && !s.starts_with("TLS") => f.to_lowercase().collect::<String>() + c.as_str(),
        _ => s.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Quirks

/// The added terms of a document whose style writes no tags or services
/// (the tidy style lists them with its own): in its front matter, or in
/// one of their own. Draws nothing from the document's generator, so the
/// rest of the document is as without them.
fn add_terms(blocks: &mut Vec<Block>, inc: &Incident) {
    if inc.extra_tags.is_empty() && inc.extra_services.is_empty() {
        return;
    }
    let mut lines = String::new();
    for (key, names) in [("tags", &inc.extra_tags), ("services", &inc.extra_services)] {
        if !names.is_empty() {
            w!(lines, "{key}:");
            for name in names {
                w!(lines, "  - {name}");
            }
        }
    }
    match blocks.first_mut() {
        Some(front) if front.part == Part::Front => {
            let body = front.text.strip_suffix("---").unwrap_or(&front.text).to_string();
            front.text = format!("{body}{lines}---");
        }
        _ => blocks.insert(0, block(Part::Front, format!("---\n{lines}---"))),
    }
}

fn apply_block_quirks(blocks: &mut [Block], inc: &Incident, rng: &mut Rng, q: &Quirks) {
    // The first block of the first listed part that the document has.
    let find = |blocks: &[Block], parts: &[Part]| parts.iter().find_map(|p| blocks.iter().position(|b| b.part == *p));
    if q.table
        && let Some(i) = find(blocks, &[Part::Impact, Part::Summary])
    {
        let mut t = String::from("\n\n| Region | Error rate | p99 latency |\n|---|---:|---:|\n");
        for r in rng.sample(REGIONS, 3) {
            w!(t, "| {r} | {}% | {} ms |", rng.range(1, inc.pct.max(2)), rng.range(300, 9000));
        }
        blocks[i].text.push_str(&t);
    }
    if q.log_fence
        && let Some(i) = find(blocks, &[Part::Cause, Part::Timeline])
    {
        let mut t = String::from("\n\nLogs from one of the affected instances:\n\n```\n");
        let base = inc.start.plus(-i64::from(inc.offset().unwrap_or(0)));
        for k in 0..rng.range(3, 8) {
            let at = base.plus(i64::from(k));
            let line = rng.pick(LOG_LINES);
            let line = line
                .replace("{pod}", &format!("{:x}", 0x5a3f00 + inc.index % 4096))
                .replace("{a}", &rng.range(0, 9).to_string())
                .replace("{b}", &rng.range(2, 250).to_string())
                .replace("{ms}", &rng.range(1000, 30000).to_string())
                .replace("{n}", &rng.range(1, 5).to_string());
            w!(
                t,
                "{}T{}:{:02}.{:03}Z {}",
                at.iso_date(),
                at.hm24(),
                rng.range(0, 59),
                rng.range(0, 999),
                inc.fill(&line)
            );
        }
        t.push_str("```");
        blocks[i].text.push_str(&t);
    }
    if q.long_line {
        let i = find(blocks, &[Part::Cause, Part::Other, Part::Summary]).unwrap_or(blocks.len() - 1);
        let mut line = String::new();
        if rng.chance(50) {
            // A minified payload pasted into a fence.
            line.push_str("```json\n{\"request_id\":\"");
            while line.len() < 2100 {
                let _ = write!(
                    line,
                    "{:016x}\",\"span\":{},\"service\":\"{}\",\"status\":503,\"retry\":\"",
                    rng.next_u64(),
                    rng.below(99_999),
                    inc.svc.name
                );
            }
            line.push_str("end\"}\n```");
        } else {
            // One very long paragraph with no line breaks.
            while line.len() < 2000 {
                line.push_str(&inc.fill(rng.pick(BACKGROUND)));
                line.push(' ');
                line.push_str(&inc.fill(rng.pick(inc.cause.detail)));
                line.push(' ');
            }
        }
        blocks[i].text.push_str("\n\n");
        blocks[i].text.push_str(line.trim_end());
    }
    if q.emoji
        && let Some(i) = find(blocks, &[Part::Timeline, Part::Actions])
    {
        let e = rng.pick(EMOJI);
        let text = &mut blocks[i].text;
        if let Some(nl) = text.find('\n') {
            text.insert_str(nl, &format!(" {e}"));
        }
    }
    if q.conflict
        && let Some(i) = find(blocks, &[Part::Summary, Part::Actions])
    {
        let ours = blocks[i].text.clone();
        let mut theirs: Vec<&str> = ours.lines().collect();
        theirs.truncate(theirs.len().div_ceil(2));
        let theirs = theirs.join("\n").replacen("## ", "#", 1);
        blocks[i].text = format!(
            "<<<<<<< HEAD\n{ours}\n=======\n{theirs}\n>>>>>>> {:016x}{:016x}{:08x}",
            rng.next_u64(),
            rng.next_u64(),
            rng.next_u64() as u32
        );
    }
}

/// UTF-8 text as it looks after being read as windows-1252 and saved again.
fn mojibake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '—' => out.push_str("â€”"),
            '’' => out.push_str("â€™"),
            'é' => out.push_str("Ã©"),
            'ë' => out.push_str("Ã«"),
            '🔥' => out.push_str("ðŸ”¥"),
            '🚨' => out.push_str("ðŸš¨"),
            '💥' => out.push_str("ðŸ’¥"),
            '🙈' => out.push_str("ðŸ™ˆ"),
            _ => out.push(c),
        }
    }
    out
}

/// Encode as windows-1252 (what an old editor saves); unmappable → `?`.
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            c if (c as u32) < 0x80 => c as u8,
            c if (0xA0..=0xFF).contains(&(c as u32)) => c as u32 as u8,
            '—' => 0x97,
            '–' => 0x96,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '€' => 0x80,
            _ => b'?',
        })
        .collect()
}
