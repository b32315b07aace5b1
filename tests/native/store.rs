//! The annotation store, the one writer of the session: every change is there at once
//! for the next reader, subscribers hear each new revision (and may read the session
//! while they do), a change that fails or changes nothing is not announced, and a dropped
//! subscription hears nothing more.

use crate::formats::{id, NOW};
use crate::util::find;
use article_annotator::core::document::Document;
use article_annotator::core::edit::Edit;
use article_annotator::core::format::{catalog, Carries, Imported};
use article_annotator::core::model::Body;
use article_annotator::core::schema::Schema;
use article_annotator::core::session::{Change, Session};
use article_annotator::store::AnnotationStore;
use std::cell::RefCell;
use std::rc::Rc;

const TEXT: &str = "Nikolai Nikiforov said the Kremlin agreed.\n\nMiao Wei said China will buy it.";

fn store() -> AnnotationStore {
    AnnotationStore::new(Session::new("doc".into(), Document::from_plain_text(TEXT), Schema::default()))
}

#[test]
fn every_change_is_there_at_once_and_heard_by_subscribers() {
    let s = store();
    let heard = Rc::new(RefCell::new(Vec::new()));
    let h = heard.clone();
    let reader = s.clone();
    // A subscriber reads the session while it is told: the store holds no borrow then.
    let sub = s.subscribe(move |rev| h.borrow_mut().push((rev, reader.read().annotations().len())));
    let r = find(&s.read().doc, "Nikolai Nikiforov");
    let a = s.read().new_annotation(id(1), r, Body::Entity("person".into()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    assert_eq!(s.read().annotations().len(), 1, "read your own write");
    let rev1 = s.revision();
    assert_eq!(*heard.borrow(), vec![(rev1, 1)]);
    // A failing edit changes nothing and is not announced.
    assert!(s.apply(Edit::Remove(id(99))).is_err());
    assert_eq!(heard.borrow().len(), 1);
    assert!(s.undo().unwrap());
    assert_eq!((s.read().annotations().len(), heard.borrow().last().copied()), (0, Some((s.revision(), 0))));
    assert!(s.redo().unwrap());
    // An import merges at once, with its counts.
    let doccano = format!("{}\n", serde_json::json!({"text": TEXT, "label": [[44, 52, "PER"]]}));
    let imported = catalog::import(catalog::Format::Doccano, &doccano, None, &catalog::ImportContext { doc: &s.read().doc, schema: &s.read().schema, now: NOW }).unwrap();
    let report = s.merge(imported).unwrap();
    assert_eq!((report.added, s.read().annotations().len()), (1, 2));
    // The changes for the host's events, once.
    let changes = s.take_changes();
    assert!(changes.iter().filter(|c| matches!(c, Change::Created(_))).count() >= 2, "{changes:?}");
    assert!(s.take_changes().is_empty());
    // A load replaces everything, and is heard.
    let before = heard.borrow().len();
    s.load(Imported { carries: Carries::ALL, ..Imported::default() });
    assert_eq!((s.read().annotations().len(), heard.borrow().len()), (0, before + 1));
    drop(sub);
    let r = find(&s.read().doc, "Miao Wei");
    let a = s.read().new_annotation(id(2), r, Body::Entity("person".into()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    assert_eq!(heard.borrow().len(), before + 1, "a dropped subscription hears nothing more");
}

#[test]
fn a_subscriber_may_change_the_store_it_hears() {
    // A subscriber that writes (as the two-tab sync may) is heard again, and nothing deadlocks.
    let s = store();
    let count = Rc::new(RefCell::new(0));
    let c = count.clone();
    let w = s.clone();
    let _sub = s.subscribe(move |_| {
        *c.borrow_mut() += 1;
        if *c.borrow() == 1 {
            let _ = w.undo();
        }
    });
    let r = find(&s.read().doc, "the Kremlin");
    let a = s.read().new_annotation(id(3), r, Body::Entity("organization".into()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    assert_eq!(*count.borrow(), 2);
    assert_eq!(s.read().annotations().len(), 0, "the subscriber's undo happened");
}

#[test]
fn the_editor_offers_claimants_what_else_is_here_and_attaching_an_orphan() {
    use article_annotator::core::editor::{also_here, attach, claimant_options};
    use article_annotator::core::model::{Annotation, Claim, Quote, Target};
    let s = store();
    let add = |n: u8, text: &str, body: Body| {
        let r = find(&s.read().doc, text);
        let a = s.read().new_annotation(id(n), r, body, NOW, None).unwrap();
        s.apply(Edit::Add(a)).unwrap();
    };
    add(1, "Nikolai Nikiforov", Body::Entity("person".into()));
    add(2, "Nikolai Nikiforov said the Kremlin agreed", Body::Claim(Claim::default()));
    add(3, "the Kremlin", Body::Entity("organization".into()));
    let orphan = Annotation { id: id(4), target: Target { range: None, quote: Quote::new("", "Miao", "") }, body: Body::Entity("person".into()), created: NOW, modified: NOW, creator: None, entity: None };
    s.apply(Edit::Add(orphan.clone())).unwrap();
    let session = s.read();
    let names: Vec<String> = claimant_options(&session, &article_annotator::core::entities::entities(session.annotations()), None).into_iter().map(|(_, t)| t).collect();
    assert_eq!(names, vec!["Nikolai Nikiforov (Person)", "the Kremlin (Organization)"], "entities with a place, in reading order");
    let claim = session.annotations().get(&id(2)).unwrap();
    let here: Vec<String> = also_here(&session, claim).into_iter().map(|(_, t)| t).collect();
    assert_eq!(here, vec!["Organization: the Kremlin", "Person: Nikolai Nikiforov"], "the shortest first");
    let r = find(&session.doc, "Miao Wei");
    let back = attach(&session, &orphan, r, article_annotator::core::model::Timestamp(NOW.0 + 5)).unwrap();
    assert_eq!((back.target.range, back.target.quote.exact(), back.modified.0), (Some(r), "Miao Wei", NOW.0 + 5));
}

#[test]
fn a_held_store_tells_a_first_visits_pages_once_and_everything_else_at_once() {
    let s = store();
    let heard = Rc::new(RefCell::new(Vec::new()));
    let h = heard.clone();
    let _sub = s.subscribe(move |rev| h.borrow_mut().push(rev));
    let add = |n: u8, needle: &str| {
        let r = find(&s.read().doc, needle);
        Edit::Add(s.read().new_annotation(id(n), r, Body::Entity("person".into()), NOW, None).unwrap())
    };
    let hold = s.hold();
    s.apply_team_fill(add(1, "Nikolai Nikiforov")).unwrap();
    s.apply_team_fill(add(2, "Kremlin")).unwrap();
    assert_eq!(s.read().annotations().len(), 2, "the pages are there for readers");
    assert!(heard.borrow().is_empty(), "and not told while held");
    // The reader's own change is told at once (and with it, what was held).
    s.apply(add(3, "Miao Wei")).unwrap();
    assert_eq!(*heard.borrow(), vec![s.revision()]);
    s.apply_team_fill(add(4, "China")).unwrap();
    assert_eq!(heard.borrow().len(), 1);
    drop(hold);
    assert_eq!(*heard.borrow().last().unwrap(), s.revision(), "told once when the hold ends");
    assert_eq!(heard.borrow().len(), 2);
    // Nothing held: dropping a hold tells nothing; without one a page is told at once.
    drop(s.hold());
    assert_eq!(heard.borrow().len(), 2);
    s.apply_team(Edit::Remove(id(4))).unwrap();
    assert_eq!(heard.borrow().len(), 3);
}

#[test]
fn suggestions_are_heard_and_accepting_them_is_one_change() {
    use article_annotator::core::mentions::Which;
    let s = AnnotationStore::new(Session::new("doc".into(), Document::from_plain_text("Wei met Wei; Wei left."), Schema::default()));
    let heard = Rc::new(RefCell::new(Vec::new()));
    let h = heard.clone();
    let reader = s.clone();
    let _sub = s.subscribe(move |rev| h.borrow_mut().push((rev, reader.read().suggestions().len())));
    let r = find(&s.read().doc, "Wei");
    let a = s.read().new_annotation(id(1), r, Body::Entity("person".into()), NOW, None).unwrap();
    s.apply(Edit::Add(a)).unwrap();
    assert_eq!(s.suggest(&id(1), true), Ok(2));
    // Heard though the annotations' revision did not move.
    assert_eq!(*heard.borrow(), vec![(1, 0), (1, 2)]);
    // Offering the same again changes nothing and is not heard.
    assert_eq!(s.suggest(&id(1), true), Ok(2));
    assert_eq!(heard.borrow().len(), 2);
    let mut n = 10u8;
    let ids = s.accept_suggestions(&Which::All, &mut || { n += 1; id(n) }, NOW, None).unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(heard.borrow().last().copied(), Some((2, 0)));
    assert_eq!(s.read().annotations().len(), 3);
}
