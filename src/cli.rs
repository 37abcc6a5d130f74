//! Command-line definitions (clap derive). Validation that needs the file
//! system happens in the library, not here.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "coroner", version, about = "Publish a searchable, cross-linked archive of postmortems.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the HTML archive into the output folder (default `public/`).
    Build {
        /// Folder holding site.toml (defaults apply without one).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Content folder (default: site.toml's, or `content/` under the root).
        #[arg(long)]
        content: Option<PathBuf>,
        /// Output folder (default: site.toml's `output_dir`, or `public/`).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Base URL the site is served from, e.g. `https://wiki.corp/postmortems/`.
        #[arg(long)]
        base_url: Option<String>,
        /// Publish drafts (`draft: true`) too.
        #[arg(long)]
        drafts: bool,
        /// Exit with 1 when there are warnings (for CI).
        #[arg(long)]
        strict: bool,
        /// Print only errors and the summary line.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Preview the archive while writing: build it in memory, serve it and
    /// rebuild what changed on every save, reloading the browser.
    Serve {
        /// Folder holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Content folder (default: site.toml's, or `content/` under the root).
        #[arg(long)]
        content: Option<PathBuf>,
        /// Address to listen on; anything but 127.0.0.1 shares the preview.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port (default 1111, or the next free one; 0 picks any free port).
        #[arg(long)]
        port: Option<u16>,
        /// Open the archive in the web browser once it is served.
        #[arg(long)]
        open: bool,
        /// Show drafts (`draft: true`) too.
        #[arg(long)]
        drafts: bool,
    },
    /// Search past incidents: words, "phrases", tag:, service:, sev:, after:, before:, duration>N, -tag:…
    Search {
        /// The query, e.g. `tag:database timeout -service:billing`.
        query: String,
        /// Folder holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Content folder (default: site.toml's, or `content/` under the root).
        #[arg(long)]
        content: Option<PathBuf>,
        /// How many results at most.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long, value_enum, default_value_t = SortBy::Relevance)]
        sort: SortBy,
        /// Also count the tags and services of every match (JSON: an object
        /// with `hits`, `notes` and `facets` instead of the list of hits).
        #[arg(long)]
        facets: bool,
        /// Start a watcher that keeps the next searches from checking every
        /// file, when none runs (default: site.toml's `[search] watcher`, or
        /// auto: at a terminal, outside CI).
        #[arg(long, value_enum)]
        watcher: Option<WatcherWhen>,
    },
    /// The watcher `coroner search` starts: vouches for the search index
    /// until idle (see docs/cli.md).
    #[command(hide = true)]
    WatchIndex {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        content: Option<PathBuf>,
    },
    /// Create a new archive: site.toml, content/ with an example, .gitignore.
    Init {
        /// Folder to create (or an empty existing one).
        dir: PathBuf,
    },
    /// Write a new postmortem from the template, with front matter.
    New {
        /// The incident's title.
        title: String,
        /// Folder holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Incident date (YYYY-MM-DD); default today.
        #[arg(long)]
        date: Option<String>,
    },
    /// Print what coroner understood of each file (the incident model).
    Inspect {
        /// Files or folders to read.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Folder holding site.toml (its settings apply; defaults without one).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Report everything coroner could not understand, and archive problems.
    Check {
        /// Folder holding site.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Content folder (default: `content/` under the root, or site.toml's).
        #[arg(long)]
        content: Option<PathBuf>,
        /// Fail on warnings too (for CI).
        #[arg(long)]
        strict: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Show info diagnostics (repairs coroner made on its own).
        #[arg(long)]
        verbose: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Text,
}

/// When `search` starts a watcher (see `coroner::config::SearchWatcher`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatcherWhen {
    Auto,
    Always,
    Never,
}

/// Result order for `search` (newest first whenever there are no words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortBy {
    Relevance,
    Date,
}
