use article_annotator::core::edit::{apply, AnnotationSet, Edit, EditError, History};
use article_annotator::core::model::{Annotation, AnnotationId, Body, Claim, Quote, Target, Timestamp, Verdict};
use article_annotator::core::offset::CharRange;

pub fn entity(id: &str, s: usize, e: usize, t: &str) -> Annotation {
    Annotation {
        id: AnnotationId::new(id).unwrap(),
        target: Target { range: CharRange::from_usize(s, e), quote: Quote::default() },
        body: Body::Entity(t.into()),
        created: Timestamp(0),
        modified: Timestamp(0),
        creator: None,
        entity: None,
    }
}

fn claim(id: &str, s: usize, e: usize, claimant: Option<&str>) -> Annotation {
    let mut a = entity(id, s, e, "");
    a.body = Body::Claim(Claim { claimant: claimant.and_then(AnnotationId::new), verdict: Verdict::False, note: "see <b>this</b>".into() });
    a
}

fn id(s: &str) -> AnnotationId {
    AnnotationId::new(s).unwrap()
}

#[test]
fn every_edit_is_undone_by_its_inverse() {
    let mut set = AnnotationSet::default();
    let steps = vec![
        Edit::Add(entity("urn:x:1", 0, 5, "person")),
        Edit::Add(claim("urn:x:2", 0, 20, Some("urn:x:1"))),
        Edit::Update(entity("urn:x:1", 0, 5, "organization")),
        Edit::Remove(id("urn:x:1")),
    ];
    let mut snapshots = vec![set.clone()];
    let mut inverses = Vec::new();
    for e in steps {
        inverses.push(apply(&mut set, e).unwrap());
        snapshots.push(set.clone());
    }
    // Removing the claimant cleared it from the claim.
    assert_eq!(set.get(&id("urn:x:2")).unwrap().claim().unwrap().claimant, None);
    for inv in inverses.into_iter().rev() {
        snapshots.pop();
        apply(&mut set, inv).unwrap();
        assert_eq!(&set, snapshots.last().unwrap());
    }
}

#[test]
fn failed_batch_changes_nothing() {
    let mut set = AnnotationSet::default();
    apply(&mut set, Edit::Add(entity("urn:x:1", 0, 5, "person"))).unwrap();
    let before = set.clone();
    let err = apply(&mut set, Edit::Batch(vec![Edit::Add(entity("urn:x:3", 1, 2, "person")), Edit::Add(entity("urn:x:1", 0, 5, "person"))]));
    assert_eq!(err, Err(EditError::DuplicateId(id("urn:x:1"))));
    assert_eq!(set, before);
}

#[test]
fn claims_must_name_an_existing_claimant() {
    let mut set = AnnotationSet::default();
    let err = apply(&mut set, Edit::Add(claim("urn:x:2", 0, 20, Some("urn:x:9"))));
    assert!(matches!(err, Err(EditError::UnknownClaimant { .. })));
    assert!(set.is_empty());
    assert!(matches!(apply(&mut set, Edit::Remove(id("urn:x:9"))), Err(EditError::NotFound(_))));
}

#[test]
fn history_undoes_and_redoes_in_order() {
    let mut set = AnnotationSet::default();
    let mut h = History::default();
    h.apply(&mut set, Edit::Add(entity("urn:x:1", 0, 5, "person"))).unwrap();
    h.apply(&mut set, Edit::Add(entity("urn:x:2", 6, 9, "location"))).unwrap();
    assert_eq!(set.len(), 2);
    assert!(h.undo(&mut set).unwrap());
    assert_eq!(set.len(), 1);
    assert!(h.undo(&mut set).unwrap());
    assert!(set.is_empty());
    assert!(!h.undo(&mut set).unwrap());
    assert!(h.redo(&mut set).unwrap());
    assert!(h.redo(&mut set).unwrap());
    assert_eq!(set.len(), 2);
    assert!(!h.redo(&mut set).unwrap());
    h.undo(&mut set).unwrap();
    h.apply(&mut set, Edit::Add(entity("urn:x:3", 0, 1, "event"))).unwrap();
    assert!(!h.can_redo(), "a new edit clears redo");
}

#[test]
fn reading_order_is_start_then_longest_then_orphans() {
    let mut set = AnnotationSet::default();
    let mut orphan = entity("urn:x:0", 0, 1, "person");
    orphan.target.range = None;
    for a in [entity("urn:x:b", 5, 9, "person"), entity("urn:x:a", 0, 2, "person"), entity("urn:x:c", 0, 30, "person"), orphan] {
        apply(&mut set, Edit::Add(a)).unwrap();
    }
    let order: Vec<&str> = set.in_reading_order().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(order, vec!["urn:x:c", "urn:x:a", "urn:x:b", "urn:x:0"]);
}

#[test]
fn ids_are_urn_uuids() {
    let a = AnnotationId::from_random([0xff; 16]);
    assert_eq!(a.as_str(), "urn:uuid:ffffffff-ffff-4fff-bfff-ffffffffffff");
    assert!(AnnotationId::new("has space").is_none());
    assert!(AnnotationId::new("").is_none());
}

#[test]
fn the_session_names_what_each_revision_touched() {
    use article_annotator::core::document::Document;
    use article_annotator::core::schema::Schema;
    use article_annotator::core::session::Session;
    let mut s = Session::new("d".into(), Document::from_plain_text("one two three four five"), Schema::default());
    let r0 = s.revision();
    s.apply(Edit::Add(entity("urn:x:1", 0, 3, "person"))).unwrap();
    let r1 = s.revision();
    s.apply(Edit::Add(claim("urn:x:2", 0, 9, Some("urn:x:1")))).unwrap();
    s.apply(Edit::Remove(id("urn:x:1"))).unwrap(); // also clears the claimant of urn:x:2
    // Sorted: the order of ids within one revision is not specified.
    let names = |v: Option<Vec<&AnnotationId>>| {
        let mut v: Vec<String> = v.unwrap().into_iter().map(|i| i.as_str().to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(names(s.changed_since(r0)), vec!["urn:x:1", "urn:x:1", "urn:x:2", "urn:x:2"]);
    assert_eq!(names(s.changed_since(r1)), vec!["urn:x:1", "urn:x:2", "urn:x:2"]);
    s.undo().unwrap();
    assert_eq!(names(s.changed_since(s.revision() - 1)), vec!["urn:x:1", "urn:x:2"]);
    assert!(names(s.changed_since(s.revision())).is_empty());
    s.load(Default::default());
    assert!(s.changed_since(r1).is_none(), "after a load, look at everything");
}

#[test]
fn every_change_is_posted_for_the_host_once() {
    use article_annotator::core::session::{Change, Session};
    use article_annotator::core::schema::Schema;
    use article_annotator::core::model::{Body, Timestamp};
    use article_annotator::core::offset::CharRange;
    use article_annotator::core::edit::Edit;
    use article_annotator::core::document::Document;
    use article_annotator::core::model::AnnotationId;
    let doc = Document::from_plain_text("Vladimir Putin met Angela Merkel in Berlin.");
    let mut s = Session::new("d".into(), doc, Schema::default());
    let id = AnnotationId::new("urn:x:1").unwrap();
    let a = s.new_annotation(id.clone(), CharRange::from_usize(0, 14).unwrap(), Body::Entity("person".into()), Timestamp(0), None).unwrap();
    s.apply(Edit::Add(a.clone())).unwrap();
    assert_eq!(s.take_changes(), vec![Change::Created(id.clone())]);
    assert!(s.take_changes().is_empty(), "taken once");
    let mut b = a.clone();
    b.body = Body::Entity("organization".into());
    s.apply(Edit::Update(b)).unwrap();
    s.apply(Edit::Remove(id.clone())).unwrap();
    let got = s.take_changes();
    assert_eq!(got[0], Change::Updated(id.clone()));
    assert!(matches!(&got[1], Change::Deleted(old) if old.id == id && old.body == Body::Entity("organization".into())));
    s.undo().unwrap();
    assert_eq!(s.take_changes(), vec![Change::Created(id.clone())], "undoing a delete creates");
    s.undo().unwrap();
    assert_eq!(s.take_changes(), vec![Change::Updated(id.clone())]);
    s.redo().unwrap();
    s.redo().unwrap();
    let got = s.take_changes();
    assert_eq!(got.len(), 2);
    assert!(matches!(&got[1], Change::Deleted(_)));
    s.load(Default::default());
    assert_eq!(s.take_changes(), vec![Change::Reset]);
}

/// The claimant a loaded or merged claim ended with.
fn claimant_of(set: &AnnotationSet, claim: &str) -> Option<String> {
    set.get(&id(claim)).and_then(|a| a.claim()).and_then(|c| c.claimant.as_ref()).map(|w| w.as_str().to_string())
}

#[test]
fn claims_naming_claims_load_whatever_their_order() {
    use article_annotator::core::document::Document;
    use article_annotator::core::format::{Carries, Imported};
    use article_annotator::core::schema::Schema;
    use article_annotator::core::session::Session;
    // urn:c:1 names urn:c:2, which comes later and names an entity that comes last;
    // urn:c:3 and urn:c:4 name each other (a cycle). Before, the first failing step
    // rolled the whole load back, and the reader saw no annotations at all.
    let list = vec![
        claim("urn:c:1", 0, 3, Some("urn:c:2")),
        claim("urn:c:2", 4, 7, Some("urn:e:1")),
        claim("urn:c:3", 8, 13, Some("urn:c:4")),
        claim("urn:c:4", 14, 18, Some("urn:c:3")),
        entity("urn:e:1", 19, 23, "person"),
    ];
    let doc = || Document::from_plain_text("one two three four five");
    let mut s = Session::new("d".into(), doc(), Schema::default());
    let report = s.load(Imported { annotations: list.clone(), carries: Carries::ALL, ..Imported::default() });
    assert_eq!((report.added, s.annotations().len()), (5, 5));
    assert_eq!(claimant_of(s.annotations(), "urn:c:1").as_deref(), Some("urn:c:2"));
    assert_eq!(claimant_of(s.annotations(), "urn:c:2").as_deref(), Some("urn:e:1"));
    // The cycle is broken at one claim, the other keeps its claimant.
    let kept = [claimant_of(s.annotations(), "urn:c:3"), claimant_of(s.annotations(), "urn:c:4")];
    assert_eq!(kept.iter().filter(|k| k.is_some()).count(), 1, "{kept:?}");
    // The same file merged into a session (one undo step) applies too, and undoes whole.
    let mut m = Session::new("d".into(), doc(), Schema::default());
    m.merge(Imported { annotations: list, carries: Carries::ALL, ..Imported::default() }).unwrap();
    assert_eq!(m.annotations().len(), 5);
    assert!(m.undo().unwrap());
    assert_eq!(m.annotations().len(), 0);
}

#[test]
fn each_freeing_visits_every_item_in_order() {
    let mut seen = Vec::new();
    article_annotator::core::edit::each_freeing((0..5000).collect::<Vec<u32>>(), |x| seen.push(x));
    assert_eq!(seen, (0..5000).collect::<Vec<u32>>());
    article_annotator::core::edit::each_freeing(Vec::<u32>::new(), |_| unreachable!());
}
