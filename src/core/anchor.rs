//! Anchoring: from a quote with context to a position in the document, and back.
//!
//! [`quote_at`] describes a range as exact text plus up to 32 code points of prefix and
//! suffix. [`anchor`] finds a target again: the stored position if the text there still
//! equals the quote; otherwise the exact quote, disambiguated by how much of its prefix
//! and suffix match and by nearness to the old position. A wrong anchor is worse than an
//! orphan, so an ambiguous quote (two equally good places) is an orphan.
//!
//! Invariant: every range returned lies inside the document and its text equals the
//! quote's `exact` (when a quote was given).

use crate::core::document::Document;
use crate::core::model::{Quote, QUOTE_CONTEXT};
use crate::core::offset::{CharOffset, CharRange, Utf8Offset};

/// The quote of `range` in `doc`; `None` if the range runs past the end.
pub fn quote_at(doc: &Document, range: CharRange) -> Option<Quote> {
    let exact = doc.slice(range)?.to_string();
    let pre = CharRange::new(CharOffset(range.start().0.saturating_sub(QUOTE_CONTEXT)), range.start())?;
    let post_end = CharOffset((range.end().0 + QUOTE_CONTEXT).min(doc.len_chars().0));
    let post = CharRange::new(range.end(), post_end)?;
    Some(Quote { exact, prefix: doc.slice(pre)?.to_string(), suffix: doc.slice(post)?.to_string() })
}

/// Why a target could not be anchored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unanchored {
    /// The quote is not in the document.
    NotFound,
    /// The quote occurs in several places and its context does not pick one.
    Ambiguous(usize),
    /// Neither a position nor a quote was given.
    NoSelector,
}

/// How a target was anchored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnchorMethod {
    Position,
    Quote,
}

fn common_suffix_chars(a: &str, b: &str) -> usize {
    a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).count()
}

fn common_prefix_chars(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// Finds a target in `doc` from an optional position and an optional quote.
pub fn anchor(
    doc: &Document,
    position: Option<CharRange>,
    quote: Option<&Quote>,
) -> Result<(CharRange, AnchorMethod), Unanchored> {
    if let Some(p) = position {
        match (doc.slice(p), quote) {
            (Some(_), None) if !p.is_empty() => return Ok((p, AnchorMethod::Position)),
            (Some(t), Some(q)) if t == q.exact && !p.is_empty() => return Ok((p, AnchorMethod::Position)),
            _ => {}
        }
    }
    let Some(q) = quote.filter(|q| !q.exact.is_empty()) else {
        return Err(if position.is_some() { Unanchored::NotFound } else { Unanchored::NoSelector });
    };
    let text = doc.text();
    let index = doc.index();
    let qlen = q.exact.chars().count();
    // Score every occurrence: matched context first, nearness to the old position second.
    let mut best: Option<(usize, usize, CharRange)> = None; // (context score, distance, range)
    let mut ties = 0usize;
    let mut count = 0usize;
    for (b, _) in text.match_indices(q.exact.as_str()) {
        let Some(start) = index.utf8_to_char(Utf8Offset(b)) else { continue };
        let Some(range) = CharRange::new(start, CharOffset(start.0 + qlen)) else { continue };
        count += 1;
        let before = text.get(..b).unwrap_or("");
        let after = text.get(b + q.exact.len()..).unwrap_or("");
        let score = common_suffix_chars(before, &q.prefix) + common_prefix_chars(after, &q.suffix);
        let dist = position.map_or(0, |p| p.start().0.abs_diff(start.0));
        match best {
            Some((s, d, _)) if score < s || (score == s && dist > d) => {}
            Some((s, d, _)) if score == s && dist == d => ties += 1,
            _ => {
                best = Some((score, dist, range));
                ties = 0;
            }
        }
    }
    match best {
        None => Err(Unanchored::NotFound),
        Some(_) if ties > 0 => Err(Unanchored::Ambiguous(count)),
        // Several occurrences and no context at all to choose: a guess, so refuse.
        Some((0, _, _)) if count > 1 && position.is_none() => Err(Unanchored::Ambiguous(count)),
        Some((_, _, r)) => Ok((r, AnchorMethod::Quote)),
    }
}
