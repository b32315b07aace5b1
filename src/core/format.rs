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

#[cfg(feature = "formats")]
pub mod brat;
pub mod catalog;
#[cfg(feature = "formats")]
pub mod claimreview;
#[cfg(feature = "formats")]
pub mod conll;
#[cfg(feature = "formats")]
pub mod csv;
#[cfg(feature = "formats")]
pub mod doccano;
#[cfg(feature = "formats")]
pub mod labelstudio;
#[cfg(feature = "formats")]
pub mod spacy;
pub mod stored;
#[cfg(feature = "formats")]
pub mod tokens;
pub mod w3c;
pub mod wire;
pub mod zip;

use crate::core::anchor::{anchor_with, AnchorHint, Unanchored};
use crate::core::document::{Document, FoldMap};
use crate::core::edit::AnnotationSet;
use crate::core::model::{Annotation, AnnotationId, Body, Quote, Timestamp, QUOTE_CONTEXT};
use crate::core::schema::Schema;
use crate::core::offset::{CharOffset, CharRange, TextIndex};
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
    /// Which mentions name the same thing, and its knowledge-base IRI
    /// ([`Annotation::entity`](crate::core::model::Annotation::entity)).
    pub entities: bool,
    /// Which mentions are one entity, without what it is (relations between mentions):
    /// on import a knowledge-base link the widget has stays.
    pub groups: bool,
}

impl Carries {
    pub const ALL: Carries = Carries { ids: true, timestamps: true, creator: true, claimants: true, verdicts: true, notes: true, orphans: true, entities: true, groups: true };
    /// Spans and labels only.
    pub const SPANS: Carries = Carries { ids: false, timestamps: false, creator: false, claimants: false, verdicts: false, notes: false, orphans: false, entities: false, groups: false };
    /// What a brat file carries (here, not in `brat`, so that the catalog says it in
    /// the widget's module, which has no brat code).
    pub const BRAT: Carries = Carries { claimants: true, verdicts: true, notes: true, entities: true, ..Carries::SPANS };
    /// What a Label Studio file carries.
    pub const LABEL_STUDIO: Carries = Carries { timestamps: false, creator: false, orphans: false, entities: false, ..Carries::ALL };
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

/// A stable id for an annotation read from a file that has none: the same span with
/// the same label in the same text gets the same id on every import.
pub fn derived_id(format: &str, parts: &[&str]) -> AnnotationId {
    let (h1, h2) = digest128(parts);
    AnnotationId::new(format!("urn:article-annotator:{format}:{h1:016x}{h2:016x}")).unwrap_or_else(|| AnnotationId::from_random([0; 16]))
}

/// A `urn:uuid:` derived from `parts` (the same parts, the same one): for a grouping a
/// file states without naming it (brat's `Equiv`, doccano's `SameAs`).
pub fn derived_uuid(parts: &[&str]) -> AnnotationId {
    let (h1, h2) = digest128(parts);
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&h1.to_be_bytes());
    b[8..].copy_from_slice(&h2.to_be_bytes());
    AnnotationId::from_random(b)
}

/// Two FNV-1a 64-bit hashes with different offsets: 128 bits, no dependency.
fn digest128(parts: &[&str]) -> (u64, u64) {
    let mut h1: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x6c62_272e_07bb_0142;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h1 = (h1 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            h2 = (h2 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
        }
    }
    (h1, h2)
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

/// The label a file gives an annotation: the entity type's label, or `Claim`.
pub fn label_of<'a>(schema: &'a Schema, a: &'a Annotation) -> &'a str {
    match &a.body {
        Body::Entity(t) => schema.label(t),
        Body::Claim(_) => w3c::CLAIM_TAG,
    }
}

/// What every importer needs: the article the file's annotations land in, the entity
/// types its labels are read against, and the time that stamps annotations a file gives
/// no dates.
#[derive(Clone, Copy)]
pub struct ImportContext<'a> {
    pub doc: &'a Document,
    pub schema: &'a Schema,
    pub now: Timestamp,
}

/// What every exporter needs.
#[derive(Clone, Copy)]
pub struct ExportContext<'a> {
    pub set: &'a AnnotationSet,
    pub schema: &'a Schema,
    pub doc: &'a Document,
    pub document_id: &'a str,
    /// The article's IRI, as in [`w3c::default_source`].
    pub source: &'a str,
}

/// One file of an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutFile {
    pub name: String,
    pub mime: &'static str,
    pub text: String,
}

/// A count with its noun: `1 claim`, `3 claims`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Reads every record of a JSON-record file and imports the documents that are the article.
#[allow(clippy::too_many_arguments)]
#[cfg(feature = "formats")]
pub fn records_into(reader: crate::core::corpus::RecordReader, format: &str, keep_ids: bool, carries: Carries, text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let docs: Vec<_> = crate::core::corpus::read_records(reader, text).collect();
    crate::core::corpus::bridge::into_article(docs, format, keep_ids, carries, doc, schema, now)
}
