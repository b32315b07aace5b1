//! Anchoring: from a quote with context to a position in the document, and back.
//!
//! [`quote_at`] describes a range as exact text plus up to 32 code points of prefix and
//! suffix. [`anchor`] finds a target again by a cascade:
//! 1. the stored position, if the text there still equals the quote and its context is
//!    all still around it;
//! 2. the exact quote, disambiguated by how much of its prefix and suffix match and by
//!    nearness to the old position (tried first where the previous annotation moved to);
//!    a quote shorter than [`SHORT_QUOTE`] needs [`SHORT_QUOTE_CONTEXT`] code points of its
//!    context around it (or all it had), a longer one that or to be found only once;
//! 3. the quote approximately ([`crate::core::approx`]: Myers' bit-parallel search of its
//!    last 64 code points, then an alignment of the whole quote), at most
//!    [`MAX_ERROR_PERCENT`] % of its code points edited, near the old position first,
//!    then anywhere, within the step budget carried by [`AnchorHint`];
//! 4. otherwise an orphan.
//!
//! Searching the whole text (steps 2 and 3) spends the same budget, so a list whose
//! quotes are all gone (an article replaced by another) ends in bounded time.
//!
//! A wrong anchor is worse than an orphan: two equally good places make an orphan;
//! quotes shorter than [`MIN_APPROX_LEN`] are only found exactly; an approximate match of
//! a quote shorter than [`SHORT_QUOTE`] also needs [`SHORT_QUOTE_CONTEXT`] code points of
//! its old context around it.
//!
//! Invariant: every range returned lies inside the document; its text equals the quote's
//! `exact` unless the method is [`AnchorMethod::Approximate`], whose edit distance to
//! `exact` is at most `MAX_ERROR_PERCENT` % of the quote's length.

use crate::core::document::Document;
use crate::core::model::{Quote, QUOTE_CONTEXT};
use crate::core::approx::{self, Budget};
use crate::core::offset::{CharOffset, CharRange, Utf8Offset};

/// The quote of `range` in `doc`; `None` if the range runs past the end.
pub fn quote_at(doc: &Document, range: CharRange) -> Option<Quote> {
    let exact = doc.slice(range)?;
    let pre = CharRange::new(CharOffset(range.start().0.saturating_sub(QUOTE_CONTEXT)), range.start())?;
    let post_end = CharOffset((range.end().0 + QUOTE_CONTEXT).min(doc.len_chars().0));
    let post = CharRange::new(range.end(), post_end)?;
    Some(Quote::new(doc.slice(pre)?, exact, doc.slice(post)?))
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
    /// The quote is in the document, but too little of its old context is around it to
    /// be sure it is the same place.
    WeakContext,
    /// The approximate search's budget ran out before it could decide.
    OutOfTime,
}

/// How a target was anchored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnchorMethod {
    Position,
    Quote,
    /// The quote was found with `distance` edits (code points inserted, deleted or changed).
    Approximate { distance: usize },
}

/// The most of a quote's code points an approximate match may have edited, in percent.
pub const MAX_ERROR_PERCENT: usize = 20;
/// Quotes shorter than this are found exactly or not at all.
pub const MIN_APPROX_LEN: usize = 5;
/// An approximate match of a quote shorter than this needs [`SHORT_QUOTE_CONTEXT`] code
/// points of the old prefix and suffix still around it.
pub const SHORT_QUOTE: usize = 16;
pub const SHORT_QUOTE_CONTEXT: usize = 8;
/// The approximate-search work one import (or one load) may do: about 50 ms on a
/// laptop; past it, the remaining lost quotes become orphans instead of freezing the tab.
pub const IMPORT_BUDGET: u64 = 40_000_000;

fn common_suffix_chars(a: &str, b: &str) -> usize {
    a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).count()
}

fn common_prefix_chars(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// What anchoring a list learns from one annotation to help the next: how far the last
/// one moved. After an insertion, every later annotation moves by the same amount, so
/// trying that shift first makes re-anchoring a whole article linear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnchorHint {
    pub shift: isize,
    /// What approximate searches may still spend, shared by the whole list.
    pub budget: Budget,
}

impl Default for AnchorHint {
    fn default() -> AnchorHint {
        AnchorHint { shift: 0, budget: Budget(IMPORT_BUDGET) }
    }
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
    let matches = |r: CharRange, q: Option<&Quote>| !r.is_empty() && doc.slice(r).is_some_and(|t| q.is_none_or(|q| t == q.exact()));
    if let Some(p) = position {
        // The quote's text at the old place is not enough: after an insertion above, a
        // repeated word can slide into it. Its context must be there too.
        if matches(p, quote) && quote.is_none_or(|q| context_score(doc, p, q) == full_context(q)) {
            hint.shift = 0;
            return Ok((p, AnchorMethod::Position));
        }
    }
    let Some(q) = quote.filter(|q| !q.exact().is_empty()) else {
        return Err(if position.is_some() { Unanchored::NotFound } else { Unanchored::NoSelector });
    };
    let qlen = q.exact().chars().count();
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
    // A search of the whole text costs a quarter step per character (a substring search
    // is several times faster than the approximate one): an article replaced by another
    // orphans its annotations in bounded time instead of searching for each.
    if !hint.budget.spend(doc.len_chars().0 as u64 / 4 + 1) {
        return Err(Unanchored::OutOfTime);
    }
    let (r, method) = match best_match(doc, all, q, position)? {
        Some((r, _)) => (r, AnchorMethod::Quote),
        None => approximate(doc, q, position.map(|p| shifted_hint(p, hint)), &mut hint.budget)?,
    };
    if let Some(p) = position {
        hint.shift = r.start().0 as isize - p.start().0 as isize;
    }
    Ok((r, method))
}

/// The old position moved by the shift the previous annotation had, if it fits.
fn shifted_hint(p: CharRange, hint: &AnchorHint) -> CharRange {
    p.start().0.checked_add_signed(hint.shift).and_then(|s| CharRange::from_usize(s, s + p.len())).unwrap_or(p)
}

/// Step 3 of the cascade: the quote with a few edits, near `position` first.
fn approximate(doc: &Document, q: &Quote, position: Option<CharRange>, budget: &mut Budget) -> Result<(CharRange, AnchorMethod), Unanchored> {
    let pat: Vec<char> = q.exact().chars().collect();
    let m = pat.len();
    let max_err = m * MAX_ERROR_PERCENT / 100;
    if m < MIN_APPROX_LEN || max_err == 0 {
        return Err(Unanchored::NotFound);
    }
    let tail = &pat[m.saturating_sub(approx::MAX_PATTERN)..];
    let k_tail = max_err.min(tail.len() / 4).max(1);
    let len = doc.len_chars().0;
    let mut regions = Vec::new();
    if let Some(p) = position {
        regions.extend(CharRange::from_usize(p.start().0.saturating_sub(WINDOW), (p.end().0 + WINDOW).min(len)));
    }
    regions.extend(CharRange::from_usize(0, len));
    for region in regions {
        let Some(bytes) = doc.index().utf8_range(region) else { continue };
        let hay = doc.text().get(bytes).unwrap_or("");
        let mut ends = approx::search(tail, hay.chars(), k_tail, budget).ok_or(Unanchored::OutOfTime)?;
        // The best few tail matches are enough; more would be noise.
        ends.sort_by_key(|&(_, d)| d);
        ends.truncate(32);
        let mut found: Vec<(usize, usize, usize, CharRange)> = Vec::new(); // (distance, -context, nearness, range)
        for (end, _) in ends {
            let e = region.start().0 + end;
            let lo = e.saturating_sub(m + max_err + k_tail);
            let hi = (e + k_tail).min(len);
            let Some(window) = CharRange::from_usize(lo, hi) else { continue };
            let chars: Vec<char> = doc.slice(window).unwrap_or("").chars().collect();
            let Some((d, s, t)) = approx::align(&pat, &chars, budget) else { return Err(Unanchored::OutOfTime) };
            let Some(r) = CharRange::from_usize(lo + s, lo + t) else { continue };
            if d > max_err || r.is_empty() || found.iter().any(|f| f.3 == r) {
                continue;
            }
            let ctx = context_score(doc, r, q);
            if m < SHORT_QUOTE && ctx < SHORT_QUOTE_CONTEXT {
                continue;
            }
            let near = position.map_or(0, |p| p.start().0.abs_diff(r.start().0));
            found.push((d, usize::MAX - ctx, near, r));
        }
        found.sort();
        // Overlapping candidates are one place found through different tail matches.
        let mut places: Vec<(usize, usize, usize, CharRange)> = Vec::new();
        for f in found {
            if !places.iter().any(|p| p.3.overlaps(&f.3)) {
                places.push(f);
            }
        }
        match places.as_slice() {
            [] => continue,
            [a, b, ..] if (a.0, a.1, a.2) == (b.0, b.1, b.2) => return Err(Unanchored::Ambiguous(places.len())),
            [best, ..] => return Ok((best.3, AnchorMethod::Approximate { distance: best.0 })),
        }
    }
    Err(Unanchored::NotFound)
}

/// How many code points of the quote's prefix and suffix match around `r`.
fn context_score(doc: &Document, r: CharRange, q: &Quote) -> usize {
    let text = doc.text();
    let (Some(b0), Some(b1)) = (doc.index().char_to_utf8(r.start()), doc.index().char_to_utf8(r.end())) else { return 0 };
    common_suffix_chars(text.get(..b0.0).unwrap_or(""), q.prefix()) + common_prefix_chars(text.get(b1.0..).unwrap_or(""), q.suffix())
}

fn full_context(q: &Quote) -> usize {
    q.prefix().chars().count() + q.suffix().chars().count()
}

/// The best occurrence of the quote inside `within`: most matched context, then nearest
/// to the old position. `Ok(None)` when there is none; `Err(Ambiguous)` when two are
/// equally good, or when several exist and there is neither context nor position to
/// choose by. The flag says whether the best one's context matched in full.
fn best_match(doc: &Document, within: CharRange, q: &Quote, position: Option<CharRange>) -> Result<Option<(CharRange, bool)>, Unanchored> {
    let index = doc.index();
    let Some(bytes) = index.utf8_range(within) else { return Ok(None) };
    let Some(hay) = doc.text().get(bytes.clone()) else { return Ok(None) };
    let qlen = q.exact().chars().count();
    let full = full_context(q);
    let mut best: Option<(usize, usize, CharRange)> = None; // (context score, distance, range)
    let mut ties = 0usize;
    let mut count = 0usize;
    // Every occurrence, overlapping ones too ("the the" in "the the the").
    let overlapping = std::iter::successors(hay.find(q.exact()), |&prev| {
        let next = prev + hay[prev..].chars().next().map_or(1, char::len_utf8);
        hay.get(next..).and_then(|rest| rest.find(q.exact())).map(|k| next + k)
    });
    for b in overlapping {
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
        Some((score, _, r)) if score == full && full > 0 => Ok(Some((r, true))),
        // Not all of the context is around it: sure enough only with some of it, or for
        // a long quote found once (a moved sentence); a short quote elsewhere is a guess.
        Some((score, _, r)) if score >= full.min(SHORT_QUOTE_CONTEXT) || (count == 1 && q.exact().chars().count() >= SHORT_QUOTE) => Ok(Some((r, false))),
        Some(_) => Err(Unanchored::WeakContext),
    }
}
