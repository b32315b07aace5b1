//! Persistence and the two-tab sync, natively, over `MemoryStore` and a test clock: what
//! is saved comes back, damaged data is backed up and offered, newer data is left alone,
//! a full store is said once and its recovery too, and two tabs on one store merge their
//! work, deletions included, without losing what the other saved.

use crate::formats::id;
use crate::util::find;
use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::model::{Body, Timestamp};
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;
use article_annotator::notice::{Level, Notice};
use article_annotator::persist::Persistence;
use article_annotator::storage::{key_for, MemoryStore, Store};
use article_annotator::store::AnnotationStore;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

const TEXT: &str = "Nikolai Nikiforov said the Kremlin agreed.\n\nMiao Wei said China will buy it.";

struct Tab {
    store: AnnotationStore,
    p: Rc<Persistence>,
    notices: Rc<RefCell<Vec<Notice>>>,
    opened: Option<Notice>,
}

/// A tab on the document, over `storage`, whose clock moves a second at every reading.
fn tab(storage: &Rc<MemoryStore>, read: bool) -> Tab {
    let store = AnnotationStore::new(Session::new("doc".into(), Document::from_plain_text(TEXT), Schema::default()));
    let clock = Rc::new(Cell::new(1_700_000_000_000i64));
    let now = Box::new(move || {
        clock.set(clock.get() + 1000);
        Timestamp(clock.get())
    });
    let (p, opened) = Persistence::open(Box::new(storage.clone()), false, store.clone(), read, now);
    let notices = Rc::new(RefCell::new(Vec::new()));
    let n = notices.clone();
    p.set_notifier(move |x| n.borrow_mut().extend(x));
    // As the widget does: what another tab changed goes into this tab's store.
    let s = store.clone();
    p.set_remote(move |edit, _| drop(s.apply_remote(edit)));
    Tab { store, p, notices, opened }
}

fn add(t: &Tab, n: u8, text: &str) {
    let r = find(&t.store.read().doc, text);
    let a = t.store.read().new_annotation(id(n), r, Body::Entity("person".into()), Timestamp(1_700_000_000_000 + i64::from(n)), None).unwrap();
    t.store.apply(Edit::Add(a)).unwrap();
}

fn quotes(t: &Tab) -> Vec<String> {
    let mut q: Vec<String> = t.store.read().annotations().iter().map(|a| a.target.quote.exact().to_string()).collect();
    q.sort();
    q
}

#[test]
fn what_is_saved_comes_back_in_a_new_tab() {
    let storage = Rc::new(MemoryStore::default());
    let a = tab(&storage, true);
    assert!(a.opened.is_none());
    add(&a, 1, "Nikolai Nikiforov");
    a.p.flush();
    assert!(storage.get(&key_for("doc")).unwrap().is_some_and(|t| t.contains("Nikolai Nikiforov")));
    let b = tab(&storage, true);
    assert_eq!(quotes(&b), vec!["Nikolai Nikiforov"]);
    // A tab that does not read (the host loaded its own) starts empty and writes over it.
    let c = tab(&storage, false);
    assert!(quotes(&c).is_empty());
}

#[test]
fn damaged_data_is_backed_up_offered_and_never_written_over() {
    let storage = Rc::new(MemoryStore::default());
    storage.set(&key_for("doc"), "{\"v\": 2, \"a\": [oops").unwrap();
    let a = tab(&storage, true);
    let n = a.opened.clone().expect("a notice");
    assert_eq!(n.level, Level::Error);
    let (name, text) = n.download.clone().expect("offered as a download");
    assert_eq!((name.as_str(), text.as_str()), ("doc.damaged-annotations.json", "{\"v\": 2, \"a\": [oops"));
    let backup = n.text.split('"').nth(1).expect("the backup key is named").to_string();
    assert!(backup.starts_with("article-annotator/v1/doc/corrupt/"), "{backup}");
    assert_eq!(storage.get(&backup).unwrap().as_deref(), Some("{\"v\": 2, \"a\": [oops"), "kept exactly");
    assert_eq!(storage.get(&key_for("doc")).unwrap(), None);
    add(&a, 1, "Miao Wei");
    a.p.flush();
    assert_eq!(storage.get(&backup).unwrap().as_deref(), Some("{\"v\": 2, \"a\": [oops"), "the backup is not written over");
}

#[test]
fn data_from_a_newer_version_is_left_untouched() {
    let storage = Rc::new(MemoryStore::default());
    let newer = "{\"v\": 99, \"doc\": \"doc\", \"a\": [], \"future\": true}";
    storage.set(&key_for("doc"), newer).unwrap();
    let a = tab(&storage, true);
    assert!(a.opened.as_ref().is_some_and(|n| n.level == Level::Warning && n.text.contains("newer version of this tool (format 99)")), "{:?}", a.opened);
    add(&a, 1, "Miao Wei");
    a.p.flush();
    assert_eq!(storage.get(&key_for("doc")).unwrap().as_deref(), Some(newer));
    assert_eq!(quotes(&a), vec!["Miao Wei"], "the work stays in the tab");
}

#[test]
fn a_full_store_is_said_once_and_saving_resumes_when_space_frees() {
    let storage = Rc::new(MemoryStore::default());
    let a = tab(&storage, true);
    storage.quota.set(Some(10));
    add(&a, 1, "Nikolai Nikiforov");
    a.p.flush();
    add(&a, 2, "Miao Wei");
    a.p.flush();
    let said: Vec<(Level, String)> = a.notices.borrow().iter().map(|n| (n.level, n.text.clone())).collect();
    assert_eq!(said.len(), 1, "said once, not at every save: {said:?}");
    assert!(said[0].0 == Level::Error && said[0].1.starts_with("Storage is full: your latest annotations are not saved"), "{said:?}");
    assert_eq!(quotes(&a).len(), 2, "nothing is lost in the tab");
    storage.quota.set(None);
    add(&a, 3, "the Kremlin");
    a.p.flush();
    assert!(a.notices.borrow().last().is_some_and(|n| n.level == Level::Info && n.text.starts_with("Saving works again")));
    assert_eq!(quotes(&tab(&storage, true)).len(), 3);
}

#[test]
fn two_tabs_merge_their_work_and_deletions_stay_deleted() {
    let storage = Rc::new(MemoryStore::default());
    let a = tab(&storage, true);
    let b = tab(&storage, true);
    add(&a, 1, "Nikolai Nikiforov");
    a.p.flush();
    // B hears A's save (the `storage` event).
    let saved = storage.get(&key_for("doc")).unwrap().unwrap();
    assert!(!b.p.receive(&saved), "B holds nothing A lacks");
    assert_eq!(quotes(&b), vec!["Nikolai Nikiforov"]);
    // Both work at once: B saves first; A's save reads B's and merges it in first.
    add(&b, 2, "Miao Wei");
    b.p.flush();
    add(&a, 3, "the Kremlin");
    a.p.flush();
    assert_eq!(quotes(&a), vec!["Miao Wei", "Nikolai Nikiforov", "the Kremlin"]);
    assert_eq!(quotes(&tab(&storage, true)), vec!["Miao Wei", "Nikolai Nikiforov", "the Kremlin"], "nothing B saved was lost");
    // A deletion in B reaches A and does not come back with A's next save.
    let saved = storage.get(&key_for("doc")).unwrap().unwrap();
    b.p.receive(&saved);
    b.store.apply(Edit::Remove(id(1))).unwrap();
    b.p.flush();
    a.p.receive(&storage.get(&key_for("doc")).unwrap().unwrap());
    assert_eq!(quotes(&a), vec!["Miao Wei", "the Kremlin"]);
    add(&a, 4, "China");
    a.p.flush();
    assert_eq!(quotes(&tab(&storage, true)), vec!["China", "Miao Wei", "the Kremlin"], "the deleted one stays deleted");
}

#[test]
fn the_revision_storage_holds_is_told_after_each_save_and_never_when_saving_cannot_happen() {
    let storage = Rc::new(MemoryStore::default());
    let a = tab(&storage, true);
    let told = Rc::new(RefCell::new(Vec::new()));
    let t = told.clone();
    a.p.set_saved_notifier(move |rev| t.borrow_mut().push(rev));
    assert!(a.p.saving());
    add(&a, 1, "Nikolai Nikiforov");
    a.p.flush();
    assert_eq!(*told.borrow(), vec![a.store.revision()]);
    // Nothing new: no save, nothing told.
    a.p.flush();
    assert_eq!(told.borrow().len(), 1);
    // A full store: not told (the header must not say saved).
    storage.quota.set(Some(10));
    add(&a, 2, "Miao Wei");
    a.p.flush();
    assert_eq!(told.borrow().len(), 1);
    storage.quota.set(None);
    a.p.flush();
    assert_eq!(told.borrow().last().copied(), Some(a.store.revision()));
    // Data from a newer version: saving stops, and says so.
    let newer = Rc::new(MemoryStore::default());
    newer.set(&key_for("doc"), "{\"v\": 99, \"doc\": \"doc\", \"a\": []}").unwrap();
    let b = tab(&newer, true);
    assert!(!b.p.saving());
}
