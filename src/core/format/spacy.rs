//! spaCy / Prodigy JSONL: `{"text": …, "spans": [{"start", "end", "label",
//! "token_start", "token_end"}], "tokens": [{"text", "start", "end", "id", "ws"}]}`, as
//! Prodigy's `ner` recipes and spaCy's `Doc.char_span` read it. `start`/`end` are code
//! points of `text` (Python string indices); `token_end` is inclusive, as in Prodigy.
//!
//! Invariants: tokens come from Unicode word segmentation (UAX #29) without white
//! space, the same tokens as the CoNLL export; spans may overlap (spaCy keeps them in
//! `doc.spans`; `doc.ents` cannot hold overlaps); orphans are not written.

use crate::core::document::Document;
use crate::core::format::catalog::{label_of, ExportContext};
use crate::core::format::conll::tokens;
use crate::core::format::doccano::read_records;
use crate::core::format::{Carries, Imported};
use crate::core::model::Timestamp;
use crate::core::schema::Schema;
use serde_json::{json, Value};

pub fn export(cx: &ExportContext) -> String {
    let text = cx.doc.text();
    let toks = tokens(text);
    let token_values: Vec<Value> = toks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let ws = toks.get(i + 1).map_or(t.range.end().0 < cx.doc.len_chars().0, |n| n.range.start() > t.range.end());
            json!({"text": t.text, "start": t.range.start().0, "end": t.range.end().0, "id": i, "ws": ws})
        })
        .collect();
    let mut spans = Vec::new();
    for a in cx.set.in_reading_order() {
        let Some(r) = a.target.range else { continue };
        // The tokens the span touches (binary search: tokens are sorted and disjoint).
        let first = toks.partition_point(|t| t.range.end() <= r.start());
        let last = toks.partition_point(|t| t.range.start() < r.end());
        let mut s = json!({"start": r.start().0, "end": r.end().0, "label": label_of(cx.schema, a)});
        if last > first {
            s["token_start"] = json!(first);
            s["token_end"] = json!(last - 1);
        }
        spans.push(s);
    }
    let mut line = json!({"text": text, "spans": spans, "tokens": token_values}).to_string();
    line.push('\n');
    line
}

/// Reads spaCy/Prodigy JSONL (a JSON array of records too); `tokens` are not needed.
pub fn import(text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let mut out = Imported { carries: Carries::SPANS, ..Imported::default() };
    read_records(text, "spacy", doc, schema, now, &mut out);
    out
}
