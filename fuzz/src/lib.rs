//! Shared by the fuzz targets: a document to anchor in, and the checks every import
//! must pass whatever its input.

use article_annotator::core::article::parse_markdown;
use article_annotator::core::document::Document;
use article_annotator::core::edit::{apply, AnnotationSet};
use article_annotator::core::format::catalog::{self, ExportContext, Format};
use article_annotator::core::format::{merge_edit, Imported};
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
    if let Ok(imported) = catalog::import_bytes(format, data, companion, &doc, &Schema::default(), Timestamp(0)) {
        check(&doc, imported);
    }
}
