//! Fuzzes the stored (localStorage) form's reader: never panics; what it reads is
//! anchored correctly, merges and exports; and saving it reads back the same.
#![no_main]
use article_annotator::core::edit::{apply, AnnotationSet};
use article_annotator::core::format::stored;
use article_annotator::core::merge::merge_edit;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let doc = article_annotator_fuzz::doc();
    let Ok(loaded) = stored::read(text, &doc) else { return };
    let mut set = AnnotationSet::default();
    let (edit, _) = merge_edit(&set, loaded.imported.annotations.clone(), loaded.imported.carries);
    apply(&mut set, edit).expect("a merge into an empty set applies");
    let again = stored::to_string_with("fuzz", &set, &loaded.tombstones);
    let back = stored::read(&again, &doc).expect("what we write, we read");
    assert_eq!(back.imported.annotations.len(), set.len());
    assert_eq!(back.tombstones, loaded.tombstones);
    article_annotator_fuzz::check(&doc, loaded.imported);
});
