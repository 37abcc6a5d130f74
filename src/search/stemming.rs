//! tantivy's `en_stem`, remembering the stems it found: the English
//! stemmer is most of the cost of tokenising an incident, and an archive
//! says the same words over and over. Each copy of the analyzer (one per
//! indexing thread and field, one per related-incidents thread) keeps its
//! own stems, so none is shared between threads.

use std::collections::HashMap;
use tantivy::tokenizer::{
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};

/// Past this many forms a copy forgets them all, so that it stays a few MB
/// (an archive's numbers and names are forms too).
const KNOWN: usize = 100_000;

/// The analysis of tantivy's `en_stem` (which the index's text fields
/// name): words, long ones dropped, lower-cased, stemmed.
pub(super) fn en_stem() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(KnownStems)
        .build()
}

/// tantivy's English stemmer, with the stems found so far.
#[derive(Clone)]
struct KnownStems;

impl TokenFilter for KnownStems {
    type Tokenizer<T: Tokenizer> = KnownStemsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> KnownStemsFilter<T> {
        let stemmer = TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build();
        KnownStemsFilter { tokenizer, stemmer, known: HashMap::new() }
    }
}

#[derive(Clone)]
struct KnownStemsFilter<T> {
    tokenizer: T,
    /// The stemmer alone, on one form at a time.
    stemmer: TextAnalyzer,
    /// Form → stem.
    known: HashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for KnownStemsFilter<T> {
    type TokenStream<'a> = KnownStemsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        KnownStemsStream { tail: self.tokenizer.token_stream(text), stemmer: &mut self.stemmer, known: &mut self.known }
    }
}

struct KnownStemsStream<'a, T> {
    tail: T,
    stemmer: &'a mut TextAnalyzer,
    known: &'a mut HashMap<String, String>,
}

impl<T: TokenStream> TokenStream for KnownStemsStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.known.get(&token.text) {
            token.text.clone_from(stem);
            return true;
        }
        let stem = self.stemmer.token_stream(&token.text).next().map_or_else(String::new, |t| t.text.clone());
        if self.known.len() >= KNOWN {
            self.known.clear();
        }
        let form = std::mem::replace(&mut token.text, stem.clone());
        self.known.insert(form, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stems_are_en_stems_whether_found_or_remembered() {
        let text = "The databases were Timing out; TIMEOUTS, timeouts again. Ünïcode ŒUVRES straße \
                    a-very-long-word-that-is-more-than-forty-bytes-long-abcdefghijklmnopqrstuvwxyz 42 x";
        let tokens = |analyzer: &mut TextAnalyzer| {
            let mut tokens = Vec::new();
            analyzer.token_stream(text).process(&mut |t| tokens.push((t.text.clone(), t.offset_from, t.position)));
            tokens
        };
        let expected = tokens(&mut tantivy::tokenizer::TokenizerManager::default().get("en_stem").unwrap());
        assert!(expected.iter().any(|(stem, ..)| stem == "databas"), "{expected:?}");
        let mut analyzer = en_stem();
        // Once to find the stems, once from what it remembers.
        assert_eq!(tokens(&mut analyzer), expected);
        assert_eq!(tokens(&mut analyzer), expected);
    }
}
