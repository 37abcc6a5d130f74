//! coroner: a static site generator for postmortem archives.
//!
//! The pipeline (see DESIGN.md): discover → parse (parallel, pure) →
//! assemble → outputs. This library is everything but argument parsing.

pub mod archive;
pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod ingest;
pub mod lock;
pub mod model;
pub mod per_thread;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod sources;
pub mod tag_matcher;
pub mod watching;
pub mod zone;

pub use config::Config;
pub use diagnostics::{Diagnostic, Finding, Severity};
pub use model::Postmortem;
