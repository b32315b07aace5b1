//! spaCy / Prodigy JSONL: `{"text": …, "spans": [{"start", "end", "label",
//! "token_start", "token_end"}], "tokens": [{"text", "start", "end", "id", "ws"}]}`, as
//! Prodigy's `ner` recipes and spaCy's `Doc.char_span` read it. `start`/`end` are code
//! points of `text` (Python string indices); `token_end` is inclusive, as in Prodigy.
//!
//! Invariants: tokens come from Unicode word segmentation (UAX #29) without white
//! space, the same tokens as the CoNLL export; spans may overlap (spaCy keeps them in
//! `doc.spans`; `doc.ents` cannot hold overlaps); orphans are not written.

use crate::core::document::Document;
use crate::core::format::{label_of, ExportContext};
use crate::core::format::tokens::tokens;
use crate::core::corpus;
use crate::core::format::{Carries, Imported};
use crate::core::model::Timestamp;
use crate::core::schema::Schema;
use serde::Serialize;

#[derive(Serialize)]
struct TokenOut<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    start: usize,
    end: usize,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_end: Option<usize>,
    /// The thing the mention names (spaCy's entity linking): a Wikidata item as `Q42`,
    /// any other IRI as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    kb_id: Option<String>,
}

#[derive(Serialize)]
struct LineOut<'a> {
    text: &'a str,
    spans: Vec<SpanOut<'a>>,
    tokens: Vec<TokenOut<'a>>,
}

pub fn export(cx: &ExportContext) -> String {
    let text = cx.doc.text();
    let toks = tokens(text);
    let len = cx.doc.len_chars().0;
    let token_values: Vec<TokenOut> = toks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let ws = toks.get(i + 1).map_or(t.range.end().0 < len, |n| n.range.start() > t.range.end());
            TokenOut { text: t.text, start: t.range.start().0, end: t.range.end().0, id: i, ws }
        })
        .collect();
    let mut spans = Vec::new();
    for a in cx.set.in_reading_order() {
        let Some(r) = a.target.range else { continue };
        // The tokens the span touches (binary search: tokens are sorted and disjoint).
        let first = toks.partition_point(|t| t.range.end() <= r.start());
        let last = toks.partition_point(|t| t.range.start() < r.end());
        let touched = last > first;
        spans.push(SpanOut {
            start: r.start().0,
            end: r.end().0,
            label: label_of(cx.schema, a),
            token_start: touched.then_some(first),
            token_end: touched.then(|| last - 1),
            kb_id: a.entity.as_deref().filter(|_| !a.body.is_claim()).map(|iri| crate::core::model::wikidata_item(iri).unwrap_or(iri).to_string()),
        });
    }
    let mut line = serde_json::to_string(&LineOut { text, spans, tokens: token_values }).unwrap_or_default();
    line.push('\n');
    line
}

/// Reads spaCy/Prodigy JSONL (a JSON array of records too); only accepted examples.
pub fn import(text: &str, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    crate::core::format::records_into(corpus::spacy::read, "spacy", false, Carries { entities: true, ..Carries::SPANS }, text, doc, schema, now)
}
