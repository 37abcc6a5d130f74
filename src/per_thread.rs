//! Built-in regexes, compiled once and searched through one clone per thread.
//!
//! A `regex::Regex` keeps its search caches in a pool: the first thread that
//! searches with it takes its cache without a lock, every other thread pops
//! and pushes one on a mutex-guarded stack on every search. Parsing runs on
//! all cores and searches a few hundred times per file, so each thread gets a
//! clone: a clone shares the compiled program and has its own pool, which the
//! thread that uses it owns.

use std::ops::Deref;
use std::sync::LazyLock;
use thread_local::ThreadLocal;

/// A value compiled on first use, then cloned once per thread that reads it.
pub struct PerThread<T: Send> {
    compiled: LazyLock<T>,
    clones: ThreadLocal<T>,
}

impl<T: Send> PerThread<T> {
    pub const fn new(compile: fn() -> T) -> Self {
        PerThread { compiled: LazyLock::new(compile), clones: ThreadLocal::new() }
    }
}

impl<T: Clone + Send + Sync> Deref for PerThread<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.clones.get_or(|| self.compiled.clone())
    }
}
