//! Fuzzes the brat importer: the input is a `.ann`, optionally followed by a NUL and the
//! `.txt` it counts in (or a zip); never panics, anchored ranges hold their quotes.
#![no_main]
use article_annotator::core::format::catalog::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match data.iter().position(|b| *b == 0) {
        Some(k) => {
            let txt = String::from_utf8_lossy(&data[k + 1..]).into_owned();
            article_annotator_fuzz::import(Format::Brat, &data[..k], Some(&txt));
        }
        None => article_annotator_fuzz::import(Format::Brat, data, None),
    }
});
