//! Templates and static files. The default theme is built into the binary,
//! so `coroner build` works in any folder; a theme folder on disk
//! (`themes/<name>/`) replaces it file by file, and a site's own
//! `templates/` and `static/` folders override any theme file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../../themes/default/", $path)))),*]
    };
}

/// The default theme, as shipped.
const DEFAULT_THEME: &[(&str, &[u8])] = embedded![
    "templates/base.html",
    "templates/macros.html",
    "templates/list.html",
    "templates/incident.html",
    "templates/taxonomy.html",
    "templates/search.html",
    "templates/stats.html",
    "templates/actions.html",
    "templates/recurrences.html",
    "templates/redirect.html",
    "templates/404.html",
    "templates/feed.xml",
    "templates/sitemap.xml",
    "static/style.css",
    "static/coroner.js",
];

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme `{name}` not found: expected {path}; set `theme = \"default\"` in site.toml or create it")]
    Missing { name: String, path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
}

/// Every file of the theme in effect, by path inside the theme
/// (`templates/base.html`, `static/style.css`).
pub struct Theme {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Symbolic links that lead out of the site folder, with where they
    /// lead: not read.
    pub outside: Vec<(PathBuf, PathBuf)>,
}

impl Theme {
    /// The default theme, then `<root>/themes/<name>/`, then the site's own
    /// `templates/` and `static/`, each overriding the one before. Nothing
    /// outside `root` is read, through a link or a theme name.
    pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
        let files = DEFAULT_THEME.iter().map(|(path, bytes)| (path.to_string(), bytes.to_vec())).collect();
        let mut theme = Theme { files, outside: Vec::new() };
        theme.walk(root, name, true)?;
        Ok(theme)
    }

    /// The links of the theme folders that lead out of the site folder,
    /// as diagnostics, without reading the theme.
    pub fn outside_links(root: &Path, name: &str) -> Vec<crate::content::FileProblem> {
        let mut theme = Theme { files: BTreeMap::new(), outside: Vec::new() };
        // A missing theme is the build's error, not a diagnostic.
        let _ = theme.walk(root, name, false);
        theme
            .outside
            .into_iter()
            .map(|(link, target)| crate::content::FileProblem {
                source: link.display().to_string(),
                diagnostic: crate::content::symlink_outside(&target, "site folder"),
            })
            .collect()
    }

    fn walk(&mut self, root: &Path, name: &str, read: bool) -> Result<(), ThemeError> {
        let real_root = crate::content::real_root(root);
        let theme_dir = root.join("themes").join(name);
        if theme_dir.is_dir() {
            self.overlay(&theme_dir, "", &real_root, read)?;
        } else if name != "default" {
            return Err(ThemeError::Missing { name: name.to_string(), path: theme_dir });
        }
        for folder in ["templates", "static"] {
            let dir = root.join(folder);
            if dir.is_dir() {
                self.overlay(&dir, folder, &real_root, read)?;
            }
        }
        Ok(())
    }

    /// Add every file under `dir` as `<prefix>/<relative path>`, following
    /// the links that stay inside `real_root`.
    fn overlay(&mut self, dir: &Path, prefix: &str, real_root: &Path, read: bool) -> Result<(), ThemeError> {
        let real_dir = crate::content::real_root(dir);
        if !real_dir.starts_with(real_root) {
            self.outside.push((dir.to_path_buf(), real_dir));
            return Ok(());
        }
        let outside = std::cell::RefCell::new(Vec::new());
        let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            let leaves = e.depth() > 0 && e.path_is_symlink();
            match leaves.then(|| crate::content::outside_target(e.path(), real_root)).flatten() {
                Some(target) => {
                    outside.borrow_mut().push((e.path().to_path_buf(), target));
                    false
                }
                None => true,
            }
        });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().unwrap_or(dir).to_path_buf();
                    // A broken link, or one back to a parent folder: skipped,
                    // as links were before they were followed.
                    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
                    if e.loop_ancestor().is_some() || is_link {
                        if let Some(target) = crate::content::outside_target(&path, real_root) {
                            outside.borrow_mut().push((path, target));
                        }
                        continue;
                    }
                    let source = e.into_io_error().unwrap_or_else(|| std::io::Error::other("symbolic link loop"));
                    return Err(ThemeError::Read { path, source });
                }
            };
            if !entry.file_type().is_file() || !read {
                continue;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let key = if prefix.is_empty() { relative } else { format!("{prefix}/{relative}") };
            let bytes = std::fs::read(entry.path())
                .map_err(|source| ThemeError::Read { path: entry.path().to_path_buf(), source })?;
            self.files.insert(key, bytes);
        }
        self.outside.append(&mut outside.into_inner());
        Ok(())
    }

    pub fn templates(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().filter_map(|(path, bytes)| Some((path.strip_prefix("templates/")?, bytes.as_slice())))
    }

    pub fn statics(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().filter_map(|(path, bytes)| Some((path.strip_prefix("static/")?, bytes.as_slice())))
    }

    /// A Tera with every template of the theme.
    pub fn tera(&self) -> Result<tera::Tera, ThemeError> {
        let mut tera = tera::Tera::new();
        let mut templates = Vec::new();
        for (name, bytes) in self.templates() {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| ThemeError::Template { name: name.to_string(), message: format!("not UTF-8 ({e})") })?;
            templates.push((name, text));
        }
        tera.add_raw_templates(templates)
            .map_err(|e| ThemeError::Template { name: "(theme)".to_string(), message: one_line(&e) })?;
        Ok(tera)
    }
}

/// Tera's errors span several lines with a source excerpt; the build
/// prints one line per fatal error, with the cause chain joined.
pub fn one_line(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
