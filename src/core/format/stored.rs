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
use thiserror::Error;

/// The current version of the stored form.
pub const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct StoredDoc {
    v: u32,
    doc: String,
    a: Vec<StoredAnnotation>,
    /// Tombstones, `[id, deleted at (ms)]`; absent in version 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    del: Vec<(String, i64)>,
}

#[derive(Serialize, Deserialize)]
struct StoredAnnotation {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    e: Option<usize>,
    x: String,
    #[serde(default)]
    p: String,
    #[serde(default)]
    q: String,
    /// Entity type id; absent for a claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    t: Option<String>,
    /// Claimant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cl: Option<String>,
    /// Verdict machine name; present for claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    vd: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    n: String,
    c: i64,
    m: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by: Option<String>,
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
    let a = set
        .iter()
        .map(|a| {
            let (t, cl, vd, n) = match &a.body {
                Body::Entity(t) => (Some(t.clone()), None, None, String::new()),
                Body::Claim(c) => (None, c.claimant.as_ref().map(|x| x.as_str().to_string()), Some(c.verdict.as_str().to_string()), c.note.clone()),
            };
            StoredAnnotation {
                id: a.id.as_str().to_string(),
                s: a.target.range.map(|r| r.start().0),
                e: a.target.range.map(|r| r.end().0),
                x: a.target.quote.exact.clone(),
                p: a.target.quote.prefix.clone(),
                q: a.target.quote.suffix.clone(),
                t,
                cl,
                vd,
                n,
                c: a.created.0,
                m: a.modified.0,
                by: a.creator.clone(),
            }
        })
        .collect();
    let del = tombs.iter().map(|t| (t.id.as_str().to_string(), t.at.0)).collect();
    serde_json::to_string(&StoredDoc { v: VERSION, doc: document_id.to_string(), a, del }).unwrap_or_default()
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
        let location = format!("stored annotation {}", i + 1);
        let Some(id) = AnnotationId::new(s.id) else {
            out.issues.push(ImportIssue { location, field: "id".into(), message: "empty or has spaces".into() });
            continue;
        };
        let body = match (s.t, s.vd) {
            (Some(t), _) => Body::Entity(t),
            (None, Some(vd)) => Body::Claim(Claim {
                claimant: s.cl.and_then(AnnotationId::new),
                verdict: Verdict::parse(&vd).unwrap_or_default(),
                note: s.n,
            }),
            (None, None) => {
                out.issues.push(ImportIssue { location, field: "t".into(), message: "neither an entity type nor a claim".into() });
                continue;
            }
        };
        let position = match (s.s, s.e) {
            (Some(a), Some(b)) => CharRange::from_usize(a, b),
            _ => None,
        };
        let a = Annotation {
            id,
            target: Target { range: None, quote: Quote { exact: s.x, prefix: s.p, suffix: s.q } },
            body,
            created: Timestamp(s.c),
            modified: Timestamp(s.m),
            creator: s.by,
        };
        out.annotations.push(anchor_into(doc, a, position, &mut hint).0);
    }
    Ok(Loaded { imported: out, tombstones })
}
