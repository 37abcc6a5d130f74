//! What discovery finds in the content folder and what ingest makes of
//! it: the files to read, the files beside them, the ones that could not
//! be read. Below both the pipeline (`build`) and the archive, which share
//! these types.

use crate::diagnostics::Diagnostic;
use crate::model::Postmortem;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file to read: where it is and its name relative to the content root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFile {
    pub path: PathBuf,
    /// `/`-separated path relative to the content directory.
    pub source: String,
    /// Size and modification time, taken when the file was found and so
    /// before it was read: a later write shows as a different stamp.
    pub stamp: Stamp,
}

/// A diagnostic about a file that could not be parsed at all (unreadable,
/// a symlink loop), so there is no postmortem to carry it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileProblem {
    pub source: String,
    pub diagnostic: Diagnostic,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<ContentFile>,
    /// Other files beside the postmortems (images, attachments): published
    /// when a postmortem links to them.
    pub assets: Vec<ContentFile>,
    pub problems: Vec<FileProblem>,
}

/// The archive as read: every postmortem, sorted by source path, the other
/// files beside them, and the files that could not be read.
#[derive(Debug, Default)]
pub struct Ingested {
    /// Shared, so that the preview server can keep the models of files that
    /// did not change from one archive to the next without copying them.
    pub postmortems: Vec<Arc<Postmortem>>,
    pub assets: Vec<ContentFile>,
    pub problems: Vec<FileProblem>,
}

/// A file's size and modification time, when it can be read: what tells
/// that it changed without reading it.
pub type Stamp = Option<(u64, Option<std::time::Duration>)>;

/// `dir` with every link in it resolved: what a path must start with,
/// once resolved, to be inside it.
pub(crate) fn real_root(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).or_else(|_| std::path::absolute(dir)).unwrap_or_else(|_| dir.to_path_buf())
}

/// Where the symbolic link `link` leads, when that is outside `root` (as
/// [`real_root`] gives it); `None` when it stays inside, or is no link.
/// A broken link is judged by where it would lead.
pub(crate) fn outside_target(link: &Path, root: &Path) -> Option<PathBuf> {
    let is_link = std::fs::symlink_metadata(link).is_ok_and(|m| m.file_type().is_symlink());
    let target = match std::fs::canonicalize(link) {
        Ok(real) => real,
        Err(_) if is_link => {
            let written = std::fs::read_link(link).ok()?;
            let folder = std::fs::canonicalize(link.parent()?).ok()?;
            lexical(&folder.join(written))
        }
        Err(_) => return None,
    };
    (!target.starts_with(root)).then_some(target)
}

/// `path` with `.` and `..` taken away by name, as a broken link's target
/// cannot be resolved on disk.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The diagnostic of a link that leads out of the folder it is in (`the
/// content folder`, `the site folder`): it is not followed.
pub fn symlink_outside(target: &Path, folder: &str) -> Diagnostic {
    Diagnostic::warning(
        "symlink-outside",
        0,
        format!("symbolic link to {} leads outside the {folder}; not read", target.display()),
    )
    .with_help(format!("copy what it points to into the {folder}, or remove the link"))
}
