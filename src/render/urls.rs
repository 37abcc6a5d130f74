//! Every URL of the site in one place, so that a subpath base URL
//! (`https://wiki.corp/postmortems/`) is honoured everywhere. Pages link
//! with absolute paths (`/postmortems/incidents/x/`); feeds and the sitemap
//! need full URLs and get them from [`Urls::absolute`].

use crate::ingest::facts::slugify;

/// The four ways to browse, each a folder of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Browse {
    Tags,
    Services,
    Severity,
    Years,
}

impl Browse {
    pub const ALL: [Browse; 4] = [Browse::Tags, Browse::Services, Browse::Severity, Browse::Years];

    pub fn folder(self) -> &'static str {
        match self {
            Browse::Tags => "tags",
            Browse::Services => "services",
            Browse::Severity => "severity",
            Browse::Years => "years",
        }
    }

    /// The search page's filter and URL parameter (`search/?tag=dns`).
    pub fn filter(self) -> &'static str {
        match self {
            Browse::Tags => "tag",
            Browse::Services => "service",
            Browse::Severity => "severity",
            Browse::Years => "year",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Browse::Tags => "Root causes",
            Browse::Services => "Services",
            Browse::Severity => "Severity",
            Browse::Years => "Years",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Urls {
    /// Scheme and host when the base URL has them (`https://wiki.corp`).
    origin: String,
    /// Path of the site root, starting and ending with `/`.
    base_path: String,
}

impl Urls {
    /// `base_url` is a full URL (`https://wiki.corp/postmortems/`) or a path
    /// (`/`, `/postmortems`).
    pub fn new(base_url: &str) -> Urls {
        let base_url = base_url.trim();
        let (origin, path) = match base_url.find("://") {
            Some(scheme_end) => {
                let rest = &base_url[scheme_end + 3..];
                let host_end = rest.find('/').map_or(base_url.len(), |i| scheme_end + 3 + i);
                (base_url[..host_end].to_string(), &base_url[host_end..])
            }
            None => (String::new(), base_url),
        };
        let trimmed = path.trim_matches('/');
        let base_path = if trimmed.is_empty() { "/".to_string() } else { format!("/{trimmed}/") };
        Urls { origin, base_path }
    }

    /// The site root as a path (`/` or `/postmortems/`).
    pub fn root(&self) -> &str {
        &self.base_path
    }

    /// A path inside the site (`stats/`) as a URL path.
    pub fn page(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// Full URL for feeds and the sitemap; a path when no host is known.
    pub fn absolute(&self, url_path: &str) -> String {
        format!("{}{url_path}", self.origin)
    }

    pub fn incident(&self, id: &str) -> String {
        self.page(&format!("incidents/{id}/"))
    }

    /// A content file published under `assets/` (spaces and `%` escaped).
    pub fn asset(&self, source: &str) -> String {
        self.page(&format!("assets/{}", source.replace('%', "%25").replace(' ', "%20")))
    }

    /// Page `page` (1-based) of a paginated list whose first page is `first`.
    pub fn paged(&self, first: &str, page: usize) -> String {
        if page <= 1 { first.to_string() } else { format!("{first}page/{page}/") }
    }

    pub fn browse(&self, browse: Browse) -> String {
        self.page(&format!("{}/", browse.folder()))
    }

    pub fn term(&self, browse: Browse, term: &str) -> String {
        self.page(&format!("{}/{}/", browse.folder(), term_slug(term)))
    }

    /// The output file for a URL path of this site (`index.html` appended
    /// to folders).
    pub fn file_for(&self, url_path: &str) -> String {
        let inside = url_path.strip_prefix(&self.base_path).unwrap_or(url_path.trim_start_matches('/'));
        if inside.is_empty() || inside.ends_with('/') { format!("{inside}index.html") } else { inside.to_string() }
    }
}

/// A term as a URL segment, made like ids: `SEV1` → `sev1`,
/// `Order API` → `order-api`.
pub fn term_slug(term: &str) -> String {
    slugify(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subpath_base_urls_prefix_every_page() {
        let urls = Urls::new("https://wiki.corp/postmortems");
        assert_eq!(urls.incident("db-outage"), "/postmortems/incidents/db-outage/");
        assert_eq!(urls.absolute(&urls.incident("x")), "https://wiki.corp/postmortems/incidents/x/");
        assert_eq!(urls.file_for("/postmortems/incidents/x/"), "incidents/x/index.html");
        assert_eq!(urls.file_for("/postmortems/feed.xml"), "feed.xml");
        assert_eq!(urls.file_for(urls.root()), "index.html");
    }

    #[test]
    fn a_bare_path_or_slash_works_too() {
        assert_eq!(Urls::new("/").term(Browse::Services, "Order API"), "/services/order-api/");
        assert_eq!(Urls::new("docs").paged("/docs/", 3), "/docs/page/3/");
        assert_eq!(Urls::new("").absolute("/x/"), "/x/");
    }
}
