//! Every mention: whole-word occurrences, suggestions without duplicates, overlaps
//! resolved the same whatever the order, accepting as one undo step, rejecting for good.

use crate::formats::{id, NOW};
use crate::util::find;
use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::mentions::{find_words, SuggestError, Suggestion, Suggestions, Which};
use article_annotator::core::model::{AnnotationId, Body, Claim};
use article_annotator::core::offset::{CharRange, Utf8Offset};
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;
use article_annotator::core::snap::snap_to_words;
use proptest::prelude::*;

fn words<'t>(text: &'t str, needle: &str, case_sensitive: bool) -> Vec<&'t str> {
    find_words(text, needle, case_sensitive).into_iter().map(|r| &text[r]).collect()
}

#[test]
fn only_whole_words_are_found() {
    let t = "Putin, Putinism (Putin) Putin's putin PUTIN.";
    assert_eq!(words(t, "Putin", true), ["Putin", "Putin"]);
    assert_eq!(find_words(t, "Putin", true), [0..5, 17..22]);
    assert_eq!(words(t, "Putin", false), ["Putin", "Putin", "putin", "PUTIN"]);
    assert!(find_words(t, "utin", false).is_empty());
    assert!(find_words(t, "", true).is_empty());
    // Several words, and a match at the very end.
    assert_eq!(find_words("the Kremlin said; the Kremlin", "the Kremlin", true), [0..11, 18..29]);
}

#[test]
fn cyrillic_chinese_emoji_and_combining_marks() {
    // Cyrillic: the genitive "Путина" is another word.
    assert_eq!(words("Путин сказал, что Путина нет; путин", "Путин", true), ["Путин"]);
    assert_eq!(words("Путин сказал, что Путина нет; путин", "путин", false), ["Путин", "путин"]);
    // Chinese: no spaces, each ideograph is a word boundary (UAX #29).
    assert_eq!(find_words("我在北京工作。北京很大", "北京", true).len(), 2);
    // Emoji: a ZWJ sequence is one word; a thumb with a skin tone is not the bare thumb.
    assert_eq!(words("👩‍💻 codes, 👩 reads", "👩", true), ["👩"]);
    assert_eq!(words("👍🏽 and 👍", "👍", true), ["👍"]);
    assert_eq!(words("👍🏽 and 👍", "👍🏽", true), ["👍🏽"]);
    // A combining mark belongs to its letter: "Jose" is not inside "José" (decomposed).
    assert!(find_words("Jose\u{301} Garci\u{301}a", "Jose", true).is_empty());
    assert_eq!(words("Jose\u{301} and Jose", "Jose\u{301}", true), ["Jose\u{301}"]);
    // A character whose lower case is ASCII: the Kelvin sign is a "K".
    assert_eq!(words("\u{212A}im and Kim and kim", "kim", false).len(), 3);
    // Greek final sigma: the full lower-case mapping on both sides.
    assert_eq!(words("ΣΟΦΊΑ είπε ότι η σοφία", "σοφία", false).len(), 2);
}

/// Greedy, brute force: every position, in order, where the needle occurs and snapping
/// gives the match back unchanged, not overlapping the last one taken.
fn brute(text: &str, needle: &str) -> Vec<std::ops::Range<usize>> {
    let doc = Document::from_plain_text(text);
    let index = doc.index();
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for (a, _) in text.char_indices() {
        if !text[a..].starts_with(needle) || out.last().is_some_and(|l| l.end > a) {
            continue;
        }
        let b = a + needle.len();
        let r = CharRange::new(index.utf8_to_char(Utf8Offset(a)).unwrap(), index.utf8_to_char(Utf8Offset(b)).unwrap()).unwrap();
        if snap_to_words(&doc, r) == Some(r) {
            out.push(a..b);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    /// Whole words are exactly what snapping leaves unchanged.
    #[test]
    fn whole_words_are_what_snapping_keeps(
        parts in proptest::collection::vec(prop::sample::select(vec!["ab", "a", "b", "ab", " ", " ", ",", "'", "é", "e\u{301}", "\u{301}", "👍", "🏽", "\u{200d}", "北", "京", ".", "1", "\n"]), 0..24),
        needle in prop::sample::select(vec!["ab", "a", "b", "ab a", "a, b", "é", "e\u{301}", "👍", "北", "北京", "1", "a.b"]),
    ) {
        let text: String = parts.concat();
        let doc = Document::from_plain_text(&text);
        // The document's own text (white space folded as an article's is).
        let t = doc.text();
        prop_assert_eq!(find_words(t, needle, true), brute(t, needle));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Without case, on ASCII text: exactly the case-sensitive search of both lower-cased
    /// (ASCII lower case keeps every byte offset).
    #[test]
    fn any_case_is_the_search_of_both_lower_cased(
        parts in proptest::collection::vec(prop::sample::select(vec!["ab", "Ab", "AB", "a", "B", " ", ",", "'", ".", "1"]), 0..24),
        needle in prop::sample::select(vec!["ab", "AB", "a", "b", "ab a", "A, b"]),
    ) {
        let text: String = parts.concat();
        prop_assert_eq!(find_words(&text, needle, false), find_words(&text.to_lowercase(), &needle.to_lowercase(), true));
    }
}

fn person_session(text: &str) -> Session {
    Session::new("doc".into(), Document::from_plain_text(text), Schema::default())
}

fn tag(s: &mut Session, n: u8, (needle, k): (&str, usize), type_id: &str) -> AnnotationId {
    let range = nth(&s.doc, needle, k);
    let a = s.new_annotation(id(n), range, Body::Entity(type_id.into()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    id(n)
}

fn nth(doc: &Document, needle: &str, n: usize) -> CharRange {
    let text = doc.text();
    let (b, _) = text.match_indices(needle).nth(n).unwrap();
    let start = text[..b].chars().count();
    CharRange::from_usize(start, start + needle.chars().count()).unwrap()
}

fn minter() -> impl FnMut() -> AnnotationId {
    let mut n = 100u8;
    move || {
        n += 1;
        id(n)
    }
}

const TEXT: &str = "Nikolai Nikiforov spoke. Nikiforov said Apple would wait. \
Later Nikiforov, the minister, met Apple. NIKIFOROV left. Nikiforovich stayed.";

#[test]
fn suggestions_are_the_other_untagged_mentions_in_code_points() {
    let mut s = person_session(TEXT);
    let src = tag(&mut s, 1, ("Nikiforov", 1), "person");
    assert_eq!(s.suggest(&src, true), Ok(2));
    let got: Vec<CharRange> = s.suggestions().list().iter().map(|x| x.range).collect();
    // "Nikolai Nikiforov"'s and "Later Nikiforov"'s; not the source, not NIKIFOROV, not Nikiforovich.
    assert_eq!(got, [nth(&s.doc, "Nikiforov", 0), nth(&s.doc, "Nikiforov", 2)]);
    for x in s.suggestions().list() {
        assert_eq!(s.doc.slice(x.range), Some("Nikiforov"));
        assert_eq!((x.type_id.as_str(), &x.source), ("person", &src));
    }
    // Without case, NIKIFOROV too.
    s.dismiss_suggestions();
    assert_eq!(s.suggest(&src, false), Ok(3));
    // Nothing was tagged, and the suggestions are not annotations.
    assert_eq!(s.annotations().len(), 1);
}

#[test]
fn a_mention_tagged_with_the_type_is_never_suggested_another_type_is() {
    let mut s = person_session(&format!("{TEXT} Nikiforov again."));
    // "Nikolai Nikiforov" is a person: its "Nikiforov" is that mention already.
    tag(&mut s, 1, ("Nikolai Nikiforov", 0), "person");
    // The third mention is tagged as a person, the second as an organisation.
    tag(&mut s, 2, ("Nikiforov", 2), "person");
    tag(&mut s, 3, ("Nikiforov", 1), "organization");
    // (The fourth "Nikiforov" is inside "Nikiforovich".)
    let src = tag(&mut s, 4, ("Nikiforov", 4), "person");
    s.suggest(&src, true).unwrap();
    let got: Vec<CharRange> = s.suggestions().list().iter().map(|x| x.range).collect();
    assert_eq!(got, [nth(&s.doc, "Nikiforov", 1)]);
}

#[test]
fn overlapping_suggestions_keep_the_longest_whatever_the_order() {
    let text = "Nikolai Nikiforov met Nikolai Nikiforov and Nikiforov.";
    let doc = Document::from_plain_text(text);
    let long = |n| Suggestion { range: nth(&doc, "Nikolai Nikiforov", n), type_id: "person".into(), source: id(1) };
    let short = |n, src| Suggestion { range: nth(&doc, "Nikiforov", n), type_id: "person".into(), source: id(src) };
    let org = |n| Suggestion { range: nth(&doc, "Nikiforov", n), type_id: "organization".into(), source: id(3) };
    let batches = [vec![long(0), long(1)], vec![short(0, 2), short(1, 2), short(2, 2)], vec![org(1), org(2)]];
    let mut results = Vec::new();
    for order in [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]] {
        let mut sug = Suggestions::default();
        for i in order {
            sug.offer(batches[i].clone());
        }
        results.push(sug.list().to_vec());
    }
    // The two long ones win over the short ones inside them; at the third mention, the
    // organisation and the person tie in length: the type's name decides.
    assert_eq!(results[0], [long(0), long(1), org(2)]);
    assert!(results.iter().all(|r| *r == results[0]), "{results:?}");
}

#[test]
fn accepting_many_is_one_undo_step_and_rejected_ones_stay_rejected() {
    let mut s = person_session(TEXT);
    let src = tag(&mut s, 1, ("Nikiforov", 1), "person");
    s.suggest(&src, false).unwrap();
    let third = nth(&s.doc, "Nikiforov", 2);
    assert_eq!(s.reject_suggestions(&Which::At(vec![third])), 1);
    let mut mint = minter();
    let ids = s.accept_suggestions(&Which::All, &mut mint, NOW, Some("Ann".into())).unwrap();
    assert_eq!(ids.len(), 2);
    assert!(s.suggestions().is_empty());
    assert_eq!(s.annotations().len(), 3);
    for i in &ids {
        let a = s.annotations().get(i).unwrap();
        assert_eq!(a.body, Body::Entity("person".into()));
        assert_eq!(a.creator.as_deref(), Some("Ann"));
        assert_eq!(a.target.quote.exact().to_lowercase(), "nikiforov");
    }
    // One undo takes all of them back; the source stays.
    assert!(s.undo().unwrap());
    assert_eq!(s.annotations().len(), 1);
    // Asking again: the rejected one is not offered; the accepted-then-undone ones are.
    assert_eq!(s.suggest(&src, false), Ok(2));
    assert!(s.suggestions().at(third).is_none());
}

#[test]
fn accepting_in_view_takes_only_what_lies_inside() {
    let mut s = person_session(TEXT);
    let src = tag(&mut s, 1, ("Nikiforov", 1), "person");
    s.suggest(&src, false).unwrap();
    let view = CharRange::from_usize(0, nth(&s.doc, "Nikiforov", 2).end().0).unwrap();
    let ids = s.accept_suggestions(&Which::Within(view), &mut minter(), NOW, None).unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(s.suggestions().len(), 1);
    assert_eq!(s.doc.slice(s.suggestions().list()[0].range), Some("NIKIFOROV"));
}

#[test]
fn suggestions_follow_the_annotations() {
    let mut s = person_session(TEXT);
    let src = tag(&mut s, 1, ("Nikiforov", 1), "person");
    s.suggest(&src, true).unwrap();
    let v = s.suggestions().version();
    // Tagging one by hand with the type takes it off the list.
    tag(&mut s, 2, ("Nikiforov", 0), "person");
    assert_eq!(s.suggestions().len(), 1);
    assert!(s.suggestions().version() > v);
    // Tagging it with another type does not.
    tag(&mut s, 3, ("Nikiforov", 2), "organization");
    assert_eq!(s.suggestions().len(), 1);
    // The source changes type: its suggestions go.
    let mut a = s.annotations().get(&src).unwrap().clone();
    a.body = Body::Entity("location".into());
    s.apply(Edit::Update(a)).unwrap();
    assert!(s.suggestions().is_empty());
    // Undoing the source's tagging takes its suggestions with it.
    let src2 = tag(&mut s, 4, ("Apple", 0), "organization");
    assert_eq!(s.suggest(&src2, true), Ok(1));
    assert!(s.undo().unwrap());
    assert!(s.suggestions().is_empty());
    // A load starts afresh (rejections forgotten).
    let src3 = tag(&mut s, 5, ("Apple", 0), "organization");
    s.suggest(&src3, true).unwrap();
    s.reject_suggestions(&Which::All);
    s.load(Default::default());
    assert!(s.suggestions().is_empty());
}

#[test]
fn claims_orphans_and_unknown_ids_are_refused() {
    let mut s = person_session(TEXT);
    let r = find(&s.doc, "Nikiforov said Apple would wait");
    let a = s.new_annotation(id(9), r, Body::Claim(Claim::default()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    assert_eq!(s.suggest(&id(9), true), Err(SuggestError::Claim(id(9))));
    assert_eq!(s.suggest(&id(8), true), Err(SuggestError::NotFound(id(8))));
    let mut orphan = s.new_annotation(id(7), find(&s.doc, "Apple"), Body::Entity("organization".into()), NOW, None).unwrap();
    orphan.target.range = None;
    s.apply(Edit::Add(orphan)).unwrap();
    assert_eq!(s.suggest(&id(7), true), Err(SuggestError::Orphan(id(7))));
    assert!(s.suggestions().is_empty());
}

#[test]
fn tag_all_mentions_is_one_undo_step() {
    let mut s = person_session(TEXT);
    // "Apple" tagged as an organisation once already: not tagged twice.
    tag(&mut s, 1, ("Apple", 1), "organization");
    let a = s.new_annotation(id(2), nth(&s.doc, "Nikiforov", 1), Body::Entity("person".into()), NOW, None).unwrap();
    let ids = s.add_with_mentions(a, true, &mut minter()).unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[0], id(2));
    assert_eq!(s.annotations().len(), 4);
    let a = s.new_annotation(id(3), nth(&s.doc, "Apple", 0), Body::Entity("organization".into()), NOW, None).unwrap();
    assert_eq!(s.add_with_mentions(a, true, &mut minter()).unwrap().len(), 1);
    assert!(s.undo().unwrap());
    assert!(s.undo().unwrap());
    assert_eq!(s.annotations().len(), 1);
}

#[test]
fn finding_on_the_sample_article_matches_a_plain_search() {
    let doc = crate::util::sample();
    for name in ["China", "Russia", "Nikiforov", "Kaspersky Lab", "the"] {
        let plain = doc.text().match_indices(name).count();
        let found = find_words(doc.text(), name, true).len();
        assert!(found > 0 && found <= plain, "{name}: {found} of {plain}");
    }
}

#[test]
fn rows_show_the_text_around_each_suggestion_within_its_paragraph() {
    let mut s = person_session("Intro.\n\nMinister Никифоров 👩🏽‍💻 said so; Никифоров agreed.\n\nНикифоров");
    let src = tag(&mut s, 1, ("Никифоров", 0), "person");
    s.suggest(&src, true).unwrap();
    let rows = article_annotator::core::mentions::rows(&s.doc, &s.schema, s.suggestions().list(), 10);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].before.as_str(), rows[0].exact.as_str(), rows[0].after.as_str()), ("Никифоров 👩🏽‍💻 said so; ", "Никифоров", " agreed."));
    assert_eq!((rows[1].before.as_str(), rows[1].after.as_str()), ("", ""));
    assert_eq!(rows[1].type_label, "Person");
    assert_eq!(article_annotator::core::mentions::rows(&s.doc, &s.schema, s.suggestions().list(), 1).len(), 1);
}

#[test]
fn find_goes_from_one_whole_word_occurrence_to_the_next_and_round() {
    use article_annotator::core::mentions::find_next;
    let doc = Document::from_plain_text(TEXT);
    let (first, n, of) = find_next(&doc, " nikiforov ", None).unwrap();
    assert_eq!((first, n, of), (nth(&doc, "Nikiforov", 0), 1, 4));
    let (second, n, _) = find_next(&doc, "Nikiforov", Some(first.start())).unwrap();
    assert_eq!((second, n), (nth(&doc, "Nikiforov", 1), 2));
    // After the last: round to the first. "Nikiforovich" is not a whole-word match.
    let last = find_next(&doc, "Nikiforov", Some(nth(&doc, "NIKIFOROV", 0).start())).unwrap();
    assert_eq!((last.0, last.1), (first, 1));
    assert_eq!(find_next(&doc, "Putin", None), None);
    assert_eq!(find_next(&doc, "   ", None), None);
}
