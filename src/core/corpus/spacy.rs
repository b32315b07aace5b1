//! spaCy / Prodigy JSONL as documents: `{"text": …, "tokens": [{"text", "start",
//! "end", "id", "ws"}], "spans": [{"start", "end", "label", "token_start",
//! "token_end"}], "answer": "accept", "_input_hash": …, "meta": {…}}`, as Prodigy's
//! `ner` recipes write it and spaCy's `Doc.char_span` reads it. `start`/`end` are code
//! points of `text` (Python string indices); `token_end` is inclusive; a span's
//! `kb_id` is its knowledge-base link.
//!
//! Invariants: a file's tokens are kept as they are and spans are checked against them
//! (a span that does not start and end on token boundaries is reported); documents
//! without tokens get UAX #29 word tokens on writing, the same as the CoNLL export;
//! every other field of a record or of a span is kept and written back.

use crate::core::corpus::doccano::{fields_out, span_parts};
use crate::core::corpus::{check_frags, whole, issue, Cutter, Doc, Frag, Issue, Norm, Span, Token, Written};
use crate::core::format::conll::tokens as word_tokens;
use serde_json::{json, Map, Value};


type Bounds = (std::collections::HashMap<usize, usize>, std::collections::HashMap<usize, usize>);

/// The index of the token starting at each position, and of the token ending at each.
fn token_ends(toks: Option<&[Token]>) -> Option<Bounds> {
    let toks = toks?;
    let mut by_start = std::collections::HashMap::with_capacity(toks.len());
    let mut by_end = std::collections::HashMap::with_capacity(toks.len());
    for (i, t) in toks.iter().enumerate() {
        by_start.entry(t.start).or_insert(i);
        by_end.insert(t.end, i);
    }
    Some((by_start, by_end))
}

/// One record. Errors only when it has no text.
pub fn read(record: Value, location: &str) -> Result<(Doc, Vec<Issue>), Issue> {
    let Value::Object(mut o) = record else { return Err(issue(location, "expected a JSON object")) };
    let Some(Value::String(text)) = o.remove("text") else {
        return Err(issue(format!("{location}, text"), "missing; expected the text the spans count in"));
    };
    let cut = Cutter::new(&text);
    let len = cut.len_chars();
    let mut issues = Vec::new();
    let mut doc = Doc { name: None, ..Doc::default() };
    doc.answer = match o.remove("answer") {
        Some(Value::String(a)) => Some(a),
        Some(other) => {
            issues.push(issue(format!("{location}, answer"), format!("expected \"accept\", \"reject\" or \"ignore\", found {other}")));
            None
        }
        None => None,
    };
    if let Some(Value::Array(toks)) = o.remove("tokens") {
        let mut out = Vec::with_capacity(toks.len());
        for (i, t) in toks.iter().enumerate() {
            let at = format!("{location}, tokens[{i}]");
            match (whole(t.get("start")), whole(t.get("end"))) {
                (Some(start), Some(end)) if start <= end && end <= len => {
                    if let Some(said) = t.get("text").and_then(Value::as_str) {
                        let actual = cut.cut(start, end).unwrap_or("");
                        if said != actual {
                            issues.push(issue(&at, format!("its text {said:?} is not the text at {start}-{end} ({actual:?})")));
                        }
                    }
                    out.push(Token { start, end, id: t.get("id").and_then(Value::as_u64), ws: t.get("ws").and_then(Value::as_bool) });
                }
                _ => issues.push(issue(at, format!("expected start <= end within the text ({len} code points); the tokens are not kept"))),
            }
        }
        if out.len() == toks.len() {
            doc.tokens = Some(out);
        }
    }
    let starts = token_ends(doc.tokens.as_deref());
    let spans = o.remove("spans");
    for (i, v) in spans.as_ref().and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = format!("{location}, spans[{i}]");
        let Value::Object(s) = v else {
            issues.push(issue(at, "expected an object with start, end and label; skipped"));
            continue;
        };
        let mut s = s.clone();
        let (start, end) = (whole(s.get("start")), whole(s.get("end")));
        let label = s.remove("label").and_then(|l| l.as_str().map(str::to_string));
        let (Some(start), Some(end), Some(label)) = (start, end, label) else {
            issues.push(issue(at, "expected start and end (whole numbers) and a label; skipped"));
            continue;
        };
        let frag = Frag { start, end };
        if let Err(m) = check_frags(&[frag], len) {
            issues.push(issue(at, format!("{m}; skipped")));
            continue;
        }
        s.remove("start");
        s.remove("end");
        let (ts, te) = (whole(s.remove("token_start").as_ref()), whole(s.remove("token_end").as_ref()));
        if let Some((by_start, by_end)) = &starts {
            match (by_start.get(&start).copied(), by_end.get(&end).copied()) {
                (Some(f), Some(l)) => {
                    if ts.is_some_and(|x| x != f) || te.is_some_and(|x| x != l) {
                        issues.push(issue(&at, format!("token_start/token_end {}-{} disagree with its offsets, which cover tokens {f}-{l}; the offsets are kept", ts.map_or("?".into(), |x| x.to_string()), te.map_or("?".into(), |x| x.to_string()))));
                    }
                }
                _ => issues.push(issue(&at, format!("{start}-{end} does not start and end on token boundaries"))),
            }
        }
        let mut span = Span { id: None, label, fragments: vec![frag], ..Span::default() };
        if let Some(Value::String(kb)) = s.remove("kb_id") {
            if !kb.is_empty() {
                span.norms.push(Norm { id: None, kind: "Reference".into(), reference: kb, text: String::new() });
            }
        }
        span.fields = s;
        doc.spans.push(span);
    }
    doc.text = text;
    doc.fields = o;
    Ok((doc, issues))
}

/// One line of a document: its tokens (its own, or UAX #29 words), its spans with the
/// tokens they cover, its answer and its other fields.
pub fn write(doc: &Doc, predictions: bool) -> (String, Written) {
    let mut w = Written::default();
    let cut = Cutter::new(&doc.text);
    let len = cut.len_chars();
    let toks: Vec<Token> = match &doc.tokens {
        Some(t) => t.clone(),
        None => {
            let words = word_tokens(&doc.text);
            words
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let ws = words.get(i + 1).map_or(t.range.end().0 < len, |n| n.range.start() > t.range.end());
                    Token { start: t.range.start().0, end: t.range.end().0, id: Some(i as u64), ws: Some(ws) }
                })
                .collect()
        }
    };
    let token_values: Vec<Value> = toks
        .iter()
        .map(|t| {
            let mut o = Map::new();
            o.insert("text".into(), json!(cut.cut(t.start, t.end).unwrap_or("")));
            o.insert("start".into(), json!(t.start));
            o.insert("end".into(), json!(t.end));
            if let Some(id) = t.id {
                o.insert("id".into(), json!(id));
            }
            if let Some(ws) = t.ws {
                o.insert("ws".into(), json!(ws));
            }
            Value::Object(o)
        })
        .collect();
    let (by_start, by_end) = token_ends(Some(&toks)).unwrap_or_default();
    let mut spans = Vec::new();
    for s in &doc.spans {
        if doc.is_prediction(s) && !predictions {
            w.leave_prediction(s, "spaCy/Prodigy");
            continue;
        }
        if s.fragments.len() > 1 {
            w.change(s.name(), format!("its {} fragments written as {} spans (spaCy spans are continuous)", s.fragments.len(), s.fragments.len()));
        }
        for f in &s.fragments {
            let mut o = Map::new();
            o.insert("start".into(), json!(f.start));
            o.insert("end".into(), json!(f.end));
            o.insert("label".into(), json!(s.label));
            match (by_start.get(&f.start).copied(), by_end.get(&f.end).copied()) {
                (Some(a), Some(b)) if a <= b => {
                    o.insert("token_start".into(), json!(a));
                    o.insert("token_end".into(), json!(b));
                }
                _ => w.change(s.name(), format!("{}-{} does not start and end on token boundaries, so it has no token_start/token_end", f.start, f.end)),
            }
            if let Some(n) = s.norms.first() {
                o.insert("kb_id".into(), json!(n.reference));
            }
            for (k, v) in &s.fields {
                o.entry(k.clone()).or_insert_with(|| v.clone());
            }
            spans.push(Value::Object(o));
        }
        w.items += 1;
        // The first link is the span's kb_id; the rest have no place.
        w.items += s.norms.len().min(1);
        span_parts(s, 1, &mut w, "spaCy/Prodigy");
    }
    for r in &doc.relations {
        w.leave(r.name(), "spaCy/Prodigy span files have no relations");
    }
    for e in &doc.extras {
        w.leave(&e.what, "spaCy/Prodigy files have no place for it");
    }
    let mut o = Map::new();
    o.insert("text".into(), json!(doc.text));
    o.insert("tokens".into(), Value::Array(token_values));
    o.insert("spans".into(), Value::Array(spans));
    fields_out(doc, &mut o);
    if let Some(n) = &doc.name {
        o.entry("meta").or_insert_with(|| json!({})).as_object_mut().map(|m| m.entry("id").or_insert_with(|| json!(n)));
    }
    let mut line = Value::Object(o).to_string();
    line.push('\n');
    (line, w)
}
