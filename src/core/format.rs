//! Annotation files and the stored form: what crosses the boundary of the program.
//!
//! Serialisable types here are a compatibility boundary, kept apart from the model in
//! [`crate::core::model`]: [`w3c`] reads and writes W3C Web Annotation JSON-LD (and
//! JSON Lines), [`stored`] is the versioned form kept in the browser's storage, and the
//! other modules speak the formats of other tools. [`catalog`] names every format, says
//! what each can carry, and is the one entry point the UI, the JS API and the CLI use.
//!
//! Invariants: readers never panic on any input; a reader returns what it could read
//! together with a list of [`ImportIssue`]s naming each item and field it could not;
//! positions in every file are code points over the text the file refers to (every
//! format here counts code points, as Python does); a span read from a file whose text
//! differs from the document is re-anchored by its quote and context, never trusted by
//! position alone ([`FileText`]).

pub mod brat;
pub mod catalog;
pub mod claimreview;
pub mod conll;
pub mod csv;
pub mod doccano;
pub mod labelstudio;
pub mod spacy;
pub mod stored;
pub mod w3c;
pub mod zip;

use crate::core::anchor::{anchor_with, AnchorHint, Unanchored};
use crate::core::document::{Document, FoldMap};
use crate::core::edit::{AnnotationSet, Edit};
use crate::core::model::{Annotation, AnnotationId, Body, Quote, QUOTE_CONTEXT};
use crate::core::offset::{CharOffset, CharRange, TextIndex};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One problem with one item of an imported file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportIssue {
    /// Where: `annotation 3 (urn:uuid:…)`, `line 7`, or `file`.
    pub location: String,
    /// The field concerned, such as `target.selector`, or empty for the whole item.
    pub field: String,
    pub message: String,
}

impl fmt::Display for ImportIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.location, self.message)
        } else {
            write!(f, "{}, {}: {}", self.location, self.field, self.message)
        }
    }
}

/// What a file format can hold besides spans and their labels. An import only
/// replaces what its format carries: re-importing a doccano file keeps the verdicts,
/// notes and dates the reader gave in the widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Carries {
    /// Stable annotation ids. Without them an imported span takes the id of an
    /// annotation already over the same range with the same kind, so nothing duplicates.
    pub ids: bool,
    /// `created` and `modified`.
    pub timestamps: bool,
    pub creator: bool,
    /// The link from a claim to the entity that makes it.
    pub claimants: bool,
    pub verdicts: bool,
    pub notes: bool,
    /// Annotations without a position.
    pub orphans: bool,
}

impl Carries {
    pub const ALL: Carries = Carries { ids: true, timestamps: true, creator: true, claimants: true, verdicts: true, notes: true, orphans: true };
    /// Spans and labels only.
    pub const SPANS: Carries = Carries { ids: false, timestamps: false, creator: false, claimants: false, verdicts: false, notes: false, orphans: false };
}

impl Default for Carries {
    fn default() -> Carries {
        Carries::ALL
    }
}

/// What an import found: annotations ready to merge (anchored or orphaned) and issues.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub annotations: Vec<Annotation>,
    pub issues: Vec<ImportIssue>,
    /// What the file's format could say; fields it cannot are kept from the widget.
    pub carries: Carries,
    /// How many documents of a corpus file were not this article (and not imported).
    pub other_documents: usize,
}

/// Anchors an annotation read from a file or from storage against `doc`, from its
/// position and quote. An annotation that cannot be anchored keeps its quote and
/// becomes an orphan. Returns why it was orphaned, if it was. Anchoring a list in
/// reading order with one `hint` makes re-anchoring after an edit linear.
pub fn anchor_into(doc: &Document, mut a: Annotation, position: Option<CharRange>, hint: &mut AnchorHint) -> (Annotation, Option<Unanchored>) {
    let quote = (!a.target.quote.exact().is_empty()).then_some(&a.target.quote);
    match anchor_with(doc, position, quote, hint) {
        Ok((range, _)) => {
            if let Some(q) = crate::core::anchor::quote_at(doc, range) {
                a.target.quote = q;
            }
            a.target.range = Some(range);
            (a, None)
        }
        Err(why) => {
            if a.target.quote.exact().is_empty() {
                // Keep what the position pointed at, if anything, so the orphan has a quote.
                if let Some(q) = position.and_then(|p| crate::core::anchor::quote_at(doc, p)) {
                    a.target.quote = q;
                }
            }
            a.target.range = None;
            (a, Some(why))
        }
    }
}

/// The counts an import reports to the reader.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub orphaned: usize,
}

/// The one edit that merges `incoming` into `set` by id: new ids are added, changed
/// ones updated, identical ones left alone, so a second import of a file changes
/// nothing. What `carries` says the file could not hold is kept from the annotation
/// already in `set`; a file without ids matches annotations by range and kind.
/// Claimants that are neither in `set` nor in `incoming` are cleared.
pub fn merge_edit(set: &AnnotationSet, incoming: Vec<Annotation>, carries: Carries) -> (Edit, MergeReport) {
    let mut report = MergeReport::default();
    let incoming = if carries.ids { incoming } else { adopt_ids(set, incoming) };
    // Ids a claimant may name: the set's (looked up in place: adding one annotation to
    // 10,000 copies no ids) and the incoming ones.
    let arriving: HashSet<AnnotationId> = incoming.iter().map(|a| a.id.clone()).collect();
    let known = |id: &AnnotationId| set.get(id).is_some() || arriving.contains(id);
    // One buffer of the final size: a large load grows nothing by doubling.
    let mut entities = Vec::with_capacity(incoming.len());
    let mut claims = Vec::new();
    let mut seen = HashSet::with_capacity(incoming.len());
    crate::core::edit::each_freeing(incoming, |mut a| {
        if !seen.insert(a.id.clone()) {
            return; // Duplicate id inside the file: the first one wins.
        }
        let old = set.get(&a.id);
        if let Some(old) = old {
            keep_uncarried(&mut a, old, carries);
        }
        if let Body::Claim(c) = &mut a.body {
            if c.claimant.as_ref().is_some_and(|who| !known(who) || *who == a.id) {
                c.claimant = None;
            }
        }
        let (orphan, claim) = (a.is_orphan(), a.body.is_claim());
        // Moved into the edit, never copied: a load of 10k annotations holds them once.
        let edit = match old {
            Some(old) if *old == a => {
                report.unchanged += 1;
                return;
            }
            Some(_) => {
                report.updated += 1;
                Edit::Update(a)
            }
            None => {
                report.added += 1;
                Edit::Add(a)
            }
        };
        if orphan {
            report.orphaned += 1;
        }
        // Entities first, so that claims can name claimants from the same file.
        if claim {
            claims.push(edit);
        } else {
            entities.push(edit);
        }
    });
    entities.extend(order_claims(claims, set));
    (Edit::Batch(entities), report)
}

/// Claims that name another claim of the same merge as claimant go after it, so the
/// batch applies in order (a claim's claimant must exist when it is added); in a cycle
/// of claims naming each other, the claim that closes it keeps no claimant. Linear:
/// each claim names at most one claimant, so every walk ends at a placed claim.
fn order_claims(claims: Vec<Edit>, set: &AnnotationSet) -> Vec<Edit> {
    fn annotation(e: &Edit) -> Option<&Annotation> {
        match e {
            Edit::Add(a) | Edit::Update(a) => Some(a),
            _ => None,
        }
    }
    // The claim of this merge that each claim must follow, if any. (The map's type is
    // the one the brat and doccano writers use: one more would cost wasm size.)
    let waits_for: Vec<Option<usize>> = {
        let index: HashMap<&AnnotationId, usize> = claims.iter().enumerate().filter_map(|(i, e)| Some((&annotation(e)?.id, i))).collect();
        claims
            .iter()
            .map(|e| {
                let who = annotation(e)?.claim()?.claimant.as_ref()?;
                if set.get(who).is_some() {
                    return None;
                }
                index.get(who).copied()
            })
            .collect()
    };
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const PLACED: u8 = 2;
    let n = claims.len();
    let mut state = vec![NEW; n];
    let mut clear = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        let mut path = Vec::new();
        let mut i = start;
        while state[i] == NEW {
            state[i] = ON_PATH;
            path.push(i);
            match waits_for[i] {
                Some(j) if state[j] == NEW => i = j,
                Some(j) if state[j] == ON_PATH => clear[i] = true,
                _ => {}
            }
        }
        for &k in path.iter().rev() {
            state[k] = PLACED;
            order.push(k);
        }
    }
    let mut slots: Vec<Option<Edit>> = claims.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|k| {
            let mut e = slots[k].take()?;
            if clear[k] {
                if let Edit::Add(a) | Edit::Update(a) = &mut e {
                    if let Body::Claim(c) = &mut a.body {
                        c.claimant = None;
                    }
                }
            }
            Some(e)
        })
        .collect()
}

/// Fills what the file could not carry from the annotation already in the widget. For
/// a file without dates, `created` stays as it was, and `modified` too unless the file
/// changed something (then it is the import's stamp).
fn keep_uncarried(a: &mut Annotation, old: &Annotation, carries: Carries) {
    if !carries.creator {
        a.creator.clone_from(&old.creator);
    }
    if let (Body::Claim(new), Body::Claim(was)) = (&mut a.body, &old.body) {
        if !carries.claimants {
            new.claimant.clone_from(&was.claimant);
        }
        if !carries.verdicts {
            new.verdict = was.verdict;
        }
        if !carries.notes {
            new.note.clone_from(&was.note);
        }
    }
    if !carries.timestamps {
        a.created = old.created;
        let stamp = std::mem::replace(&mut a.modified, old.modified);
        if a != old {
            a.modified = stamp;
        }
    }
}

/// For files without ids: an incoming annotation over the same range as one in `set`,
/// with the same entity type (or both claims), takes that annotation's id, and links
/// between incoming annotations follow the renaming.
fn adopt_ids(set: &AnnotationSet, mut incoming: Vec<Annotation>) -> Vec<Annotation> {
    let mut by_span: HashMap<(CharRange, Option<&str>), &AnnotationId> = HashMap::new();
    for a in set.iter() {
        if let Some(r) = a.target.range {
            let kind = match &a.body {
                Body::Entity(t) => Some(t.as_str()),
                Body::Claim(_) => None,
            };
            by_span.entry((r, kind)).or_insert(&a.id);
        }
    }
    let mut renamed: HashMap<AnnotationId, AnnotationId> = HashMap::new();
    let mut taken: HashSet<AnnotationId> = HashSet::new();
    for a in &mut incoming {
        let Some(r) = a.target.range else { continue };
        let kind = match &a.body {
            Body::Entity(t) => Some(t.as_str()),
            Body::Claim(_) => None,
        };
        if let Some(&id) = by_span.get(&(r, kind)) {
            if *id != a.id && taken.insert(id.clone()) {
                renamed.insert(a.id.clone(), id.clone());
                a.id = id.clone();
            }
        }
    }
    if !renamed.is_empty() {
        for a in &mut incoming {
            if let Body::Claim(c) = &mut a.body {
                if let Some(new) = c.claimant.as_ref().and_then(|who| renamed.get(who)) {
                    c.claimant = Some(new.clone());
                }
            }
        }
    }
    incoming
}

/// A stable id for an annotation read from a file that has none: the same span with
/// the same label in the same text gets the same id on every import.
pub fn derived_id(format: &str, parts: &[&str]) -> AnnotationId {
    // Two FNV-1a 64-bit hashes with different offsets: 128 bits, no dependency.
    let mut h1: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x6c62_272e_07bb_0142;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h1 = (h1 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            h2 = (h2 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
        }
    }
    AnnotationId::new(format!("urn:article-annotator:{format}:{h1:016x}{h2:016x}")).unwrap_or_else(|| AnnotationId::from_random([0; 16]))
}

/// The text a file's positions count in (a doccano line's `text`, a brat `.txt`), and
/// where it sits in the document: the whole document, one place inside it (a file of
/// paragraphs), the document before its white space was folded (a brat `.txt` with its
/// line breaks: mapped exactly, position by position), or nowhere (an older version of
/// the article, placed by quote).
pub struct FileText<'a> {
    text: &'a str,
    index: TextIndex,
    place: Placement,
    doc: &'a Document,
}

enum Placement {
    /// The file's text starts here in the document.
    At(CharOffset),
    /// The file's text folds to the document's.
    Folded(FoldMap),
    Nowhere,
}

impl<'a> FileText<'a> {
    pub fn new(doc: &'a Document, text: &'a str) -> FileText<'a> {
        let index = TextIndex::new(text);
        let place = if text == doc.text() {
            Placement::At(CharOffset(0))
        } else {
            let t = text.trim_end_matches(['\n', '\r']);
            let mut found = doc.text().match_indices(t).filter(|_| !t.is_empty());
            match (found.next(), found.next()) {
                (Some((b, _)), None) => doc.index().utf8_to_char(crate::core::offset::Utf8Offset(b)).map_or(Placement::Nowhere, Placement::At),
                _ => FoldMap::new(text, doc).map_or(Placement::Nowhere, Placement::Folded),
            }
        };
        FileText { text, index, place, doc }
    }
    pub fn len_chars(&self) -> usize {
        self.index.len_chars().0
    }
    /// Whether the file's text is the document's, or a part of it, or it before folding.
    pub fn is_placed(&self) -> bool {
        !matches!(self.place, Placement::Nowhere)
    }
    /// The document position (a hint when the texts differ) and the quote with context
    /// of the span `[start, end)` of the file's text; an error message if the span does
    /// not fit the text.
    pub fn span(&self, start: usize, end: usize) -> Result<(Option<CharRange>, Quote), String> {
        let len = self.len_chars();
        if start > end {
            return Err(format!("start {start} is after end {end}"));
        }
        if end > len {
            return Err(format!("end {end} is past the end of the text ({len} code points)"));
        }
        let cut = |a: usize, b: usize| -> &str { CharRange::from_usize(a, b).and_then(|r| self.index.utf8_range(r)).and_then(|r| self.text.get(r)).unwrap_or("") };
        let quote = Quote::new(cut(start.saturating_sub(QUOTE_CONTEXT), start), cut(start, end), cut(end, (end + QUOTE_CONTEXT).min(len)));
        let position = match &self.place {
            Placement::At(b) => CharRange::from_usize(start + b.0, end + b.0),
            Placement::Nowhere => CharRange::from_usize(start, end),
            Placement::Folded(map) => {
                // Mapped exactly: the quote and its context are the document's own there
                // (the file's context has the white space the document folded).
                let (s, e) = map.to_canonical(start, end);
                let position = CharRange::from_usize(s, e);
                let quote = position.and_then(|r| crate::core::anchor::quote_at(self.doc, r)).unwrap_or(quote);
                return Ok((position, quote));
            }
        };
        Ok((position, quote))
    }
}

