//! Fuzzes the offset conversions: for any text and any offsets, code points ↔ UTF-16 ↔
//! UTF-8 agree with the standard library's own counting, and rounding stays in bounds.
#![no_main]
use article_annotator::core::offset::{Bias, CharOffset, TextIndex, Utf16Offset, Utf8Offset};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (probe, text) = data.split_at(data.len().min(8));
    let Ok(text) = std::str::from_utf8(text) else { return };
    let index = TextIndex::new(text);
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(index.len_chars().0, chars.len());
    assert_eq!(index.len_utf16().0, text.encode_utf16().count());
    assert_eq!(index.len_utf8().0, text.len());
    for &p in probe {
        let c = CharOffset(p as usize % (chars.len() + 2));
        match index.char_to_utf16(c) {
            Some(u) => {
                assert_eq!(u.0, chars[..c.0].iter().map(|ch| ch.len_utf16()).sum::<usize>());
                assert_eq!(index.utf16_to_char(u), Some(c));
                let b = index.char_to_utf8(c).expect("in range");
                assert_eq!(b.0, chars[..c.0].iter().map(|ch| ch.len_utf8()).sum::<usize>());
                assert_eq!(index.utf8_to_char(b), Some(c));
            }
            None => assert!(c.0 > chars.len()),
        }
        let u = Utf16Offset(p as usize);
        for bias in [Bias::Backward, Bias::Forward] {
            if let Some(r) = index.utf16_to_char_rounded(u, bias) {
                assert!(r <= index.len_chars());
            }
        }
        let _ = index.utf8_to_char(Utf8Offset(p as usize));
    }
});
