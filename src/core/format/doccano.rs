//! doccano JSONL, both shapes doccano writes for sequence labelling:
//! `{"text": …, "label": [[start, end, "Person"], …]}` and, for projects with
//! relations, `{"text": …, "entities": [{"id", "label", "start_offset", "end_offset"}],
//! "relations": [{"id", "from_id", "to_id", "type"}]}`. Positions are code points of
//! `text` (doccano is Python). A claim's claimant is the relation `Claimant` from the
//! claim to the entity.
//!
//! Invariants: export writes one line holding the whole article; import reads every
//! record through [`corpus::doccano`] and takes those that are the article (the whole
//! article, a paragraph of it, or an older version re-anchored by quote; see
//! [`crate::core::corpus::bridge::into_article`]).

use crate::core::corpus::bridge::CLAIMANT;
use crate::core::corpus;
use crate::core::document::Document;
use crate::core::format::{label_of, ExportContext};
use crate::core::format::{Carries, Imported};
use crate::core::model::{Annotation, AnnotationId, Timestamp};
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
        // The mentions of one entity: a `SameAs` relation from each to its first.
        for (later, first) in crate::core::entities::same_as_pairs(&anchored) {
            if let (Some(&from), Some(&to)) = (num.get(later), num.get(first)) {
                rels.push(json!({"id": rels.len() + 1, "from_id": from, "to_id": to, "type": crate::core::corpus::bridge::SAME_AS}));
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

/// Reads doccano records (JSON Lines, a JSON array, or pretty-printed objects; either
/// shape): the records that are the article, or a part of it, are imported.
pub fn import(text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let mut carries = Carries::SPANS;
    // A file in doccano's relations shape says who makes each claim (no relation: nobody)
    // and which mentions are one entity (`SameAs`). A quoted key can only be a key or a
    // value here: quotes inside strings are escaped.
    if text.contains("\"relations\"") {
        carries.claimants = true;
        carries.groups = true;
    }
    crate::core::format::records_into(corpus::doccano::read, "doccano", false, carries, text, doc, schema, now)
}

