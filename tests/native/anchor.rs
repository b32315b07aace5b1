use crate::util::{find, sample};
use article_annotator::core::anchor::{anchor, quote_at, AnchorMethod, Unanchored};
use article_annotator::core::document::Document;
use article_annotator::core::model::Quote;
use article_annotator::core::offset::CharRange;

#[test]
fn quote_has_32_code_points_of_context() {
    let doc = sample();
    let r = find(&doc, "Nikolai Nikiforov said Monday");
    let q = quote_at(&doc, r).unwrap();
    assert_eq!(q.exact, "Nikolai Nikiforov said Monday");
    assert_eq!(q.prefix.chars().count(), 32);
    assert!(q.prefix.ends_with("Mass Media Minister "));
    assert_eq!(q.suffix, ".\n\nThe deal is likely aimed at h");
}

#[test]
fn quote_context_is_clipped_at_the_document_edges() {
    let doc = Document::from_plain_text("Short text");
    let q = quote_at(&doc, CharRange::from_usize(0, 5).unwrap()).unwrap();
    assert_eq!((q.prefix.as_str(), q.exact.as_str(), q.suffix.as_str()), ("", "Short", " text"));
}

#[test]
fn position_is_used_when_its_text_still_matches() {
    let doc = sample();
    let r = find(&doc, "Kaspersky Lab");
    let q = quote_at(&doc, r).unwrap();
    assert_eq!(anchor(&doc, Some(r), Some(&q)), Ok((r, AnchorMethod::Position)));
}

#[test]
fn moved_text_is_found_by_quote_and_context() {
    let doc = sample();
    let r = find(&doc, "Kaspersky Lab");
    let q = quote_at(&doc, r).unwrap();
    let edited = Document::from_plain_text(&format!("A new first paragraph.\n\n{}", doc.text()));
    let (got, how) = anchor(&edited, Some(r), Some(&q)).unwrap();
    assert_eq!(how, AnchorMethod::Quote);
    assert_eq!(edited.slice(got), Some("Kaspersky Lab"));
}

#[test]
fn context_picks_the_right_one_of_several_occurrences() {
    let doc = sample();
    // "China" occurs many times; the prefix and suffix choose this one.
    let q = Quote { exact: "China".into(), prefix: "the People's Daily newspaper in ".into(), suffix: ".\n\nChinese lawmakers".into() };
    let (got, _) = anchor(&doc, None, Some(&q)).unwrap();
    assert_eq!(got, find(&doc, "China.\n\nChinese lawmakers").intersect(&got).unwrap());
    assert_eq!(doc.slice(CharRange::from_usize(got.start().0 - 13, got.end().0).unwrap()), Some("newspaper in China"));
}

#[test]
fn ambiguous_or_missing_quote_is_an_orphan_not_a_guess() {
    let doc = sample();
    let q = Quote { exact: "China".into(), ..Quote::default() };
    assert!(matches!(anchor(&doc, None, Some(&q)), Err(Unanchored::Ambiguous(n)) if n > 3));
    let gone = Quote { exact: "Vladimir Putin".into(), ..Quote::default() };
    assert_eq!(anchor(&doc, None, Some(&gone)), Err(Unanchored::NotFound));
    assert_eq!(anchor(&doc, None, None), Err(Unanchored::NoSelector));
}

#[test]
fn stale_position_without_quote_past_the_end_is_an_orphan() {
    let doc = Document::from_plain_text("tiny");
    assert_eq!(anchor(&doc, CharRange::from_usize(10, 20), None), Err(Unanchored::NotFound));
}
