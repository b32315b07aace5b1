//! Fuzzes the spacy importer: never panics, every anchored range holds its quote, and
//! whatever it reads merges and exports in every format.
#![no_main]
use article_annotator::core::format::catalog::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    article_annotator_fuzz::import(Format::Spacy, data, None);
});
