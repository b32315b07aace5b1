//! The form annotations take in the browser's storage: compact, versioned JSON.
//!
//! `{"v":2,"doc":"…","a":[{"id":…,"s":…,"e":…,"x":…,"p":…,"q":…,"t":…,…}],"del":[["id",ms],…]}`:
//! short keys, because 10,000 annotations must fit in localStorage's 5 MB with room to
//! spare; `del` holds the tombstones of deletions, so that another open tab learns of them
//! ([`crate::core::sync`]).
//!
//! Versions: 1 had no `del` (read as no tombstones); 2 is current.
//! Reading re-anchors every annotation against the current document, so a changed article
//! turns moved spans into re-anchored ones and lost spans into orphans, never into loss.
//!
//! Invariants: [`VERSION`] is bumped with every change to the shape, and older versions
//! get a migration and a test; a newer version is refused (never overwritten by the
//! caller); corrupt data is an error, never a panic.

use crate::core::document::Document;
use crate::core::edit::AnnotationSet;
use crate::core::anchor::AnchorHint;
use crate::core::format::{anchor_into, ImportIssue, Imported};
use crate::core::model::{Annotation, AnnotationId, Body, Claim, Quote, Target, Timestamp, Verdict};
use crate::core::offset::CharRange;
use crate::core::sync::Tombstone;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use thiserror::Error;

/// The current version of the stored form.
pub const VERSION: u32 = 2;

#[derive(Deserialize)]
struct StoredDoc {
    // Required when reading (checked by serde), though only `a` and `del` are used.
    #[allow(dead_code)]
    v: u32,
    #[allow(dead_code)]
    doc: String,
    a: Vec<StoredAnnotation<'static>>,
    /// Tombstones, `[id, deleted at (ms)]`; absent in version 1.
    #[serde(default)]
    del: Vec<(String, i64)>,
}

/// What is written: the same shape as [`StoredDoc`], with the annotations serialised
/// straight from the set (borrowed, never copied: saving 10k annotations allocates
/// the output text and nothing the size of the set).
#[derive(Serialize)]
struct StoredDocOut<'a> {
    v: u32,
    doc: &'a str,
    a: Items<'a>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    del: &'a [(&'a str, i64)],
}

struct Items<'a>(&'a AnnotationSet);

impl Serialize for Items<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(StoredAnnotation::of))
    }
}

/// One annotation; `Cow` so that writing borrows from the set and reading owns. Also
/// the team server's compact feed form of an annotation ([`crate::core::team`]).
#[derive(Serialize, Deserialize)]
pub struct StoredAnnotation<'a> {
    id: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    e: Option<usize>,
    x: Cow<'a, str>,
    #[serde(default)]
    p: Cow<'a, str>,
    #[serde(default)]
    q: Cow<'a, str>,
    /// Entity type id; absent for a claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<Cow<'a, str>>,
    /// Claimant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cl: Option<Cow<'a, str>>,
    /// Verdict machine name; present for claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    vd: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    n: Cow<'a, str>,
    c: i64,
    m: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by: Option<Cow<'a, str>>,
    /// The entity's IRI (the thing its mentions share): absent for a mention on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    en: Option<Cow<'a, str>>,
}

impl<'a> StoredAnnotation<'a> {
    pub fn of(a: &'a Annotation) -> StoredAnnotation<'a> {
        let (t, cl, vd, n) = match &a.body {
            Body::Entity(t) => (Some(Cow::Borrowed(t.as_str())), None, None, Cow::Borrowed("")),
            Body::Claim(c) => (None, c.claimant.as_ref().map(|x| Cow::Borrowed(x.as_str())), Some(Cow::Borrowed(c.verdict.as_str())), Cow::Borrowed(c.note.as_str())),
        };
        let q = &a.target.quote;
        StoredAnnotation {
            id: Cow::Borrowed(a.id.as_str()),
            s: a.target.range.map(|r| r.start().0),
            e: a.target.range.map(|r| r.end().0),
            x: Cow::Borrowed(q.exact()),
            p: Cow::Borrowed(q.prefix()),
            q: Cow::Borrowed(q.suffix()),
            t,
            cl,
            vd,
            n,
            c: a.created.0,
            m: a.modified.0,
            by: a.creator.as_deref().map(Cow::Borrowed),
            en: a.entity.as_deref().filter(|_| !a.body.is_claim()).map(Cow::Borrowed),
        }
    }

    /// The annotation, not yet anchored, and its stored position; or the field that is
    /// wrong and why.
    pub fn into_annotation(self) -> Result<(Annotation, Option<CharRange>), (&'static str, &'static str)> {
        let id = AnnotationId::new(self.id.into_owned()).ok_or(("id", "empty or has spaces"))?;
        let body = match (self.t, self.vd) {
            (Some(t), _) => Body::Entity(t.into_owned()),
            (None, Some(vd)) => Body::Claim(Claim {
                claimant: self.cl.and_then(|c| AnnotationId::new(c.into_owned())),
                verdict: Verdict::parse(&vd).unwrap_or_default(),
                note: self.n.into_owned(),
            }),
            (None, None) => return Err(("t", "neither an entity type nor a claim")),
        };
        let position = match (self.s, self.e) {
            (Some(a), Some(b)) => CharRange::from_usize(a, b),
            _ => None,
        };
        let entity = match self.en {
            Some(e) if !body.is_claim() => Some(crate::core::model::entity_iri(&e).ok_or(("en", "not an http(s) IRI, a Wikidata item or a urn:uuid"))?),
            _ => None,
        };
        let a = Annotation {
            id,
            target: Target { range: None, quote: Quote::new(&self.p, &self.x, &self.q) },
            body,
            created: Timestamp(self.c),
            modified: Timestamp(self.m),
            creator: self.by.map(Cow::into_owned),
            entity,
        };
        Ok((a, position))
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum StoredError {
    #[error("stored annotations are not readable: {0}")]
    Corrupt(String),
    #[error("stored annotations are version {found}, newer than this widget reads ({VERSION})")]
    NewerVersion { found: u32 },
}

/// The set in its stored form.
pub fn to_string(document_id: &str, set: &AnnotationSet) -> String {
    to_string_with(document_id, set, &[])
}

/// The set and its tombstones in stored form.
pub fn to_string_with(document_id: &str, set: &AnnotationSet, tombs: &[Tombstone]) -> String {
    // Sized for a typical annotation (about 200 bytes), so a large set is written
    // without the doubling copies of a growing buffer.
    let mut out = Vec::with_capacity(256 + set.len() * 224);
    match write_to(&mut out, document_id, set, tombs) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// [`to_string_with`] into a writer, piece by piece (the widget sends the pieces to
/// localStorage without ever holding the whole text).
pub fn write_to(out: impl std::io::Write, document_id: &str, set: &AnnotationSet, tombs: &[Tombstone]) -> std::io::Result<()> {
    let del: Vec<(&str, i64)> = tombs.iter().map(|t| (t.id.as_str(), t.at.0)).collect();
    let doc = StoredDocOut { v: VERSION, doc: document_id, a: Items(set), del: &del };
    serde_json::to_writer(out, &doc).map_err(std::io::Error::other)
}

/// What storage held: the annotations (anchored) and the tombstones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub imported: Imported,
    pub tombstones: Vec<Tombstone>,
}

#[derive(Deserialize)]
struct VersionOnly {
    v: u32,
}

/// Reads the stored form and re-anchors every annotation in `doc`. Items that cannot be
/// read are reported; the rest load.
pub fn from_str(text: &str, doc: &Document) -> Result<Imported, StoredError> {
    read(text, doc).map(|l| l.imported)
}

/// [`from_str`] with the tombstones (version 1, which had none, migrates to none).
pub fn read(text: &str, doc: &Document) -> Result<Loaded, StoredError> {
    let version: VersionOnly = serde_json::from_str(text).map_err(|e| StoredError::Corrupt(e.to_string()))?;
    if version.v > VERSION {
        return Err(StoredError::NewerVersion { found: version.v });
    }
    if version.v == 0 {
        return Err(StoredError::Corrupt("version 0 does not exist".into()));
    }
    let mut stored: StoredDoc = serde_json::from_str(text).map_err(|e| StoredError::Corrupt(e.to_string()))?;
    let tombstones = std::mem::take(&mut stored.del)
        .into_iter()
        .filter_map(|(id, at)| Some(Tombstone { id: AnnotationId::new(id)?, at: Timestamp(at) }))
        .collect();
    // Reading order, so that each annotation's shift predicts the next one's.
    stored.a.sort_by_key(|a| (a.s.is_none(), a.s));
    let mut out = Imported::default();
    let mut hint = AnchorHint::default();
    for (i, s) in stored.a.into_iter().enumerate() {
        match s.into_annotation() {
            Ok((a, position)) => out.annotations.push(anchor_into(doc, a, position, &mut hint).0),
            Err((field, message)) => out.issues.push(ImportIssue { location: format!("stored annotation {}", i + 1), field: field.into(), message: message.into() }),
        }
    }
    Ok(Loaded { imported: out, tombstones })
}
