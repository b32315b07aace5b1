//! A file as a corpus: the converter's model of what pipeline formats hold, kept apart
//! from the widget's model (one article, white space folded as the DOM shows it).
//!
//! A [`Doc`] is one document exactly as its file has it: its text byte for byte (line
//! breaks, tabs, runs of spaces; only a leading UTF-8 BOM is removed, as every tool
//! here does), positions in code points of that text, labels spelt as written, the
//! file's own ids, tokens, answers, predictions, attributes, notes, normalisations,
//! and every item the model has no field for as an [`Extra`] (brat events,
//! equivalences, Label Studio results of other types) that the same format writes
//! back and every other format lists as left out.
//!
//! Readers ([`brat`], [`records`] for the JSON formats, [`w3c`]) turn a file into
//! documents one at a time; writers ([`write`]) append documents to an output and
//! return what they could not hold. A conversion is a stream: one document is held at
//! a time, never the whole corpus twice.
//!
//! Invariants: a document's [`Doc::items`] equals what a writer wrote plus what it
//! listed as left out (tests check it for every format); no reader or writer panics on
//! any input; a reader never changes a document's text; fragments are non-empty, in
//! order, within the text, and given in code points.

pub mod brat;
pub mod bridge;
pub mod conll;
pub mod doccano;
pub mod labelstudio;
pub mod records;
pub mod spacy;
pub mod w3c;
pub mod write;

use crate::core::offset::{CharRange, TextIndex};
use serde_json::{Map, Value};
use std::fmt;

/// A `[start, end)` range in code points of a document's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Frag {
    pub start: usize,
    pub end: usize,
}

/// A labelled span of text: a brat text-bound annotation, a doccano entity, a spaCy
/// span, a Label Studio region, a W3C annotation's target.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Span {
    /// The file's id for it (`T3`, a doccano entity id, a region id, a W3C IRI).
    pub id: Option<String>,
    /// The type as the file spells it.
    pub label: String,
    /// One range, or several for a discontinuous span (brat's `0 5;10 15`).
    pub fragments: Vec<Frag>,
    pub attributes: Vec<Attribute>,
    pub notes: Vec<Note>,
    /// Links to a knowledge base (brat `N` lines, a W3C `identifying` body).
    pub norms: Vec<Norm>,
    /// The group it came from: an annotator's annotation or a model's prediction
    /// (Label Studio), as an index into [`Doc::groups`]; `None` for formats without.
    pub group: Option<usize>,
    /// Fields of the item that only some formats hold (W3C `created`, `modified`,
    /// `creator`), by name.
    pub fields: Map<String, Value>,
}

/// A named value on a span (brat `A`/`M` lines; a Label Studio `choices` result; a
/// claim's verdict is the attribute `Verdict`). A binary brat attribute has no value.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Attribute {
    pub id: Option<String>,
    pub name: String,
    pub value: Option<String>,
}

/// A free-text note on a span (brat `#` lines, a Label Studio `textarea`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Note {
    pub id: Option<String>,
    /// brat's note type (`AnnotatorNotes`, or a corpus's own such as `Lemma`).
    pub kind: String,
    pub text: String,
}

/// brat's usual note type, and the one a Label Studio `note` text area is.
pub const ANNOTATOR_NOTES: &str = "AnnotatorNotes";

/// A knowledge-base link: brat `N1⇥Reference T1 Wikidata:Q42⇥Douglas Adams`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Norm {
    pub id: Option<String>,
    /// The brat relation name (`Reference`).
    pub kind: String,
    /// `Wikidata:Q42`, or an IRI.
    pub reference: String,
    pub text: String,
}

/// A typed, directed link between two spans of one document.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Relation {
    pub id: Option<String>,
    pub label: String,
    /// Indices into [`Doc::spans`].
    pub from: usize,
    pub to: usize,
    /// The role names brat gives the two ends (`Arg1`, `Arg2` unless said otherwise).
    pub roles: Option<(String, String)>,
    pub group: Option<usize>,
}

/// A token of a pre-tokenised document (spaCy, Prodigy), kept as the file has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub id: Option<u64>,
    pub ws: Option<bool>,
}

/// Where spans come from, when a document has several sources (Label Studio keeps one
/// `annotation` per annotator and one `prediction` per model run).
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub kind: GroupKind,
    /// The group's other fields (`id`, `completed_by`, `created_at`, `score`,
    /// `model_version`, …), written back by the format they came from.
    pub fields: Map<String, Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    Annotation,
    Prediction,
}

/// An item the model has no field for, kept as the file wrote it so that the same
/// format writes it back; every other format lists it as left out.
#[derive(Clone, Debug, PartialEq)]
pub struct Extra {
    /// The format whose syntax `raw` is in (`brat`, `label-studio`).
    pub format: &'static str,
    /// What it is, for reports: `event E1`, `equivalence *`, `result 4 (hypertextlabels)`.
    pub what: String,
    pub raw: Value,
}

/// One document of a corpus.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Doc {
    /// Its name or id in the file: a brat file stem, a record's `id`, a task's `id`,
    /// a W3C source IRI. `None` when the file gives none.
    pub name: Option<String>,
    /// The text exactly as the file has it.
    pub text: String,
    pub spans: Vec<Span>,
    pub relations: Vec<Relation>,
    pub tokens: Option<Vec<Token>>,
    /// Prodigy's `answer` (`accept`, `reject`, `ignore`).
    pub answer: Option<String>,
    pub groups: Vec<Group>,
    /// The record's other fields (doccano `meta`, `Comments`; Prodigy `_input_hash`,
    /// `meta`; Label Studio `data` fields besides the text), written back by the JSON
    /// formats, listed as left out by the others.
    pub fields: Map<String, Value>,
    pub extras: Vec<Extra>,
}

/// How many items a document holds: what [`Written::items`] plus
/// [`Written::left_out`] must add up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Items {
    pub spans: usize,
    pub relations: usize,
    pub attributes: usize,
    pub notes: usize,
    pub norms: usize,
    pub extras: usize,
}

impl Items {
    pub fn total(&self) -> usize {
        self.spans + self.relations + self.attributes + self.notes + self.norms + self.extras
    }
}

impl Doc {
    pub fn items(&self) -> Items {
        Items {
            spans: self.spans.len(),
            relations: self.relations.len(),
            attributes: self.spans.iter().map(|s| s.attributes.len()).sum(),
            notes: self.spans.iter().map(|s| s.notes.len()).sum(),
            norms: self.spans.iter().map(|s| s.norms.len()).sum(),
            extras: self.extras.len(),
        }
    }
    /// The length of the text in code points.
    pub fn len_chars(&self) -> usize {
        self.text.chars().count()
    }
    /// A name for messages: the document's own, or its place in the file.
    pub fn display_name(&self, index: usize) -> String {
        match &self.name {
            // A record's number (doccano, Label Studio) reads as one.
            Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => format!("document {n}"),
            Some(n) => n.clone(),
            None => format!("document {}", index + 1),
        }
    }
    /// Whether the span came from a model's prediction rather than an annotator.
    pub fn is_prediction(&self, span: &Span) -> bool {
        span.group.and_then(|g| self.groups.get(g)).is_some_and(|g| g.kind == GroupKind::Prediction)
    }
}

impl Span {
    /// The span from the first fragment's start to the last one's end.
    pub fn hull(&self) -> Option<Frag> {
        Some(Frag { start: self.fragments.first()?.start, end: self.fragments.last()?.end })
    }
    /// What to call it in a report: its id, else its label and position.
    pub fn name(&self) -> String {
        match (&self.id, self.hull()) {
            (Some(id), _) if id.bytes().all(|b| b.is_ascii_digit()) => format!("entity {id}"),
            (Some(id), _) => id.clone(),
            (None, Some(h)) => format!("{} {}-{}", self.label, h.start, h.end),
            (None, None) => self.label.clone(),
        }
    }
}

impl Relation {
    /// What to call it in a report: its id (`R2`, or `relation 7` for a number), else
    /// its label.
    pub fn name(&self) -> String {
        match &self.id {
            Some(id) if id.bytes().all(|b| b.is_ascii_digit()) => format!("relation {id}"),
            Some(id) => id.clone(),
            None => format!("relation {}", self.label),
        }
    }
}

/// The pieces of the code-point range `[start, start + len(text))` of `text` between line
/// breaks (brat's fragments stay within a line); empty pieces are dropped, and a range
/// with no piece is kept as it is.
pub fn line_pieces(text: &str, start: usize) -> Vec<Frag> {
    let mut out = Vec::new();
    let (mut from, mut at) = (start, start);
    for c in text.chars() {
        if c == '\n' || c == '\r' {
            if at > from {
                out.push(Frag { start: from, end: at });
            }
            from = at + 1;
        }
        at += 1;
    }
    if at > from || out.is_empty() {
        out.push(Frag { start: from.min(at), end: at });
    }
    out
}

/// Where one problem with the input is, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// `line 7`, `record 3`, `annotations[0].result[2]`, `file`.
    pub location: String,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

pub fn issue(location: impl Into<String>, message: impl Into<String>) -> Issue {
    Issue { location: location.into(), message: message.into() }
}

/// One item (or part of one) a writer could not hold, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// `T5`, `R2`, `event E1`, `the document's fields meta, Comments`.
    pub item: String,
    pub why: String,
}

/// What a writer did with one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Items written (a span, a relation, an attribute, a note, a norm, an extra).
    pub items: usize,
    /// Items not written, each counted once.
    pub left_out: Vec<LeftOut>,
    /// Parts of written items, or of the document, the target cannot hold (fragments
    /// joined, timestamps, tokens, metadata): written, but not whole.
    pub changed: Vec<LeftOut>,
}

impl Written {
    pub fn leave(&mut self, item: impl Into<String>, why: impl Into<String>) {
        self.left_out.push(LeftOut { item: item.into(), why: why.into() });
    }
    /// Leaves out a span and everything on it (attributes, notes, links), each counted.
    pub fn leave_span(&mut self, s: &Span, why: impl Into<String>, parts_why: &str) {
        self.leave(s.name(), why);
        for _ in 0..s.attributes.len() + s.notes.len() + s.norms.len() {
            self.leave(format!("a part of {}", s.name()), parts_why);
        }
    }
    /// Leaves out a model's predicted span, for a format that holds annotations only.
    pub fn leave_prediction(&mut self, s: &Span, format: &str) {
        self.leave_span(s, format!("a model's prediction ({format} holds annotations only; --predictions merge writes them as annotations)"), "on a prediction that was left out");
    }
    pub fn change(&mut self, item: impl Into<String>, why: impl Into<String>) {
        self.changed.push(LeftOut { item: item.into(), why: why.into() });
    }
}

/// Reports, once for each field name, the span fields a format has no place for
/// (`kept` are the ones it writes): `created of 12 spans`.
pub fn span_fields(doc: &Doc, w: &mut Written, format: &str, kept: &[&str]) {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in &doc.spans {
        for k in s.fields.keys() {
            if k != bridge::COVERED && !kept.contains(&k.as_str()) {
                *counts.entry(k.as_str()).or_default() += 1;
            }
        }
    }
    for (k, n) in counts {
        w.change(format!("{k} of {}", if n == 1 { "1 span".to_string() } else { format!("{n} spans") }), format!("{format} has no place for it"));
    }
}

/// Fragments checked against a text of `len` code points: at least one, each with
/// `start <= end` and within the text (their order is the file's).
pub fn check_frags(frags: &[Frag], len: usize) -> Result<(), String> {
    if frags.is_empty() {
        return Err("no offsets".into());
    }
    for f in frags {
        if f.start > f.end {
            return Err(format!("start {} is after end {}", f.start, f.end));
        }
        if f.end > len {
            return Err(format!("end {} is past the end of the text ({len} code points)", f.end));
        }
    }
    Ok(())
}

/// Code-point ranges cut from a text, through the text's [`TextIndex`] (the one
/// converter between code points and bytes).
pub struct Cutter<'t> {
    text: &'t str,
    index: TextIndex,
}

impl<'t> Cutter<'t> {
    pub fn new(text: &'t str) -> Cutter<'t> {
        Cutter { text, index: TextIndex::new(text) }
    }
    pub fn len_chars(&self) -> usize {
        self.index.len_chars().0
    }
    /// The text of `[start, end)` in code points.
    pub fn cut(&self, start: usize, end: usize) -> Option<&'t str> {
        self.text.get(self.index.utf8_range(CharRange::from_usize(start, end)?)?)
    }
}

/// A whole number of a JSON record (an offset, an index).
pub fn whole(v: Option<&Value>) -> Option<usize> {
    v.and_then(Value::as_u64).map(|n| n as usize)
}

/// Bytes as UTF-8 text with a leading BOM kept, as brat reads a `.txt` (Python's
/// `utf-8` codec keeps it, so brat's offsets count it).
pub fn utf8_with_bom(bytes: &[u8]) -> Result<&str, String> {
    match utf8(bytes) {
        Ok(_) => std::str::from_utf8(bytes).map_err(|e| e.to_string()),
        Err(e) => Err(e),
    }
}

/// Bytes as UTF-8 text, without a leading BOM; the error names the byte where it fails
/// (and says UTF-16 when the file starts with its BOM).
pub fn utf8(bytes: &[u8]) -> Result<&str, String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err("the file is UTF-16 (it starts with a UTF-16 byte order mark); convert it to UTF-8".into());
    }
    let bom = if bytes.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
    let bytes = &bytes[bom..];
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("not UTF-8: invalid byte 0x{:02x} at byte {} (line {line}); convert the file to UTF-8", bytes.get(at).copied().unwrap_or(0), at + bom)
    })
}

/// The reader of one record of a JSON format.
pub type RecordReader = fn(Value, &str) -> Result<(Doc, Vec<Issue>), Issue>;

/// The record reader of a JSON-record format (doccano, spaCy/Prodigy, Label Studio).
pub fn record_reader(format: crate::core::format::catalog::Format) -> Option<RecordReader> {
    use crate::core::format::catalog::Format;
    match format {
        Format::Doccano | Format::DoccanoRelations => Some(doccano::read),
        Format::Spacy => Some(spacy::read),
        Format::LabelStudio => Some(labelstudio::read),
        _ => None,
    }
}

/// The documents of a JSON-record file, one at a time: a document with the reader's
/// issues, or why a record is not one.
pub fn read_records(reader: RecordReader, text: &str) -> impl Iterator<Item = Result<(Doc, Vec<Issue>), Issue>> + '_ {
    records::records(text).map(move |(at, r)| r.map_err(|m| issue(&at, m)).and_then(|v| reader(v, &at)))
}
