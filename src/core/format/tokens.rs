//! Word tokens of a text: the UAX #29 words that are not white space, with their
//! positions in code points. The tokens CoNLL writes and spaCy files carry when a
//! document has none of its own.
//!
//! Invariant: tokens are in order, do not overlap, and hold no white-space-only word.

use crate::core::offset::CharRange;
use unicode_segmentation::UnicodeSegmentation;

/// A word token of the text, with its position in code points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'t> {
    pub range: CharRange,
    pub text: &'t str,
}

/// The UAX #29 word tokens of `text` that are not white space, in order.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = 0usize;
    for w in text.split_word_bounds() {
        let n = w.chars().count();
        if !w.chars().all(char::is_whitespace) {
            if let Some(range) = CharRange::from_usize(chars, chars + n) {
                out.push(Token { range, text: w });
            }
        }
        chars += n;
    }
    out
}

