//! Label Studio JSON: a list of tasks `{"data": {"text": …}, "annotations": [{"result":
//! […]}]}` as Label Studio exports them (and imports them with pre-annotations).
//!
//! Results, one or more per region sharing the region's `id` (our annotation id):
//! `labels` (`value: {start, end, text, labels: ["Person"]}`), for claims a per-region
//! `choices` from `verdict` and a per-region `textarea` from `note`, and a `relation`
//! from the claim's region to its claimant's, labelled `claimant`. `start`/`end` are
//! code points of `data.text` (Label Studio stores code points since its emoji fix;
//! older exports that counted UTF-16 units are caught by comparing `value.text` with
//! the text at the offsets, and re-anchored by that quote). The labelling config that
//! matches these names is in README.md.
//!
//! Invariants: export writes one task holding the whole article; the region id is the
//! annotation id, so a round trip keeps ids; orphans are not written.

use crate::core::anchor::AnchorHint;
use crate::core::document::Document;
use crate::core::format::catalog::{body_for_label, label_of, ExportContext};
use crate::core::format::{anchor_into, Carries, FileText, ImportIssue, Imported};
use crate::core::model::{Annotation, AnnotationId, Body, Quote, Target, Timestamp, Verdict};
use crate::core::schema::Schema;
use crate::core::time;
use serde_json::{json, Value};
use std::collections::HashMap;

pub const CARRIES: Carries = Carries { timestamps: false, creator: false, orphans: false, ..Carries::ALL };

pub fn export(cx: &ExportContext) -> String {
    let mut result = Vec::new();
    let mut first = None;
    let mut last = None;
    let anchored: Vec<&Annotation> = cx.set.in_reading_order().into_iter().filter(|a| !a.is_orphan()).collect();
    let ids: std::collections::HashSet<&AnnotationId> = anchored.iter().map(|a| &a.id).collect();
    for a in &anchored {
        let Some(r) = a.target.range else { continue };
        first = Some(first.map_or(a.created, |f: Timestamp| f.min(a.created)));
        last = Some(last.map_or(a.modified, |l: Timestamp| l.max(a.modified)));
        let (s, e, text) = (r.start().0, r.end().0, a.target.quote.exact());
        let region = |from: &str, kind: &str, extra: (&str, Value)| {
            let mut value = json!({"start": s, "end": e, "text": text});
            value[extra.0] = extra.1;
            json!({"id": a.id.as_str(), "from_name": from, "to_name": "text", "type": kind, "origin": "manual", "value": value})
        };
        result.push(region("label", "labels", ("labels", json!([label_of(cx.schema, a)]))));
        if let Some(c) = a.claim() {
            result.push(region("verdict", "choices", ("choices", json!([c.verdict.as_str()]))));
            if !c.note.is_empty() {
                result.push(region("note", "textarea", ("text", json!([c.note]))));
            }
            if let Some(who) = c.claimant.as_ref().filter(|w| ids.contains(w)) {
                result.push(json!({"from_id": a.id.as_str(), "to_id": who.as_str(), "type": "relation", "direction": "right", "labels": ["claimant"]}));
            }
        }
    }
    let mut annotation = json!({"id": 1, "result": result});
    if let (Some(f), Some(l)) = (first, last) {
        annotation["created_at"] = json!(time::format(f));
        annotation["updated_at"] = json!(time::format(l));
    }
    let task = json!([{"id": 1, "data": {"text": cx.doc.text(), "document_id": cx.document_id, "source": cx.source}, "annotations": [annotation]}]);
    let mut s = serde_json::to_string_pretty(&task).unwrap_or_default();
    s.push('\n');
    s
}

fn task_text(task: &Value) -> Option<&str> {
    let data = task.get("data")?;
    data.get("text").and_then(Value::as_str).or_else(|| data.as_object()?.values().find_map(Value::as_str))
}

/// The first task's text.
pub fn first_text(text: &str) -> Option<String> {
    let v: Value = serde_json::from_str(text).ok()?;
    let task = match &v {
        Value::Array(a) => a.first()?,
        other => other,
    };
    task_text(task).map(str::to_string)
}

/// Reads a Label Studio export: a list of tasks, or one task. Errors only when the file
/// is not JSON or holds no tasks.
pub fn import(text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Result<Imported, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let tasks: Vec<&Value> = match &v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) if v.get("data").is_some() => vec![&v],
        _ => return Err("no tasks found: expected a list of tasks, each with data.text and annotations[].result[]".into()),
    };
    let mut out = Imported { carries: CARRIES, ..Imported::default() };
    let mut hint = AnchorHint::default();
    for (t, task) in tasks.iter().enumerate() {
        let location = format!("task {}", t + 1);
        let issue = |field: String, message: String| ImportIssue { location: location.clone(), field, message };
        let Some(text) = task_text(task) else {
            out.issues.push(issue("data.text".into(), "missing; expected the text the regions count in".into()));
            continue;
        };
        let file = FileText::new(doc, text);
        let annotations = task.get("annotations").or_else(|| task.get("completions")).and_then(Value::as_array);
        for (k, ann) in annotations.into_iter().flatten().enumerate() {
            let created = ann.get("created_at").and_then(Value::as_str).and_then(time::parse).unwrap_or(now);
            let modified = ann.get("updated_at").and_then(Value::as_str).and_then(time::parse).unwrap_or(created);
            let mut regions: Vec<(Annotation, Option<crate::core::offset::CharRange>)> = Vec::new();
            let mut by_id: HashMap<String, usize> = HashMap::new();
            let results = ann.get("result").and_then(Value::as_array);
            let results: Vec<&Value> = results.into_iter().flatten().collect();
            // Regions first, then what refers to them (per-region choices, notes, relations).
            for (i, r) in results.iter().enumerate() {
                let field = format!("annotations[{k}].result[{i}]");
                let value = r.get("value");
                let Some(labels) = value.and_then(|v| v.get("labels")).and_then(Value::as_array) else { continue };
                let Some(label) = labels.first().and_then(Value::as_str) else {
                    out.issues.push(issue(field, "value.labels is empty".into()));
                    continue;
                };
                let n = |key: &str| value.and_then(|v| v.get(key)).and_then(Value::as_u64).map(|n| n as usize);
                let (Some(s), Some(e)) = (n("start"), n("end")) else {
                    out.issues.push(issue(field, "expected value.start and value.end in code points (only regions over a Text are read)".into()));
                    continue;
                };
                let Some(id) = r.get("id").and_then(Value::as_str).and_then(AnnotationId::new) else {
                    out.issues.push(issue(format!("{field}.id"), "missing; every region needs an id".into()));
                    continue;
                };
                let said = value.and_then(|v| v.get("text")).and_then(Value::as_str);
                let (position, quote) = match file.span(s, e) {
                    // Offsets that disagree with the region's own text (an older export
                    // counting UTF-16 units): find it by that text instead.
                    Ok((p, q)) if said.is_none_or(|t| t == q.exact()) => (p, q),
                    Ok((p, _)) => (p, Quote::bare(said.unwrap_or(""))),
                    Err(_) if said.is_some() => (None, Quote::bare(said.unwrap_or(""))),
                    Err(m) => {
                        out.issues.push(issue(field, m));
                        continue;
                    }
                };
                by_id.insert(id.as_str().to_string(), regions.len());
                let body = body_for_label(schema, label);
                regions.push((Annotation { id, target: Target { range: None, quote }, body, created, modified, creator: None }, position));
            }
            for (i, r) in results.iter().enumerate() {
                let field = format!("annotations[{k}].result[{i}]");
                let kind = r.get("type").and_then(Value::as_str).unwrap_or("");
                let region = r.get("id").and_then(Value::as_str).and_then(|id| by_id.get(id).copied());
                let value = r.get("value");
                match kind {
                    "choices" => {
                        let choice = value.and_then(|v| v.get("choices")).and_then(Value::as_array).and_then(|c| c.first()).and_then(Value::as_str);
                        match (region.map(|x| &mut regions[x].0.body), choice.and_then(Verdict::parse)) {
                            (Some(Body::Claim(c)), Some(v)) => c.verdict = v,
                            (Some(Body::Claim(_)), None) => out.issues.push(issue(field, format!("unknown verdict {:?}", choice.unwrap_or("")))),
                            _ => out.issues.push(issue(field, "choices skipped: only a verdict on a Claim region is read".into())),
                        }
                    }
                    "textarea" => {
                        let lines: Vec<&str> = value.and_then(|v| v.get("text")).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                        match region.map(|x| &mut regions[x].0.body) {
                            Some(Body::Claim(c)) => c.note = lines.join("\n"),
                            _ => out.issues.push(issue(field, "textarea skipped: only a note on a Claim region is read".into())),
                        }
                    }
                    "relation" => {
                        let end = |k: &str| r.get(k).and_then(Value::as_str).and_then(|id| by_id.get(id).copied());
                        let labels: Vec<&str> = r.get("labels").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
                        if !labels.is_empty() && !labels.iter().any(|l| l.eq_ignore_ascii_case("claimant")) {
                            out.issues.push(issue(field, format!("relation {labels:?} skipped; only `claimant` (claim → who makes it) is read")));
                            continue;
                        }
                        match (end("from_id"), end("to_id")) {
                            (Some(f), Some(t)) if !regions[t].0.body.is_claim() => {
                                let who = regions[t].0.id.clone();
                                match &mut regions[f].0.body {
                                    Body::Claim(c) => c.claimant = Some(who),
                                    Body::Entity(_) => out.issues.push(issue(field, "from_id must be a Claim region".into())),
                                }
                            }
                            _ => out.issues.push(issue(field, "from_id and to_id must name a Claim region and an entity region of this annotation".into())),
                        }
                    }
                    _ if value.and_then(|v| v.get("labels")).is_some() => {}
                    other => out.issues.push(issue(field, format!("result of type {other:?} skipped"))),
                }
            }
            for (a, position) in regions {
                out.annotations.push(anchor_into(doc, a, position, &mut hint).0);
            }
        }
    }
    Ok(out)
}
