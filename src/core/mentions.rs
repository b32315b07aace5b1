//! Every mention: the other places an entity's text occurs in the article, offered to the
//! reader as [`Suggestion`]s to accept or reject. A suggestion is not an annotation: it
//! is never saved, exported or sent, and nothing is tagged until the reader accepts it
//! (a name such as "Apple" is ambiguous).
//!
//! Occurrences are whole words in the sense of [`crate::core::snap`]: a match counts only
//! where snapping it to words would give it back unchanged (UAX #29 word boundaries at
//! both ends), so "Putin" is found in "Putin," and "(Putin)" but not in "Putinism" or
//! "Putin's" (one word to UAX #29, as to snapping), and "👍" not in "👍🏽".
//! Matching is case-sensitive by default; without case, characters compare by their
//! lower case (Unicode's full mapping, so "ΣΟΦΊΑ" finds "σοφία").
//!
//! Invariants of [`Suggestions`]: the list is in document order and no two of its
//! suggestions overlap (where two would, the longer wins; then the earlier; then by type
//! and source id, so the outcome never depends on the order they came in); no suggestion
//! lies inside an annotation of its own type (that mention is tagged already); a rejected
//! suggestion is not offered again until the annotations are loaded afresh; `version`
//! grows with every change to the list.

use crate::core::document::Document;
use crate::core::edit::AnnotationSet;
use crate::core::model::{Annotation, AnnotationId, Body};
use crate::core::offset::{CharRange, Utf8Offset};
use std::collections::{BTreeMap, HashSet};
use thiserror::Error;
use unicode_segmentation::UnicodeSegmentation;

/// An untagged mention of an entity's text: tag `range` with `type_id`, as `source` is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Suggestion {
    pub range: CharRange,
    pub type_id: String,
    /// The annotation whose text this is another mention of.
    pub source: AnnotationId,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SuggestError {
    #[error("no annotation with id {0}")]
    NotFound(AnnotationId),
    #[error("annotation {0} is a claim: only an entity's mentions are suggested")]
    Claim(AnnotationId),
    #[error("annotation {0} is an orphan: its text is not in the article")]
    Orphan(AnnotationId),
}

/// The byte ranges where `needle` occurs in `text` as whole words, in order, never
/// overlapping (a match resumes the search after itself).
pub fn find_words(text: &str, needle: &str, case_sensitive: bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut push = |a: usize, b: usize| {
        if whole_word(text, a, b) {
            out.push(a..b);
            true
        } else {
            false
        }
    };
    if case_sensitive {
        let mut from = 0;
        while let Some(p) = text.get(from..).and_then(|t| t.find(needle)) {
            let a = from + p;
            let b = a + needle.len();
            // After a match, on past it; after a part-word, on by one character.
            from = if push(a, b) { b } else { a + text[a..].chars().next().map_or(1, char::len_utf8) };
        }
        return out;
    }
    let folded: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    let Some(&first) = folded.first() else { return out };
    let mut from = 0;
    while from < text.len() {
        // Candidates start where the first folded character does.
        let Some(p) = next_candidate(&text[from..], first) else { break };
        let a = from + p;
        match fold_match(&text[a..], &folded) {
            Some(len) if push(a, a + len) => from = a + len,
            _ => from = a + text[a..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// The byte offset of the first character of `text` whose lower case starts with `first`.
/// For an ASCII `first`, a byte scan for its two cases, decoding only non-ASCII
/// characters (one of them may lower-case to it: `K`, the Kelvin sign, to `k`).
fn next_candidate(text: &str, first: char) -> Option<usize> {
    if !first.is_ascii() {
        return text.char_indices().find(|&(_, c)| lower_starts_with(c, first)).map(|(i, _)| i);
    }
    let (lo, up) = (first as u8, first.to_ascii_uppercase() as u8);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == lo || b == up {
            return Some(i);
        }
        if b >= 0xC0 {
            // A character's first byte (`i` is on a character boundary here).
            let c = text[i..].chars().next()?;
            if lower_starts_with(c, first) {
                return Some(i);
            }
            i += c.len_utf8();
        } else {
            i += 1;
        }
    }
    None
}

fn lower_starts_with(c: char, first: char) -> bool {
    if c.is_ascii() {
        return c.to_ascii_lowercase() == first;
    }
    c.to_lowercase().next() == Some(first)
}

/// The byte length of the prefix of `text` whose lower case is exactly `folded`.
fn fold_match(text: &str, folded: &[char]) -> Option<usize> {
    let mut k = 0;
    for (i, c) in text.char_indices() {
        for l in c.to_lowercase() {
            if folded.get(k) != Some(&l) {
                return None;
            }
            k += 1;
        }
        if k == folded.len() {
            return Some(i + c.len_utf8());
        }
    }
    None
}

/// Whether `a..b` starts and ends on word boundaries and holds content at both ends,
/// as [`crate::core::snap::snap_to_words`] would leave it. Only the run of text between
/// the white space around it is segmented (a word boundary always falls before white
/// space, and segmenting from a white space character gives the boundaries after it
/// that segmenting from the paragraph's start would), so the check stays local.
fn whole_word(text: &str, a: usize, b: usize) -> bool {
    let (Some(before), Some(after)) = (text.get(..a), text.get(b..)) else { return false };
    // From the white space itself: a combining mark after it belongs to it (UAX #29 WB4).
    let ws = before.char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(0, |(i, _)| i);
    let we = after.char_indices().find(|(_, c)| c.is_whitespace()).map_or(text.len(), |(i, _)| b + i);
    let (mut at_a, mut at_b) = (false, false);
    let (mut first, mut last) = (None, None);
    for (off, w) in text[ws..we].split_word_bound_indices() {
        let (s, e) = (ws + off, ws + off + w.len());
        if s == a {
            at_a = true;
        }
        if e == b {
            at_b = true;
        }
        if s >= a && e <= b {
            if first.is_none() {
                first = Some(w);
            }
            last = Some(w);
        }
        if s >= b {
            break;
        }
    }
    let content = |w: Option<&str>| w.is_some_and(|w| !w.chars().all(crate::core::snap::is_trimmable));
    at_a && at_b && content(first) && content(last)
}

/// The mentions of `source`'s text in `doc` that are not tagged with its type yet (nor
/// lie inside a span that is), as suggestions, in document order. `source` itself is
/// never one.
pub fn suggest(doc: &Document, set: &AnnotationSet, source: &Annotation, case_sensitive: bool) -> Result<Vec<Suggestion>, SuggestError> {
    let type_id = match &source.body {
        Body::Entity(t) => t.clone(),
        Body::Claim(_) => return Err(SuggestError::Claim(source.id.clone())),
    };
    let Some(own) = source.target.range else { return Err(SuggestError::Orphan(source.id.clone())) };
    let tagged = Tagged::of(set, &type_id);
    Ok(word_ranges(doc, source.target.quote.exact(), case_sensitive)
        .filter(|&range| range != own && !tagged.covers(range))
        .map(|range| Suggestion { range, type_id: type_id.clone(), source: source.id.clone() })
        .collect())
}

/// [`find_words`] in `doc`'s text, as code-point ranges.
fn word_ranges<'d>(doc: &'d Document, needle: &str, case_sensitive: bool) -> impl Iterator<Item = CharRange> + 'd {
    let index = doc.index();
    find_words(doc.text(), needle, case_sensitive)
        .into_iter()
        .filter_map(move |m| CharRange::new(index.utf8_to_char(Utf8Offset(m.start))?, index.utf8_to_char(Utf8Offset(m.end))?))
}

/// The anchored spans of one entity type, sorted by start, with the furthest end reached
/// so far at each: whether one covers a range is a binary search.
struct Tagged {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl Tagged {
    fn of(set: &AnnotationSet, type_id: &str) -> Tagged {
        let mut spans: Vec<(usize, usize)> = set
            .iter()
            .filter(|a| matches!(&a.body, Body::Entity(t) if t == type_id))
            .filter_map(|a| a.target.range.map(|r| (r.start().0, r.end().0)))
            .collect();
        spans.sort_unstable();
        let mut max = 0;
        let max_end = spans.iter().map(|&(_, e)| {
            max = max.max(e);
            max
        }).collect();
        Tagged { starts: spans.into_iter().map(|(s, _)| s).collect(), max_end }
    }
    fn covers(&self, r: CharRange) -> bool {
        let k = self.starts.partition_point(|&s| s <= r.start().0);
        k > 0 && self.max_end[k - 1] >= r.end().0
    }
}

/// The suggestions on offer, and what the reader turned down.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suggestions {
    list: Vec<Suggestion>,
    rejected: HashSet<(CharRange, String)>,
    version: u64,
}

impl Suggestions {
    /// In document order, none overlapping.
    pub fn list(&self) -> &[Suggestion] {
        &self.list
    }
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    pub fn len(&self) -> usize {
        self.list.len()
    }
    /// Grows with every change to the list.
    pub fn version(&self) -> u64 {
        self.version
    }
    /// The suggestion at exactly `range`, if one is on offer.
    pub fn at(&self, range: CharRange) -> Option<&Suggestion> {
        let k = self.list.partition_point(|s| s.range.start() < range.start());
        self.list.get(k).filter(|s| s.range == range)
    }

    /// Adds suggestions to those on offer, leaving out rejected ones and resolving
    /// overlaps (the longest wins, then the earliest, then by type and source). Returns
    /// how many of `new` are on offer afterwards.
    pub fn offer(&mut self, new: Vec<Suggestion>) -> usize {
        let new: Vec<Suggestion> = new.into_iter().filter(|s| !self.rejected.contains(&(s.range, s.type_id.clone()))).collect();
        if new.is_empty() {
            return 0;
        }
        let offered: HashSet<Suggestion> = new.iter().cloned().collect();
        let mut all: Vec<Suggestion> = self.list.clone();
        all.extend(new);
        all.sort_by(|x, y| {
            y.range.len().cmp(&x.range.len())
                .then(x.range.start().cmp(&y.range.start()))
                .then_with(|| x.type_id.cmp(&y.type_id))
                .then_with(|| x.source.cmp(&y.source))
        });
        // Kept spans by start; a candidate is kept if it meets none of them.
        let mut kept: BTreeMap<usize, Suggestion> = BTreeMap::new();
        for s in all {
            let (a, b) = (s.range.start().0, s.range.end().0);
            let before = kept.range(..b).next_back().is_some_and(|(_, k)| k.range.end().0 > a);
            if !before {
                kept.insert(a, s);
            }
        }
        let list: Vec<Suggestion> = kept.into_values().collect();
        if list != self.list {
            self.list = list;
            self.version += 1;
        }
        self.list.iter().filter(|s| offered.contains(s)).count()
    }

    /// Takes the suggestions `which` chooses off the list (accepted or rejected), in
    /// document order.
    fn take(&mut self, which: &Which) -> Vec<Suggestion> {
        let (taken, left): (Vec<Suggestion>, Vec<Suggestion>) = std::mem::take(&mut self.list).into_iter().partition(|s| which.chooses(s));
        self.list = left;
        if !taken.is_empty() {
            self.version += 1;
        }
        taken
    }

    /// Takes the chosen suggestions off the list to be tagged.
    pub fn take_accepted(&mut self, which: &Which) -> Vec<Suggestion> {
        self.take(which)
    }

    /// Turns the chosen suggestions down: they go, and are not offered again. Returns
    /// how many went.
    pub fn reject(&mut self, which: &Which) -> usize {
        let gone = self.take(which);
        self.rejected.extend(gone.iter().map(|s| (s.range, s.type_id.clone())));
        gone.len()
    }

    /// Drops every suggestion (without rejecting them: asking again offers them again).
    pub fn dismiss(&mut self) {
        if !self.list.is_empty() {
            self.list.clear();
            self.version += 1;
        }
    }

    /// Forgets everything, rejections too (the annotations were loaded afresh).
    pub fn reset(&mut self) {
        self.dismiss();
        self.rejected.clear();
    }

    /// After the annotations `touched` changed: drops the suggestions now inside an
    /// annotation of their type, and those whose source is gone or has another type.
    pub fn prune(&mut self, set: &AnnotationSet, touched: &[AnnotationId]) {
        if self.list.is_empty() || touched.is_empty() {
            return;
        }
        let mut spans: Vec<(CharRange, &str)> = Vec::new();
        let mut sources: HashSet<&AnnotationId> = HashSet::new();
        for id in touched {
            sources.insert(id);
            if let Some(a) = set.get(id) {
                if let (Body::Entity(t), Some(r)) = (&a.body, a.target.range) {
                    spans.push((r, t));
                }
            }
        }
        let before = self.list.len();
        self.list.retain(|s| {
            let covered = spans.iter().any(|(r, t)| *t == s.type_id && r.contains_range(&s.range));
            let source_ok = !sources.contains(&s.source)
                || set.get(&s.source).is_some_and(|a| matches!(&a.body, Body::Entity(t) if *t == s.type_id));
            !covered && source_ok
        });
        if self.list.len() != before {
            self.version += 1;
        }
    }
}

/// Which suggestions an accept or a reject takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Which {
    All,
    /// Those lying inside this range (the part of the article in view).
    Within(CharRange),
    /// Those at exactly these ranges.
    At(Vec<CharRange>),
    /// Those offered from this annotation.
    From(AnnotationId),
}

impl Which {
    fn chooses(&self, s: &Suggestion) -> bool {
        match self {
            Which::All => true,
            Which::Within(r) => r.contains_range(&s.range),
            Which::At(v) => v.contains(&s.range),
            Which::From(id) => s.source == *id,
        }
    }
}

/// A suggestion as the panel lists it: where, as what, and the text around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub range: CharRange,
    pub type_label: String,
    pub before: String,
    pub exact: String,
    pub after: String,
}

/// How many characters of context a row shows on each side at most (within its
/// paragraph, cut at white space).
const CONTEXT: usize = 32;

/// The first `limit` suggestions as rows, with their context.
pub fn rows(doc: &Document, schema: &crate::core::schema::Schema, list: &[Suggestion], limit: usize) -> Vec<Row> {
    let text = doc.text();
    let index = doc.index();
    list.iter()
        .take(limit)
        .filter_map(|s| {
            let span = index.utf8_range(s.range)?;
            let head = text.get(..span.start)?;
            let head = head.rsplit('\n').next().unwrap_or("");
            let skip = head.chars().count().saturating_sub(CONTEXT);
            let tail = text.get(span.end..)?.split('\n').next().unwrap_or("");
            // Cut at white space, so no word (or emoji sequence) is shown in part.
            let mut before: String = head.chars().skip(skip).collect();
            if skip > 0 {
                if let Some((p, c)) = before.char_indices().find(|(_, c)| c.is_whitespace()) {
                    before.drain(..p + c.len_utf8());
                }
            }
            let mut after: String = tail.chars().take(CONTEXT).collect();
            if after.len() < tail.len() {
                if let Some(p) = after.rfind(char::is_whitespace) {
                    after.truncate(p);
                }
            }
            Some(Row { range: s.range, type_label: schema.label(&s.type_id).to_string(), before, exact: text.get(span.clone())?.to_string(), after })
        })
        .collect()
}

/// The next whole-word occurrence of `query` (any case) that starts after `after`,
/// wrapping round to the first: its range, its number (from 1) and how many there are.
/// `None` when the query (trimmed) is empty or not in the document. The widget's "Find"
/// for readers who cannot drag a selection.
pub fn find_next(doc: &Document, query: &str, after: Option<crate::core::offset::CharOffset>) -> Option<(CharRange, usize, usize)> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    let all: Vec<CharRange> = word_ranges(doc, q, false).collect();
    let k = after.map_or(0, |a| all.partition_point(|r| r.start() <= a));
    let k = if k < all.len() { k } else { 0 };
    all.get(k).map(|r| (*r, k + 1, all.len()))
}
