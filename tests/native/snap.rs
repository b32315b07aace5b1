use crate::util::marked;
use article_annotator::core::document::Document;
use article_annotator::core::snap::snap_to_words;

/// `input` (single-spaced: plain text is folded) marks the reader's selection with `$0`, `expect` the snapped one.
fn check(input: &str, expect: Option<&str>) {
    let (text, sel) = marked(input);
    let doc = Document::from_plain_text(&text);
    let got = snap_to_words(&doc, sel).map(|r| doc.slice(r).unwrap().to_string());
    assert_eq!(got.as_deref(), expect, "snapping {input:?}");
}

#[test]
fn widens_to_whole_words() {
    check("Minister Niko$0lai Nikif$0orov said", Some("Nikolai Nikiforov"));
    check("M$0$0inister", None);
    check("$0Minister$0 Nikolai", Some("Minister"));
}

#[test]
fn trims_spaces_and_punctuation() {
    check("said $0“Nikolai Nikiforov.” $0Monday", Some("Nikolai Nikiforov"));
    check("the $0(Kremlin),$0 said", Some("Kremlin"));
    check("a$0 ,;: $0b", None);
}

#[test]
fn keeps_apostrophes_and_inner_punctuation() {
    check("to $0People's Dai$0ly", Some("People's Daily"));
    check("anti-$0monopoly$0 inquiry", Some("monopoly"));
}

#[test]
fn never_splits_graphemes_or_surrogates() {
    check("hi 👩🏽$0‍💻$0 there", Some("👩🏽‍💻"));
    check("the fam$0ily 👨‍👩$0‍👧‍👦 ok", Some("family 👨‍👩‍👧‍👦"));
    check("cafe\u{301}$0 ok$0", Some("ok"));
    check("caf$0e$0\u{301} ok", Some("cafe\u{301}"));
    check("Ники$0форов$0 сказал", Some("Никифоров"));
    check("在$0北$0京", Some("北"));
    check("👍🏽$0 $0yes", None);
    check("$0👍$0🏽 yes", Some("👍🏽"));
}

#[test]
fn spans_paragraphs() {
    check("end of o$0ne\n\ntw$0o more", Some("one\n\ntwo"));
}
