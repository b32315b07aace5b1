//! Annotation files and the stored form: what crosses the boundary of the program.
//!
//! Serialisable types here are a compatibility boundary, kept apart from the model in
//! [`crate::core::model`]: [`w3c`] reads and writes W3C Web Annotation JSON-LD, and
//! [`stored`] is the versioned form kept in the browser's storage.
//!
//! Invariants: readers never panic on any input; a reader returns what it could read
//! together with a list of [`ImportIssue`]s naming each item and field it could not;
//! positions in every file are code points over the document text.

pub mod stored;
pub mod w3c;

use crate::core::anchor::{anchor_with, AnchorHint, Unanchored};
use crate::core::document::Document;
use crate::core::edit::{AnnotationSet, Edit};
use crate::core::model::{Annotation, Body, Quote};
use crate::core::offset::CharRange;
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

/// What an import found: annotations ready to merge (anchored or orphaned) and issues.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub annotations: Vec<Annotation>,
    pub issues: Vec<ImportIssue>,
}

/// Anchors an annotation read from a file or from storage against `doc`, from its
/// position and quote. An annotation that cannot be anchored keeps its quote and
/// becomes an orphan. Returns why it was orphaned, if it was. Anchoring a list in
/// reading order with one `hint` makes re-anchoring after an edit linear.
pub fn anchor_into(doc: &Document, mut a: Annotation, position: Option<CharRange>, hint: &mut AnchorHint) -> (Annotation, Option<Unanchored>) {
    let quote = (!a.target.quote.exact.is_empty()).then_some(&a.target.quote);
    match anchor_with(doc, position, quote, hint) {
        Ok((range, _)) => {
            if let Some(q) = crate::core::anchor::quote_at(doc, range) {
                a.target.quote = q;
            }
            a.target.range = Some(range);
            (a, None)
        }
        Err(why) => {
            if a.target.quote.exact.is_empty() {
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
/// nothing. Claimants that are neither in `set` nor in `incoming` are cleared.
pub fn merge_edit(set: &AnnotationSet, incoming: Vec<Annotation>) -> (Edit, MergeReport) {
    let mut report = MergeReport::default();
    let known: std::collections::HashSet<_> =
        set.iter().map(|a| a.id.clone()).chain(incoming.iter().map(|a| a.id.clone())).collect();
    let mut entities = Vec::new();
    let mut claims = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for mut a in incoming {
        if !seen.insert(a.id.clone()) {
            continue; // Duplicate id inside the file: the first one wins.
        }
        if let Body::Claim(c) = &mut a.body {
            if c.claimant.as_ref().is_some_and(|who| !known.contains(who) || *who == a.id) {
                c.claimant = None;
            }
        }
        let edit = match set.get(&a.id) {
            Some(old) if *old == a => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => {
                report.updated += 1;
                Edit::Update(a.clone())
            }
            None => {
                report.added += 1;
                Edit::Add(a.clone())
            }
        };
        if a.is_orphan() {
            report.orphaned += 1;
        }
        // Entities first, so that claims can name claimants from the same file.
        if a.body.is_claim() {
            claims.push(edit);
        } else {
            entities.push(edit);
        }
    }
    entities.extend(claims);
    (Edit::Batch(entities), report)
}

/// A quote with only `exact`, for files that carry no context.
pub fn bare_quote(exact: &str) -> Quote {
    Quote { exact: exact.to_string(), prefix: String::new(), suffix: String::new() }
}
