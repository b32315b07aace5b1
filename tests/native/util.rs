//! Helpers shared by the native tests: fixtures and a marker-based range helper.

use article_annotator::core::article::parse_markdown;
use article_annotator::core::document::Document;
use article_annotator::core::offset::CharRange;

pub const SAMPLE: &str = include_str!("../fixtures/moscow-times-2014-08-18.md");
pub const MULTILINGUAL: &str = include_str!("../fixtures/multilingual.md");

pub fn sample() -> Document {
    parse_markdown(SAMPLE)
}

/// The code-point range of the first occurrence of `needle` in the document text.
pub fn find(doc: &Document, needle: &str) -> CharRange {
    let b = doc.text().find(needle).unwrap_or_else(|| panic!("{needle:?} not in document"));
    let start = doc.text()[..b].chars().count();
    CharRange::from_usize(start, start + needle.chars().count()).unwrap()
}

/// Text with two `$0` markers: the text without them and the code-point range between.
pub fn marked(src: &str) -> (String, CharRange) {
    let parts: Vec<&str> = src.split("$0").collect();
    assert_eq!(parts.len(), 3, "expected two $0 markers in {src:?}");
    let s = parts[0].chars().count();
    let e = s + parts[1].chars().count();
    (parts.concat(), CharRange::from_usize(s, e).unwrap())
}
