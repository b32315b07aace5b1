//! CoNLL-2003 style IOB2 for a corpus (export only): each document starts with
//! `-DOCSTART- -X- -X- O` and a blank line, then its tokens (the document's own, as a
//! spaCy or Prodigy file gave them, else UAX #29 words) tagged with the spans' labels
//! as written, with the overlap policy of [`crate::core::format::conll`].
//!
//! Invariant: every span is either tagged or listed as left out with why.

use crate::core::corpus::brat::type_name;
use crate::core::corpus::doccano::span_parts;
use crate::core::corpus::{span_fields, Cutter, Doc, Written};
use crate::core::format::conll::{iob2, tokens, Token};
use crate::core::offset::CharRange;

/// One document's block of the file.
pub fn write(doc: &Doc, predictions: bool) -> (String, Written) {
    let mut w = Written::default();
    let cut = Cutter::new(&doc.text);
    let toks: Vec<Token> = match &doc.tokens {
        Some(t) => t.iter().filter_map(|t| Some(Token { range: CharRange::from_usize(t.start, t.end)?, text: cut.cut(t.start, t.end)? })).filter(|t| !t.text.trim().is_empty()).collect(),
        None => tokens(&doc.text),
    };
    let mut entities: Vec<(CharRange, String, usize)> = Vec::new();
    for (i, s) in doc.spans.iter().enumerate() {
        if doc.is_prediction(s) && !predictions {
            w.leave_prediction(s, "CoNLL");
            continue;
        }
        let Some(h) = s.hull().and_then(|h| CharRange::from_usize(h.start, h.end)) else { continue };
        if s.fragments.len() > 1 {
            w.change(s.name(), "its fragments tagged as one span, gaps included (IOB2 spans are continuous)");
        }
        entities.push((h, type_name(&s.label), i));
    }
    entities.sort_by_key(|(r, _, i)| (r.start(), std::cmp::Reverse(r.end()), *i));
    let mut out = String::from("-DOCSTART- -X- -X- O\n\n");
    let pairs: Vec<(CharRange, String)> = entities.iter().map(|(r, l, _)| (*r, l.clone())).collect();
    let dropped = iob2(&doc.text, &toks, &pairs, &mut out);
    let mut is_dropped = vec![false; entities.len()];
    for d in dropped {
        is_dropped[d] = true;
    }
    for ((_, _, i), dropped) in entities.iter().zip(is_dropped) {
        let s = &doc.spans[*i];
        if dropped {
            w.leave_span(s, "overlaps a longer or earlier span (IOB2 tags each token once)", "on a span that was left out");
        } else {
            w.items += 1;
            span_parts(s, 0, &mut w, "CoNLL");
        }
    }
    for r in &doc.relations {
        w.leave(r.name(), "CoNLL IOB2 has no relations");
    }
    for e in &doc.extras {
        w.leave(&e.what, "CoNLL IOB2 has no place for it");
    }
    span_fields(doc, &mut w, "CoNLL", &[]);
    if !doc.fields.is_empty() || doc.answer.is_some() {
        w.change(doc.name.clone().unwrap_or_else(|| "the document".into()), "its metadata (CoNLL has no place for it)");
    }
    (out, w)
}
