//! Snaps a reader's rough selection to whole words.
//!
//! A selection is widened so that it never starts or ends inside a word (UAX #29 word
//! boundaries, which also never split a grapheme cluster or a surrogate pair), then
//! trimmed of white space and punctuation at both ends. Emoji and symbols count as
//! content, so an emoji can be tagged.
//!
//! Invariant: the result lies inside one contiguous stretch of the document, starts and
//! ends on word boundaries, and is never empty; `None` when nothing but white space and
//! punctuation was selected.

use crate::core::document::Document;
use crate::core::offset::{CharRange, Utf8Offset};
use unicode_segmentation::UnicodeSegmentation;

/// True for characters that a selection's edges shed: white space and punctuation.
pub fn is_trimmable(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(c,
            '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}'
            | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
            | '\u{3000}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}'
            | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}' | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE4F}')
}

fn is_content(segment: &str) -> bool {
    !segment.chars().all(is_trimmable)
}

/// Snaps a non-empty `range` to whole words of `doc`.
pub fn snap_to_words(doc: &Document, range: CharRange) -> Option<CharRange> {
    if range.is_empty() {
        return None;
    }
    let text = doc.text();
    let index = doc.index();
    let s8 = index.char_to_utf8(range.start())?.0;
    let e8 = index.char_to_utf8(range.end())?.0;
    // Word boundaries depend only on nearby text; a paragraph break is always one, so
    // segmenting from the previous to the next newline is exact and stays local.
    let win_start = text.get(..s8)?.rfind('\n').map_or(0, |p| p + 1);
    let win_end = text.get(e8..)?.find('\n').map_or(text.len(), |p| e8 + p);
    let window = text.get(win_start..win_end)?;
    let mut segs: Vec<(usize, usize)> = Vec::new();
    for (off, w) in window.split_word_bound_indices() {
        let (a, b) = (win_start + off, win_start + off + w.len());
        if b <= s8 {
            continue;
        }
        if a >= e8 {
            break;
        }
        if is_content(w) {
            segs.push((a, b));
        }
    }
    // Paragraph breaks inside the selection are fine; words are counted on both sides.
    let (first, last) = (segs.first()?, segs.last()?);
    let (a, b) = (first.0, last.1);
    let start = index.utf8_to_char(Utf8Offset(a))?;
    let end = index.utf8_to_char(Utf8Offset(b))?;
    CharRange::new(start, end).filter(|r| !r.is_empty())
}
