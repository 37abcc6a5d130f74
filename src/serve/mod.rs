//! `coroner serve`: the archive built in memory and served with the same
//! URLs as `build` writes, rebuilt on every save (only what changed). Every
//! HTML page it serves gets a live-reload script and an overlay with that
//! page's warnings; the published `build` output has none of it. The
//! search page asks `/api/search`, which answers from the live index.

mod preview;
mod watch;

pub use preview::{Change, Preview, Snapshot};

use crate::config::Config;
use crate::search::{self, SearchIndex};
use axum::Router;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::watch::{Receiver, Sender};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;

/// The port `coroner serve` tries first, as `zola serve` does.
pub const DEFAULT_PORT: u16 = 1111;
/// Ports tried after the default one when it is busy.
const PORTS_TRIED: u16 = 10;
/// The live-reload and overlay script, served only by the preview.
const LIVE_JS: &str = include_str!("live.js");
/// Most results `/api/search` returns at once.
const API_LIMIT: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("port {port} on {bind} is in use; pass --port N for another one, or --port 0 for any free port")]
    Busy { bind: IpAddr, port: u16 },
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("cannot watch {path} for changes: {message}")]
    Watch { path: PathBuf, message: String },
    #[error("preview server: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Build(#[from] crate::build::BuildError),
    #[error(transparent)]
    Search(#[from] search::SearchError),
}

/// What `coroner serve` was asked for, beyond site.toml.
#[derive(Debug, Clone)]
pub struct Options {
    pub content: Option<PathBuf>,
    pub bind: IpAddr,
    /// `None`: [`DEFAULT_PORT`], or the next free one.
    pub port: Option<u16>,
    pub drafts: bool,
}

/// A running preview: its address, and the snapshot it serves.
pub struct Server {
    pub url: String,
    listener: TcpListener,
    site: Sender<Arc<Snapshot>>,
    index: Option<Arc<SearchIndex>>,
    /// The index folder where this server noted that it vouches for the
    /// index (see `crate::watching`), to take the note back when it stops.
    vouched: Option<PathBuf>,
}

impl Server {
    /// Listen, build the archive and start watching it. `say` prints
    /// what happens (the first build, each rebuild).
    pub fn start(config: Config, options: &Options, say: fn(&str)) -> Result<Server, ServeError> {
        let listener = listen(options.bind, options.port, say)?;
        let addr = listener.local_addr()?;
        let host = if addr.ip().is_unspecified() { IpAddr::from([127, 0, 0, 1]) } else { addr.ip() };
        let url = format!("http://{}/", SocketAddr::new(host, addr.port()));
        let content_dir = options.content.clone().unwrap_or_else(|| config.content_dir.clone());
        if !content_dir.exists() {
            return Err(crate::build::BuildError::NoContent(content_dir).into());
        }
        let root = config.root.clone();
        let index = match SearchIndex::open(&config.index_dir) {
            Ok(index) => Some(Arc::new(index)),
            Err(err) => {
                say(&format!("search and related incidents are off: {err}"));
                None
            }
        };
        let watch_error = |err: notify_debouncer_full::notify::Error| ServeError::Watch {
            path: content_dir.clone(),
            message: err.to_string(),
        };
        // Only an index of what `coroner search` reads (no drafts) is
        // vouched for; watched from before the first build reads a file.
        let index_dir = config.index_dir.clone();
        let vouching = match (&index, options.drafts) {
            (Some(_), false) => {
                Some(crate::watching::Vouching::start(&root, &content_dir, &index_dir).map_err(watch_error)?)
            }
            _ => None,
        };
        let key = crate::build::sources_key(&config, &content_dir, false);
        let mut preview = Preview::new(config, options.content.clone(), url.clone(), options.drafts, index.clone());
        let first = preview.rebuild(&[], &Snapshot::empty(preview.config())).expect("the first build always renders");
        say(&summary("built", &first));
        if let Some(vouching) = &vouching {
            vouching.indexed(Vec::new(), first.error.is_none(), |path| preview.as_read(path));
            crate::watching::note(&index_dir, key)?;
        }
        let (site, _) = tokio::sync::watch::channel(Arc::new(first));
        let (changes_in, changes) = std::sync::mpsc::channel();
        let watcher = watch::Watcher::start(&root, &preview.content_dir(), changes_in).map_err(watch_error)?;
        let vouched = vouching.is_some().then_some(index_dir);
        let rebuilds = Rebuilds { preview, watcher, vouching, site: site.clone(), say };
        std::thread::Builder::new().name("coroner rebuild".into()).spawn(move || rebuilds.run(changes))?;
        Ok(Server { url, listener, site, index, vouched })
    }

    /// Serve until Ctrl-C.
    pub fn run(self) -> Result<(), ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(async move {
            self.listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            // Live-reload streams never end by themselves: `stop` ends them,
            // so that the graceful shutdown does not wait for them.
            let (stop, stopping) = tokio::sync::watch::channel(false);
            let state = AppState { site: self.site.subscribe(), index: self.index, stopping };
            let interrupted = interrupt()?;
            axum::serve(listener, router(state))
                .with_graceful_shutdown(async move {
                    interrupted.await;
                    stop.send_replace(true);
                })
                .await?;
            if let Some(dir) = &self.vouched {
                crate::watching::unnote(dir);
            }
            Ok(())
        })
    }
}

/// Ctrl-C, listened for from now on: the shutdown future is first polled
/// on a task of its own, after the first requests may have been served,
/// and a Ctrl-C before that would kill the server instead of stopping it.
#[cfg(unix)]
fn interrupt() -> std::io::Result<impl std::future::Future<Output = ()>> {
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        signal.recv().await;
    })
}

#[cfg(not(unix))]
fn interrupt() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Bind `port`, or the default port or one of the next free ones.
fn listen(bind: IpAddr, port: Option<u16>, say: fn(&str)) -> Result<TcpListener, ServeError> {
    let busy = |e: &std::io::Error| e.kind() == std::io::ErrorKind::AddrInUse;
    let bind_one = |port| {
        let addr = SocketAddr::new(bind, port);
        TcpListener::bind(addr).map_err(|source| match busy(&source) {
            true => ServeError::Busy { bind, port },
            false => ServeError::Listen { addr, source },
        })
    };
    match port {
        Some(port) => bind_one(port),
        None => {
            for port in DEFAULT_PORT..DEFAULT_PORT + PORTS_TRIED {
                match bind_one(port) {
                    Err(ServeError::Busy { .. }) => continue,
                    Ok(listener) if port != DEFAULT_PORT => {
                        say(&format!("port {DEFAULT_PORT} is in use; using {port}"));
                        return Ok(listener);
                    }
                    other => return other,
                }
            }
            Err(ServeError::Busy { bind, port: DEFAULT_PORT })
        }
    }
}

/// The rebuild loop: one rebuild per burst of changes, then the search
/// index for what changed.
struct Rebuilds {
    preview: Preview,
    watcher: watch::Watcher,
    vouching: Option<crate::watching::Vouching>,
    site: Sender<Arc<Snapshot>>,
    say: fn(&str),
}

impl Rebuilds {
    fn run(mut self, changes: std::sync::mpsc::Receiver<Vec<Change>>) {
        while let Ok(first) = changes.recv() {
            // A burst (a `git checkout`) may have queued more: one rebuild for all.
            let batch = watch::merge(std::iter::once(first).chain(changes.try_iter()));
            if batch.contains(&Change::Theme) {
                self.watcher.watch_theme_folders();
            }
            let previous = self.site.borrow().clone();
            let taken = self.vouching.as_ref().map(|v| v.taken(&batch)).unwrap_or_default();
            // A bug must not end the preview: the last good site stays up.
            let rebuilt =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.preview.rebuild(&batch, &previous)));
            let snapshot = match rebuilt {
                Ok(Some(snapshot)) => snapshot,
                Ok(None) => {
                    // Nothing the site is made from changed: nor the index.
                    if let Some(vouching) = &self.vouching {
                        vouching.indexed(taken, true, |path| self.preview.as_read(path));
                    }
                    continue;
                }
                Err(_) => {
                    (self.say)("error: the rebuild failed (a bug in coroner); still serving the last good build");
                    continue;
                }
            };
            (self.say)(&summary("rebuilt", &snapshot));
            let snapshot = Arc::new(snapshot);
            self.site.send_replace(snapshot.clone());
            let updated = self.preview.update_index(&snapshot.archive);
            if let Some(vouching) = &self.vouching {
                vouching.indexed(taken, updated.is_ok() && snapshot.error.is_none(), |path| self.preview.as_read(path));
            }
            if let Err(err) = updated {
                (self.say)(&format!("search index not updated: {err}"));
            }
        }
    }
}

/// One line about a (re)build, and its error if it failed.
fn summary(what: &str, snapshot: &Snapshot) -> String {
    let mut line = format!(
        "{what} in {} ms: {} pages rendered, {} incidents",
        snapshot.took.as_millis(),
        snapshot.rendered,
        snapshot.archive.incidents.len(),
    );
    if let Some(error) = &snapshot.error {
        line += &format!("\nerror: {error}");
    }
    line
}

#[derive(Clone)]
struct AppState {
    site: Receiver<Arc<Snapshot>>,
    index: Option<Arc<SearchIndex>>,
    /// Turns true on Ctrl-C.
    stopping: Receiver<bool>,
}

fn router(state: AppState) -> Router {
    Router::new()
        .route("/__coroner/events", get(events))
        .route("/__coroner/live.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript")], LIVE_JS) }))
        .route("/api/search", get(api_search))
        .route("/api/incidents/{id}", get(api_incident))
        // Only GET and HEAD: any other method gets 405.
        .fallback(get(file))
        .with_state(state)
}

/// Server-sent events: `reload` after every rebuild.
async fn events(State(state): State<AppState>) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    // Only rebuilds from now on: the page asking was served the current build.
    let mut site = state.site;
    site.mark_unchanged();
    let reloads = WatchStream::from_changes(site).map(|snapshot| Some(snapshot.generation));
    let stop = WatchStream::from_changes(state.stopping).map(|_| None);
    let stream = reloads
        .merge(stop)
        .take_while(Option::is_some)
        .map(|generation| Ok(Event::default().event("reload").data(generation.unwrap_or_default().to_string())));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// `coroner search --format json`, from the live index: the hits, or with
/// `facets=1` the object with hits, notes and facets.
async fn api_search(State(state): State<AppState>, Query(params): Query<HashMap<String, String>>) -> Response {
    let Some(index) = state.index else {
        return (StatusCode::SERVICE_UNAVAILABLE, "search index unavailable; see the server's output").into_response();
    };
    let snapshot = state.site.borrow().clone();
    let query = params.get("q").map_or("", String::as_str);
    let options = search::Options {
        limit: params.get("limit").and_then(|l| l.parse().ok()).unwrap_or(10).min(API_LIMIT),
        sort: if params.get("sort").is_some_and(|s| s == "date") {
            search::Sort::Date
        } else {
            search::Sort::Relevance
        },
        facets: params.get("facets").is_some_and(|f| f == "1" || f == "true"),
    };
    let parsed = search::Parsed::parse(query, &snapshot.config);
    match tokio::task::spawn_blocking(move || index.search(&parsed, options)).await {
        Ok(Ok(found)) => json(&found.to_json()),
        Ok(Err(err)) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// One incident's model, as `coroner inspect` prints it.
async fn api_incident(State(state): State<AppState>, UrlPath(id): UrlPath<String>) -> Response {
    let snapshot = state.site.borrow().clone();
    match snapshot.archive.incidents.iter().find(|p| p.id == id) {
        Some(p) => json(p),
        None => {
            (StatusCode::NOT_FOUND, json(&serde_json::json!({"error": format!("no incident `{id}`")}))).into_response()
        }
    }
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], serde_json::to_vec(value).unwrap_or_default()).into_response()
}

/// A file of the site; HTML pages get the live-reload script.
async fn file(State(state): State<AppState>, uri: Uri) -> Response {
    let snapshot = state.site.borrow().clone();
    let Some(path) = site_path(uri.path()) else { return not_found(&snapshot) };
    let wanted = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.clone() };
    let found = match snapshot.files.get(wanted.as_str()) {
        Some(bytes) => Ok(Some(bytes.clone())),
        None => {
            let (snapshot, wanted) = (snapshot.clone(), wanted.clone());
            tokio::task::spawn_blocking(move || snapshot.summary(&wanted)).await.unwrap_or_else(|e| Err(e.to_string()))
        }
    };
    match found {
        Ok(Some(bytes)) => {
            let kind = mime_guess::from_path(&wanted).first_or_octet_stream();
            if kind.essence_str() == "text/html" {
                let page = wanted.strip_suffix("index.html").unwrap_or(&wanted);
                html(StatusCode::OK, &bytes, &snapshot, page)
            } else {
                let value = HeaderValue::from_str(kind.as_ref())
                    .unwrap_or(HeaderValue::from_static("application/octet-stream"));
                ([(header::CONTENT_TYPE, value), (header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], bytes)
                    .into_response()
            }
        }
        Err(message) => {
            (StatusCode::INTERNAL_SERVER_ERROR, format!("coroner could not render {wanted}: {message}")).into_response()
        }
        // `/incidents/x` → `/incidents/x/`, as static hosts do.
        Ok(None) if snapshot.files.contains_key(format!("{path}/index.html").as_str()) => {
            Redirect::permanent(&format!("{}/", uri.path())).into_response()
        }
        Ok(None) => not_found(&snapshot),
    }
}

/// The request path as a path inside the site, percent-decoded; `None`
/// for anything that would climb out of it (`..`, encoded or not).
fn site_path(request: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(request).decode_utf8().ok()?;
    let inside = decoded.trim_start_matches('/');
    let climbs = inside.split('/').any(|s| s == ".." || s == ".") || inside.contains(['\\', '\0']);
    (!climbs).then(|| inside.to_string())
}

fn not_found(snapshot: &Snapshot) -> Response {
    match snapshot.files.get("404.html") {
        Some(bytes) => html(StatusCode::NOT_FOUND, bytes, snapshot, ""),
        None => html(StatusCode::NOT_FOUND, b"<!doctype html><title>Not found</title><h1>Not found</h1>", snapshot, ""),
    }
}

/// `bytes` with the preview's script before `</head>`: live reload, and
/// the warnings of `page` (`incidents/x/`) and the build's error for the
/// overlay.
fn html(status: StatusCode, bytes: &[u8], snapshot: &Snapshot, page: &str) -> Response {
    let text = String::from_utf8_lossy(bytes);
    let preview = serde_json::json!({
        "api": "/api/search",
        "notices": snapshot.notices(page),
        "error": snapshot.error,
        "generation": snapshot.generation,
    });
    // Inside <script>, `</` must not appear: escape `<`.
    let data = preview.to_string().replace('<', "\\u003c");
    let script =
        format!("<script>window.coronerPreview={data};</script><script src=\"/__coroner/live.js\" defer></script>");
    let body = match text.find("</head>") {
        Some(at) => format!("{}{script}{}", &text[..at], &text[at..]),
        None => format!("{script}{text}"),
    };
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}
