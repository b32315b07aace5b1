use article_annotator::core::offset::{Bias, CharOffset, TextIndex, Utf16Offset, Utf8Offset};
use proptest::prelude::*;

const HARD: &[&str] = &[
    "Привет, мир",
    "中文文本",
    "👩🏽‍💻 codes",
    "👨‍👩‍👧‍👦",
    "e\u{301}te\u{301}",
    "a",
    " ",
    "👍🏽",
    "\u{10FFFF}",
    "Zoë",
    "",
];

fn check_all(text: &str) {
    let ix = TextIndex::new(text);
    let mut b8 = 0;
    let mut b16 = 0;
    for (i, c) in text.chars().enumerate() {
        assert_eq!(ix.char_to_utf8(CharOffset(i)), Some(Utf8Offset(b8)), "utf8 of char {i} in {text:?}");
        assert_eq!(ix.char_to_utf16(CharOffset(i)), Some(Utf16Offset(b16)), "utf16 of char {i} in {text:?}");
        assert_eq!(ix.utf8_to_char(Utf8Offset(b8)), Some(CharOffset(i)));
        assert_eq!(ix.utf16_to_char(Utf16Offset(b16)), Some(CharOffset(i)));
        for inside in 1..c.len_utf8() {
            assert_eq!(ix.utf8_to_char(Utf8Offset(b8 + inside)), None, "inside a char is not a boundary");
        }
        if c.len_utf16() == 2 {
            assert_eq!(ix.utf16_to_char(Utf16Offset(b16 + 1)), None);
            assert_eq!(ix.utf16_to_char_rounded(Utf16Offset(b16 + 1), Bias::Backward), Some(CharOffset(i)));
            assert_eq!(ix.utf16_to_char_rounded(Utf16Offset(b16 + 1), Bias::Forward), Some(CharOffset(i + 1)));
        }
        b8 += c.len_utf8();
        b16 += c.len_utf16();
    }
    let n = text.chars().count();
    assert_eq!(ix.len_chars(), CharOffset(n));
    assert_eq!(ix.len_utf8(), Utf8Offset(text.len()));
    assert_eq!(ix.len_utf16(), Utf16Offset(text.encode_utf16().count()));
    assert_eq!(ix.char_to_utf8(CharOffset(n)), Some(Utf8Offset(text.len())));
    assert_eq!(ix.char_to_utf8(CharOffset(n + 1)), None, "past the end");
    assert_eq!(ix.utf16_to_char(Utf16Offset(b16 + 1)), None, "past the end");
}

#[test]
fn known_hard_texts_convert_exactly() {
    for t in HARD {
        check_all(t);
    }
    check_all(&HARD.concat());
}

#[test]
fn emoji_with_zwj_counts_as_in_javascript_and_python() {
    // 👩🏽‍💻: 4 code points (Python len), 7 UTF-16 units (JS length), 15 UTF-8 bytes.
    let ix = TextIndex::new("👩🏽‍💻");
    assert_eq!(ix.len_chars(), CharOffset(4));
    assert_eq!(ix.len_utf16(), Utf16Offset(7));
    assert_eq!(ix.len_utf8(), Utf8Offset(15));
}

fn hard_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Москва".to_string()),
        Just("北京".to_string()),
        Just("👩🏽‍💻".to_string()),
        Just("👍🏽".to_string()),
        Just("e\u{301}".to_string()),
        Just(" ".to_string()),
        Just("\n\n".to_string()),
        "[a-z]{1,5}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn conversions_round_trip(text in hard_text()) {
        check_all(&text);
    }

    #[test]
    fn utf16_rounding_is_monotonic(text in hard_text(), k in 0usize..200) {
        let ix = TextIndex::new(&text);
        let u = Utf16Offset(k.min(ix.len_utf16().0));
        let back = ix.utf16_to_char_rounded(u, Bias::Backward).unwrap();
        let fwd = ix.utf16_to_char_rounded(u, Bias::Forward).unwrap();
        prop_assert!(back <= fwd);
        prop_assert!(ix.char_to_utf16(back).unwrap() <= u);
        prop_assert!(ix.char_to_utf16(fwd).unwrap() >= u);
    }
}

#[test]
fn a_range_meets_what_overlaps_it_and_carets_inside_it() {
    use article_annotator::core::offset::{CharOffset, CharRange};
    let r = |a, b| CharRange::new(CharOffset(a), CharOffset(b)).unwrap();
    assert!(r(2, 5).meets(&r(4, 8)));
    assert!(!r(2, 5).meets(&r(5, 8)), "touching ends share no code point");
    assert!(r(2, 5).meets(&r(2, 2)) && r(2, 5).meets(&r(4, 4)));
    assert!(!r(2, 5).meets(&r(5, 5)), "a caret at the end is after the range");
}

#[test]
fn block_local_utf16_offsets_convert_there_and_back_in_one_place() {
    use article_annotator::core::document::Document;
    use article_annotator::core::offset::{Bias, CharOffset};
    // The second block holds a ZWJ sequence with a skin tone, Cyrillic, Chinese and a
    // combining mark; the DOM counts each block from 0 in UTF-16 units.
    let doc = Document::from_plain_text("First block.\n\nМы 👩🏽\u{200d}💻 в 北京, cafe\u{301}.");
    let b = doc.blocks()[1].range;
    for (k, c) in doc.slice(b).unwrap().char_indices().map(|(i, _)| i).enumerate() {
        let at = CharOffset(b.start().0 + k);
        let local = doc.utf16_in_block(1, at).unwrap();
        assert_eq!(local, doc.slice(b).unwrap()[..c].encode_utf16().count(), "code point {k}");
        assert_eq!(doc.char_in_block(1, local, Bias::Backward), Some(at), "there and back at {k}");
    }
    // Inside a surrogate pair the bias rounds, and nothing goes past the block's end.
    let woman = doc.slice(b).unwrap().find('👩').unwrap();
    let inside = doc.slice(b).unwrap()[..woman].encode_utf16().count() + 1;
    let before = doc.char_in_block(1, inside, Bias::Backward).unwrap();
    let after = doc.char_in_block(1, inside, Bias::Forward).unwrap();
    assert_eq!(after.0, before.0 + 1);
    assert_eq!(doc.char_in_block(1, 10_000, Bias::Forward), Some(b.end()));
}
