//! W3C Web Annotation files as a corpus: annotations grouped by their target's
//! `source`, each group one document whose text is the article the caller gives for it
//! (W3C files carry quotes and positions, not the text). On writing, every document's
//! spans go into one `AnnotationCollection` (or JSON Lines), each annotation's target
//! naming its document.
//!
//! Invariants: a group is placed only in an article that holds its quotes (the one
//! holding most of them when several are given); annotations that cannot be anchored
//! are issues, never guessed; labels are written as spelt.

use crate::core::anchor::AnchorHint;
use crate::core::corpus::bridge::{exact_place, from_annotations, onto_source, to_annotations};
use crate::core::corpus::records::records;
use crate::core::corpus::{issue, span_fields, Cutter, Doc, Issue, Written};
use crate::core::document::Document;
use crate::core::format::anchor_into;
use crate::core::format::w3c::{annotation_from_json, annotation_out_as, document_urn, items, CONTEXT};
use crate::core::model::{Body, Timestamp};
use crate::core::schema::Schema;
use serde_json::Value;

/// An article a W3C file's annotations may belong to.
pub struct Article {
    /// Where it came from (a file name), for messages.
    pub name: String,
    pub doc: Document,
    /// The plain text it was read from, when it was (not Markdown or HTML): formats that
    /// carry their text get this text, with positions mapped onto it exactly.
    pub plain: Option<String>,
}

/// The target source of an annotation object, if it names one.
fn source_of(v: &Value) -> String {
    let t = match v.get("target") {
        Some(Value::Array(a)) => a.first(),
        other => other,
    };
    match t {
        Some(Value::String(s)) => s.clone(),
        Some(t) => t.get("source").and_then(|s| s.as_str().or_else(|| s.get("id").and_then(Value::as_str))).unwrap_or("").to_string(),
        None => String::new(),
    }
}

/// The tagging body's value as written.
fn tag_of(v: &Value) -> Option<String> {
    let bodies: Vec<&Value> = match v.get("body") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(b) => vec![b],
        None => Vec::new(),
    };
    bodies
        .into_iter()
        .filter(|b| matches!(b.get("purpose").and_then(Value::as_str), Some("tagging" | "classifying") | None))
        .find_map(|b| b.get("value").and_then(Value::as_str))
        .map(|s| s.trim().to_string())
}

/// The documents read, each with its issues, and the file's own issues.
pub type Read = (Vec<(Doc, Vec<Issue>)>, Vec<Issue>);

/// Reads a W3C file (a collection, page, array, one annotation, or JSON Lines when
/// `lines`) as one document per target source, placed in `articles`. With `onto_plain`,
/// a document whose article was read from plain text gets that text as it was, line
/// breaks and all, with its positions mapped onto it (for formats that carry the text).
pub fn read(text: &str, lines: bool, articles: &[Article], schema: &Schema, now: Timestamp, onto_plain: bool) -> Result<Read, String> {
    let mut list: Vec<(String, Value)> = Vec::new();
    let mut issues = Vec::new();
    if lines {
        for (at, r) in records(text) {
            match r {
                Ok(v) => list.push((at, v)),
                Err(m) => issues.push(issue(at, m)),
            }
        }
    } else {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let found = items(&v).ok_or("no annotations found: expected an Annotation, an array of them, an AnnotationPage or an AnnotationCollection with an embedded first page")?;
        list = found.into_iter().enumerate().map(|(i, v)| (format!("annotation {}", i + 1), v.clone())).collect();
    }
    // Groups by source, in order of first appearance.
    let mut groups: Vec<(String, Vec<(String, Value)>)> = Vec::new();
    for (at, v) in list {
        let s = source_of(&v);
        match groups.iter_mut().find(|(g, _)| *g == s) {
            Some((_, g)) => g.push((at, v)),
            None => groups.push((s, vec![(at, v)])),
        }
    }
    let mut docs = Vec::new();
    for (source, items) in groups {
        let quotes: Vec<String> = items.iter().filter_map(|(_, v)| annotation_from_json(v, schema, now).ok()).map(|(a, _)| a.target.quote.exact().to_string()).filter(|q| !q.is_empty()).collect();
        let holds = |a: &Article| quotes.iter().filter(|q| a.doc.text().contains(q.as_str())).count();
        let best = if articles.len() == 1 { Some(&articles[0]) } else { articles.iter().filter(|a| holds(a) > 0).max_by_key(|a| holds(a)) };
        let Some(article) = best else {
            issues.push(issue(format!("source {source}"), format!("no article given with --text holds its quotes; its {} annotations are left out", items.len())));
            continue;
        };
        let mut hint = AnchorHint::default();
        let mut anns = Vec::new();
        let mut labels = std::collections::HashMap::new();
        let mut present = std::collections::HashMap::new();
        let mut doc_issues = Vec::new();
        for (at, v) in &items {
            match annotation_from_json(v, schema, now) {
                Ok((a, position)) => {
                    let (a, why) = anchor_into(&article.doc, a, position, &mut hint);
                    if why.is_some() {
                        doc_issues.push(issue(format!("{at} ({})", a.id.as_str()), format!("its quote {:?} is not in {}; left out", a.target.quote.exact(), article.name)));
                        continue;
                    }
                    if let Some(t) = tag_of(v) {
                        labels.insert(a.id.clone(), t);
                    }
                    let had: Vec<&'static str> = ["created", "modified", "creator"].into_iter().filter(|k| v.get(*k).is_some()).collect();
                    present.insert(a.id.clone(), had);
                    anns.push(a);
                }
                Err((field, message)) => {
                    let id = v.get("id").and_then(Value::as_str).map(|s| format!(" ({s})")).unwrap_or_default();
                    let at = if field.is_empty() { format!("{at}{id}") } else { format!("{at}{id}, {field}") };
                    doc_issues.push(issue(at, message));
                }
            }
        }
        let label_of = |a: &crate::core::model::Annotation| match &a.body {
            Body::Entity(t) => labels.get(&a.id).cloned().unwrap_or_else(|| schema.label(t).to_string()),
            Body::Claim(_) => crate::core::corpus::bridge::CLAIM.to_string(),
        };
        let name = (!source.is_empty()).then_some(source);
        let mut doc = from_annotations(name, article.doc.text().to_string(), &anns, &label_of);
        // Only the dates and creators the file gave (the reader stamps the others).
        for span in &mut doc.spans {
            let had = span.id.as_deref().and_then(crate::core::model::AnnotationId::new).and_then(|id| present.get(&id));
            span.fields.retain(|k, _| had.is_some_and(|h: &Vec<&str>| h.contains(&k.as_str())));
        }
        if onto_plain {
            if let Some(plain) = &article.plain {
                onto_source(&mut doc, plain, &article.doc);
            }
        }
        docs.push((doc, doc_issues));
    }
    Ok((docs, issues))
}

/// The IRI a document's annotations target: its name when that is an IRI, else a URN.
pub fn source_for(doc: &Doc, index: usize) -> String {
    match &doc.name {
        Some(n) if n.contains(':') && !n.contains(char::is_whitespace) => n.clone(),
        Some(n) => document_urn(n),
        None => document_urn(&(index + 1).to_string()),
    }
}

/// A document's annotations as W3C objects.
pub fn annotations(doc: &Doc, source: &str, predictions: bool, now: Timestamp) -> (Vec<Value>, Written) {
    let mut w = Written::default();
    let cut = Cutter::new(&doc.text);
    let mut place = exact_place(&cut);
    let body_of = |l: &str| Body::Entity(l.to_string());
    let list = to_annotations(doc, "corpus", false, &mut place, &body_of, now, predictions, &mut w);
    let mut out = Vec::with_capacity(list.len());
    for (mut a, position) in list {
        a.target.range = position;
        let label = match &a.body {
            Body::Entity(t) => t.clone(),
            Body::Claim(_) => String::new(),
        };
        out.push(serde_json::to_value(annotation_out_as(&a, &label, source)).unwrap_or_default());
    }
    span_fields(doc, &mut w, "W3C", &["created", "modified", "creator"]);
    crate::core::corpus::brat::doc_fields(doc, &mut w, "W3C");
    (out, w)
}

/// The start of a collection holding every document's annotations.
pub fn open(id: &str) -> String {
    format!("{{\n  \"@context\": \"{CONTEXT}\",\n  \"id\": {},\n  \"type\": \"AnnotationCollection\",\n  \"first\": {{\n    \"id\": {},\n    \"type\": \"AnnotationPage\",\n    \"startIndex\": 0,\n    \"items\": [", Value::String(id.into()), Value::String(format!("{id}:page:1")))
}

/// One annotation of the collection's page, indented, after `count` others.
pub fn item(v: &Value, count: usize) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    let body = text.lines().map(|l| format!("      {l}")).collect::<Vec<_>>().join("\n");
    format!("{}\n{body}", if count > 0 { "," } else { "" })
}

/// The end of the collection, with its total.
pub fn close(total: usize) -> String {
    format!("{}]\n  }},\n  \"total\": {total}\n}}\n", if total > 0 { "\n    " } else { "" })
}

/// One annotation as a line of JSON Lines.
pub fn line(v: &Value) -> String {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.insert("@context".into(), Value::String(CONTEXT.into()));
    }
    let mut s = v.to_string();
    s.push('\n');
    s
}
