//! A running `coroner serve`, for the suites that read what it serves
//! (included with `#[path]` by those suites only).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `coroner serve` on an archive, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub root: tempfile::TempDir,
}

impl Server {
    /// Start it on `root`; it must print its URL (its first build done)
    /// within `wait`, or the test fails.
    pub fn start_in(root: tempfile::TempDir, wait: Duration) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_coroner"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("coroner serve starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let Ok(line) = receiver.recv_timeout(wait) else {
            let _ = child.kill();
            panic!("coroner serve did not start within {wait:?}");
        };
        let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("the URL is printed").to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "binds 127.0.0.1 by default: {line}");
        Server { child, url, root }
    }

    /// Status and body of a GET.
    pub fn get(&self, path: &str) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let response = agent.get(format!("{}{}", self.url, path.trim_start_matches('/'))).call().expect("a response");
        let status = response.status().as_u16();
        // Pages of hostile files pass ureq's 10 MB default.
        (status, response.into_body().with_config().limit(u64::MAX).read_to_string().unwrap_or_default())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
