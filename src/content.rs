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
    /// Every folder walked, the content folder first: what the search
    /// index's saved listing checks (`crate::sources`).
    pub folders: Vec<WalkedFolder>,
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

/// A folder's own stamp: its identity and last change. Adding, removing or
/// renaming anything in a folder changes it; `ctime`, unlike `mtime`,
/// cannot be set back (`touch -d`, `rsync -t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderStamp {
    pub(crate) dev: u64,
    pub(crate) ino: u64,
    pub(crate) ctime: (i64, u32),
    pub(crate) mtime: (i64, u32),
}

/// A folder changed this close to the walk, or after it, may have changed
/// again within the same tick of the file system's clock (coarse, or two
/// seconds on FAT) after it was read: its listing is not trusted.
const RACY: std::time::Duration = std::time::Duration::from_secs(2);

impl FolderStamp {
    /// The stamp of the folder at `path` (links followed, as the walk
    /// does), or `None` when it cannot be trusted: unreadable, or changed
    /// within [`RACY`] of `walked` (when the walk began).
    #[cfg(unix)]
    pub fn of(path: &Path, walked: std::time::SystemTime) -> Option<FolderStamp> {
        let st = rustix::fs::stat(path).ok()?;
        let stamp = FolderStamp::from_stat(&st);
        let changed = std::time::UNIX_EPOCH
            + std::time::Duration::new(u64::try_from(stamp.ctime.0).ok()?, stamp.ctime.1.min(999_999_999));
        (changed + RACY <= walked).then_some(stamp)
    }

    #[cfg(not(unix))]
    pub fn of(_path: &Path, _walked: std::time::SystemTime) -> Option<FolderStamp> {
        None
    }

    #[cfg(unix)]
    pub(crate) fn from_stat(st: &rustix::fs::Stat) -> FolderStamp {
        let nanos = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        #[allow(clippy::unnecessary_cast)] // the field types differ between targets
        FolderStamp {
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            ctime: (st.st_ctime as i64, nanos(st.st_ctime_nsec as i64)),
            mtime: (st.st_mtime as i64, nanos(st.st_mtime_nsec as i64)),
        }
    }
}

/// A folder as discovery walked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFolder {
    /// `/`-separated path relative to the content folder; empty for itself.
    pub source: String,
    /// `None` when it cannot vouch for its listing (see [`FolderStamp::of`]).
    pub stamp: Option<FolderStamp>,
}

/// The stamp of the file at `path`, as its metadata tells it.
pub(crate) fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path).ok().map(|m| stamp_of(&m))
}

pub(crate) fn stamp_of(metadata: &std::fs::Metadata) -> (u64, Option<std::time::Duration>) {
    (metadata.len(), metadata.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()))
}

/// A file's stamp from its `stat`, as `std::fs::metadata` tells it, so
/// that stamps taken either way compare.
#[cfg(unix)]
pub(crate) fn stamp_of_stat(st: &rustix::fs::Stat) -> Stamp {
    let modified = u64::try_from(st.st_mtime)
        .ok()
        .and_then(|s| Some(std::time::Duration::new(s, u32::try_from(st.st_mtime_nsec).ok()?)));
    Some((st.st_size as u64, modified))
}

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
