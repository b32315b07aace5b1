//! CoNLL-2003 style IOB2 for NER training (export only).
//!
//! The file starts with `-DOCSTART- -X- -X- O` and a blank line; then one token per
//! line, four space-separated columns as in CoNLL-2003 (`token POS chunk NER`, with `_`
//! for the POS and chunk columns we do not have), and a blank line after each sentence.
//! Tokens are UAX #29 words (punctuation is its own token; white space is dropped);
//! sentences are UAX #29 sentences, and never cross a paragraph.
//!
//! Overlap policy (IOB2 tags each token once): entities are taken by start, the longer
//! first at the same start; an entity that overlaps one already taken is left out and
//! counted. A token is tagged when it overlaps an entity (a span that ends inside a word
//! tags the whole word). Claims are not written: IOB2 here is for entities.

use crate::core::corpus::brat::type_name;
use crate::core::format::{count, label_of, ExportContext};
use crate::core::offset::CharRange;
use unicode_segmentation::UnicodeSegmentation;

pub use crate::core::format::tokens::{tokens, Token};

pub fn export(cx: &ExportContext, left_out: &mut Vec<String>) -> String {
    let mut entities: Vec<(CharRange, String)> = Vec::new();
    let mut claims = 0;
    for a in cx.set.in_reading_order() {
        match (a.target.range, a.body.is_claim()) {
            (Some(_), true) => claims += 1,
            (Some(r), false) => entities.push((r, type_name(label_of(cx.schema, a)))),
            (None, _) => {}
        }
    }
    if claims > 0 {
        left_out.push(format!("{} (CoNLL IOB2 holds entities only)", count(claims, "claim", "claims")));
    }
    let text = cx.doc.text();
    let mut out = String::from("-DOCSTART- -X- -X- O\n\n");
    // Already sorted by start, longer first (reading order).
    let dropped = iob2(text, &tokens(text), &entities, &mut out).len();
    if dropped > 0 {
        left_out.push(format!("{} overlapping a longer or earlier one (IOB2 tags each token once)", count(dropped, "entity", "entities")));
    }
    out
}

/// Writes `toks` of `text` one a line, tagged IOB2 with `entities` (sorted by start,
/// the longer first at the same start), a blank line after each sentence. Returns the
/// indices of the entities left out for overlapping one already taken.
pub fn iob2(text: &str, toks: &[Token], entities: &[(CharRange, String)], out: &mut String) -> Vec<usize> {
    let mut kept: Vec<(CharRange, &str)> = Vec::new();
    let mut dropped = Vec::new();
    for (i, (r, label)) in entities.iter().enumerate() {
        if kept.last().is_some_and(|(k, _)| k.overlaps(r)) {
            dropped.push(i);
        } else {
            kept.push((*r, label));
        }
    }
    // Sentence ends as code-point offsets.
    let mut ends = Vec::new();
    let mut chars = 0usize;
    for s in text.split_sentence_bounds() {
        chars += s.chars().count();
        ends.push(chars);
    }
    let mut sentence = 0usize;
    let mut entity = 0usize;
    let mut open: Option<usize> = None; // index in `kept` of the entity the last token was in
    let mut in_sentence = false;
    for t in toks {
        while sentence < ends.len() && t.range.start().0 >= ends[sentence] {
            sentence += 1;
            if in_sentence {
                out.push('\n');
                in_sentence = false;
                open = None;
            }
        }
        while entity < kept.len() && kept[entity].0.end() <= t.range.start() {
            entity += 1;
        }
        let tag = match kept.get(entity).filter(|(r, _)| r.overlaps(&t.range)) {
            Some((_, label)) if open == Some(entity) => format!("I-{label}"),
            Some((_, label)) => {
                open = Some(entity);
                format!("B-{label}")
            }
            None => {
                open = None;
                "O".into()
            }
        };
        // A token holds no white space in this format.
        let word: String = t.text.split_whitespace().collect::<Vec<_>>().join("_");
        out.push_str(&word);
        out.push_str(" _ _ ");
        out.push_str(&tag);
        out.push('\n');
        in_sentence = true;
    }
    if in_sentence {
        out.push('\n');
    }
    dropped
}
