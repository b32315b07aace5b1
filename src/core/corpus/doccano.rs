//! doccano's sequence-labelling records as documents: `{"id": 1, "text": …, "label":
//! [[start, end, "PER"], …]}` (`labels` in older versions; strings in it are the
//! categories of a text-classification project) and, for projects with relations,
//! `{"text": …, "entities": [{"id", "label", "start_offset", "end_offset"}],
//! "relations": [{"id", "from_id", "to_id", "type"}]}`. Positions are code points of
//! `text` (doccano is Python). Every other field of a record (`meta`, `Comments`, …)
//! is kept and written back.
//!
//! Invariants: one record is one document; a record's text is never changed; the
//! `id` is the document's name.

use crate::core::corpus::{check_frags, whole, issue, span_fields, Doc, Extra, Frag, Issue, Relation, Span, Written};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The keys a record's spans may be under, in the order they are looked for
/// (`column_label` and `column_data` are the column names doccano's own import examples use).
const SPAN_KEYS: [&str; 5] = ["label", "labels", "entities", "spans", "column_label"];
const TEXT_KEYS: [&str; 2] = ["text", "column_data"];


/// The record's `id` as a document name.
pub fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The name as the `id` value it came from: a number when it is one.
pub fn id_value(name: &str) -> Value {
    name.parse::<u64>().map_or_else(|_| Value::String(name.to_string()), |n| json!(n))
}

/// One record. Errors only when it has no text; bad spans are issues.
pub fn read(record: Value, location: &str) -> Result<(Doc, Vec<Issue>), Issue> {
    let Value::Object(mut o) = record else { return Err(issue(location, "expected a JSON object")) };
    let key = TEXT_KEYS.into_iter().find(|k| o.get(*k).is_some_and(Value::is_string)).unwrap_or("text");
    let Some(Value::String(text)) = o.remove(key) else {
        return Err(issue(format!("{location}, text"), "missing; expected the text the spans count in"));
    };
    let len = text.chars().count();
    let mut doc = Doc { name: o.remove("id").as_ref().and_then(name_of), text, ..Doc::default() };
    let mut issues = Vec::new();
    let key = SPAN_KEYS.into_iter().find(|k| o.get(*k).is_some_and(Value::is_array));
    let list = key.and_then(|k| o.remove(k)).and_then(|v| if let Value::Array(a) = v { Some(a) } else { None }).unwrap_or_default();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, v) in list.into_iter().enumerate() {
        let at = format!("{location}, {}[{i}]", key.unwrap_or("label"));
        let (frag, label, id) = match &v {
            Value::String(category) => {
                doc.extras.push(Extra { format: "doccano", what: format!("the category {category:?}"), raw: v.clone() });
                continue;
            }
            Value::Array(a) => match (whole(a.first()), whole(a.get(1)), a.get(2).and_then(Value::as_str)) {
                (Some(start), Some(end), Some(l)) => (Frag { start, end }, l.to_string(), None),
                _ => {
                    issues.push(issue(at, "expected [start, end, \"label\"] with whole numbers; skipped"));
                    continue;
                }
            },
            Value::Object(e) => {
                let (s, t) = (whole(e.get("start_offset").or_else(|| e.get("start"))), whole(e.get("end_offset").or_else(|| e.get("end"))));
                match (s, t, e.get("label").and_then(Value::as_str)) {
                    (Some(start), Some(end), Some(l)) => (Frag { start, end }, l.to_string(), e.get("id").and_then(name_of)),
                    _ => {
                        issues.push(issue(at, "expected start_offset and end_offset (whole numbers) and a label; skipped"));
                        continue;
                    }
                }
            }
            _ => {
                issues.push(issue(at, "expected [start, end, \"label\"] or an object; skipped"));
                continue;
            }
        };
        if let Err(m) = check_frags(&[frag], len) {
            issues.push(issue(at, format!("{m}; skipped")));
            continue;
        }
        if let Some(id) = &id {
            if by_id.insert(id.clone(), doc.spans.len()).is_some() {
                issues.push(issue(at, format!("a second entity with id {id}; relations name the last one")));
            }
        }
        doc.spans.push(Span { id, label, fragments: vec![frag], ..Span::default() });
    }
    if let Some(Value::Array(rels)) = o.remove("relations") {
        for (i, r) in rels.into_iter().enumerate() {
            let at = format!("{location}, relations[{i}]");
            let end = |k: &str| r.get(k).and_then(name_of).and_then(|id| by_id.get(&id).copied());
            let label = r.get("type").or_else(|| r.get("label")).and_then(Value::as_str).unwrap_or("").to_string();
            match (end("from_id"), end("to_id")) {
                (Some(from), Some(to)) => doc.relations.push(Relation { id: r.get("id").and_then(name_of), label, from, to, roles: None, group: None }),
                _ => issues.push(issue(at, "from_id and to_id must name entities of this record; skipped")),
            }
        }
    }
    doc.fields = o;
    Ok((doc, issues))
}

/// The fields every JSON writer puts beside the text: the document's own, and its answer.
pub fn fields_out(doc: &Doc, o: &mut Map<String, Value>) {
    for (k, v) in &doc.fields {
        o.insert(k.clone(), v.clone());
    }
    if let Some(a) = &doc.answer {
        o.insert("answer".into(), Value::String(a.clone()));
    }
}

/// Ids for a format whose ids are numbers: the span's own when it is a number not used
/// twice, else the next free one.
pub fn numeric_ids<'a>(ids: impl Iterator<Item = Option<&'a str>> + Clone) -> Vec<u64> {
    let mut used: std::collections::HashSet<u64> = std::collections::HashSet::new();
    let mut next = ids.clone().flatten().filter_map(|i| i.parse::<u64>().ok()).max().unwrap_or(0) + 1;
    ids.map(|own| match own.and_then(|i| i.parse::<u64>().ok()) {
        Some(n) if used.insert(n) => n,
        _ => {
            let n = next;
            next += 1;
            used.insert(n);
            n
        }
    })
    .collect()
}

/// Reports what a span-only format leaves out of a span it wrote (the span's fields are
/// reported once for the document, by [`crate::core::corpus::span_fields`]);
/// `kept_norms` of its links (the first ones) the format did write.
pub fn span_parts(s: &Span, kept_norms: usize, w: &mut Written, format: &str) {
    for a in &s.attributes {
        w.leave(a.id.clone().unwrap_or_else(|| format!("attribute {} of {}", a.name, s.name())), format!("{format} has no place for attributes"));
    }
    for n in &s.notes {
        w.leave(n.id.clone().unwrap_or_else(|| format!("note on {}", s.name())), format!("{format} has no place for notes"));
    }
    for n in s.norms.iter().skip(kept_norms) {
        w.leave(n.id.clone().unwrap_or_else(|| format!("link of {} to {}", s.name(), n.reference)), format!("{format} has no place for knowledge-base links"));
    }
}

/// One record of a document: the `label` shape, or with `relations` the entities and
/// relations shape.
pub fn write(doc: &Doc, relations: bool, predictions: bool) -> (String, Written) {
    let mut w = Written::default();
    let mut o = Map::new();
    if let Some(n) = &doc.name {
        o.insert("id".into(), id_value(n));
    }
    o.insert("text".into(), Value::String(doc.text.clone()));
    let ids = numeric_ids(doc.spans.iter().map(|s| s.id.as_deref()));
    // Fragments after a span's first get ids of their own, beyond every span's.
    let mut next_id = ids.iter().max().copied().unwrap_or(0) + 1;
    let mut written: Vec<bool> = vec![false; doc.spans.len()];
    let mut list = Vec::new();
    for (i, s) in doc.spans.iter().enumerate() {
        if doc.is_prediction(s) && !predictions {
            w.leave_prediction(s, "doccano");
            continue;
        }
        if s.fragments.len() > 1 {
            w.change(s.name(), format!("its {} fragments written as {} spans (doccano spans are continuous)", s.fragments.len(), s.fragments.len()));
        }
        for (k, f) in s.fragments.iter().enumerate() {
            if relations {
                let id = if k == 0 {
                    ids[i]
                } else {
                    next_id += 1;
                    next_id - 1
                };
                list.push(json!({"id": id, "label": s.label, "start_offset": f.start, "end_offset": f.end}));
            } else {
                list.push(json!([f.start, f.end, s.label]));
            }
        }
        written[i] = true;
        w.items += 1;
        span_parts(s, 0, &mut w, "doccano");
    }
    for e in &doc.extras {
        match (&e.format, &e.raw) {
            (&"doccano", Value::String(_)) if !relations => {
                list.push(e.raw.clone());
                w.items += 1;
            }
            _ => w.leave(&e.what, "doccano has no place for it"),
        }
    }
    if relations {
        o.insert("entities".into(), Value::Array(list));
        let rel_ids = numeric_ids(doc.relations.iter().map(|r| r.id.as_deref()));
        let mut rels = Vec::new();
        for (r, id) in doc.relations.iter().zip(rel_ids) {
            if written.get(r.from) == Some(&true) && written.get(r.to) == Some(&true) {
                rels.push(json!({"id": id, "from_id": ids[r.from], "to_id": ids[r.to], "type": r.label}));
                w.items += 1;
            } else {
                w.leave(r.name(), "one of its ends was left out");
            }
        }
        o.insert("relations".into(), Value::Array(rels));
    } else {
        o.insert("label".into(), Value::Array(list));
        for r in &doc.relations {
            w.leave(r.name(), "doccano's label shape has no relations (--to doccano-relations has)");
        }
    }
    fields_out(doc, &mut o);
    span_fields(doc, &mut w, "doccano", &[]);
    if doc.tokens.is_some() {
        w.change(doc.name.clone().unwrap_or_else(|| "the document".into()), "its tokens (doccano has no place for them)");
    }
    let mut line = Value::Object(o).to_string();
    line.push('\n');
    (line, w)
}
