//! Every mention at newsroom scale: finding the other occurrences of a name in a
//! ~100,000-word article with 10,000 annotations, which must fit in one frame (16.7 ms).
//! Run with `cargo bench --bench mentions` (see docs/PERFORMANCE.md).

use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::mentions::find_words;
use article_annotator::core::model::{AnnotationId, Body, Timestamp};
use article_annotator::core::offset::CharRange;
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

mod common;
use common::{article, word_ranges};

fn id(k: u64) -> AnnotationId {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&k.to_le_bytes());
    AnnotationId::from_random(bytes)
}

/// The session, with 10,000 single-word person annotations spread over the text, and
/// the first mention of `name` tagged as a person (the source of the suggestions).
fn session(text: &str, name: &str) -> (Session, AnnotationId) {
    let doc = Document::from_plain_text(text);
    let words = word_ranges(&doc);
    let mut s = Session::new("bench".into(), doc, Schema::default());
    let count = 10_000;
    let adds: Vec<Edit> = (0..count)
        .filter_map(|k| s.new_annotation(id(k as u64), words[k * words.len() / count], Body::Entity("organization".into()), Timestamp(0), None))
        .map(Edit::Add)
        .collect();
    s.apply(Edit::Batch(adds)).expect("fresh ids");
    let b = s.doc.text().find(name).expect("name in the article");
    let c = s.doc.text()[..b].chars().count();
    let r = CharRange::from_usize(c, c + name.chars().count()).expect("range");
    let src = id(1_000_000);
    let a = s.new_annotation(src.clone(), r, Body::Entity("person".into()), Timestamp(0), None).expect("source");
    s.apply(Edit::Add(a)).expect("fresh id");
    (s, src)
}

fn benches(c: &mut Criterion) {
    let text = article(100_000);
    let (s, src) = session(&text, "Nikiforov");
    let t = s.doc.text();
    println!(
        "{} words; \"Nikiforov\" occurs {} times as a whole word, \"the\" {} times",
        t.split_whitespace().count(),
        find_words(t, "Nikiforov", true).len(),
        find_words(t, "the", true).len()
    );
    c.bench_function("find a name's whole-word mentions in 100k words (case-sensitive)", |b| b.iter(|| find_words(black_box(t), "Nikiforov", true)));
    c.bench_function("find a name's whole-word mentions in 100k words (any case)", |b| b.iter(|| find_words(black_box(t), "Nikiforov", false)));
    c.bench_function("find a Cyrillic name's mentions in 100k words (any case)", |b| b.iter(|| find_words(black_box(t), "никифоров", false)));
    c.bench_function("find \"the\" in 100k words (a very common word, case-sensitive)", |b| b.iter(|| find_words(black_box(t), "the", true)));
    // The whole of what the reader's "other mentions" costs: occurrences, the check
    // against 10k annotations, and the suggestions list.
    c.bench_function("suggest a name's mentions in 100k words with 10k annotations", |b| {
        b.iter_batched(|| s.clone(), |mut s| s.suggest(&src, true).expect("entity"), criterion::BatchSize::LargeInput)
    });
}

criterion_group! {
    name = mentions;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(mentions);
