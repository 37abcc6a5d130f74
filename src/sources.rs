//! What the search index was last made from, saved beside it: the
//! fingerprint of the archive's files, and the listing discovery made of
//! the content folder (each folder walked with its own stamp, and the name
//! and stamp of every content file in it). `coroner search` checks the
//! folder against the listing before it trusts the index: one `stat` per
//! file, by name from a handle on its folder, and no folder read again
//! unless its stamp changed. Anything the listing cannot vouch for sends
//! the search back to discovery (`build::discover`), which is always right.

use crate::content::{Discovered, Stamp, WalkedFolder};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

/// The first bytes of a saved listing; another number is another format.
const MAGIC: &[u8] = b"coroner-sources 3\n";

/// A folder walked, and the name and stamp of each content file in it.
type Listed = (WalkedFolder, Vec<(String, Stamp)>);

/// What the search index is made from (see the module's doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// Everything else the index depends on (see `build::fingerprint`).
    key: u64,
    /// The key, and every content file's source and stamp in discovery
    /// order: the same fingerprint, the same archive.
    fingerprint: u64,
    /// Each folder walked and its content files (name, stamp); `None` when
    /// the walk met something the quick check could not follow (a link
    /// leading out, a loop, an unreadable entry, a single file as content).
    folders: Option<Vec<Listed>>,
}

impl Sources {
    /// The sources of the archive discovery found, with `key`, a hash of
    /// everything else the index depends on (`build::fingerprint` says what).
    pub fn of(key: u64, discovered: &Discovered) -> Sources {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut hasher);
        for file in &discovered.files {
            (&file.source, file.stamp).hash(&mut hasher);
        }
        let fingerprint = hasher.finish();
        let vouched = discovered.problems.is_empty() && !discovered.folders.is_empty();
        let folders = vouched.then(|| listing(discovered)).flatten();
        Sources { key, fingerprint, folders }
    }

    /// Sources no archive has: an index noted with them is checked against
    /// the archive on the next search (the preview's, which follows edits
    /// that may not be saved).
    pub fn unknown() -> Sources {
        Sources { key: 0, fingerprint: 0, folders: None }
    }

    /// Whether `saved` (what [`Sources::encode`] wrote) holds the same
    /// archive: the same key and files, whatever the folders' stamps.
    pub fn same_archive(&self, saved: &[u8]) -> bool {
        *self != Sources::unknown()
            && Reader::new(saved)
                .is_some_and(|(key, fingerprint, _)| (key, fingerprint) == (self.key, self.fingerprint))
    }

    /// The bytes saved beside the index.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if *self == Sources::unknown() {
            return out;
        }
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.key.to_le_bytes());
        out.extend_from_slice(&self.fingerprint.to_le_bytes());
        let folders = self.folders.as_deref().unwrap_or_default();
        put_len(&mut out, folders.len());
        for (folder, files) in folders {
            put_len(&mut out, folder.source.len());
            out.extend_from_slice(folder.source.as_bytes());
            match folder.stamp {
                Some(s) => {
                    out.push(1);
                    for n in
                        [s.dev, s.ino, s.ctime.0 as u64, u64::from(s.ctime.1), s.mtime.0 as u64, u64::from(s.mtime.1)]
                    {
                        out.extend_from_slice(&n.to_le_bytes());
                    }
                }
                None => out.push(0),
            }
            put_len(&mut out, files.len());
            for (name, stamp) in files {
                out.extend_from_slice(name.as_bytes());
                out.push(0);
                out.extend_from_slice(&stamp_bytes(*stamp));
            }
        }
        out
    }
}

/// Each folder walked and its content files, by name; `None` when a file
/// is in no folder the walk reported.
fn listing(discovered: &Discovered) -> Option<Vec<Listed>> {
    let mut folders: Vec<Listed> = discovered.folders.iter().map(|f| (f.clone(), Vec::new())).collect();
    let at: HashMap<&str, usize> = discovered.folders.iter().enumerate().map(|(i, f)| (f.source.as_str(), i)).collect();
    for file in &discovered.files {
        let (folder, name) = file.source.rsplit_once('/').unwrap_or(("", &file.source));
        folders[*at.get(folder)?].1.push((name.to_string(), file.stamp));
    }
    Some(folders)
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

/// A file's stamp as saved: whether there is one (and a time in it), the
/// size, the modification time.
const STAMP_BYTES: usize = 21;

fn stamp_bytes(stamp: Stamp) -> [u8; STAMP_BYTES] {
    let mut out = [0; STAMP_BYTES];
    if let Some((size, modified)) = stamp {
        out[0] = 1 + u8::from(modified.is_some());
        out[1..9].copy_from_slice(&size.to_le_bytes());
        let modified = modified.unwrap_or_default();
        out[9..17].copy_from_slice(&modified.as_secs().to_le_bytes());
        out[17..21].copy_from_slice(&modified.subsec_nanos().to_le_bytes());
    }
    out
}

/// Reads a saved listing front to back; every read is checked, so a
/// truncated or foreign file is `None`, never a panic.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The key and fingerprint, and a reader at the folders.
    fn new(saved: &'a [u8]) -> Option<(u64, u64, Reader<'a>)> {
        let mut reader = Reader { rest: saved.strip_prefix(MAGIC)? };
        Some((reader.u64()?, reader.u64()?, reader))
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.rest.split_at_checked(n)?;
        self.rest = rest;
        Some(taken)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn len(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }

    /// A name and the NUL that ends it, as the system calls take it.
    fn name(&mut self) -> Option<&'a std::ffi::CStr> {
        let end = self.rest.iter().position(|&b| b == 0)?;
        std::ffi::CStr::from_bytes_with_nul(self.take(end + 1)?).ok()
    }
}

/// Files stat'ed at a time, on one of the pool's threads.
const STAT_CHUNK: usize = 512;

/// Whether `content` still holds exactly the files `saved` lists, with
/// the same stamps, and `saved` has `key`: then the index noted with it
/// is current.
/// False whenever it cannot tell (no listing, a folder whose stamp
/// changed, a file that changed or went): discovery then decides.
#[cfg(unix)]
pub fn unchanged(saved: &[u8], key: u64, content: &Path) -> bool {
    use crate::content::{FolderStamp, stamp_of_stat};
    use rayon::prelude::*;
    use rustix::fs::{AtFlags, Mode, OFlags};
    let Some((saved_key, _, mut reader)) = Reader::new(saved) else { return false };
    if saved_key != key {
        return false;
    }
    // No folder: no listing to go by.
    let Some(count) = reader.len().filter(|&n| n > 0) else { return false };
    let mut handles = Vec::with_capacity(count);
    let mut files: Vec<(usize, &std::ffi::CStr, &[u8])> = Vec::new();
    for folder in 0..count {
        let read = (|| {
            let length = reader.len()?;
            let source = reader.take(length)?;
            let stamp = match reader.take(1)? {
                [1] => {
                    let mut n = [0u64; 6];
                    for slot in &mut n {
                        *slot = reader.u64()?;
                    }
                    let nanos = |n: u64| u32::try_from(n).ok();
                    FolderStamp {
                        dev: n[0],
                        ino: n[1],
                        ctime: (n[2] as i64, nanos(n[3])?),
                        mtime: (n[4] as i64, nanos(n[5])?),
                    }
                }
                _ => return None,
            };
            for _ in 0..reader.len()? {
                files.push((folder, reader.name()?, reader.take(STAMP_BYTES)?));
            }
            Some((source, stamp))
        })();
        let Some((source, stamp)) = read else { return false };
        let Ok(source) = std::str::from_utf8(source) else { return false };
        let path = if source.is_empty() { content.to_path_buf() } else { content.join(source) };
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let Ok(handle) = rustix::fs::open(&path, flags, Mode::empty()) else { return false };
        if !rustix::fs::fstat(&handle).is_ok_and(|st| FolderStamp::from_stat(&st) == stamp) {
            return false;
        }
        handles.push(handle);
    }
    if !reader.rest.is_empty() {
        return false;
    }
    // Checked on the pool beside the query: the `stat`s are most of
    // what a search does before it answers.
    files.par_chunks(STAT_CHUNK).all(|chunk| {
        chunk.iter().all(|&(folder, name, saved)| {
            let stamp =
                rustix::fs::statat(&handles[folder], name, AtFlags::empty()).ok().and_then(|st| stamp_of_stat(&st));
            stamp_bytes(stamp) == saved
        })
    })
}

#[cfg(not(unix))]
pub fn unchanged(_saved: &[u8], _key: u64, _content: &Path) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::content::{ContentFile, FolderStamp};

    /// A folder of two postmortems as discovery finds it, its stamp taken
    /// as if long after its last change (a walk trusts only older ones).
    fn discovered(dir: &Path) -> Discovered {
        let files = ["a.md", "b.md"]
            .map(|name| {
                let path = dir.join(name);
                let stamp = std::fs::metadata(&path).ok().map(|m| crate::content::stamp_of(&m));
                ContentFile { path, source: name.into(), stamp }
            })
            .to_vec();
        let stamp = rustix::fs::stat(dir).ok().map(|st| FolderStamp::from_stat(&st));
        Discovered { files, folders: vec![WalkedFolder { source: String::new(), stamp }], ..Discovered::default() }
    }

    #[test]
    fn the_listing_vouches_for_an_unchanged_folder_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "# A\n").unwrap();
        std::fs::write(dir.path().join("b.md"), "# B\n").unwrap();
        let saved = Sources::of(1, &discovered(dir.path())).encode();
        assert!(unchanged(&saved, 1, dir.path()));
        assert!(!unchanged(&saved, 2, dir.path()), "another key (site.toml, drafts…) is another index");
        // Every shorter or longer file is another format, or damaged: never trusted, never a panic.
        for end in 0..saved.len() {
            assert!(!unchanged(&saved[..end], 1, dir.path()), "cut at {end}");
        }
        assert!(!unchanged(&[saved.as_slice(), b"x"].concat(), 1, dir.path()));
        assert!(!unchanged(&Sources::unknown().encode(), 0, dir.path()));

        // Another size: the stamp changes even within one tick of the clock.
        std::fs::write(dir.path().join("b.md"), "# B, edited in place\n").unwrap();
        assert!(!unchanged(&saved, 1, dir.path()), "a file's stamp changed");
        let now = Sources::of(1, &discovered(dir.path()));
        assert!(!now.same_archive(&saved));
        assert!(now.same_archive(&now.encode()));
    }
}
