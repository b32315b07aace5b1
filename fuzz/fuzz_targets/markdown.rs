//! Fuzzes the Markdown article reader: never panics, and the canonical text is the
//! blocks joined by the separator, with every inline mark inside its block.
#![no_main]
use article_annotator::core::article::parse_markdown;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let doc = parse_markdown(src);
    let joined: Vec<&str> = doc.blocks().iter().map(|b| doc.slice(b.range).expect("block in text")).collect();
    assert_eq!(doc.text(), joined.join("\n\n"));
    for b in doc.blocks() {
        for i in &b.inlines {
            assert!(b.range.contains_range(&i.range));
        }
    }
});
