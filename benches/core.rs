//! Native benchmarks of the core at newsroom scale: a ~100,000-word article with 10,000
//! annotations. Run with `cargo bench --bench core` (see docs/PERFORMANCE.md).

use article_annotator::core::anchor::quote_at;
use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::format::catalog::{self, ExportContext, Format};
use article_annotator::core::format::{stored, w3c};
use article_annotator::core::model::{AnnotationId, Body, Timestamp};
use article_annotator::core::offset::{CharOffset, TextIndex, Utf16Offset};
use article_annotator::core::panel::panel_data;
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

mod common;
use common::{article, word_ranges};

/// A session with `count` entity annotations spread over the words of `text`.
fn session(text: &str, count: usize) -> Session {
    let doc = Document::from_plain_text(text);
    let words = word_ranges(&doc);
    let mut s = Session::new("bench".into(), doc, Schema::default());
    let mut adds = Vec::with_capacity(count);
    for k in 0..count {
        let w = words[k * words.len() / count];
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&(k as u64).to_le_bytes());
        let a = s.new_annotation(AnnotationId::from_random(bytes), w, Body::Entity("person".into()), Timestamp(0), None).expect("word in text");
        adds.push(Edit::Add(a));
    }
    s.apply(Edit::Batch(adds)).expect("fresh ids");
    s
}

fn benches(c: &mut Criterion) {
    let text = article(100_000);
    let s = session(&text, 10_000);
    let source = w3c::default_source(&s.doc, &s.document_id);
    let meta = w3c::ExportMeta { document_id: "bench", source: &source };
    let exported = w3c::export_string(s.annotations(), &s.schema, &s.doc, &meta);
    let saved = stored::to_string("bench", s.annotations());

    c.bench_function("parse 100k-word article (plain text)", |b| b.iter(|| Document::from_plain_text(black_box(&text))));
    c.bench_function("anchor 10k stored annotations on 100k words", |b| b.iter(|| stored::from_str(black_box(&saved), &s.doc)));
    c.bench_function("anchor 10k W3C annotations on 100k words", |b| b.iter(|| w3c::import(black_box(&exported), &s.doc, &s.schema, Timestamp(0))));
    let edited = Document::from_plain_text(&format!("An editor's note at the top.\n\n{text}"));
    c.bench_function("re-anchor 10k annotations after an insertion at the top", |b| b.iter(|| stored::from_str(black_box(&saved), &edited)));
    // Every quote lost: exact searches fail, approximate ones run until the budget is spent.
    let unrelated = Document::from_plain_text(&"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(12_000));
    c.bench_function("re-anchor 10k annotations on an unrelated article (all orphans)", |b| b.iter(|| stored::from_str(black_box(&saved), &unrelated)));
    c.bench_function("export 10k annotations as W3C JSON-LD", |b| b.iter(|| w3c::export_string(s.annotations(), &s.schema, &s.doc, &meta)));
    c.bench_function("save 10k annotations (stored form)", |b| b.iter(|| stored::to_string("bench", s.annotations())));
    c.bench_function("quote 10k ranges", |b| {
        b.iter(|| s.annotations().iter().filter_map(|a| quote_at(&s.doc, a.target.range?)).count())
    });
    // Every file format: export 10k annotations, and import them back where the format can.
    let cx = ExportContext { set: s.annotations(), schema: &s.schema, doc: &s.doc, document_id: "bench", source: &source };
    for f in Format::ALL {
        let name = f.info().name;
        c.bench_function(&format!("export 10k annotations as {name}"), |b| b.iter(|| catalog::export(f, black_box(&cx))));
        if f.info().import {
            let files = catalog::export(f, &cx).files;
            let main = files.iter().find(|x| !x.name.ends_with(".txt") && !x.name.ends_with(".conf")).map_or("", |x| x.text.as_str());
            let txt = files.iter().find(|x| x.name.ends_with(".txt")).map(|x| x.text.as_str());
            c.bench_function(&format!("import 10k annotations from {name}"), |b| {
                b.iter(|| catalog::import(f, black_box(main), txt, &catalog::ImportContext { doc: &s.doc, schema: &s.schema, now: Timestamp(0) }))
            });
        }
    }
    // What the side panel needs after each change: every group counted, 50 rows each.
    let none = std::collections::HashSet::new();
    c.bench_function("panel groups of 10k annotations (one pass, partial selection)", |b| {
        b.iter(|| panel_data(s.annotations().iter(), &s.schema, &none, |id| s.annotations().get(id)))
    });
    c.bench_function("panel groups of 10k annotations after sorting them all (as before)", |b| {
        b.iter(|| panel_data(s.annotations().in_reading_order(), &s.schema, &none, |id| s.annotations().get(id)))
    });
    let index = TextIndex::new(s.doc.text());
    let n = index.len_chars().0;
    c.bench_function("build the offset index of 100k words", |b| b.iter(|| TextIndex::new(black_box(s.doc.text()))));
    c.bench_function("10k conversions code points → UTF-16 → code points", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for k in 0..10_000 {
                let c = CharOffset(k * n / 10_000);
                let u: Utf16Offset = index.char_to_utf16(c).unwrap_or_default();
                acc += index.utf16_to_char(u).map_or(0, |x| x.0);
            }
            acc
        })
    });
}

criterion_group! {
    name = core;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(core);
