//! W3C Web Annotation Data Model JSON-LD: export and import.
//!
//! Export writes an `AnnotationCollection` whose embedded first `AnnotationPage` holds
//! the annotations in reading order. Each target has a `TextQuoteSelector` and, unless
//! the annotation is an orphan, a `TextPositionSelector` in code points. The mapping of
//! our model onto bodies, purposes and motivations is documented in README.md.
//!
//! Import reads a collection (with an embedded first page), a page, an array, or one
//! annotation, and tolerates what other tools write (only one of the two selectors,
//! other selector types beside them, a single body or target instead of an array).
//!
//! Invariant: `export(import(export(x))) == export(x)` for the same document.

use crate::core::document::Document;
use crate::core::edit::AnnotationSet;
use crate::core::anchor::AnchorHint;
use crate::core::format::{anchor_into, ImportIssue, Imported};
use crate::core::model::{Annotation, AnnotationId, Body, Claim, Quote, Target, Timestamp, Verdict};
use crate::core::offset::{CharOffset, CharRange};
use crate::core::schema::Schema;
use crate::core::time;
use serde::Serialize;
use serde_json::Value;
use thiserror::Error;

pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The body value that marks an annotation as a claim.
pub const CLAIM_TAG: &str = "Claim";

/// What an export needs to know beyond the annotations.
#[derive(Clone, Debug)]
pub struct ExportMeta<'a> {
    /// The document id, used in the collection's IRI.
    pub document_id: &'a str,
    /// The IRI of the annotated article (the target's `source`).
    pub source: &'a str,
}

/// The IRI targets point at for a document: its source URL, or a URN of its id.
pub fn default_source(doc: &Document, document_id: &str) -> String {
    doc.source_url().map_or_else(|| document_urn(document_id), str::to_string)
}

/// The URN of a document id, for a document without a URL of its own.
pub fn document_urn(document_id: &str) -> String {
    format!("urn:article-annotator:document:{}", iri_safe(document_id))
}

fn iri_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || "-._~".contains(c) { c } else { '_' }).collect()
}

#[derive(Serialize)]
struct AgentOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum BodyOut<'a> {
    Textual {
        #[serde(rename = "type")]
        kind: &'static str,
        purpose: &'static str,
        value: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<&'static str>,
    },
    Linked {
        #[serde(rename = "type")]
        kind: &'static str,
        purpose: &'static str,
        source: &'a str,
    },
}

fn textual<'a>(purpose: &'static str, value: &'a str) -> BodyOut<'a> {
    BodyOut::Textual { kind: "TextualBody", purpose, value, format: None }
}

#[derive(Serialize)]
#[serde(untagged)]
enum SelectorOut<'a> {
    Quote {
        #[serde(rename = "type")]
        kind: &'static str,
        exact: &'a str,
        prefix: &'a str,
        suffix: &'a str,
    },
    Position {
        #[serde(rename = "type")]
        kind: &'static str,
        start: usize,
        end: usize,
    },
}

#[derive(Serialize)]
struct TargetOut<'a> {
    source: &'a str,
    selector: Vec<SelectorOut<'a>>,
}

/// One annotation in W3C JSON-LD, borrowing from the model; keys in the order people
/// expect to read them.
#[derive(Serialize)]
pub struct AnnotationOut<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    motivation: &'static str,
    created: String,
    modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    creator: Option<AgentOut<'a>>,
    body: Vec<BodyOut<'a>>,
    target: TargetOut<'a>,
}

/// One annotation as a W3C JSON-LD object (with its own `@context`, so each item stands alone).
pub fn annotation_out<'a>(a: &'a Annotation, schema: &'a Schema, source: &'a str) -> AnnotationOut<'a> {
    let label = match &a.body {
        Body::Entity(t) => schema.label(t),
        Body::Claim(_) => "",
    };
    annotation_out_as(a, label, source)
}

/// [`annotation_out`] with the entity's label as given (the converter writes labels as
/// its files spell them).
pub fn annotation_out_as<'a>(a: &'a Annotation, label: &'a str, source: &'a str) -> AnnotationOut<'a> {
    let mut body = Vec::new();
    let motivation = match &a.body {
        Body::Entity(_) => {
            body.push(textual("tagging", label));
            if let Some(iri) = &a.entity {
                body.push(BodyOut::Linked { kind: "SpecificResource", purpose: "identifying", source: iri.as_str() });
            }
            "tagging"
        }
        Body::Claim(c) => {
            body.push(textual("tagging", CLAIM_TAG));
            body.push(textual("assessing", c.verdict.as_str()));
            if let Some(who) = &c.claimant {
                body.push(BodyOut::Linked { kind: "SpecificResource", purpose: "linking", source: who.as_str() });
            }
            if !c.note.is_empty() {
                body.push(BodyOut::Textual { kind: "TextualBody", purpose: "commenting", value: &c.note, format: Some("text/plain") });
            }
            "assessing"
        }
    };
    let q = &a.target.quote;
    let mut selector = vec![SelectorOut::Quote { kind: "TextQuoteSelector", exact: q.exact(), prefix: q.prefix(), suffix: q.suffix() }];
    if let Some(r) = a.target.range {
        selector.push(SelectorOut::Position { kind: "TextPositionSelector", start: r.start().0, end: r.end().0 });
    }
    AnnotationOut {
        context: CONTEXT,
        id: a.id.as_str(),
        kind: "Annotation",
        motivation,
        created: time::format(a.created),
        modified: time::format(a.modified),
        creator: a.creator.as_deref().map(|name| AgentOut { kind: "Person", name }),
        body,
        target: TargetOut { source, selector },
    }
}

#[derive(Serialize)]
struct PageOut<I> {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    items: I,
}

#[derive(Serialize)]
struct CollectionOut<'a, I> {
    #[serde(rename = "@context")]
    context: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    total: usize,
    first: PageOut<I>,
}

/// The set's annotations in reading order, each made as it is written (never all at once).
struct ItemsOut<'a> {
    list: Vec<&'a Annotation>,
    schema: &'a Schema,
    source: &'a str,
}

impl Serialize for ItemsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.list.iter().map(|a| annotation_out(a, self.schema, self.source)))
    }
}

/// The whole set as an `AnnotationCollection` with one embedded page, pretty-printed
/// JSON with a final newline, written to `w` one annotation at a time.
pub fn export_to(w: &mut dyn std::io::Write, set: &AnnotationSet, schema: &Schema, doc: &Document, meta: &ExportMeta) -> std::io::Result<()> {
    let items = ItemsOut { list: set.in_reading_order(), schema, source: meta.source };
    let id = format!("urn:article-annotator:collection:{}", iri_safe(meta.document_id));
    let c = CollectionOut {
        context: CONTEXT,
        id: id.clone(),
        kind: "AnnotationCollection",
        label: doc.headline(),
        total: items.list.len(),
        first: PageOut { id: format!("{id}:page:1"), kind: "AnnotationPage", start_index: 0, items },
    };
    serde_json::to_writer_pretty(&mut *w, &c)?;
    w.write_all(b"\n")
}

/// [`export_to`] as a string.
pub fn export_string(set: &AnnotationSet, schema: &Schema, doc: &Document, meta: &ExportMeta) -> String {
    let mut out = Vec::new();
    let _ = export_to(&mut out, set, schema, doc, meta);
    String::from_utf8(out).unwrap_or_default()
}

/// JSON Lines written to `w`: one W3C annotation per line, in reading order, each line
/// compact JSON with its `@context`.
pub fn export_lines_to(w: &mut dyn std::io::Write, set: &AnnotationSet, schema: &Schema, source: &str) -> std::io::Result<()> {
    for a in set.in_reading_order() {
        let mut v = serde_json::to_value(annotation_out(a, schema, source)).map_err(std::io::Error::other)?;
        if let Value::Object(m) = &mut v {
            // Each line stands alone, so each carries the context.
            m.insert("@context".into(), Value::String(CONTEXT.into()));
        }
        serde_json::to_writer(&mut *w, &v)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// JSON Lines: one W3C annotation per line, in reading order, each line compact JSON.
pub fn export_lines(set: &AnnotationSet, schema: &Schema, source: &str) -> String {
    let mut out = Vec::new();
    let _ = export_lines_to(&mut out, set, schema, source);
    String::from_utf8(out).unwrap_or_default()
}

/// Reads JSON Lines (one W3C annotation per line; blank lines skipped). A bad line is
/// an issue naming its line number; the other lines still load.
pub fn import_lines(text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let mut out = Imported::default();
    let mut hint = AnchorHint::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let located = |mut issue: ImportIssue| {
            issue.location = format!("line {}", i + 1);
            issue
        };
        match import_item_str(line, i, doc, schema, now, &mut hint) {
            Ok(a) => out.annotations.push(a),
            Err(issue) => out.issues.push(located(issue)),
        }
    }
    out
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum W3cError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("no annotations found: expected an Annotation, an array of them, an AnnotationPage or an AnnotationCollection with an embedded first page")]
    NoAnnotations,
}

fn str_field<'a>(o: &'a Value, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(v) => vec![v],
    }
}

fn has_type(o: &Value, t: &str) -> bool {
    as_list(o.get("type")).iter().any(|v| v.as_str() == Some(t))
}

/// The annotation objects in a parsed W3C file, whatever its shape.
pub fn items(v: &Value) -> Option<Vec<&Value>> {
    match v {
        Value::Array(a) => Some(a.iter().collect()),
        Value::Object(_) if has_type(v, "AnnotationCollection") => match v.get("first") {
            Some(first @ Value::Object(_)) => items(first),
            _ => None,
        },
        Value::Object(_) if has_type(v, "AnnotationPage") => Some(as_list(v.get("items"))),
        Value::Object(_) if v.get("target").is_some() => Some(vec![v]),
        _ => None,
    }
}

/// Reads a W3C file and anchors each annotation in `doc`. `now` stamps annotations
/// that carry no `created`/`modified`.
pub fn import(text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Result<Imported, W3cError> {
    let v: Value = serde_json::from_str(text).map_err(|e| W3cError::NotJson(e.to_string()))?;
    let list = items(&v).ok_or(W3cError::NoAnnotations)?;
    let mut out = Imported::default();
    let mut hint = AnchorHint::default();
    for (i, item) in list.into_iter().enumerate() {
        match import_value(item, i, doc, schema, now, &mut hint) {
            Ok(a) => out.annotations.push(a),
            Err(issue) => out.issues.push(issue),
        }
    }
    Ok(out)
}

/// One annotation object, the `index`-th of its file (0-based), anchored in `doc`;
/// `hint` carries what anchoring the previous item learned.
pub fn import_value(item: &Value, index: usize, doc: &Document, schema: &Schema, now: Timestamp, hint: &mut AnchorHint) -> Result<Annotation, ImportIssue> {
    match annotation_from_json(item, schema, now) {
        Ok((a, position)) => Ok(anchor_into(doc, a, position, hint).0),
        Err((field, message)) => {
            let id = str_field(item, "id").map(|s| format!(" ({s})")).unwrap_or_default();
            Err(ImportIssue { location: format!("annotation {}{id}", index + 1), field, message })
        }
    }
}

/// One annotation given as JSON text, the `index`-th of a list; see [`import_value`].
/// Reading a long list item by item keeps memory at one item's size.
pub fn import_item_str(text: &str, index: usize, doc: &Document, schema: &Schema, now: Timestamp, hint: &mut AnchorHint) -> Result<Annotation, ImportIssue> {
    let v: Value = serde_json::from_str(text).map_err(|e| ImportIssue {
        location: format!("annotation {}", index + 1),
        field: String::new(),
        message: format!("not JSON: {e}"),
    })?;
    import_value(&v, index, doc, schema, now, hint)
}

type ItemError = (String, String);

fn err(field: &str, message: impl Into<String>) -> ItemError {
    (field.to_string(), message.into())
}

/// One W3C annotation object to our model, with the position its file gave (not yet
/// checked against any document).
pub fn annotation_from_json(o: &Value, schema: &Schema, now: Timestamp) -> Result<(Annotation, Option<CharRange>), ItemError> {
    if !o.is_object() {
        return Err(err("", "expected a JSON object"));
    }
    let id = match o.get("id") {
        Some(Value::String(s)) => AnnotationId::new(s.as_str()).ok_or_else(|| err("id", "expected an IRI without spaces"))?,
        Some(_) => return Err(err("id", "expected a string")),
        None => return Err(err("id", "missing; every annotation needs an id to be merged without duplicates")),
    };
    annotation_from_json_as(o, id, schema, now)
}

/// [`annotation_from_json`] with the id given, whatever the object's `id` says (the
/// team server's annotations carry the widget's id as `canonical`): no copy of the object
/// to put another id in it.
pub fn annotation_from_json_as(o: &Value, id: AnnotationId, schema: &Schema, now: Timestamp) -> Result<(Annotation, Option<CharRange>), ItemError> {
    if !o.is_object() {
        return Err(err("", "expected a JSON object"));
    }
    let target = as_list(o.get("target")).into_iter().next().ok_or_else(|| err("target", "missing"))?;
    let mut quote: Option<Quote> = None;
    let mut position: Option<CharRange> = None;
    for s in as_list(target.get("selector")) {
        match str_field(s, "type") {
            Some("TextQuoteSelector") => {
                let exact = str_field(s, "exact").ok_or_else(|| err("target.selector.exact", "missing in TextQuoteSelector"))?;
                quote = Some(Quote::new(str_field(s, "prefix").unwrap_or(""), exact, str_field(s, "suffix").unwrap_or("")));
            }
            Some("TextPositionSelector") => {
                let n = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| CharOffset(n as usize));
                let (start, end) = (
                    n("start").ok_or_else(|| err("target.selector.start", "expected a whole number"))?,
                    n("end").ok_or_else(|| err("target.selector.end", "expected a whole number"))?,
                );
                position = Some(CharRange::new(start, end).ok_or_else(|| err("target.selector", "end is before start"))?);
            }
            _ => {} // RangeSelector, XPathSelector, ...: not ours to read; the others suffice.
        }
    }
    if quote.is_none() && position.is_none() {
        return Err(err("target.selector", "expected a TextQuoteSelector or a TextPositionSelector"));
    }
    let bodies = as_list(o.get("body"));
    let tags: Vec<&str> = bodies
        .iter()
        .filter(|b| matches!(str_field(b, "purpose"), Some("tagging" | "classifying") | None))
        .filter_map(|b| str_field(b, "value"))
        .collect();
    let motivation_assessing = as_list(o.get("motivation")).iter().any(|m| m.as_str() == Some("assessing"));
    let is_claim = tags.iter().any(|t| t.eq_ignore_ascii_case(CLAIM_TAG)) || (tags.is_empty() && motivation_assessing);
    let body = if is_claim {
        let verdict_text = bodies.iter().find(|b| str_field(b, "purpose") == Some("assessing")).and_then(|b| str_field(b, "value"));
        let verdict = match verdict_text {
            None => Verdict::Unverified,
            Some(v) => Verdict::parse(v).ok_or_else(|| err("body.value", format!("unknown verdict {v:?}")))?,
        };
        let claimant = bodies
            .iter()
            .find(|b| str_field(b, "purpose") == Some("linking"))
            .and_then(|b| str_field(b, "source").or_else(|| str_field(b, "id")))
            .and_then(AnnotationId::new);
        let note = bodies
            .iter()
            .filter(|b| str_field(b, "purpose") == Some("commenting"))
            .filter_map(|b| str_field(b, "value"))
            .collect::<Vec<_>>()
            .join("\n\n");
        Body::Claim(Claim { claimant, verdict, note })
    } else {
        let t = tags.first().ok_or_else(|| err("body", "expected a tagging body naming an entity type, or the Claim tag"))?;
        Body::Entity(schema.resolve(t).map_or_else(|| t.trim().to_string(), |e| e.id.clone()))
    };
    let stamp = |k: &str| -> Result<Option<Timestamp>, ItemError> {
        match str_field(o, k) {
            None => Ok(None),
            Some(s) => time::parse(s).map(Some).ok_or_else(|| err(k, format!("expected an xsd:dateTime, found {s:?}"))),
        }
    };
    let created = stamp("created")?.unwrap_or(now);
    let modified = stamp("modified")?.unwrap_or(created);
    let creator = as_list(o.get("creator")).into_iter().next().and_then(|c| c.as_str().or_else(|| str_field(c, "name"))).map(str::to_string);
    let quote = quote.unwrap_or_default();
    // An entity's identity: an `identifying` body naming the thing (its IRI).
    let entity = match &body {
        Body::Claim(_) => None,
        Body::Entity(_) => match bodies.iter().find(|b| str_field(b, "purpose") == Some("identifying")).and_then(|b| str_field(b, "source").or_else(|| str_field(b, "id"))) {
            None => None,
            Some(iri) => Some(crate::core::model::entity_iri(iri).ok_or_else(|| err("body.source", format!("an identifying body's source must be an http(s) IRI or a urn:uuid, found {iri:?}")))?),
        },
    };
    Ok((Annotation { id, target: Target { range: None, quote }, body, created, modified, creator, entity }, position))
}
