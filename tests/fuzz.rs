//! Bad input never panics: random bytes, and real-looking fixtures cut up
//! and spliced with the quirks real archives have. Bounded (256 cases per
//! property by default; `PROPTEST_CASES` raises it), so it runs in CI.

use coroner::config::Config;
use coroner::ingest::Reader;
use proptest::prelude::*;
use std::path::Path;
use std::sync::LazyLock;

static CONFIG: LazyLock<Config> = LazyLock::new(|| Config::default_for(Path::new(".")));

static FIXTURES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    // Every fixture file, those of `reading/` too.
    let files = ["tests/fixtures", "tests/fixtures/reading"]
        .into_iter()
        .flat_map(|dir| std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()))
        .filter(|path| path.is_file());
    let mut all: Vec<Vec<u8>> = files.map(|path| std::fs::read(path).unwrap()).collect();
    all.sort();
    all
});

/// Pieces that break naive parsers: markers, fences, zones, encodings.
const QUIRKS: &[&str] = &[
    "<<<<<<< HEAD\n",
    "=======\n",
    ">>>>>>> 1a2b3c\n",
    "#Timeline:",
    "## Timeline (GMT+ 1)\n",
    "13:00 PM",
    "14:30 am",
    "---\n",
    "+++\n",
    "\u{feff}",
    "\r",
    "\r\n",
    "ðŸš—",
    "â€”",
    "```\n",
    "~~~",
    "| Time | Event |\n|---|---|\n",
    "**Root Cause:**",
    "Root Cause and Resolution:",
    "- [x] ",
    "T+00:05",
    "    ",
    "<li><strong>",
    "[[",
    "]]",
    "January 31st, 2024",
    "31.12.2023",
    "2024-02-30T25:61:00+99:00",
    "GMT-",
    "UTC+",
    "100%",
    "\u{0}",
    "\u{202e}",
    "# ",
    "=====\n",
    "title: [unclosed\n",
    "a = \"\n",
];

fn parse(bytes: &[u8]) {
    let p = Reader::new(&CONFIG).parse("fuzz.md", bytes);
    // Whatever the input, the model stays self-consistent.
    let lines = bytes.iter().filter(|b| **b == b'\n').count() as u32 + 2;
    for d in &p.diagnostics {
        assert!(d.line <= lines.max(p.body.lines().count() as u32 + 2), "diagnostic past the end: {d:?}");
    }
    for s in &p.sections {
        assert!(s.line <= s.end_line || s.end_line == 0, "section ends before it starts: {s:?}");
    }
    assert!(!p.id.is_empty());
    serde_json::to_string(&p).expect("the model always serialises");
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
    Flip(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..QUIRKS.len()).prop_map(|(at, q)| Edit::Insert(at, q)),
        (any::<usize>(), 1usize..64).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Flip(at, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        parse(&bytes);
    }

    #[test]
    fn random_quirky_text_never_panics(pieces in proptest::collection::vec(0..QUIRKS.len(), 0..64)) {
        let text: String = pieces.iter().map(|i| QUIRKS[*i]).collect();
        parse(text.as_bytes());
    }

    #[test]
    fn mutated_fixtures_never_panic(which in any::<usize>(), edits in proptest::collection::vec(edit(), 1..24)) {
        let mut bytes = FIXTURES[which % FIXTURES.len()].clone();
        for e in edits {
            let len = bytes.len().max(1);
            match e {
                Edit::Insert(at, q) => {
                    let at = at % len;
                    let at = at.min(bytes.len());
                    bytes.splice(at..at, QUIRKS[q].bytes());
                }
                Edit::Delete(at, n) => {
                    let at = (at % len).min(bytes.len());
                    let end = (at + n).min(bytes.len());
                    bytes.drain(at..end);
                }
                Edit::Flip(at, b) => {
                    if !bytes.is_empty() {
                        let at = at % bytes.len();
                        bytes[at] = b;
                    }
                }
            }
        }
        parse(&bytes);
    }
}
