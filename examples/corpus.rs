//! Write a generated archive, the benchmarks' (benches/corpus), for tests
//! that need a big one: the search page at 10,000 incidents
//! (tests/browser/large.test.mjs).
//!
//! ```text
//! cargo run --release --example corpus -- COUNT DIR [SEED [TERMS]]
//! ```
//!
//! TERMS adds that many distinct tags and services, as the bench's
//! many-terms archive does (`CORONER_BENCH_TERMS`), to time that archive's
//! phases by hand (`CORONER_TIMINGS=1 coroner build`).

#[path = "../benches/corpus/mod.rs"]
mod corpus;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(dir)) = (args.first().and_then(|c| c.parse().ok()), args.get(1)) else {
        eprintln!("usage: corpus COUNT DIR [SEED [TERMS]]");
        return std::process::ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2026);
    let terms = match args.get(3).and_then(|t| t.parse().ok()) {
        Some(distinct) => corpus::Terms { distinct, count },
        None => corpus::Terms::NONE,
    };
    match corpus::write_to(std::path::Path::new(dir), count, seed, terms) {
        Ok(bytes) => {
            eprintln!("generated {count} postmortems ({:.1} MB) in {dir}", bytes as f64 / 1e6);
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {dir}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
