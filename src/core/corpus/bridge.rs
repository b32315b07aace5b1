//! Between a corpus document and the widget's model of annotations: the one place where
//! a label becomes an entity type or a claim, a `Claimant` relation a claim's claimant,
//! a `Verdict` attribute its verdict and a note its note; and back.
//!
//! Used three ways: the widget's import of a pipeline file ([`into_article`]: picks the
//! documents that are the current article and places their spans in it), the
//! converter's W3C writer ([`to_annotations`] over the document's own text), and the
//! converter's W3C reader ([`from_annotations`]).
//!
//! Invariants: every item of the document is either carried into an annotation or
//! named in the [`Written`] report; a span's position is only trusted through the
//! `place` function the caller gives (exact in the document's own text, or through
//! [`FileText`] in the article).

use crate::core::anchor::AnchorHint;
use crate::core::corpus::{Attribute, Cutter, Doc, Frag, Issue, Norm, Note, Relation, Span, Written};
use crate::core::document::{Document, FoldMap};
use crate::core::format::{anchor_into, derived_id, Carries, FileText, ImportIssue, Imported};
use crate::core::model::{Annotation, AnnotationId, Body, Claim, Quote, Target, Timestamp, Verdict, QUOTE_CONTEXT};
use crate::core::offset::CharRange;
use crate::core::schema::Schema;
use crate::core::time;
use serde_json::{json, Value};

/// The label that makes a span a claim, the relation from a claim to who makes it, and
/// the attribute holding its verdict (matched without regard to case).
pub const CLAIM: &str = "Claim";
pub const CLAIMANT: &str = "Claimant";
pub const VERDICT: &str = "Verdict";
/// The span field a reader sets when the file's own copy of the covered text disagrees
/// with the text at the offsets (brat's third column): the widget finds the span by it.
pub const COVERED: &str = "covered";

/// Where a span goes: its position in the target text (if known) and its quote.
pub type Place<'p> = dyn FnMut(&Span, usize, usize) -> Result<(Option<CharRange>, Quote), String> + 'p;

/// The spans of `doc` as annotations, each with the position `place` gives it. `format`
/// names the ids derived for spans without an IRI of their own; `keep_ids` takes any id
/// the file gives (Label Studio's region ids). Predictions are left out unless
/// `predictions`.
#[allow(clippy::too_many_arguments)]
pub fn to_annotations(
    doc: &Doc,
    format: &str,
    keep_ids: bool,
    place: &mut Place,
    body_of: &dyn Fn(&str) -> Body,
    now: Timestamp,
    predictions: bool,
    w: &mut Written,
) -> Vec<(Annotation, Option<CharRange>)> {
    let mut out: Vec<(Annotation, Option<CharRange>)> = Vec::with_capacity(doc.spans.len());
    let mut slot: Vec<Option<usize>> = vec![None; doc.spans.len()];
    for (i, s) in doc.spans.iter().enumerate() {
        if doc.is_prediction(s) && !predictions {
            w.leave_span(s, "a model's prediction, not an annotation (predictions are not imported)", "on a prediction that was left out");
            continue;
        }
        let Some(h) = s.hull() else { continue };
        let (position, quote) = match place(s, h.start, h.end) {
            Ok(pq) => pq,
            Err(m) => {
                w.leave_span(s, m, "on a span that was left out");
                continue;
            }
        };
        if s.fragments.len() > 1 {
            w.change(s.name(), format!("its {} fragments joined into one span {}-{} (an annotation here has one range)", s.fragments.len(), h.start, h.end));
        }
        let mut body = if s.label.trim().eq_ignore_ascii_case(CLAIM) { Body::Claim(Claim::default()) } else { body_of(&s.label) };
        let id = s
            .id
            .as_deref()
            .filter(|id| keep_ids || id.contains(':'))
            .and_then(AnnotationId::new)
            .unwrap_or_else(|| derived_id(format, &[&s.label, &h.start.to_string(), &h.end.to_string(), quote.exact()]));
        let group = s.group.and_then(|g| doc.groups.get(g));
        let stamp = |span_key: &str, group_key: &str| {
            s.fields.get(span_key).or_else(|| group.and_then(|g| g.fields.get(group_key))).and_then(Value::as_str).and_then(time::parse)
        };
        let created = stamp("created", "created_at").unwrap_or(now);
        let modified = stamp("modified", "updated_at").unwrap_or(created);
        let creator = s.fields.get("creator").and_then(|c| c.as_str().or_else(|| c.get("name").and_then(Value::as_str))).map(str::to_string);
        w.items += 1;
        for a in &s.attributes {
            let item = a.id.clone().unwrap_or_else(|| format!("{} of {}", a.name, s.name()));
            match (&mut body, a.name.eq_ignore_ascii_case(VERDICT), a.value.as_deref().map(Verdict::parse)) {
                (Body::Claim(c), true, Some(Some(v))) => {
                    c.verdict = v;
                    w.items += 1;
                }
                (Body::Claim(_), true, _) => w.leave(item, format!("unknown verdict {:?}; expected one of {}", a.value.as_deref().unwrap_or(""), Verdict::ALL.map(|v| v.as_str()).join(", "))),
                (_, true, _) => w.leave(item, format!("a verdict on {}, which is not a Claim", s.name())),
                _ => w.leave(item, format!("attribute {:?} skipped; only {VERDICT} (of a Claim) is read", a.name)),
            }
        }
        for n in &s.notes {
            let item = n.id.clone().unwrap_or_else(|| format!("note on {}", s.name()));
            match &mut body {
                Body::Claim(c) => {
                    if !c.note.is_empty() {
                        c.note.push_str("\n\n");
                    }
                    c.note.push_str(n.text.trim());
                    w.items += 1;
                }
                Body::Entity(_) => w.leave(item, "a note on an entity is not kept (notes belong to claims)"),
            }
        }
        // The first link an entity's mention has is the thing it names (its entity).
        let mut entity = None;
        for n in &s.norms {
            let item = n.id.clone().unwrap_or_else(|| format!("link of {}", s.name()));
            match (&body, entity.is_none(), norm_iri(&n.reference)) {
                (Body::Entity(_), true, Some(iri)) => {
                    entity = Some(iri);
                    w.items += 1;
                }
                (Body::Claim(_), _, _) => w.leave(item, format!("the knowledge-base link {} is not kept (a claim names no thing)", n.reference)),
                (_, false, _) => w.leave(item, format!("the knowledge-base link {} is not kept (a mention names one thing; the first link is kept)", n.reference)),
                (_, _, None) => w.leave(item, format!("the knowledge-base link {} is not kept (expected Wikidata:Q…, an http(s) IRI or a urn:uuid)", n.reference)),
            }
        }
        slot[i] = Some(out.len());
        out.push((Annotation { id, target: Target { range: None, quote }, body, created, modified, creator, entity }, position));
    }
    // Mentions that a relation says are one entity, joined at the end (transitively).
    let mut same: Vec<usize> = (0..doc.spans.len()).collect();
    fn root(same: &mut [usize], mut i: usize) -> usize {
        while same[i] != i {
            same[i] = same[same[i]];
            i = same[i];
        }
        i
    }
    let mut any_same = false;
    for r in &doc.relations {
        let item = r.name();
        if is_same_as(&r.label) {
            match (slot.get(r.from).copied().flatten(), slot.get(r.to).copied().flatten()) {
                (Some(_), Some(_)) if r.from < same.len() && r.to < same.len() => {
                    let (x, y) = (root(&mut same, r.from), root(&mut same, r.to));
                    same[x] = y;
                    any_same = true;
                }
                _ => w.leave(item, "one of its ends was left out"),
            }
            continue;
        }
        if !r.label.eq_ignore_ascii_case(CLAIMANT) {
            w.leave(item, format!("relation {:?} skipped; only {CLAIMANT} (claim → who makes it) is read", r.label));
            continue;
        }
        let (Some(Some(c)), Some(Some(who))) = (slot.get(r.from).copied(), slot.get(r.to).copied()) else {
            w.leave(item, "one of its ends was left out");
            continue;
        };
        let who_id = out[who].0.id.clone();
        let who_is_entity = !out[who].0.body.is_claim();
        match &mut out[c].0.body {
            Body::Claim(claim) if who_is_entity => {
                claim.claimant = Some(who_id);
                w.items += 1;
            }
            _ => w.leave(item, format!("{CLAIMANT}: the first end must be a Claim and the second an entity")),
        }
    }
    if any_same {
        let mut components: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
        for i in 0..same.len() {
            let r = root(&mut same, i);
            components.entry(r).or_default().push(i);
        }
        for members in components.into_values().filter(|m| m.len() > 1) {
            let names: Vec<String> = members.iter().map(|&i| doc.spans[i].name()).collect();
            let what = format!("{SAME_AS} of {}", names.join(", "));
            join_spans(doc, &members, &slot, &mut out, &what, w);
        }
    }
    for e in &doc.extras {
        match equiv_members(e) {
            Some(members) => join_equivalent(doc, &members, &slot, &mut out, &e.what, w),
            None => w.leave(&e.what, "not read (only spans, their verdicts and notes, claimants and brat equivalences are)"),
        }
    }
    out
}

/// The span ids of a brat equivalence (`*⇥Equiv T1 T2 T3`), if `e` is one.
fn equiv_members(e: &crate::core::corpus::Extra) -> Option<Vec<String>> {
    let line = e.raw.as_str().filter(|_| e.format == "brat")?;
    let mut words = line.split('\t').nth(1)?.split_whitespace();
    words.next().filter(|k| k.eq_ignore_ascii_case("Equiv"))?;
    Some(words.map(str::to_string).collect())
}

/// Makes the mentions an equivalence names one entity (see [`join_spans`]).
fn join_equivalent(doc: &Doc, members: &[String], slot: &[Option<usize>], out: &mut [(Annotation, Option<CharRange>)], what: &str, w: &mut Written) {
    let spans: Vec<usize> = members.iter().filter_map(|m| doc.spans.iter().position(|s| s.id.as_deref() == Some(m.as_str()))).collect();
    join_spans(doc, &spans, slot, out, what, w);
}

/// Makes the mentions of `spans` (indices into the document's spans) one entity: the
/// thing one of them already names (a normalisation), or a `urn:uuid:` derived from
/// their ids (the same on every import of the file).
fn join_spans(doc: &Doc, spans: &[usize], slot: &[Option<usize>], out: &mut [(Annotation, Option<CharRange>)], what: &str, w: &mut Written) {
    let members: Vec<String> = spans.iter().map(|&i| doc.spans[i].id.clone().unwrap_or_else(|| format!("#{i}:{}", doc.spans[i].name()))).collect();
    let read: Vec<usize> = spans.iter().filter_map(|&i| slot.get(i).copied().flatten()).collect();
    if read.len() < 2 {
        return w.leave(what, "fewer than two of its spans were read");
    }
    if read.iter().any(|&i| out[i].0.body.is_claim()) {
        return w.leave(what, "an equivalence of claims is not read (only entity mentions name a thing)");
    }
    let mut known: Vec<&String> = read.iter().filter_map(|&i| out[i].0.entity.as_ref()).collect();
    known.dedup();
    if known.len() > 1 {
        return w.leave(what, "its spans already name different things (their normalisations differ)");
    }
    let iri = known.first().map_or_else(
        || crate::core::format::derived_uuid(&[&["brat-equiv"], members.iter().map(String::as_str).collect::<Vec<_>>().as_slice()].concat()).as_str().to_string(),
        |k| (*k).clone(),
    );
    for &i in &read {
        out[i].0.entity.get_or_insert_with(|| iri.clone());
    }
    w.items += 1;
}

/// The relation that says two mentions name one entity (doccano `SameAs`, Label Studio
/// `same-as`); read whatever its case and separators.
pub const SAME_AS: &str = "SameAs";

fn is_same_as(label: &str) -> bool {
    label.chars().filter(|c| c.is_alphanumeric()).collect::<String>().eq_ignore_ascii_case("sameas")
}

/// A normalisation's reference as an entity IRI: `Wikidata:Q42` (brat's usual form) as
/// Wikidata's concept IRI, an http(s) IRI or a `urn:uuid:` as it is.
pub fn norm_iri(reference: &str) -> Option<String> {
    let r = reference.trim();
    let wikidata = r.split_once(':').filter(|(db, _)| db.eq_ignore_ascii_case("wikidata") || db.eq_ignore_ascii_case("wd")).map(|(_, id)| id);
    crate::core::model::entity_iri(wikidata.unwrap_or(r))
}

/// An entity IRI as a brat normalisation reference: Wikidata's as `Wikidata:Q42`, any
/// other as it is.
pub fn iri_norm(iri: &str) -> String {
    match crate::core::model::wikidata_item(iri) {
        Some(q) => format!("Wikidata:{q}"),
        None => iri.to_string(),
    }
}

/// Annotations anchored in `text` (a document's own) as a corpus document: entities
/// with their type's label, claims labelled `Claim` with a `Verdict` attribute, notes,
/// and `Claimant` relations; ids, dates and creators as span fields.
pub fn from_annotations(name: Option<String>, text: String, annotations: &[Annotation], label_of: &dyn Fn(&Annotation) -> String) -> Doc {
    let mut doc = Doc { name, text, ..Doc::default() };
    let mut index = std::collections::HashMap::new();
    for a in annotations {
        let Some(r) = a.target.range else { continue };
        let mut s = Span { id: Some(a.id.as_str().to_string()), label: label_of(a), fragments: vec![Frag { start: r.start().0, end: r.end().0 }], ..Span::default() };
        s.fields.insert("created".into(), json!(time::format(a.created)));
        s.fields.insert("modified".into(), json!(time::format(a.modified)));
        if let Some(c) = &a.creator {
            s.fields.insert("creator".into(), json!({"type": "Person", "name": c}));
        }
        if let (Some(iri), false) = (&a.entity, a.body.is_claim()) {
            s.norms.push(Norm { id: None, kind: "Reference".into(), reference: iri_norm(iri), text: String::new() });
        }
        if let Body::Claim(c) = &a.body {
            s.label = CLAIM.into();
            s.attributes.push(Attribute { id: None, name: VERDICT.into(), value: Some(c.verdict.as_str().into()) });
            if !c.note.is_empty() {
                s.notes.push(Note { id: None, kind: crate::core::corpus::ANNOTATOR_NOTES.into(), text: c.note.clone() });
            }
        }
        index.insert(a.id.clone(), doc.spans.len());
        doc.spans.push(s);
    }
    for a in annotations {
        if let (Some(c), Some(&from)) = (a.claim(), index.get(&a.id)) {
            if let Some(&to) = c.claimant.as_ref().and_then(|w| index.get(w)) {
                doc.relations.push(Relation { id: None, label: CLAIMANT.into(), from, to, roles: None, group: None });
            }
        }
    }
    doc
}

/// Moves a document whose text is `article`'s canonical text onto `source`, the plain
/// text the article was read from (with its line breaks and runs of white space): the
/// spans' fragments are mapped exactly through [`FoldMap`]. Returns false, changing
/// nothing, when `source` is not that article.
pub fn onto_source(doc: &mut Doc, source: &str, article: &Document) -> bool {
    let Some(map) = FoldMap::new(source, article) else { return false };
    if doc.text != article.text() {
        return false;
    }
    for s in &mut doc.spans {
        for f in &mut s.fragments {
            let (a, b) = map.to_source(f.start, f.end);
            *f = Frag { start: a, end: b };
        }
    }
    doc.text = source.to_string();
    true
}

/// Places spans exactly in the document's own text (the converter's writers).
pub fn exact_place<'t>(cut: &'t Cutter<'t>) -> impl FnMut(&Span, usize, usize) -> Result<(Option<CharRange>, Quote), String> + 't {
    move |_, s, e| {
        let len = cut.len_chars();
        let exact = cut.cut(s, e).ok_or_else(|| format!("{s}-{e} is not within the text ({len} code points)"))?;
        let prefix = cut.cut(s.saturating_sub(QUOTE_CONTEXT), s).unwrap_or("");
        let suffix = cut.cut(e, (e + QUOTE_CONTEXT).min(len)).unwrap_or("");
        Ok((CharRange::from_usize(s, e), Quote::new(prefix, exact, suffix)))
    }
}

/// Which documents of a file an import into `article` takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    /// These documents, each the article or a part of it.
    Placed(Vec<usize>),
    /// The one that looks most like an earlier version of the article (its spans are
    /// found again by their quotes).
    Nearest(usize),
    None,
}

/// The documents that are the article: those whose text is the article's, a part of
/// it, or the article before white space was folded; else the only document, or the one
/// with most span texts found in the article.
/// `files` are the documents' texts as [`FileText`]s in `article`, made once by the caller
/// (which places the chosen documents' spans through them).
pub fn pick(docs: &[Doc], files: &[FileText], article: &Document) -> Pick {
    let placed: Vec<usize> = files.iter().enumerate().filter(|(_, f)| f.is_placed()).map(|(i, _)| i).collect();
    if !placed.is_empty() {
        return Pick::Placed(placed);
    }
    if docs.len() == 1 {
        return Pick::Nearest(0);
    }
    let found = |d: &Doc| {
        let cut = Cutter::new(&d.text);
        d.spans.iter().filter_map(|s| s.hull()).filter_map(|h| cut.cut(h.start, h.end)).filter(|q| !q.trim().is_empty() && article.text().contains(q.trim())).count()
    };
    match docs.iter().enumerate().map(|(i, d)| (found(d), std::cmp::Reverse(i))).max() {
        Some((n, std::cmp::Reverse(i))) if n > 0 => Pick::Nearest(i),
        _ => Pick::None,
    }
}

/// How an import of a pipeline file treats answers and predictions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Filter {
    /// Keep Prodigy examples whatever their answer (else only `accept`, and records
    /// without an answer).
    pub all_answers: bool,
}

/// Whether a document is left out by its answer, and why.
pub fn excluded(doc: &Doc, filter: Filter) -> Option<String> {
    match doc.answer.as_deref() {
        Some(a) if !filter.all_answers && a != "accept" => Some(format!("answer {a:?}: only accepted examples are read")),
        _ => None,
    }
}

/// The widget's import of a pipeline file's documents into `article`: picks the
/// documents that are the article (see [`pick`]), places their spans through
/// [`FileText`], turns labels into the schema's types, and says what it left out and
/// how many other documents the file held.
pub fn into_article(read: Vec<Result<(Doc, Vec<Issue>), Issue>>, format: &str, keep_ids: bool, carries: Carries, article: &Document, schema: &Schema, now: Timestamp) -> Imported {
    let mut out = Imported { carries, ..Imported::default() };
    let issue = |location: String, message: String| ImportIssue { location, field: String::new(), message };
    let (mut names, mut docs) = (Vec::with_capacity(read.len()), Vec::with_capacity(read.len()));
    for (i, r) in read.into_iter().enumerate() {
        let (doc, issues) = match r {
            Ok(x) => x,
            Err(e) => {
                out.issues.push(issue(e.location, e.message));
                continue;
            }
        };
        out.issues.extend(issues.into_iter().map(|x| issue(x.location, x.message)));
        if let Some(why) = excluded(&doc, Filter { all_answers: false }) {
            out.issues.push(issue(doc.display_name(i), format!("{why}; not imported")));
            continue;
        }
        names.push(doc.name.as_ref().map_or_else(|| doc.display_name(i), |n| format!("document {n}")));
        docs.push(doc);
    }
    let files: Vec<FileText> = docs.iter().map(|d| FileText::new(article, &d.text)).collect();
    let chosen: Vec<usize> = match pick(&docs, &files, article) {
        Pick::Placed(v) => v,
        Pick::Nearest(i) => vec![i],
        Pick::None => {
            if !docs.is_empty() {
                out.issues.push(issue("file".into(), format!("none of its {} documents is this article (no text of theirs is found in it)", docs.len())));
            }
            out.other_documents = docs.len();
            return out;
        }
    };
    out.other_documents = docs.len() - chosen.len();
    let mut hint = AnchorHint::default();
    let mut seen = std::collections::HashSet::new();
    for k in chosen {
        let (doc, file) = (&docs[k], &files[k]);
        let mut w = Written::default();
        // A brat span whose covered text disagrees with its offsets is found by that text.
        let mut place = |span: &Span, s: usize, e: usize| match span.fields.get(COVERED).and_then(Value::as_str) {
            Some(covered) => Ok((None, Quote::bare(covered))),
            None => file.span(s, e),
        };
        let body_of = |l: &str| crate::core::format::catalog::body_for_label(schema, l);
        if doc.relations.iter().any(|r| r.label.eq_ignore_ascii_case(CLAIMANT)) {
            out.carries.claimants = true;
        }
        let list = to_annotations(doc, format, keep_ids, &mut place, &body_of, now, false, &mut w);
        let name = &names[k];
        for l in w.left_out.into_iter().chain(w.changed) {
            out.issues.push(issue(if docs.len() > 1 { format!("{name}, {}", l.item) } else { l.item }, l.why));
        }
        for (a, position) in list {
            // The same span with the same label twice (or one id twice) is one annotation.
            if !seen.insert(a.id.clone()) {
                out.issues.push(issue(name.clone(), format!("{:?} at {} is there twice; imported once", a.target.quote.exact(), position.map_or("?".into(), |p| format!("{}-{}", p.start().0, p.end().0)))));
                continue;
            }
            out.annotations.push(anchor_into(article, a, position, &mut hint).0);
        }
    }
    out
}
