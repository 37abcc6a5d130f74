//! coroner: a static site generator for postmortem archives.
//!
//! The pipeline (see DESIGN.md): discover → parse (parallel, pure) →
//! assemble → outputs. This library is everything but argument parsing.

pub mod build;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod ingest;
pub mod model;
pub mod report;

pub use config::Config;
pub use diagnostics::{Diagnostic, Severity};
pub use model::Postmortem;
