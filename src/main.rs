//! The `coroner` binary: parse arguments, call the library, print, and map
//! the outcome to an exit code (0 clean, 1 findings, 2 unusable input).

mod cli;

use clap::Parser;
use cli::{Cli, Command, Format, SortBy, WatcherWhen};
use coroner::archive::{self, Archive};
use coroner::build::{self, BuildOptions, build_site, read_archive};
use coroner::check::{Tally, check};
use coroner::config::{Config, SearchWatcher};
use coroner::diagnostics::Severity;
use coroner::report;
use coroner::scaffold;
use coroner::search;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

/// Parsing makes many small strings on every thread; mimalloc serves them
/// faster than glibc malloc and without contention (docs/benchmarks.md, "Parsing").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        Command::Build { root, content, output, base_url, drafts, strict, quiet } => {
            let started = Instant::now();
            let mut config = Config::load(&root)?;
            if let Some(url) = base_url {
                config.base_url = url;
            }
            let progress = if !quiet && std::io::stderr().is_terminal() {
                ProgressBar::new(0).with_style(
                    ProgressStyle::with_template("{spinner} rendering {pos}/{len} incidents {wide_bar}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                )
            } else {
                ProgressBar::hidden()
            };
            let options = BuildOptions { content, output, drafts };
            let built = build_site(&config, &options, &progress)?;
            let mut findings = check(&built.archive, &config);
            let tally = Tally::of(&findings);
            findings.retain(|f| f.diagnostic.severity >= if quiet { Severity::Error } else { Severity::Warning });
            let content_dir = options.content.unwrap_or_else(|| config.content_dir.clone());
            eprint!("{}", report::text(&findings, &content_dir, std::io::stderr().is_terminal()));
            let archive = &built.archive;
            write_stdout(&format!(
                "built {} pages ({} incidents{}), {} files in all{}, into {} in {:.2} s: {} errors, {} warnings\n",
                built.rendered.pages + built.rendered.kept_pages,
                archive.postmortems().count(),
                match archive.drafts_skipped {
                    0 => String::new(),
                    1 => ", 1 draft skipped".to_string(),
                    n => format!(", {n} drafts skipped"),
                },
                built.rendered.files + built.rendered.kept,
                match built.rendered.kept {
                    0 => String::new(),
                    kept => format!(" ({kept} not rendered: unchanged since the last build)"),
                },
                built.output.display(),
                started.elapsed().as_secs_f64(),
                tally.errors,
                tally.warnings,
            ));
            let failed = strict && (tally.errors > 0 || tally.warnings > 0);
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Serve { root, content, bind, port, open, drafts } => {
            let config = Config::load(&root)?;
            let options = coroner::serve::Options { content, bind, port, drafts };
            let server = coroner::serve::Server::start(config, &options, |line| eprintln!("{line}"))?;
            write_stdout(&format!("serving {} (Ctrl-C stops)\n", server.url));
            if open && let Err(err) = ::open::that_detached(&server.url) {
                eprintln!("cannot open a browser: {err}; open {} yourself", server.url);
            }
            server.run()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { query, root, content, limit, format, sort, facets, watcher } => {
            let config = Config::load(&root)?;
            let sort = match sort {
                SortBy::Relevance => search::Sort::Relevance,
                SortBy::Date => search::Sort::Date,
            };
            let parsed = search::Parsed::parse(&query, &config);
            let (found, updated) = build::search_current(&config, content.as_deref(), |index| {
                index.search(&parsed, search::Options { limit, sort, facets })
            })?;
            if let Some(updated) = updated {
                eprintln!(
                    "search index brought up to date: {} added, {} changed, {} removed",
                    updated.added, updated.changed, updated.removed
                );
            }
            for note in &found.notes {
                eprintln!("note: {note}");
            }
            match format {
                Format::Json => write_stdout(&(serde_json::to_string_pretty(&found.to_json())? + "\n")),
                Format::Text => write_stdout(&report::found_text(&found)),
            }
            let when = match watcher {
                Some(WatcherWhen::Auto) => SearchWatcher::Auto,
                Some(WatcherWhen::Always) => SearchWatcher::Always,
                Some(WatcherWhen::Never) => SearchWatcher::Never,
                None => config.search_watcher,
            };
            if starts_watcher(when) && !coroner::watching::watched(&config.index_dir) {
                // Only a quicker next search is lost when it cannot start.
                let _ = start_watcher(&root, content.as_deref());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::WatchIndex { root, content } => {
            coroner::watching::watch(&Config::load(&root)?, content.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            for path in scaffold::init(&dir, today())? {
                println!("created {}", path.display());
            }
            println!("next: cd {} && coroner build", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::New { title, root, date } => {
            let config = Config::load(&root)?;
            let path = scaffold::new_postmortem(&config, &title, date.as_deref(), today())?;
            println!("created {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect { paths, root, format } => {
            let config = Config::load(&root)?;
            let mut postmortems = Vec::new();
            for path in &paths {
                let discovered = build::discover(path, &config.extensions)?;
                let mut ingested = build::ingest(&config, discovered);
                for p in &mut ingested.postmortems {
                    let p = std::sync::Arc::make_mut(p);
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
                Format::Text => postmortems.iter().map(|p| report::inspect_text(p)).collect::<Vec<_>>().join("\n"),
            };
            write_stdout(&out);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { root, content, strict, format, verbose } => {
            let config = Config::load(&root)?;
            let ingested = read_archive(&config, content.as_deref())?;
            let archive = Archive::assemble(ingested, &config, archive::Options { drafts: true });
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
                        archive.incidents.len() + archive.problems.len(),
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

/// Whether a search starts a watcher when none runs. `auto`: when a
/// person searches (a terminal on stdin or stdout), outside CI; a
/// script's or CI's search is often the last one, and would leave a
/// process behind for nothing.
fn starts_watcher(when: SearchWatcher) -> bool {
    match when {
        SearchWatcher::Always => true,
        SearchWatcher::Never => false,
        SearchWatcher::Auto => {
            std::env::var_os("CI").is_none_or(|ci| ci.is_empty())
                && (std::io::stdin().is_terminal() || std::io::stdout().is_terminal())
        }
    }
}

/// Start `coroner watch-index` on the archive searched, on its own: no
/// terminal, in a process group of its own (Ctrl-C in the shell is not
/// for it), from the same folder with the same arguments, so that it
/// watches what the search read.
fn start_watcher(root: &std::path::Path, content: Option<&std::path::Path>) -> std::io::Result<()> {
    use std::process::{Command, Stdio};
    let mut command = Command::new(std::env::current_exe()?);
    command.arg("watch-index").arg("--root").arg(root);
    if let Some(content) = content {
        command.arg("--content").arg(content);
    }
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command.spawn().map(drop)
}

/// Print, and stop quietly when the reader goes away (`coroner … | head`).
fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}
