//! Fuzzes the converter's corpus readers and writers: never panics, and every writer
//! accounts for every item of every document (written, left out or excluded).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    article_annotator_fuzz::convert(data);
});
