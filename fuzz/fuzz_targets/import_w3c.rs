//! Fuzzes the W3C importer (whole files and JSON Lines): never panics, every anchored range holds its quote, and
//! whatever it reads merges and exports in every format.
#![no_main]
use article_annotator::core::format::catalog::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the shape: a whole file, or JSON Lines.
    match data.split_first() {
        Some((b, rest)) if b % 2 == 0 => article_annotator_fuzz::import(Format::W3c, rest, None),
        Some((_, rest)) => article_annotator_fuzz::import(Format::Jsonl, rest, None),
        None => {}
    }
});
