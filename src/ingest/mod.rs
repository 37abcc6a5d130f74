//! bytes → [`Postmortem`]: decode, repair, split front matter, outline the
//! markdown, extract facts. A pure function of `(path, bytes, &Config)`, so
//! files parse in parallel and can be cached by content hash.

pub mod actions;
pub mod cache;
pub mod decode;
pub mod facts;
pub mod frontmatter;
mod html;
pub mod links;
pub mod repair;
pub mod sections;
pub mod text;
pub mod timeline;
pub mod when;
mod wiki;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::Postmortem;
use sections::Synonyms;

/// Everything parsing needs from the config, prepared once per build.
pub struct Reader<'c> {
    config: &'c Config,
    synonyms: Synonyms,
}

impl<'c> Reader<'c> {
    pub fn new(config: &'c Config) -> Self {
        Reader { config, synonyms: Synonyms::new(&config.section_synonyms) }
    }

    /// Parse one file. `source` is its path relative to the content
    /// directory. Never fails: what cannot be read becomes a diagnostic.
    pub fn parse(&self, source: &str, bytes: &[u8]) -> Postmortem {
        let decoded = decode::decode(bytes);
        let repaired = repair::repair(&decoded.text);
        let mut split = frontmatter::split(&repaired.text);
        let mut diagnostics = decoded.diagnostics;
        diagnostics.extend(repaired.diagnostics);
        diagnostics.extend(std::mem::take(&mut split.diagnostics));
        let converted = if html::is_html_document(&split.body) {
            Some(html::to_markdown(&split.body))
        } else if wiki::is_wiki_markup(&split.body) {
            Some(wiki::to_markdown(&split.body))
        } else {
            None
        };
        if let Some((markdown, note)) = converted {
            split.body = markdown;
            diagnostics.push(note);
        } else if let Some(markdown) = html::headings_to_markdown(&split.body) {
            split.body = markdown;
        }
        if split.body.trim().is_empty() && split.front_matter.is_none() {
            diagnostics.push(
                Diagnostic::warning("empty-file", 1, "the file has no text to publish")
                    .with_help("write the postmortem, or delete the file"),
            );
        }
        let lines: Vec<&str> = split.body.split('\n').collect();
        let mut links = links::Collector::new(&self.config.extensions);
        let mut outline = sections::outline(&split.body, &lines, &self.synonyms, &mut links);
        let input = facts::Input {
            source,
            front_matter: split.front_matter.as_ref(),
            outline: &outline,
            lines: &lines,
            config: self.config,
        };
        let mut postmortem = facts::extract(&input);
        postmortem.conflicts = repaired.conflicts;
        diagnostics.append(&mut postmortem.diagnostics);
        diagnostics.sort_by(|a, b| (a.line, a.code).cmp(&(b.line, b.code)));
        diagnostics.dedup_by(|a, b| a.line == b.line && a.code == b.code);
        postmortem.diagnostics = diagnostics;
        let links = links.finish();
        (postmortem.references, postmortem.anchors) = (links.references, links.anchors);
        postmortem.body = split.body;
        postmortem.text = std::mem::take(&mut outline.text);
        postmortem.headings = outline.headings.into_iter().map(|h| h.text).collect();
        postmortem
    }
}
