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

/// What anchoring a list learns from one annotation to help the next: how far the last
/// one moved. After an insertion, every later annotation moves by the same amount, so
/// trying that shift first makes re-anchoring a whole article linear.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnchorHint {
    pub shift: isize,
}

/// How far around the old position the quote is looked for before the whole text.
const WINDOW: usize = 2048;

/// Finds a target in `doc` from an optional position and an optional quote.
pub fn anchor(doc: &Document, position: Option<CharRange>, quote: Option<&Quote>) -> Result<(CharRange, AnchorMethod), Unanchored> {
    anchor_with(doc, position, quote, &mut AnchorHint::default())
}

/// [`anchor`], trying the shift in `hint` first and updating it.
pub fn anchor_with(
    doc: &Document,
    position: Option<CharRange>,
    quote: Option<&Quote>,
    hint: &mut AnchorHint,
) -> Result<(CharRange, AnchorMethod), Unanchored> {
    let matches = |r: CharRange, q: Option<&Quote>| !r.is_empty() && doc.slice(r).is_some_and(|t| q.is_none_or(|q| t == q.exact));
    if let Some(p) = position {
        if matches(p, quote) {
            hint.shift = 0;
            return Ok((p, AnchorMethod::Position));
        }
    }
    let Some(q) = quote.filter(|q| !q.exact.is_empty()) else {
        return Err(if position.is_some() { Unanchored::NotFound } else { Unanchored::NoSelector });
    };
    let qlen = q.exact.chars().count();
    if let Some(p) = position {
        // The same shift as the previous annotation, with its context intact.
        let shifted = p.start().0.checked_add_signed(hint.shift).and_then(|s| CharRange::from_usize(s, s + qlen));
        if let Some(r) = shifted.filter(|r| matches(*r, Some(q)) && context_score(doc, *r, q) == full_context(q)) {
            return Ok((r, AnchorMethod::Quote));
        }
        // Near the old position: a unique best match there is as good as one anywhere.
        let lo = CharOffset(p.start().0.saturating_sub(WINDOW));
        let hi = CharOffset((p.end().0 + WINDOW).min(doc.len_chars().0));
        if let Some(window) = CharRange::new(lo, hi) {
            if let Ok(Some((r, true))) = best_match(doc, window, q, Some(p)) {
                hint.shift = r.start().0 as isize - p.start().0 as isize;
                return Ok((r, AnchorMethod::Quote));
            }
        }
    }
    let all = CharRange::new(CharOffset(0), doc.len_chars()).ok_or(Unanchored::NotFound)?;
    match best_match(doc, all, q, position)? {
        None => Err(Unanchored::NotFound),
        Some((r, _)) => {
            if let Some(p) = position {
                hint.shift = r.start().0 as isize - p.start().0 as isize;
            }
            Ok((r, AnchorMethod::Quote))
        }
    }
}

/// How many code points of the quote's prefix and suffix match around `r`.
fn context_score(doc: &Document, r: CharRange, q: &Quote) -> usize {
    let text = doc.text();
    let (Some(b0), Some(b1)) = (doc.index().char_to_utf8(r.start()), doc.index().char_to_utf8(r.end())) else { return 0 };
    common_suffix_chars(text.get(..b0.0).unwrap_or(""), &q.prefix) + common_prefix_chars(text.get(b1.0..).unwrap_or(""), &q.suffix)
}

fn full_context(q: &Quote) -> usize {
    q.prefix.chars().count() + q.suffix.chars().count()
}

/// The best occurrence of the quote inside `within`: most matched context, then nearest
/// to the old position. `Ok(None)` when there is none; `Err(Ambiguous)` when two are
/// equally good, or when several exist and there is neither context nor position to
/// choose by. The flag says whether the best one's context matched in full.
fn best_match(doc: &Document, within: CharRange, q: &Quote, position: Option<CharRange>) -> Result<Option<(CharRange, bool)>, Unanchored> {
    let index = doc.index();
    let Some(bytes) = index.utf8_range(within) else { return Ok(None) };
    let Some(hay) = doc.text().get(bytes.clone()) else { return Ok(None) };
    let qlen = q.exact.chars().count();
    let full = full_context(q);
    let mut best: Option<(usize, usize, CharRange)> = None; // (context score, distance, range)
    let mut ties = 0usize;
    let mut count = 0usize;
    for (b, _) in hay.match_indices(q.exact.as_str()) {
        let Some(start) = index.utf8_to_char(Utf8Offset(bytes.start + b)) else { continue };
        let Some(range) = CharRange::new(start, CharOffset(start.0 + qlen)) else { continue };
        count += 1;
        let score = context_score(doc, range, q);
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
        None => Ok(None),
        Some(_) if ties > 0 => Err(Unanchored::Ambiguous(count)),
        // Several occurrences and no context at all to choose: a guess, so refuse.
        Some((0, _, _)) if count > 1 && position.is_none() => Err(Unanchored::Ambiguous(count)),
        Some((score, _, r)) => Ok(Some((r, score == full && full > 0))),
    }
}
