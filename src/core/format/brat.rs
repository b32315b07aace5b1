//! brat standoff: the article as `.txt`, the annotations as `.ann`, the types as
//! `annotation.conf` (brat's own documentation: "standoff format").
//!
//! `.ann` lines, tab-separated (⇥ below): `T1⇥Person 0 16⇥Nikolai Nikiforov` (a text-bound
//! annotation: type, start and end in code points of the `.txt`, the covered text);
//! `R1⇥Claimant Arg1:T7 Arg2:T1` (the claim T7 is made by the entity T1);
//! `A1⇥Verdict T7 mostly-true`; `#1⇥AnnotatorNotes T7⇥the note`. A span that crosses a
//! line break is written as fragments (`T7⇥Claim 10 40;42 60⇥...`), since brat's `.txt`
//! lines cannot be spanned; on import the fragments' hull is the span.
//!
//! Invariants: type names match `[A-Za-z0-9_-]+` (other characters become `_`); a note
//! is one line (line breaks become spaces); ids are `T`/`R`/`A`/`#` plus a number,
//! numbered in reading order; orphans are not written (brat needs offsets).

use crate::core::anchor::AnchorHint;
use crate::core::document::Document;
use crate::core::format::catalog::{body_for_label, label_of, ExportContext, OutFile};
use crate::core::format::{anchor_into, derived_id, Carries, FileText, ImportIssue, Imported};
use crate::core::model::{Annotation, AnnotationId, Body, Quote, Target, Timestamp, Verdict};
use crate::core::offset::CharRange;
use crate::core::schema::Schema;
use std::collections::HashMap;
use std::fmt::Write as _;

/// What brat keeps of our model.
pub const CARRIES: Carries = Carries { claimants: true, verdicts: true, notes: true, ..Carries::SPANS };

/// The relation type linking a claim (Arg1) to its claimant (Arg2).
pub const CLAIMANT: &str = "Claimant";
/// The attribute holding a claim's verdict.
pub const VERDICT: &str = "Verdict";

/// A type name brat accepts.
pub fn type_name(label: &str) -> String {
    let s: String = label.trim().chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if s.is_empty() {
        "Entity".into()
    } else {
        s
    }
}

/// The fragments of `r` between line breaks, as code-point ranges (empty ones dropped).
fn fragments(doc: &Document, r: CharRange) -> Vec<CharRange> {
    let Some(text) = doc.slice(r) else { return vec![r] };
    let mut out = Vec::new();
    let mut start = r.start().0;
    let mut at = start;
    for c in text.chars() {
        if c == '\n' {
            if at > start {
                out.extend(CharRange::from_usize(start, at));
            }
            start = at + 1;
        }
        at += 1;
    }
    if at > start {
        out.extend(CharRange::from_usize(start, at));
    }
    out
}

fn one_line(s: &str) -> String {
    s.split(['\n', '\r', '\t']).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The `.txt`, `.ann` and `annotation.conf` of an export.
pub fn export(cx: &ExportContext, stem: &str) -> Vec<OutFile> {
    let mut ann = String::new();
    let mut t_of: HashMap<&AnnotationId, usize> = HashMap::new();
    let anchored: Vec<&Annotation> = cx.set.in_reading_order().into_iter().filter(|a| !a.is_orphan()).collect();
    for (i, a) in anchored.iter().enumerate() {
        let Some(r) = a.target.range else { continue };
        let n = i + 1;
        t_of.insert(&a.id, n);
        let frags = fragments(cx.doc, r);
        let offsets = frags.iter().map(|f| format!("{} {}", f.start().0, f.end().0)).collect::<Vec<_>>().join(";");
        let covered = frags.iter().filter_map(|f| cx.doc.slice(*f)).collect::<Vec<_>>().join(" ");
        let _ = writeln!(ann, "T{n}\t{} {offsets}\t{covered}", type_name(label_of(cx.schema, a)));
    }
    let (mut rn, mut an, mut nn) = (0, 0, 0);
    for a in &anchored {
        let (Some(c), Some(&t)) = (a.claim(), t_of.get(&a.id)) else { continue };
        an += 1;
        let _ = writeln!(ann, "A{an}\t{VERDICT} T{t} {}", c.verdict.as_str());
        if let Some(who) = c.claimant.as_ref().and_then(|w| t_of.get(w)) {
            rn += 1;
            let _ = writeln!(ann, "R{rn}\t{CLAIMANT} Arg1:T{t} Arg2:T{who}");
        }
        if !c.note.trim().is_empty() {
            nn += 1;
            let _ = writeln!(ann, "#{nn}\tAnnotatorNotes T{t}\t{}", one_line(&c.note));
        }
    }
    let mut text = cx.doc.text().to_string();
    text.push('\n');
    vec![
        OutFile { name: format!("{stem}.txt"), mime: "text/plain", text },
        OutFile { name: format!("{stem}.ann"), mime: "text/plain", text: ann },
        OutFile { name: "annotation.conf".into(), mime: "text/plain", text: conf(cx.schema) },
    ]
}

/// brat's `annotation.conf` for a schema: its entity types and Claim, the Claimant
/// relation, and the Verdict attribute with every verdict.
pub fn conf(schema: &Schema) -> String {
    let types: Vec<String> = schema.types().iter().map(|t| type_name(&t.label)).collect();
    let verdicts = Verdict::ALL.map(|v| v.as_str()).join("|");
    format!(
        "# brat configuration written by article-annotator\n[entities]\n{}\nClaim\n\n[relations]\n{CLAIMANT}\tArg1:Claim, Arg2:{}\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n{VERDICT}\tArg:Claim, Value:{verdicts}\n",
        types.join("\n"),
        types.join("|"),
    )
}

struct TextBound {
    line: usize,
    brat_id: String,
    annotation: Annotation,
    position: Option<CharRange>,
}

/// Reads a `.ann` file; `txt` is the `.txt` it counts in, if given (without it, each
/// span is placed by its offsets and checked against its covered text).
pub fn import(ann: &str, txt: Option<&str>, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let mut out = Imported { carries: CARRIES, ..Imported::default() };
    let file = txt.map(|t| FileText::new(doc, t));
    let mut spans: Vec<TextBound> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let issue = |line: usize, field: &str, message: String| ImportIssue { location: format!("line {line}"), field: field.into(), message };
    // Pass 1: text-bound annotations; pass 2: what refers to them.
    for (i, raw) in ann.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim_end_matches('\r');
        if !l.starts_with('T') {
            continue;
        }
        let mut cols = l.splitn(3, '\t');
        let (id, spec, covered) = (cols.next().unwrap_or(""), cols.next(), cols.next());
        let Some(spec) = spec else {
            out.issues.push(issue(line, "", format!("{id}: expected a tab, then the type and offsets")));
            continue;
        };
        let (ty, offsets) = spec.split_once(' ').unwrap_or((spec, ""));
        let mut hull: Option<(usize, usize)> = None;
        let mut bad = None;
        for frag in offsets.split(';') {
            let mut nums = frag.split_whitespace().map(str::parse::<usize>);
            match (nums.next(), nums.next(), nums.next()) {
                (Some(Ok(s)), Some(Ok(e)), None) if s <= e => hull = Some(hull.map_or((s, e), |(a, b)| (a.min(s), b.max(e)))),
                _ => bad = Some(frag.to_string()),
            }
        }
        let (start, end) = match (hull, bad) {
            (Some(h), None) => h,
            (_, b) => {
                out.issues.push(issue(line, "offsets", format!("{id}: expected `start end` pairs separated by `;`, found {:?}", b.unwrap_or_default())));
                continue;
            }
        };
        let single = !offsets.contains(';');
        let (position, quote) = match &file {
            Some(f) => match f.span(start, end) {
                Ok(pq) => pq,
                Err(m) => {
                    out.issues.push(issue(line, "offsets", format!("{id}: {m} of the .txt")));
                    continue;
                }
            },
            None => (CharRange::from_usize(start, end), if single { Quote::bare(covered.unwrap_or("")) } else { Quote::bare("") }),
        };
        let body = body_for_label(schema, &ty.replace('_', " "));
        let aid = derived_id("brat", &[ty, &start.to_string(), &end.to_string(), quote.exact()]);
        let annotation = Annotation { id: aid, target: Target { range: None, quote }, body, created: now, modified: now, creator: None };
        index.insert(id.to_string(), spans.len());
        spans.push(TextBound { line, brat_id: id.to_string(), annotation, position });
    }
    let arg = |s: &str, name: &str| s.strip_prefix(name).and_then(|r| r.strip_prefix(':')).map(str::to_string);
    for (i, raw) in ann.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim_end_matches('\r');
        let mut cols = l.split('\t');
        let id = cols.next().unwrap_or("");
        let spec = cols.next().unwrap_or("");
        let words: Vec<&str> = spec.split_whitespace().collect();
        match id.chars().next() {
            None | Some('T') => {}
            Some('R') => {
                let (Some(&kind), Some(a1), Some(a2)) = (words.first(), words.get(1).and_then(|w| arg(w, "Arg1")), words.get(2).and_then(|w| arg(w, "Arg2"))) else {
                    out.issues.push(issue(line, "", format!("{id}: expected `Type Arg1:T.. Arg2:T..`")));
                    continue;
                };
                if !kind.eq_ignore_ascii_case(CLAIMANT) {
                    out.issues.push(issue(line, "", format!("{id}: relation {kind:?} skipped; only {CLAIMANT} (claim → who makes it) is read")));
                    continue;
                }
                let (Some(&c), Some(&w)) = (index.get(&a1), index.get(&a2)) else {
                    out.issues.push(issue(line, "", format!("{id}: refers to {a1} or {a2}, which is not a text-bound annotation of this file")));
                    continue;
                };
                let who = spans[w].annotation.id.clone();
                let who_is_entity = !spans[w].annotation.body.is_claim();
                match &mut spans[c].annotation.body {
                    Body::Claim(claim) if who_is_entity => claim.claimant = Some(who),
                    _ => out.issues.push(issue(line, "", format!("{id}: Arg1 must be a Claim and Arg2 an entity"))),
                }
            }
            Some('A' | 'M') => {
                let target = words.get(1).and_then(|t| index.get(*t).copied());
                match (words.first(), target, words.get(2)) {
                    (Some(k), Some(t), Some(v)) if k.eq_ignore_ascii_case(VERDICT) => match (&mut spans[t].annotation.body, Verdict::parse(v)) {
                        (Body::Claim(c), Some(verdict)) => c.verdict = verdict,
                        (Body::Claim(_), None) => out.issues.push(issue(line, "", format!("{id}: unknown verdict {v:?}; expected one of {}", Verdict::ALL.map(|v| v.as_str()).join(", ")))),
                        _ => out.issues.push(issue(line, "", format!("{id}: a verdict on {}, which is not a Claim", words[1]))),
                    },
                    (Some(k), _, _) if !k.eq_ignore_ascii_case(VERDICT) => out.issues.push(issue(line, "", format!("{id}: attribute {k:?} skipped; only {VERDICT} is read"))),
                    _ => out.issues.push(issue(line, "", format!("{id}: expected `{VERDICT} T.. value` naming a text-bound annotation of this file"))),
                }
            }
            Some('#') => {
                let note = cols.next().unwrap_or("").trim();
                match words.get(1).and_then(|t| index.get(*t).copied()) {
                    Some(t) => match &mut spans[t].annotation.body {
                        Body::Claim(c) => {
                            if !c.note.is_empty() {
                                c.note.push_str("\n\n");
                            }
                            c.note.push_str(note);
                        }
                        Body::Entity(_) => out.issues.push(issue(line, "", format!("{id}: a note on an entity is not kept (notes belong to claims)"))),
                    },
                    None => out.issues.push(issue(line, "", format!("{id}: expected `AnnotatorNotes T..` then a tab and the note"))),
                }
            }
            Some('E' | 'N' | '*') => out.issues.push(issue(line, "", format!("{id}: events, normalisations and equivalences are not read"))),
            Some(_) => out.issues.push(issue(line, "", format!("{id}: not a brat annotation line (expected an id starting with T, R, A, M, #, E, N or *)"))),
        }
    }
    let mut hint = AnchorHint::default();
    for s in spans {
        let (a, why) = anchor_into(doc, s.annotation, s.position, &mut hint);
        if why.is_some() && a.target.quote.exact().is_empty() {
            out.issues.push(issue(s.line, "offsets", format!("{}: its offsets do not fit the article and it has no text to find it by", s.brat_id)));
            continue;
        }
        out.annotations.push(a);
    }
    out
}

/// Reads a brat export zipped (stored entries): the first `.ann` and the `.txt` of the
/// same name (or the only `.txt`).
pub fn import_zip(bytes: &[u8], doc: &Document, schema: &Schema, now: Timestamp) -> Result<Imported, String> {
    let entries = crate::core::format::zip::read(bytes)?;
    let ann = entries.iter().find(|e| e.name.ends_with(".ann")).ok_or("the archive has no .ann file")?;
    let stem = ann.name.trim_end_matches(".ann");
    let txts: Vec<_> = entries.iter().filter(|e| e.name.ends_with(".txt")).collect();
    let txt = txts.iter().find(|e| e.name.trim_end_matches(".txt") == stem).or(if txts.len() == 1 { txts.first() } else { None });
    let ann_text = std::str::from_utf8(&ann.data).map_err(|e| format!("{} is not UTF-8: {e}", ann.name))?;
    let txt_text = match txt {
        Some(t) => Some(std::str::from_utf8(&t.data).map_err(|e| format!("{} is not UTF-8: {e}", t.name))?),
        None => None,
    };
    Ok(import(ann_text, txt_text, doc, schema, now))
}
