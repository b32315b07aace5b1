//! brat standoff: the article as `.txt`, the annotations as `.ann`, the types as
//! `annotation.conf` (brat's own documentation: "standoff format").
//!
//! `.ann` lines, tab-separated (⇥ below): `T1⇥Person 0 16⇥Nikolai Nikiforov` (a text-bound
//! annotation: type, start and end in code points of the `.txt`, the covered text);
//! `R1⇥Claimant Arg1:T7 Arg2:T1` (the claim T7 is made by the entity T1);
//! `A1⇥Verdict T7 mostly-true`; `#1⇥AnnotatorNotes T7⇥the note`;
//! `N1⇥Reference T1 Wikidata:Q42⇥Nikiforov` (the thing an entity mention names: every
//! mention of one entity has the same reference, a grouping of our own its `urn:uuid:`);
//! `*⇥Equiv T1 T4 T9` (the mentions of one entity, for tools that read equivalences; an
//! import joins them, into the thing one of them names or a `urn:uuid:` derived from
//! their ids).
//! A span that crosses a
//! line break is written as fragments (`T7⇥Claim 10 40;42 60⇥...`), since brat's `.txt`
//! lines cannot be spanned; on import the fragments' hull is the span.
//!
//! Invariants: type names match `[A-Za-z0-9_-]+` (other characters become `_`); a note
//! is one line (line breaks become spaces); ids are `T`/`R`/`A`/`#`/`N` plus a number,
//! numbered in reading order; orphans are not written (brat needs offsets).

use crate::core::corpus::{self, bridge};
use crate::core::document::Document;
use crate::core::format::{label_of, ExportContext, OutFile};
use crate::core::format::{Carries, Imported};
use crate::core::model::{Annotation, AnnotationId, Timestamp, Verdict};
use crate::core::offset::CharRange;
use crate::core::schema::Schema;
use std::collections::HashMap;
use std::fmt::Write as _;

/// What brat keeps of our model.
pub const CARRIES: Carries = Carries::BRAT;

/// The relation from a claim (Arg1) to its claimant (Arg2), and the attribute holding
/// a claim's verdict.
pub use crate::core::corpus::bridge::{CLAIMANT, VERDICT};

pub use crate::core::corpus::brat::type_name;
use crate::core::corpus::brat::one_line;
use crate::core::corpus::line_pieces;

/// The fragments of `r` between line breaks, as code-point ranges (empty ones dropped).
fn fragments(doc: &Document, r: CharRange) -> Vec<CharRange> {
    let Some(text) = doc.slice(r) else { return vec![r] };
    line_pieces(text, r.start().0).into_iter().filter(|f| f.end > f.start).filter_map(|f| CharRange::from_usize(f.start, f.end)).collect()
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
    // The thing each entity mention names: a normalisation, the same reference for every
    // mention of it (Wikidata's as `Wikidata:Q42`; a grouping of our own as its urn:uuid).
    let mut norm = 0;
    for a in &anchored {
        let (Some(iri), false, Some(&t)) = (&a.entity, a.body.is_claim(), t_of.get(&a.id)) else { continue };
        norm += 1;
        let _ = writeln!(ann, "N{norm}\tReference T{t} {}\t{}", bridge::iri_norm(iri), one_line(a.target.quote.exact()));
    }
    // The mentions of one entity, as brat's equivalence (for tools that read Equiv rather
    // than normalisations).
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for a in &anchored {
        let (Some(iri), false, Some(&t)) = (a.entity.as_deref(), a.body.is_claim(), t_of.get(&a.id)) else { continue };
        match groups.iter_mut().find(|(i, _)| *i == iri) {
            Some((_, ts)) => ts.push(t),
            None => groups.push((iri, vec![t])),
        }
    }
    for (_, ts) in groups.iter().filter(|(_, ts)| ts.len() > 1) {
        let _ = writeln!(ann, "*\tEquiv {}", ts.iter().map(|t| format!("T{t}")).collect::<Vec<_>>().join(" "));
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
        "# brat configuration written by article-annotator\n[entities]\n{}\nClaim\n\n[relations]\n{CLAIMANT}\tArg1:Claim, Arg2:{}\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\nEquiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive\n\n[events]\n\n[attributes]\n{VERDICT}\tArg:Claim, Value:{verdicts}\n",
        types.join("\n"),
        types.join("|"),
    )
}

/// Reads a `.ann` file; `txt` is the `.txt` it counts in, if given (without it, the
/// offsets count in the article and are checked against the covered text).
pub fn import(ann: &str, txt: Option<&str>, doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let (d, issues) = corpus::brat::read(ann, txt.unwrap_or(doc.text()), None);
    bridge::into_article(vec![Ok((d, issues))], "brat", false, CARRIES, doc, schema, now)
}

/// Reads brat documents given as `(stem, .ann, .txt)`: the documents that are the
/// article are imported (a `.ann` without its `.txt` counts in the article).
pub fn import_corpus(files: &[(String, &str, Option<&str>)], doc: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let docs = files.iter().map(|(stem, ann, txt)| Ok(corpus::brat::read(ann, txt.unwrap_or(doc.text()), Some(stem.clone())))).collect();
    bridge::into_article(docs, "brat", false, CARRIES, doc, schema, now)
}

/// Reads a brat export or corpus zipped (stored entries): every `.ann` with the `.txt`
/// of the same name; the documents that are the article are imported.
pub fn import_zip(bytes: &[u8], doc: &Document, schema: &Schema, now: Timestamp) -> Result<Imported, String> {
    let entries = crate::core::format::zip::read(bytes)?;
    let names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
    let pairs = corpus::brat::pair(&names);
    if !pairs.iter().any(|(_, a, _)| a.is_some()) {
        return Err("the archive has no .ann file".into());
    }
    let text = |i: usize| corpus::utf8(&entries[i].data).map_err(|e| format!("{}: {e}", entries[i].name));
    let mut files = Vec::new();
    for (stem, ann, txt) in pairs {
        let ann = match ann {
            Some(a) => text(a)?,
            None => "",
        };
        files.push((stem, ann, txt.map(text).transpose()?));
    }
    Ok(import_corpus(&files, doc, schema, now))
}
