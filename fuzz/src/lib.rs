//! Shared by the fuzz targets: a document to anchor in, and the checks every import
//! must pass whatever its input.

use article_annotator::core::article::parse_markdown;
use article_annotator::core::document::Document;
use article_annotator::core::edit::{apply, AnnotationSet};
use article_annotator::core::format::catalog::{self, ExportContext, Format};
use article_annotator::core::format::Imported;
use article_annotator::core::merge::merge_edit;
use article_annotator::core::model::Timestamp;
use article_annotator::core::schema::Schema;

/// The sample article plus a line of Cyrillic, Chinese, emoji and combining marks.
pub fn doc() -> Document {
    let src = include_str!("../../tests/fixtures/moscow-times-2014-08-18.md");
    parse_markdown(&format!("{src}\n\nМинистр 中国 👨‍👩‍👧‍👦 👍🏽 cafe\u{301} Zoe\u{308}.\n"))
}

/// Every anchored annotation lies inside the document and its quote is the text there;
/// the import merges; and the result exports in every format without panicking.
pub fn check(doc: &Document, imported: Imported) {
    for a in &imported.annotations {
        if let Some(r) = a.target.range {
            assert_eq!(doc.slice(r), Some(a.target.quote.exact()), "an anchored range holds its quote");
        }
    }
    let mut set = AnnotationSet::default();
    let (edit, _) = merge_edit(&set, imported.annotations, imported.carries);
    apply(&mut set, edit).expect("a merge into an empty set applies");
    let schema = Schema::default();
    let cx = ExportContext { set: &set, schema: &schema, doc, document_id: "fuzz", source: "urn:x:fuzz" };
    for f in Format::ALL {
        let _ = catalog::export(f, &cx);
    }
}

/// Imports `data` as `format` into the shared document and checks the result.
pub fn import(format: Format, data: &[u8], companion: Option<&str>) {
    let doc = doc();
    if let Ok(imported) = catalog::import_bytes(format, data, companion, &catalog::ImportContext { doc: &doc, schema: &Schema::default(), now: Timestamp(0) }) {
        check(&doc, imported);
    }
}

/// Reads `data` as a corpus in every record format and as a brat `.ann` over the
/// document's text, writes every document in every format the converter writes, and
/// checks that each writer accounts for every item it read.
pub fn convert(data: &[u8]) {
    use article_annotator::core::corpus::write::{Options, Predictions, Writer};
    use article_annotator::core::corpus::{self, brat};
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut docs: Vec<corpus::Doc> = Vec::new();
    for f in [Format::Doccano, Format::Spacy, Format::LabelStudio] {
        if let Some(reader) = corpus::record_reader(f) {
            docs.extend(corpus::read_records(reader, text).filter_map(Result::ok).map(|(d, _)| d).take(8));
        }
    }
    let (half, rest) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(text.len(), |(i, _)| i));
    docs.push(brat::read(half, rest, Some("fuzz".into())).0);
    for to in [Format::Brat, Format::Doccano, Format::DoccanoRelations, Format::Spacy, Format::LabelStudio, Format::Conll, Format::W3c, Format::Jsonl] {
        for p in [Predictions::Separate, Predictions::Merge, Predictions::Drop] {
            let opts = Options { predictions: p, all_answers: true, schema_types: Vec::new(), schema: Schema::default(), now: Timestamp(0), collection: "urn:x:c".into() };
            let mut w = Writer::new(to, opts);
            let _ = w.start();
            for (i, d) in docs.iter().enumerate() {
                let (_, r) = w.push(d.clone(), i, Vec::new()).expect("every corpus format takes many documents");
                assert_eq!(r.read.total(), r.written + r.left_out.len() + r.excluded, "{to:?}: {r:?}");
            }
            let _ = w.finish();
        }
    }
}
