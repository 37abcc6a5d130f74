//! One coroner at a time on a folder it replaces or updates (the output,
//! the search index): an OS file lock on `.<name>.coroner-lock` beside the
//! folder. The OS lets go of it when its process ends, killed or not, so a
//! lock is never left held by a build that is gone.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// Held until dropped; the lock file goes with it.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot lock {path}: {source}; check that the folder holding it is writable")]
pub struct LockError {
    pub path: PathBuf,
    pub source: io::Error,
}

/// `.<name>.coroner-lock` beside `dir`.
pub fn path_beside(dir: &Path) -> PathBuf {
    let name = dir.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.coroner-lock"))
}

/// Lock `dir` (which need not exist yet), waiting for whoever holds it;
/// `waiting` is called once, before the first wait, if there is one.
pub fn lock_beside(dir: &Path, waiting: impl FnOnce()) -> Result<Lock, LockError> {
    let path = path_beside(dir);
    let error = |source| LockError { path: path.clone(), source };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|err| error(under_a_file(parent).unwrap_or(err)))?;
    }
    let mut waiting = Some(waiting);
    loop {
        let file = File::options().read(true).write(true).create(true).truncate(false).open(&path).map_err(error)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                if let Some(say) = waiting.take() {
                    say();
                }
                file.lock().map_err(error)?;
            }
            Err(TryLockError::Error(err)) => return Err(error(err)),
        }
        // The holder before us removes the file as it lets go: if the path
        // no longer names the file locked, lock the one there now.
        if same_file(&file, &path) {
            return Ok(Lock { file, path });
        }
    }
}

/// Why a folder cannot be made under a file, naming the file (the OS
/// says only "File exists" or "Not a directory").
fn under_a_file(dir: &Path) -> Option<io::Error> {
    let file = dir.ancestors().find(|a| a.is_file())?;
    Some(io::Error::new(io::ErrorKind::NotADirectory, format!("{} is a file, not a folder", file.display())))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so that no one locks it in between
        // without noticing (see `lock_beside`). Elsewhere than unix an
        // open file cannot always be removed: it stays, unlocked.
        #[cfg(unix)]
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first_and_the_file_goes_with_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = lock_beside(&out, || panic!("nobody holds it yet")).unwrap();
        assert!(dir.path().join(".public.coroner-lock").exists());
        let (tx, rx) = std::sync::mpsc::channel();
        let second = std::thread::spawn({
            let out = out.clone();
            move || {
                let lock = lock_beside(&out, || tx.send("waiting").unwrap()).unwrap();
                drop(lock);
            }
        });
        assert_eq!(rx.recv().unwrap(), "waiting");
        drop(first);
        second.join().unwrap();
        assert!(!dir.path().join(".public.coroner-lock").exists());
    }
}
