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

use crate::core::corpus;
use crate::core::document::Document;
use crate::core::format::{label_of, ExportContext};
use crate::core::format::{Carries, Imported};
use crate::core::model::{Annotation, AnnotationId, Timestamp};
use crate::core::schema::Schema;
use crate::core::time;
use serde_json::{json, Value};

pub const CARRIES: Carries = Carries::LABEL_STUDIO;

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
    // The mentions of one entity: a `same-as` relation from each to its first.
    for (later, first) in crate::core::entities::same_as_pairs(&anchored) {
        result.push(json!({"from_id": later.as_str(), "to_id": first.as_str(), "type": "relation", "direction": "bi", "labels": [crate::core::corpus::bridge::SAME_AS]}));
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

/// Reads a Label Studio export: a list of tasks, or one task. Errors only when the file
/// holds no task at all. Predictions are not imported (the issues say how many).
pub fn import(text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Result<Imported, String> {
    let v = serde_json::from_str::<Value>(text);
    if let Ok(v) = &v {
        if !v.is_array() && v.get("data").is_none() {
            return Err("no tasks found: expected a list of tasks, each with data.text and annotations[].result[]".into());
        }
    }
    let out = crate::core::format::records_into(corpus::labelstudio::read, "label-studio", true, CARRIES, text, doc, schema, now);
    if v.is_err() && out.annotations.is_empty() && out.issues.iter().all(|i| i.location.starts_with("file") || i.message.starts_with("not JSON")) {
        return Err(out.issues.first().map_or_else(|| "not JSON".into(), |i| i.message.clone()));
    }
    Ok(out)
}
