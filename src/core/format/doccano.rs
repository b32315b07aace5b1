//! doccano JSONL, both shapes doccano writes for sequence labelling:
//! `{"text": …, "label": [[start, end, "Person"], …]}` and, for projects with
//! relations, `{"text": …, "entities": [{"id", "label", "start_offset", "end_offset"}],
//! "relations": [{"id", "from_id", "to_id", "type"}]}`. Positions are code points of
//! `text` (doccano is Python). A claim's claimant is the relation `Claimant` from the
//! claim to the entity.
//!
//! Invariants: export writes one line holding the whole article; import reads every
//! line, each placed in the article by [`FileText`] (the whole article, a paragraph of
//! it, or an older version re-anchored by quote).

use crate::core::anchor::AnchorHint;
use crate::core::document::Document;
use crate::core::format::brat::CLAIMANT;
use crate::core::format::catalog::{body_for_label, label_of, ExportContext};
use crate::core::format::{anchor_into, derived_id, Carries, FileText, ImportIssue, Imported};
use crate::core::model::{Annotation, AnnotationId, Body, Target, Timestamp};
use crate::core::schema::Schema;
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn export(cx: &ExportContext, relations: bool) -> String {
    let anchored: Vec<&Annotation> = cx.set.in_reading_order().into_iter().filter(|a| !a.is_orphan()).collect();
    let line = if relations {
        let mut num: HashMap<&AnnotationId, usize> = HashMap::new();
        let mut entities = Vec::new();
        for (i, a) in anchored.iter().enumerate() {
            let Some(r) = a.target.range else { continue };
            num.insert(&a.id, i + 1);
            entities.push(json!({"id": i + 1, "label": label_of(cx.schema, a), "start_offset": r.start().0, "end_offset": r.end().0}));
        }
        let mut rels = Vec::new();
        for a in &anchored {
            if let (Some(c), Some(&from)) = (a.claim(), num.get(&a.id)) {
                if let Some(&to) = c.claimant.as_ref().and_then(|w| num.get(w)) {
                    rels.push(json!({"id": rels.len() + 1, "from_id": from, "to_id": to, "type": CLAIMANT}));
                }
            }
        }
        json!({"text": cx.doc.text(), "entities": entities, "relations": rels})
    } else {
        let labels: Vec<Value> = anchored
            .iter()
            .filter_map(|a| a.target.range.map(|r| json!([r.start().0, r.end().0, label_of(cx.schema, a)])))
            .collect();
        json!({"text": cx.doc.text(), "label": labels})
    };
    let mut s = line.to_string();
    s.push('\n');
    s
}

/// A span as one of the shapes doccano uses: `[s, e, label]` or an object with
/// `start_offset`/`end_offset` (or `start`/`end`) and `label`.
fn span_of(v: &Value) -> Result<(usize, usize, String, Option<i64>), String> {
    let n = |x: Option<&Value>| x.and_then(Value::as_u64).map(|n| n as usize);
    match v {
        Value::Array(a) => match (n(a.first()), n(a.get(1)), a.get(2).and_then(Value::as_str)) {
            (Some(s), Some(e), Some(l)) => Ok((s, e, l.to_string(), None)),
            _ => Err("expected [start, end, \"label\"] with whole numbers".into()),
        },
        Value::Object(o) => {
            let s = n(o.get("start_offset").or_else(|| o.get("start"))).ok_or("expected a whole number in start_offset")?;
            let e = n(o.get("end_offset").or_else(|| o.get("end"))).ok_or("expected a whole number in end_offset")?;
            let l = o.get("label").and_then(Value::as_str).ok_or("expected a string in label")?;
            Ok((s, e, l.to_string(), o.get("id").and_then(Value::as_i64)))
        }
        _ => Err("expected [start, end, \"label\"] or an object".into()),
    }
}

/// Reads doccano JSONL (either shape; a JSON array of records too).
pub fn import(text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let mut out = Imported { carries: Carries::SPANS, ..Imported::default() };
    read_records(text, "doccano", doc, schema, now, &mut out);
    out
}

/// The records of a JSONL file (or a JSON array), in order, each with where it was
/// (`line 3` or `record 3`): the object, or why the line is not one.
pub fn records(text: &str) -> Vec<(String, Result<Value, String>)> {
    let object = |v: Value| if v.is_object() { Ok(v) } else { Err("expected a JSON object".to_string()) };
    if text.trim_start().starts_with('[') {
        return match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(a)) => a.into_iter().enumerate().map(|(i, v)| (format!("record {}", i + 1), object(v))).collect(),
            Ok(_) => vec![("file".into(), Err("expected a JSON array of records".into()))],
            Err(e) => vec![("file".into(), Err(format!("not JSON: {e}")))],
        };
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if !line.trim().is_empty() {
            out.push((format!("line {}", i + 1), serde_json::from_str::<Value>(line).map_err(|e| format!("not JSON: {e}")).and_then(object)));
        }
    }
    out
}

/// Reads every record with [`read_record`], reporting lines that are not records in order.
pub fn read_records(text: &str, format: &str, doc: &Document, schema: &Schema, now: Timestamp, out: &mut Imported) {
    let mut hint = AnchorHint::default();
    for (location, record) in records(text) {
        match record {
            Ok(r) => read_record(&r, &location, format, doc, schema, now, &mut hint, out),
            Err(message) => out.issues.push(ImportIssue { location, field: String::new(), message }),
        }
    }
}

/// One record with `text` and spans in `label`/`labels`/`entities`/`spans`, plus
/// doccano `relations` (claim → claimant).
#[allow(clippy::too_many_arguments)]
pub fn read_record(record: &Value, location: &str, format: &str, doc: &Document, schema: &Schema, now: Timestamp, hint: &mut AnchorHint, out: &mut Imported) {
    let issue = |field: String, message: String| ImportIssue { location: location.to_string(), field, message };
    let Some(text) = record.get("text").and_then(Value::as_str) else {
        out.issues.push(issue("text".into(), "missing; expected the text the spans count in".into()));
        return;
    };
    let file = FileText::new(doc, text);
    let (key, list) = ["label", "labels", "entities", "spans"]
        .iter()
        .find_map(|k| record.get(*k).and_then(Value::as_array).map(|a| (*k, a)))
        .unwrap_or(("label", &EMPTY));
    // A file with doccano's relations shape says who makes each claim (no relation: nobody).
    if record.get("relations").is_some() {
        out.carries.claimants = true;
    }
    let mut by_num: HashMap<i64, AnnotationId> = HashMap::new();
    let mut read: Vec<(Annotation, Option<crate::core::offset::CharRange>)> = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let field = format!("{key}[{i}]");
        let (s, e, label, num) = match span_of(v) {
            Ok(x) => x,
            Err(m) => {
                out.issues.push(issue(field, m));
                continue;
            }
        };
        let (position, quote) = match file.span(s, e) {
            Ok(x) => x,
            Err(m) => {
                out.issues.push(issue(field, m));
                continue;
            }
        };
        let id = derived_id(format, &[&label, &s.to_string(), &e.to_string(), quote.exact()]);
        if let Some(n) = num {
            by_num.insert(n, id.clone());
        }
        let body = body_for_label(schema, &label);
        read.push((Annotation { id, target: Target { range: None, quote }, body, created: now, modified: now, creator: None }, position));
    }
    for (i, r) in record.get("relations").and_then(Value::as_array).unwrap_or(&EMPTY).iter().enumerate() {
        let field = format!("relations[{i}]");
        let kind = r.get("type").or_else(|| r.get("label")).and_then(Value::as_str).unwrap_or("");
        if !kind.eq_ignore_ascii_case(CLAIMANT) {
            out.issues.push(issue(field, format!("relation {kind:?} skipped; only {CLAIMANT} (claim → who makes it) is read")));
            continue;
        }
        let end = |k: &str| r.get(k).and_then(Value::as_i64).and_then(|n| by_num.get(&n)).cloned();
        let (Some(from), Some(to)) = (end("from_id"), end("to_id")) else {
            out.issues.push(issue(field, "from_id and to_id must name entities of this record".into()));
            continue;
        };
        let to_is_entity = read.iter().any(|(a, _)| a.id == to && !a.body.is_claim());
        match read.iter_mut().find(|(a, _)| a.id == from).map(|(a, _)| &mut a.body) {
            Some(Body::Claim(c)) if to_is_entity => c.claimant = Some(to),
            _ => out.issues.push(issue(field, "from_id must be a Claim and to_id an entity".into())),
        }
    }
    for (a, position) in read {
        out.annotations.push(anchor_into(doc, a, position, hint).0);
    }
}

static EMPTY: Vec<Value> = Vec::new();
