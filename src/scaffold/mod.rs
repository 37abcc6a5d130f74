//! `coroner init` and `coroner new`: a new archive, and a new postmortem
//! from an SRE-book-shaped template with front matter. Nothing is ever
//! overwritten.

use crate::config::Config;
use crate::ingest::facts::slugify;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const SITE_TOML: &str = include_str!("site.toml");
const EXAMPLE: &str = include_str!("example.md");
const POSTMORTEM: &str = include_str!("postmortem.md");
const GITIGNORE: &str = include_str!("gitignore");

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("{0} already exists; coroner never overwrites files (pick another name or folder)")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error("--date {0:?} is not a date; write it as YYYY-MM-DD")]
    BadDate(String),
}

/// Create an archive in `dir`; returns the files written.
pub fn init(dir: &Path, today: jiff::civil::Date) -> Result<Vec<PathBuf>, ScaffoldError> {
    let year = today.year().to_string();
    let files = [
        (dir.join("site.toml"), SITE_TOML.to_string()),
        (dir.join(".gitignore"), GITIGNORE.to_string()),
        (dir.join("content").join(&year).join(format!("{today}-checkout-pool-change.md")), fill(EXAMPLE, "", today)),
    ];
    if let Some((path, _)) = files.iter().find(|(path, _)| path.exists()) {
        return Err(ScaffoldError::Exists(path.clone()));
    }
    for (path, text) in &files {
        write_new(path, text)?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// Write a new postmortem under the content folder, in a folder per year;
/// returns its path.
pub fn new_postmortem(
    config: &Config,
    title: &str,
    date: Option<&str>,
    today: jiff::civil::Date,
) -> Result<PathBuf, ScaffoldError> {
    let date = match date {
        Some(text) => text.parse::<jiff::civil::Date>().map_err(|_| ScaffoldError::BadDate(text.to_string()))?,
        None => today,
    };
    let path = config.content_dir.join(date.year().to_string()).join(format!("{date}-{}.md", slugify(title)));
    if path.exists() {
        return Err(ScaffoldError::Exists(path));
    }
    write_new(&path, &fill(POSTMORTEM, title, date))?;
    Ok(path)
}

/// The template with `{title}` and `{date}` filled in; the title is
/// escaped for the YAML double-quoted string it sits in.
fn fill(template: &str, title: &str, date: jiff::civil::Date) -> String {
    let yaml_safe = title.replace('\\', "\\\\").replace('"', "\\\"");
    let mut lines = Vec::new();
    for line in template.lines() {
        let title = if line.starts_with("title:") { &yaml_safe } else { title };
        lines.push(line.replace("{title}", title).replace("{date}", &date.to_string()));
    }
    lines.join("\n") + "\n"
}

fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let error = |source| ScaffoldError::Write { path: path.to_path_buf(), source };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(error)?;
    }
    fs::File::create_new(path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => ScaffoldError::Exists(path.to_path_buf()),
        _ => error(e),
    })?;
    fs::write(path, text).map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_with_quotes_stay_valid_yaml() {
        let text = fill(POSTMORTEM, r#"The "big" outage"#, jiff::civil::date(2026, 3, 1));
        assert!(text.contains(r#"title: "The \"big\" outage""#), "{text}");
        assert!(text.contains("# The \"big\" outage"));
        assert!(text.contains("date: 2026-03-01"));
    }
}
