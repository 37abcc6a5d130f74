//! The `coroner` binary: parse arguments, call the library, print, and map
//! the outcome to an exit code (0 clean, 1 findings, 2 unusable input).

mod cli;

use clap::Parser;
use cli::{Cli, Command, Format};
use coroner::build::{self, read_archive};
use coroner::check::{Tally, check};
use coroner::config::Config;
use coroner::diagnostics::Severity;
use coroner::report;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect { paths, root, format } => {
            let config = Config::load(&root)?;
            let mut postmortems = Vec::new();
            for path in &paths {
                let discovered = build::discover(path, &config.extensions)?;
                let mut ingested = build::ingest(&config, discovered);
                for p in &mut ingested.postmortems {
                    if path.is_dir() {
                        p.source = path.join(&p.source).display().to_string();
                    } else {
                        p.source = path.display().to_string();
                    }
                }
                for problem in &ingested.problems {
                    eprintln!("{}: {}", problem.source, problem.diagnostic.message);
                }
                postmortems.extend(ingested.postmortems);
            }
            let out = match format {
                Format::Json => serde_json::to_string_pretty(&postmortems)? + "\n",
                Format::Text => postmortems.iter().map(report::inspect_text).collect::<Vec<_>>().join("\n"),
            };
            write_stdout(&out);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { root, content, strict, format, verbose } => {
            let config = Config::load(&root)?;
            let archive = read_archive(&config, content.as_deref())?;
            let content_dir = content.unwrap_or_else(|| config.content_dir.clone());
            let mut findings = check(&archive, &config);
            let tally = Tally::of(&findings);
            if !verbose && format == Format::Text {
                findings.retain(|f| f.diagnostic.severity != Severity::Info);
            }
            match format {
                Format::Json => write_stdout(&(report::json(&findings) + "\n")),
                Format::Text => {
                    let color = std::io::stdout().is_terminal();
                    write_stdout(&report::text(&findings, &content_dir, color));
                    write_stdout(&format!(
                        "checked {} files: {} errors, {} warnings, {} notes\n",
                        archive.postmortems.len() + archive.problems.len(),
                        tally.errors,
                        tally.warnings,
                        tally.infos
                    ));
                }
            }
            let failed = tally.errors > 0 || (strict && tally.warnings > 0);
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
    }
}

/// Print, and stop quietly when the reader goes away (`coroner … | head`).
fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}
