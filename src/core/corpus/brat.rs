//! brat standoff as a corpus: each document a `.txt` (its text, byte for byte) and a
//! `.ann` beside it (brat's documentation, "standoff format"). A directory or a zip of
//! them is a corpus, paired by file stem ([`pair`]).
//!
//! `.ann` lines are tab-separated (⇥): `T1⇥Protein 0 5;10 15⇥p53 gene` (a text-bound
//! annotation: type, `start end` fragments in code points of the `.txt`, the covered
//! text: the fragments' texts joined by a space), `R1⇥Binds Arg1:T1 Arg2:T2`,
//! `A1⇥Negated T1` and `M1⇥Confidence T1 High` (attributes), `N1⇥Reference T1
//! Wikidata:Q42⇥Douglas Adams` (a normalisation), `#1⇥AnnotatorNotes T1⇥a note`, and
//! `E1⇥Binding:T3 Theme:T1` (an event) or `*⇥Equiv T1 T2`.
//!
//! Invariants: the `.txt` is written exactly as the document's text; ids are kept when
//! they are brat ids and unique (others get fresh numbers); the covered-text column is
//! checked against the offsets on reading; events, equivalences and lines about them
//! are kept as [`Extra`]s and written back verbatim; type names match
//! `[A-Za-z0-9_-]+` on writing (any other character becomes `_`, reported).

use crate::core::corpus::bridge::COVERED;
use crate::core::corpus::{check_frags, issue, line_pieces, span_fields, ANNOTATOR_NOTES, Attribute, Cutter, Doc, Extra, Frag, Issue, Norm, Note, Relation, Span, Written};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

pub use crate::core::format::catalog::pair_brat as pair;

/// A type, relation or attribute name brat accepts.
pub fn type_name(label: &str) -> String {
    let s: String = label.trim().chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if s.is_empty() {
        "Entity".into()
    } else {
        s
    }
}

/// A text on one line: its line breaks and tabs become single spaces (a brat column).
pub fn one_line(s: &str) -> String {
    s.split(['\n', '\r', '\t']).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

fn brat_id(id: &str, prefix: char) -> bool {
    id.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads one document: its `.ann` and the `.txt` it counts in. Problems are issues
/// naming the line; what can be read still is.
pub fn read(ann: &str, txt: &str, name: Option<String>) -> (Doc, Vec<Issue>) {
    let mut doc = Doc { name, text: txt.to_string(), ..Doc::default() };
    let mut issues = Vec::new();
    let cut = Cutter::new(txt);
    let len = cut.len_chars();
    let mut spans: HashMap<String, usize> = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let lines: Vec<(usize, &str)> = ann.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end_matches('\r'))).filter(|(_, l)| !l.trim().is_empty()).collect();
    let extra = |line: usize, what: String, raw: &str| Extra { format: "brat", what: format!("line {line}: {what}"), raw: Value::String(raw.to_string()) };
    // Pass 1: text-bound annotations; pass 2: what refers to them.
    for &(line, l) in &lines {
        if !l.starts_with('T') {
            continue;
        }
        let at = format!("line {line}");
        let mut cols = l.splitn(3, '\t');
        let (id, spec, covered) = (cols.next().unwrap_or(""), cols.next(), cols.next());
        let Some(spec) = spec else {
            issues.push(issue(at, format!("{id}: expected a tab, then the type and offsets")));
            continue;
        };
        if !seen.insert(id.to_string()) {
            issues.push(issue(at, format!("{id}: a second annotation with this id; skipped")));
            continue;
        }
        let (ty, offsets) = spec.split_once(' ').unwrap_or((spec, ""));
        let mut fragments = Vec::new();
        let mut bad = None;
        for frag in offsets.split(';') {
            let mut nums = frag.split_whitespace().map(str::parse::<usize>);
            match (nums.next(), nums.next(), nums.next()) {
                (Some(Ok(start)), Some(Ok(end)), None) => fragments.push(Frag { start, end }),
                _ => bad = Some(frag.to_string()),
            }
        }
        if let Some(b) = bad {
            issues.push(issue(at, format!("{id}: expected `start end` pairs separated by `;`, found {b:?}")));
            continue;
        }
        if let Err(m) = check_frags(&fragments, len) {
            issues.push(issue(at, format!("{id}: {m} of the .txt")));
            continue;
        }
        let actual: Vec<&str> = fragments.iter().map(|f| cut.cut(f.start, f.end).unwrap_or("")).collect();
        let actual = actual.join(" ");
        let mut span = Span { id: Some(id.to_string()), label: ty.to_string(), fragments, ..Span::default() };
        match covered {
            Some(c) if c != actual && c.trim_end() != actual.trim_end() && one_line(c) != one_line(&actual) => {
                issues.push(issue(at, format!("{id}: the covered text {c:?} is not the text at its offsets {offsets} ({actual:?}); the offsets are kept")));
                span.fields.insert(COVERED.into(), Value::String(c.to_string()));
            }
            _ => {}
        }
        spans.insert(id.to_string(), doc.spans.len());
        doc.spans.push(span);
    }
    let arg = |w: &str| w.split_once(':').map(|(role, id)| (role.to_string(), id.to_string()));
    for &(line, l) in &lines {
        let at = format!("line {line}");
        let mut cols = l.split('\t');
        let id = cols.next().unwrap_or("");
        let spec = cols.next().unwrap_or("");
        let words: Vec<&str> = spec.split_whitespace().collect();
        let target = |w: Option<&&str>| w.and_then(|t| spans.get(*t).copied());
        if !id.starts_with('T') && id != "*" && !seen.insert(id.to_string()) {
            issues.push(issue(at, format!("{id}: a second annotation with this id; skipped")));
            continue;
        }
        match id.chars().next() {
            Some('T') => {}
            Some('R') => {
                let ends = (words.first(), words.get(1).and_then(|w| arg(w)), words.get(2).and_then(|w| arg(w)));
                let (Some(&label), Some((r1, a1)), Some((r2, a2))) = ends else {
                    issues.push(issue(at, format!("{id}: expected `Type Arg1:T.. Arg2:T..`")));
                    continue;
                };
                match (spans.get(&a1), spans.get(&a2)) {
                    (Some(&from), Some(&to)) => {
                        let roles = (r1 != "Arg1" || r2 != "Arg2").then_some((r1, r2));
                        doc.relations.push(Relation { id: Some(id.into()), label: label.into(), from, to, roles, group: None });
                    }
                    // Between events: kept as it is.
                    _ if seen.contains(&a1) && seen.contains(&a2) => doc.extras.push(extra(line, format!("relation {id} (between events)"), l)),
                    _ => issues.push(issue(at, format!("{id}: refers to {a1} or {a2}, which is not an annotation of this file; skipped"))),
                }
            }
            Some('A' | 'M') => match (words.first(), target(words.get(1)), words.len()) {
                (Some(&name), Some(t), 2 | 3) => doc.spans[t].attributes.push(Attribute { id: Some(id.into()), name: name.into(), value: words.get(2).map(|v| v.to_string()) }),
                (Some(_), None, 2 | 3) if words.get(1).is_some_and(|w| seen.contains(*w)) => doc.extras.push(extra(line, format!("attribute {id} (of an event or relation)"), l)),
                _ => issues.push(issue(at, format!("{id}: expected `Name T.. [value]` naming an annotation of this file; skipped"))),
            },
            Some('N') => match (words.first(), target(words.get(1)), words.get(2)) {
                (Some(&kind), Some(t), Some(&reference)) => {
                    let text = cols.next().unwrap_or("").to_string();
                    doc.spans[t].norms.push(Norm { id: Some(id.into()), kind: kind.into(), reference: reference.into(), text });
                }
                _ if words.get(1).is_some_and(|w| seen.contains(*w)) => doc.extras.push(extra(line, format!("normalisation {id} (of an event or relation)"), l)),
                _ => issues.push(issue(at, format!("{id}: expected `Reference T.. RESOURCE:ID` then a tab and the entry's text; skipped"))),
            },
            Some('#') => {
                let text = cols.next().unwrap_or("").to_string();
                match target(words.get(1)) {
                    Some(t) => doc.spans[t].notes.push(Note { id: Some(id.into()), kind: words.first().unwrap_or(&ANNOTATOR_NOTES).to_string(), text }),
                    None if words.get(1).is_some_and(|w| seen.contains(*w)) => doc.extras.push(extra(line, format!("note {id} (on an event or relation)"), l)),
                    None => issues.push(issue(at, format!("{id}: expected `AnnotatorNotes T..` then a tab and the note; skipped"))),
                }
            }
            Some('E') => doc.extras.push(extra(line, format!("event {id}"), l)),
            Some('*') => doc.extras.push(extra(line, format!("equivalence {}", words.join(" ")), l)),
            _ => issues.push(issue(at, format!("{id}: not a brat annotation line (expected an id starting with T, R, E, A, M, N, # or *); skipped"))),
        }
    }
    (doc, issues)
}

/// Fresh brat ids for items whose own id is not a unique brat id of their kind.
struct Ids {
    prefix: char,
    used: BTreeSet<u64>,
    next: u64,
    taken: HashSet<String>,
}

impl Ids {
    fn new<'a>(prefix: char, ids: impl Iterator<Item = Option<&'a str>>) -> Ids {
        let used: BTreeSet<u64> = ids.flatten().filter(|i| brat_id(i, prefix)).filter_map(|i| i[1..].parse().ok()).collect();
        Ids { prefix, next: used.iter().next_back().map_or(1, |m| m + 1), used, taken: HashSet::new() }
    }
    fn id(&mut self, own: Option<&str>) -> String {
        if let Some(o) = own.filter(|o| brat_id(o, self.prefix) && self.used.contains(&o[1..].parse().unwrap_or(0))) {
            if self.taken.insert(o.to_string()) {
                return o.to_string();
            }
        }
        let id = format!("{}{}", self.prefix, self.next);
        self.next += 1;
        self.taken.insert(id.clone());
        id
    }
}

/// The `.txt` and `.ann` of one document, and what brat could not hold. `predictions`
/// says whether a model's predicted spans are written as annotations.
pub fn write(doc: &Doc, predictions: bool, labels: &mut BTreeSet<(char, String)>) -> (String, String, Written) {
    let mut w = Written::default();
    let mut ann = String::new();
    let cut = Cutter::new(&doc.text);
    let mut t_ids = Ids::new('T', doc.spans.iter().map(|s| s.id.as_deref()));
    let mut t_of: Vec<Option<String>> = vec![None; doc.spans.len()];
    let name = |s: &str, what: &str, w: &mut Written, item: &str| {
        let n = type_name(s);
        if n != s {
            w.change(item, format!("{what} {s:?} written as {n:?} (brat names are letters, digits, _ and -)"));
        }
        n
    };
    for (i, s) in doc.spans.iter().enumerate() {
        if doc.is_prediction(s) && !predictions {
            w.leave_prediction(s, "brat");
            continue;
        }
        // brat's fragments stay within a line of the .txt.
        let frags: Vec<Frag> = s.fragments.iter().flat_map(|f| line_pieces(cut.cut(f.start, f.end).unwrap_or(""), f.start)).collect();
        let id = t_ids.id(s.id.as_deref());
        if frags.len() != s.fragments.len() {
            w.change(&id, format!("split at line breaks into {} fragments (brat's fragments stay within a line)", frags.len()));
        }
        let label = name(&s.label, "type", &mut w, &id);
        labels.insert(('T', label.clone()));
        let offsets = frags.iter().map(|f| format!("{} {}", f.start, f.end)).collect::<Vec<_>>().join(";");
        let covered = frags.iter().map(|f| one_line(cut.cut(f.start, f.end).unwrap_or(""))).collect::<Vec<_>>().join(" ");
        let _ = writeln!(ann, "{id}\t{label} {offsets}\t{covered}");
        w.items += 1;
        t_of[i] = Some(id);
    }
    let mut r_ids = Ids::new('R', doc.relations.iter().map(|r| r.id.as_deref()));
    let mut from: Vec<Vec<usize>> = vec![Vec::new(); doc.spans.len()];
    for (k, r) in doc.relations.iter().enumerate() {
        match (t_of.get(r.from).cloned().flatten(), t_of.get(r.to).cloned().flatten()) {
            (Some(_), Some(_)) => from[r.from].push(k),
            _ => w.leave(r.name(), "one of its ends was left out"),
        }
    }
    let mut a_ids = Ids::new('A', doc.spans.iter().flat_map(|s| s.attributes.iter().map(|a| a.id.as_deref())));
    let mut m_ids = Ids::new('M', doc.spans.iter().flat_map(|s| s.attributes.iter().map(|a| a.id.as_deref())));
    let mut n_ids = Ids::new('N', doc.spans.iter().flat_map(|s| s.norms.iter().map(|n| n.id.as_deref())));
    let mut h_ids = Ids::new('#', doc.spans.iter().flat_map(|s| s.notes.iter().map(|n| n.id.as_deref())));
    // Each span's attributes, relations, links and notes after the text-bound lines, in
    // the order the widget writes a claim's (verdict, claimant, note).
    for (i, (s, t)) in doc.spans.iter().zip(&t_of).enumerate() {
        let Some(t) = t else { continue };
        for a in &s.attributes {
            let id = if a.id.as_deref().is_some_and(|i| i.starts_with('M')) { m_ids.id(a.id.as_deref()) } else { a_ids.id(a.id.as_deref()) };
            let nm = name(&a.name, "attribute", &mut w, &id);
            match &a.value {
                Some(v) => {
                    // A value is one word: brat allows any other character in it (`Typo+UNK`).
                    let v2: String = v.split_whitespace().collect::<Vec<_>>().join("_");
                    if v2 != *v {
                        w.change(&id, format!("attribute value {v:?} written as {v2:?} (a brat value is one word)"));
                    }
                    labels.insert(('A', format!("{nm}\t{v2}")));
                    let _ = writeln!(ann, "{id}\t{nm} {t} {v2}");
                }
                None => {
                    labels.insert(('A', nm.clone()));
                    let _ = writeln!(ann, "{id}\t{nm} {t}");
                }
            }
            w.items += 1;
        }
        for &k in &from[i] {
            let r = &doc.relations[k];
            let (Some(a), Some(b)) = (t_of[r.from].as_deref(), t_of[r.to].as_deref()) else { continue };
            let id = r_ids.id(r.id.as_deref());
            let label = name(&r.label, "relation", &mut w, &id);
            labels.insert(('R', label.clone()));
            let (r1, r2) = r.roles.clone().unwrap_or_else(|| ("Arg1".into(), "Arg2".into()));
            let _ = writeln!(ann, "{id}\t{label} {r1}:{a} {r2}:{b}");
            w.items += 1;
        }
        for n in &s.norms {
            let id = n_ids.id(n.id.as_deref());
            let kind = if n.kind.is_empty() { "Reference".to_string() } else { name(&n.kind, "normalisation", &mut w, &id) };
            let reference: String = n.reference.split_whitespace().collect::<Vec<_>>().join("_");
            let _ = writeln!(ann, "{id}\t{kind} {t} {reference}\t{}", one_line(&n.text));
            w.items += 1;
        }
        for n in &s.notes {
            let id = h_ids.id(n.id.as_deref());
            let text = one_line(&n.text);
            if text != n.text {
                w.change(&id, "its line breaks and tabs written as spaces (a brat note is one line)");
            }
            let kind = if n.kind.is_empty() { ANNOTATOR_NOTES.to_string() } else { name(&n.kind, "note type", &mut w, &id) };
            let _ = writeln!(ann, "{id}\t{kind} {t}\t{text}");
            w.items += 1;
        }
    }
    for e in &doc.extras {
        match (&e.format, &e.raw) {
            (&"brat", Value::String(line)) => {
                if let Some(ty) = line.split('\t').nth(1).and_then(|s| s.split([' ', ':']).next()) {
                    if line.starts_with('E') {
                        labels.insert(('E', ty.to_string()));
                    }
                }
                ann.push_str(line);
                ann.push('\n');
                w.items += 1;
            }
            _ => w.leave(&e.what, "brat has no place for it"),
        }
    }
    span_fields(doc, &mut w, "brat", &[]);
    doc_fields(doc, &mut w, "brat");
    (doc.text.clone(), ann, w)
}

/// Reports the document-level data a format without a place for it cannot hold.
pub fn doc_fields(doc: &Doc, w: &mut Written, format: &str) {
    let name = doc.name.clone().unwrap_or_else(|| "the document".into());
    if !doc.fields.is_empty() {
        let keys: Vec<&str> = doc.fields.keys().map(String::as_str).collect();
        w.change(&name, format!("its fields {} ({format} has no place for a document's metadata)", keys.join(", ")));
    }
    if let Some(a) = &doc.answer {
        w.change(&name, format!("its answer {a:?} ({format} has no place for it)"));
    }
    if doc.tokens.is_some() {
        w.change(&name, format!("its tokens ({format} has no place for them)"));
    }
}

/// brat's `annotation.conf` declaring every type, relation, event and attribute the
/// documents use, and the schema's entity types (`extra_types`).
pub fn conf(labels: &BTreeSet<(char, String)>, extra_types: &[String]) -> String {
    let mut entities: BTreeSet<String> = extra_types.iter().map(|t| type_name(t)).collect();
    let mut relations = BTreeSet::new();
    let mut events = BTreeSet::new();
    let mut attributes: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for (kind, l) in labels {
        match kind {
            'T' => {
                entities.insert(l.clone());
            }
            'R' => {
                relations.insert(l.clone());
            }
            'E' => {
                events.insert(l.clone());
            }
            _ => {
                let (n, v) = l.split_once('\t').map_or((l.as_str(), None), |(n, v)| (n, Some(v)));
                let values = attributes.entry(n.to_string()).or_default();
                values.extend(v.map(str::to_string));
            }
        }
    }
    // Event types are declared as events, not entities.
    for e in &events {
        entities.remove(e);
    }
    let mut s = String::from("# brat configuration written by article-annotator\n[entities]\n");
    for e in &entities {
        let _ = writeln!(s, "{e}");
    }
    s.push_str("\n[relations]\n");
    for r in &relations {
        let _ = writeln!(s, "{r}\tArg1:<ENTITY>, Arg2:<ENTITY>");
    }
    s.push_str("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n[events]\n");
    for e in &events {
        let _ = writeln!(s, "{e}\tArg:<ENTITY>");
    }
    s.push_str("\n[attributes]\n");
    for (n, values) in &attributes {
        if values.is_empty() {
            let _ = writeln!(s, "{n}\tArg:<ANY>");
        } else {
            let _ = writeln!(s, "{n}\tArg:<ANY>, Value:{}", values.iter().cloned().collect::<Vec<_>>().join("|"));
        }
    }
    s
}
