//! What the native benchmarks share: a long article made from the sample, and its words.

use article_annotator::core::document::Document;
use article_annotator::core::offset::CharRange;

pub const SAMPLE: &str = include_str!("../../tests/fixtures/moscow-times-2014-08-18.md");

/// About `words` words of the sample's body paragraphs, with a line of Cyrillic, Chinese and
/// emoji every ten paragraphs so that offset conversions have real work to do.
pub fn article(words: usize) -> String {
    let paras: Vec<String> =
        SAMPLE.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| p.split(' ').count() > 20).collect();
    let mut out = Vec::new();
    let mut n = 0;
    let mut i = 0;
    while n < words {
        let p = &paras[i % paras.len()];
        n += p.split(' ').count();
        out.push(p.clone());
        if i % 10 == 9 {
            out.push("Министр Никифоров 👩🏽‍💻 сказал, что 中国 и Россия расширят торговлю.".to_string());
        }
        i += 1;
    }
    out.join("\n\n")
}

/// The code-point ranges of the document's runs of letters and digits.
pub fn word_ranges(doc: &Document) -> Vec<CharRange> {
    let mut words: Vec<CharRange> = Vec::new();
    let mut start = None;
    for (i, c) in doc.text().chars().enumerate() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.extend(CharRange::from_usize(s, i));
                start = None;
            }
            _ => {}
        }
    }
    words
}
