//! Fuzzes the stored (localStorage) form's reader: never panics; what it reads is
//! anchored correctly, merges, and saves again.
#![no_main]
use article_annotator::core::format::stored;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let doc = article_annotator_fuzz::doc();
    if let Ok(imported) = stored::from_str(text, &doc) {
        article_annotator_fuzz::check(&doc, imported);
    }
});
