//! The storage digest: computed in pieces of any size, it equals the digest of the
//! whole, and it tells texts apart; a store written in pieces holds the whole.

use article_annotator::storage::{Digest, Digesting, MemoryStore, Store};
use proptest::prelude::*;
use std::io::Write;

proptest! {
    #[test]
    fn a_digest_in_pieces_equals_the_whole(text in "\\PC{0,300}", cuts in proptest::collection::vec(0usize..64, 0..20)) {
        let bytes = text.as_bytes();
        let mut d = Digesting::new(Vec::new());
        let mut at = 0;
        for c in cuts {
            let end = (at + c).min(bytes.len());
            d.write_all(&bytes[at..end]).unwrap();
            at = end;
        }
        d.write_all(&bytes[at..]).unwrap();
        prop_assert_eq!(d.finish(), Digest::of(&text));
    }

    #[test]
    fn one_changed_byte_changes_the_digest(text in "[a-z]{1,200}", at in 0usize..200) {
        let at = at % text.len();
        let mut other = text.clone().into_bytes();
        other[at] = if other[at] == b'z' { b'a' } else { other[at] + 1 };
        let other = String::from_utf8(other).unwrap();
        prop_assert_ne!(Digest::of(&text), Digest::of(&other));
    }
}

#[test]
fn a_store_written_in_pieces_holds_the_whole_and_its_digest() {
    let store = MemoryStore::default();
    let text = "Никифоров 北京 👨‍👩‍👧‍👦 ".repeat(100);
    store.set_with("k", &mut |w| w.write_all(text.as_bytes())).unwrap();
    assert_eq!(store.get("k").unwrap().as_deref(), Some(text.as_str()));
    assert_eq!(store.digest("k").unwrap(), Some(Digest::of(&text)));
    assert_eq!(store.digest("absent").unwrap(), None);
    // A store that is full refuses a value written in pieces, as one written whole.
    let small = MemoryStore::default();
    small.quota.set(Some(10));
    assert!(small.set_with("k", &mut |w| w.write_all(text.as_bytes())).is_err());
}
