//! A running preview vouching for the search index, as git's fsmonitor
//! vouches for git's: `coroner serve` watches the content folder anyway,
//! so `coroner search` asks it whether anything changed instead of
//! `stat`ing every file. The server notes beside the index that it
//! watches (its process, and the key of what it indexes). A search drops a
//! cookie file into the index folder; the server's watcher sees events in
//! the order they happened, so when it reaches the cookie it has seen
//! every change made before it, and answers: it removes the cookie when
//! all of them are in the index, and writes into it otherwise. No note, a
//! note of a process that is gone or of another key, or no answer in
//! time: the search checks the files itself, as without a server.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// The server's note, in the index folder.
const NOTE: &str = "coroner-watched";
/// What a search's cookie is named by, in the index folder.
const COOKIE: &str = "coroner-cookie-";
/// How long a search waits for the answer: a server busy rebuilding
/// answers at once too (its watcher runs beside the rebuild).
const WAIT: Duration = Duration::from_millis(30);

/// Note that this process watches the archive whose index is in `dir`
/// with sources `key` (see `build::fingerprint`), for searches to ask.
pub fn note(dir: &Path, key: u64) -> std::io::Result<()> {
    let pid = std::process::id();
    let started = process_start(pid).ok_or_else(|| std::io::Error::other("no process start time"))?;
    let aside = dir.join(format!("{NOTE}.{pid}"));
    std::fs::write(&aside, format!("{pid} {started} {key}\n"))?;
    std::fs::rename(aside, dir.join(NOTE))
}

/// Take the note back (the server stops).
pub fn unnote(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(NOTE));
}

/// Whether `path` is a search's cookie in the index folder `dir`.
pub fn is_cookie(dir: &Path, path: &Path) -> bool {
    path.parent() == Some(dir) && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(COOKIE))
}

/// Answer the cookie at `path`: removed when the index is current, else
/// written into.
pub fn answer(path: &Path, current: bool) {
    if current {
        let _ = std::fs::remove_file(path);
    } else {
        let _ = std::fs::OpenOptions::new().append(true).open(path).and_then(|mut f| f.write_all(b"changed\n"));
    }
}

/// Whether a running preview vouches that the index in `dir` holds the
/// archive with sources `key` as it is on disk now. False whenever it
/// cannot tell.
pub fn vouched(dir: &Path, key: u64) -> bool {
    let Ok(note) = std::fs::read_to_string(dir.join(NOTE)) else { return false };
    let fields: Vec<u64> = note.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    let [pid, started, noted] = fields[..] else { return false };
    let Ok(pid) = u32::try_from(pid) else { return false };
    if noted != key || process_start(pid) != Some(started) {
        return false;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    let cookie = dir.join(format!("{COOKIE}{}-{nanos}", std::process::id()));
    if std::fs::File::create_new(&cookie).is_err() {
        return false;
    }
    let asked = Instant::now();
    loop {
        match std::fs::metadata(&cookie) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return true,
            Ok(meta) if meta.len() == 0 && asked.elapsed() < WAIT => std::thread::sleep(Duration::from_micros(500)),
            _ => {
                let _ = std::fs::remove_file(&cookie);
                return false;
            }
        }
    }
}

/// When process `pid` started (in clock ticks since boot), which tells
/// it from a later process given the same id; `None` when it is gone.
fn process_start(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the name in parentheses, the 20th field is the start time.
    stat.rsplit_once(')')?.1.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_note_vouches_only_while_its_server_answers() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!vouched(dir.path(), 7), "no note, no server");
        note(dir.path(), 7).unwrap();
        assert!(!vouched(dir.path(), 8), "another key is another archive");
        // Nobody answers: the search stops waiting and leaves no cookie behind.
        assert!(!vouched(dir.path(), 7));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "only the note");
        // A note of a process that is gone (pid 0 has no /proc entry).
        std::fs::write(dir.path().join(NOTE), "0 1 7\n").unwrap();
        assert!(!vouched(dir.path(), 7));
        std::fs::write(dir.path().join(NOTE), "garbage").unwrap();
        assert!(!vouched(dir.path(), 7));
        unnote(dir.path());
        assert!(!dir.path().join(NOTE).exists());
    }
}
