//! Diagnostics: everything coroner could not understand, said with a place,
//! a stable code and a hint. Bad input never panics and never stops a build;
//! it becomes one of these and the file is still published.

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. `Error` fails `check`; `Warning` fails it only
/// with `--strict`; `Info` reports a repair coroner made on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding about one file. `line` and `column` are 1-based; 0 means
/// "the whole file" (an unreadable file has no line to point at).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, documented code such as `conflict-marker` (see docs/diagnostics.md).
    pub code: &'static str,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// What the author can do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, line: u32, message: impl Into<String>) -> Self {
        Diagnostic { severity, code, line, column: 0, message: message.into(), help: None }
    }

    pub fn info(code: &'static str, line: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, line, message)
    }

    pub fn warning(code: &'static str, line: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, line, message)
    }

    pub fn error(code: &'static str, line: u32, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, line, message)
    }

    pub fn at_column(mut self, column: u32) -> Self {
        self.column = column;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// One diagnostic with the file it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    #[serde(rename = "file")]
    pub source: String,
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}
