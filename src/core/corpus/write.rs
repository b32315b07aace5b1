//! Writing a corpus in any exportable format, one document at a time, and the report
//! of what each document kept: the converter's side of [`crate::core::corpus`].
//!
//! A [`Writer`] takes documents in order and gives back [`Chunk`]s of output (the main
//! file, or a named file of a multi-file format such as brat) and, per document, a
//! [`DocReport`]. Predictions and Prodigy answers are filtered here, by [`Options`], so
//! that every format treats them alike.
//!
//! Invariants: for every document, `read == written + left_out + excluded` item for
//! item; a document held is the only one held (the caller drops it after `push`).

use crate::core::corpus::bridge::{exact_place, excluded, to_annotations, Filter};
use crate::core::corpus::{brat, conll, doccano, labelstudio, spacy, w3c, Cutter, Doc, GroupKind, Issue, Items, LeftOut, Written};
use crate::core::document::Document;
use crate::core::edit::{apply, AnnotationSet};
use crate::core::merge::merge_edit;
use crate::core::format::catalog::{self, ExportContext, Format};
use crate::core::model::Timestamp;
use crate::core::schema::Schema;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashSet};

/// What to do with a model's predictions (Label Studio).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predictions {
    /// Kept apart: Label Studio writes them back as predictions; formats without a place
    /// for them list them as left out.
    Separate,
    /// Written as annotations.
    Merge,
    /// Not converted (reported as excluded).
    Drop,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub predictions: Predictions,
    /// Keep Prodigy examples whatever their answer (else only accepted ones).
    pub all_answers: bool,
    /// Entity types the schema declares (brat's `annotation.conf` lists them too).
    pub schema_types: Vec<String>,
    pub schema: Schema,
    pub now: Timestamp,
    /// The W3C collection's id.
    pub collection: String,
}

/// A piece of output: for the main file (`file: None`) or for a named file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub file: Option<String>,
    pub text: String,
}

fn main_chunk(text: String) -> Chunk {
    Chunk { file: None, text }
}

/// What happened to one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocReport {
    pub name: String,
    pub read: Items,
    pub written: usize,
    pub left_out: Vec<LeftOut>,
    pub changed: Vec<LeftOut>,
    /// Items not converted because the options said so (answers, predictions), and why.
    pub excluded: usize,
    pub excluded_why: Option<String>,
    /// Problems the reader found in it.
    pub issues: Vec<Issue>,
}

impl DocReport {
    /// Whether everything read arrived whole.
    pub fn clean(&self) -> bool {
        self.left_out.is_empty() && self.changed.is_empty() && self.issues.is_empty()
    }
}

/// Writes documents in one format.
pub struct Writer {
    format: Format,
    opts: Options,
    docs: usize,
    items: usize,
    labels: BTreeSet<(char, String)>,
    stems: HashSet<String>,
}

/// Whether the converter can write a corpus in `format`.
pub fn writable(format: Format) -> bool {
    format.info().export
}

impl Writer {
    pub fn new(format: Format, opts: Options) -> Writer {
        Writer { format, opts, docs: 0, items: 0, labels: BTreeSet::new(), stems: HashSet::new() }
    }

    /// The output's opening, before any document.
    pub fn start(&mut self) -> Vec<Chunk> {
        match self.format {
            Format::W3c => vec![main_chunk(w3c::open(&self.opts.collection))],
            Format::LabelStudio => vec![main_chunk(labelstudio::open().to_string())],
            _ => Vec::new(),
        }
    }

    /// Drops a document's predictions when the options say so; the number dropped.
    fn drop_predictions(doc: &mut Doc) -> usize {
        let before = doc.items().total();
        let keep: Vec<bool> = doc.spans.iter().map(|s| !doc.is_prediction(s)).collect();
        let mut new_index = vec![None; keep.len()];
        let mut n = 0;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                new_index[i] = Some(n);
                n += 1;
            }
        }
        let mut i = 0;
        doc.spans.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        doc.relations.retain_mut(|r| match (new_index.get(r.from).copied().flatten(), new_index.get(r.to).copied().flatten()) {
            (Some(a), Some(b)) => {
                r.from = a;
                r.to = b;
                true
            }
            _ => false,
        });
        let groups = doc.groups.clone();
        doc.extras.retain(|e| {
            let g = e.raw.get("group").and_then(Value::as_u64).and_then(|g| groups.get(g as usize));
            !g.is_some_and(|g| g.kind == GroupKind::Prediction)
        });
        // The prediction groups go too; the others are renumbered.
        let mut renumber = vec![None; groups.len()];
        let mut n = 0;
        for (i, g) in groups.iter().enumerate() {
            if g.kind != GroupKind::Prediction {
                renumber[i] = Some(n);
                n += 1;
            }
        }
        doc.groups.retain(|g| g.kind != GroupKind::Prediction);
        let re = |g: Option<usize>| g.and_then(|g| renumber.get(g).copied().flatten());
        for s in &mut doc.spans {
            s.group = re(s.group);
        }
        for r in &mut doc.relations {
            r.group = re(r.group);
        }
        for e in &mut doc.extras {
            if let Some(g) = re(e.raw.get("group").and_then(Value::as_u64).map(|g| g as usize)) {
                e.raw["group"] = json!(g);
            }
        }
        before - doc.items().total()
    }

    /// Writes one document (the `index`-th of the input); `issues` are the reader's.
    pub fn push(&mut self, mut doc: Doc, index: usize, issues: Vec<Issue>) -> Result<(Vec<Chunk>, DocReport), String> {
        let mut report = DocReport { name: doc.display_name(index), read: doc.items(), issues, ..DocReport::default() };
        if let Some(why) = excluded(&doc, Filter { all_answers: self.opts.all_answers }) {
            report.excluded = report.read.total();
            report.excluded_why = Some(format!("{why} (--answers all keeps the others)"));
            return Ok((Vec::new(), report));
        }
        if self.opts.predictions == Predictions::Drop {
            let n = Self::drop_predictions(&mut doc);
            if n > 0 {
                report.excluded = n;
                report.excluded_why = Some("a model's predictions (--predictions drop)".into());
            }
        }
        let merge = self.opts.predictions == Predictions::Merge;
        let (chunks, w) = match self.format {
            Format::Brat => {
                let mut stem = doc.name.as_deref().and_then(safe_stem).unwrap_or_else(|| format!("document-{:04}", index + 1));
                if !self.stems.insert(stem.clone()) {
                    let mut k = 2;
                    while !self.stems.insert(format!("{stem}-{k}")) {
                        k += 1;
                    }
                    stem = format!("{stem}-{k}");
                }
                let (txt, ann, w) = brat::write(&doc, merge, &mut self.labels);
                (vec![Chunk { file: Some(format!("{stem}.txt")), text: txt }, Chunk { file: Some(format!("{stem}.ann")), text: ann }], w)
            }
            Format::Doccano | Format::DoccanoRelations => {
                let (line, w) = doccano::write(&doc, self.format == Format::DoccanoRelations, merge);
                (vec![main_chunk(line)], w)
            }
            Format::Spacy => {
                let (line, w) = spacy::write(&doc, merge);
                (vec![main_chunk(line)], w)
            }
            Format::LabelStudio => {
                let (task, w) = labelstudio::write(&doc, merge);
                let sep = if self.docs > 0 { ",\n" } else { "" };
                (vec![main_chunk(format!("{sep}{task}"))], w)
            }
            Format::Conll => {
                let (block, w) = conll::write(&doc, merge);
                (vec![main_chunk(block)], w)
            }
            Format::W3c | Format::Jsonl => {
                let source = w3c::source_for(&doc, index);
                let (list, w) = w3c::annotations(&doc, &source, merge, self.opts.now);
                let mut text = String::new();
                for v in &list {
                    if self.format == Format::W3c {
                        text.push_str(&w3c::item(v, self.items));
                    } else {
                        text.push_str(&w3c::line(v));
                    }
                    self.items += 1;
                }
                (vec![main_chunk(text)], w)
            }
            Format::Csv | Format::ClaimReview => {
                if self.docs > 0 {
                    return Err(format!("{} holds one document, and the input holds more ({} is the second); convert to w3c, jsonl, brat, doccano, label-studio, spacy or conll", self.format.info().name, report.name));
                }
                self.one_document(&doc, index, merge)
            }
        };
        self.docs += 1;
        report.written = w.items;
        report.left_out = w.left_out;
        report.changed = w.changed;
        Ok((chunks, report))
    }

    /// CSV and ClaimReview, written by the widget's exporters from the document's spans.
    fn one_document(&self, doc: &Doc, index: usize, merge: bool) -> (Vec<Chunk>, Written) {
        let mut w = Written::default();
        let cut = Cutter::new(&doc.text);
        let mut place = exact_place(&cut);
        let body_of = |l: &str| crate::core::model::Body::Entity(l.to_string());
        let list = to_annotations(doc, "corpus", false, &mut place, &body_of, self.opts.now, merge, &mut w);
        let mut set = AnnotationSet::default();
        let incoming = list
            .into_iter()
            .map(|(mut a, p)| {
                a.target.range = p;
                a
            })
            .collect();
        // Entities before the claims naming them, as every import merges.
        let (edit, _) = merge_edit(&set, incoming, crate::core::format::Carries::ALL);
        if let Err(e) = apply(&mut set, edit) {
            w.change(doc.display_name(index), format!("its annotations could not be put together: {e}"));
        }
        let article = Document::from_plain_text("");
        let source = w3c::source_for(doc, index);
        let id = doc.display_name(index);
        let exported = catalog::export(self.format, &ExportContext { set: &set, schema: &self.opts.schema, doc: &article, document_id: &id, source: &source });
        for l in exported.left_out {
            w.change(doc.display_name(index), l);
        }
        (exported.files.into_iter().map(|f| main_chunk(f.text)).collect(), w)
    }

    /// The output's closing, after the last document, and the files written once
    /// (brat's `annotation.conf`).
    pub fn finish(&mut self) -> Vec<Chunk> {
        match self.format {
            Format::W3c => vec![main_chunk(w3c::close(self.items))],
            Format::LabelStudio => vec![main_chunk(labelstudio::close(self.docs > 0).to_string())],
            Format::Brat => vec![Chunk { file: Some("annotation.conf".into()), text: brat::conf(&self.labels, &self.opts.schema_types) }],
            _ => Vec::new(),
        }
    }
}

/// A document's name as a file stem: kept as it is when it is letters, digits, `.`,
/// `_` and `-` (brat → brat keeps `esp.train-doc-100`); other characters become `-`, and
/// it never starts with a dot or holds a path.
fn safe_stem(name: &str) -> Option<String> {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() || "._-".contains(c) { c } else { '-' }).collect();
    let s = s.trim_start_matches(['.', '-']).trim_end_matches('-');
    (!s.is_empty()).then(|| s.chars().take(120).collect())
}

fn left(l: &[LeftOut]) -> Value {
    Value::Array(l.iter().map(|x| json!({"item": x.item, "why": x.why})).collect())
}

/// The `--report` file: per document, items read, written, left out and why.
pub fn report_json(input: &str, from: &str, to: &str, docs: &[DocReport], file_issues: &[Issue]) -> String {
    let list: Vec<Value> = docs
        .iter()
        .map(|d| {
            json!({
                "document": d.name,
                "read": {"total": d.read.total(), "spans": d.read.spans, "relations": d.read.relations, "attributes": d.read.attributes, "notes": d.read.notes, "normalisations": d.read.norms, "other": d.read.extras},
                "written": d.written,
                "left_out": left(&d.left_out),
                "changed": left(&d.changed),
                "excluded": {"items": d.excluded, "why": d.excluded_why},
                "warnings": d.issues.iter().map(|i| json!({"where": i.location, "message": i.message})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let sum = |f: &dyn Fn(&DocReport) -> usize| docs.iter().map(f).sum::<usize>();
    let v = json!({
        "input": input,
        "from": from,
        "to": to,
        "documents": docs.len(),
        "read": sum(&|d| d.read.total()),
        "written": sum(&|d| d.written),
        "left_out": sum(&|d| d.left_out.len()),
        "excluded": sum(&|d| d.excluded),
        "complete": docs.iter().all(DocReport::clean) && file_issues.is_empty(),
        "file_warnings": file_issues.iter().map(|i| json!({"where": i.location, "message": i.message})).collect::<Vec<_>>(),
        "per_document": list,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
