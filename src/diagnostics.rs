//! Diagnostics: everything coroner could not understand, said with a place,
//! a stable code and a hint. Bad input never panics and never stops a build;
//! it becomes one of these and the file is still published.

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. `Error` fails `check`; `Warning` fails it only
/// with `--strict`; `Info` reports a repair coroner made on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
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

/// A code or fact name read back (by the ingest cache) as the `&'static
/// str` the parser writes: each distinct name is kept once for the rest of
/// the process, and there are a few dozen.
pub fn intern(name: String) -> &'static str {
    static NAMES: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match names.get(name.as_str()) {
        Some(&kept) => kept,
        None => {
            let kept: &'static str = Box::leak(name.into_boxed_str());
            names.insert(kept);
            kept
        }
    }
}

/// Read back as serialised (for the ingest cache), the code interned.
impl<'de> serde::Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Read {
            severity: Severity,
            code: String,
            line: u32,
            column: u32,
            message: String,
            help: Option<String>,
        }
        let Read { severity, code, line, column, message, help } = Read::deserialize(d)?;
        Ok(Diagnostic { severity, code: intern(code), line, column, message, help })
    }
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
