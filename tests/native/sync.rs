//! Two tabs on one document: the per-annotation merge (latest modification wins,
//! deletions as tombstones), as examples and as properties over random edit histories.

use article_annotator::core::edit::{apply, AnnotationSet, Edit};
use article_annotator::core::model::{Annotation, AnnotationId, Body, Claim, Quote, Target, Timestamp};
use article_annotator::core::offset::CharRange;
use article_annotator::core::sync::{adopt_tombstones, merge_remote, record_deletions, Tombstone};
use proptest::prelude::*;

fn ann(n: u8, modified: i64, body: Body) -> Annotation {
    Annotation {
        id: AnnotationId::new(format!("urn:t:{n}")).unwrap(),
        target: Target { range: CharRange::from_usize(n as usize * 10, n as usize * 10 + 5), quote: Quote::default() },
        body,
        created: Timestamp(0),
        modified: Timestamp(modified),
        creator: None,
        entity: None,
    }
}

fn set_of(list: &[Annotation]) -> AnnotationSet {
    let mut s = AnnotationSet::default();
    let mut sorted = list.to_vec();
    sorted.sort_by_key(|a| a.body.is_claim());
    for a in sorted {
        apply(&mut s, Edit::Add(a)).unwrap();
    }
    s
}

/// One tab: its set, its tombstones, and the ids it had at its last save.
#[derive(Clone, Debug)]
struct Tab {
    set: AnnotationSet,
    tombs: Vec<Tombstone>,
    known: Vec<AnnotationId>,
}

impl Tab {
    fn new(base: &[Annotation]) -> Tab {
        let set = set_of(base);
        let known = set.iter().map(|a| a.id.clone()).collect();
        Tab { set, tombs: Vec::new(), known }
    }
    /// Records this tab's deletions (as the widget does before every merge and save).
    fn note_local_changes(&mut self, now: i64) {
        // As Session::touch does: an undone deletion is a change made now.
        for id in record_deletions(&self.known, &self.set, Timestamp(now), &mut self.tombs) {
            let mut a = self.set.get(&id).unwrap().clone();
            a.modified = Timestamp(now);
            apply(&mut self.set, Edit::Update(a)).unwrap();
        }
        self.known = self.set.iter().map(|a| a.id.clone()).collect();
    }
    /// What this tab writes to storage.
    fn save(&mut self, now: i64) -> (Vec<Annotation>, Vec<Tombstone>) {
        self.note_local_changes(now);
        (self.set.iter().cloned().collect(), self.tombs.clone())
    }
    /// Merges what another tab wrote; true if this tab should save in turn.
    fn receive(&mut self, remote: &(Vec<Annotation>, Vec<Tombstone>), now: i64) -> bool {
        self.note_local_changes(now);
        let m = merge_remote(&self.set, &self.tombs, &remote.0, &remote.1);
        apply(&mut self.set, m.edit).expect("a merge applies");
        adopt_tombstones(&mut self.tombs, &remote.1);
        self.known = self.set.iter().map(|a| a.id.clone()).collect();
        m.local_ahead
    }
}

#[test]
fn the_later_change_wins_and_deletions_are_kept() {
    let base = vec![ann(1, 10, Body::Entity("person".into())), ann(2, 10, Body::Entity("location".into()))];
    let (mut a, mut b) = (Tab::new(&base), Tab::new(&base));
    // A retypes 1 at t=20; B retypes it at t=30 and deletes 2; A adds 3.
    apply(&mut a.set, Edit::Update(ann(1, 20, Body::Entity("organization".into())))).unwrap();
    apply(&mut a.set, Edit::Add(ann(3, 25, Body::Entity("event".into())))).unwrap();
    apply(&mut b.set, Edit::Update(ann(1, 30, Body::Entity("product".into())))).unwrap();
    apply(&mut b.set, Edit::Remove(ann(2, 0, Body::Entity(String::new())).id)).unwrap();
    let from_a = a.save(40);
    let from_b = b.save(41);
    assert!(b.receive(&from_a, 42), "B has a deletion and a later change A lacks");
    assert!(a.receive(&from_b, 43), "A has an addition B lacked when it saved");
    let again = b.save(50);
    assert!(!a.receive(&again, 51), "converged: nothing more to send");
    assert_eq!(a.set, b.set);
    let ids: Vec<_> = a.set.in_reading_order().iter().map(|x| (x.id.as_str().to_string(), x.body.clone())).collect();
    assert_eq!(ids, vec![("urn:t:1".into(), Body::Entity("product".into())), ("urn:t:3".into(), Body::Entity("event".into()))]);
}

#[test]
fn an_undone_deletion_comes_back_in_the_other_tab() {
    let base = vec![ann(1, 10, Body::Entity("person".into()))];
    let (mut a, mut b) = (Tab::new(&base), Tab::new(&base));
    let gone = a.set.get(&base[0].id).unwrap().clone();
    apply(&mut a.set, Edit::Remove(gone.id.clone())).unwrap();
    let s1 = a.save(20);
    b.receive(&s1, 21);
    assert!(b.set.is_empty(), "B follows the deletion");
    apply(&mut a.set, Edit::Add(gone)).unwrap(); // undo in A
    let s2 = a.save(30);
    b.receive(&s2, 31);
    assert_eq!(b.set.len(), 1, "the undo wins over the earlier deletion");
}

#[test]
fn a_claim_never_keeps_a_claimant_the_merge_removed() {
    let who = ann(1, 10, Body::Entity("person".into()));
    let claim = ann(2, 10, Body::Claim(Claim { claimant: Some(who.id.clone()), ..Claim::default() }));
    let (mut a, mut b) = (Tab::new(&[who.clone(), claim.clone()]), Tab::new(&[who.clone(), claim]));
    apply(&mut a.set, Edit::Remove(who.id.clone())).unwrap();
    let mut newer = b.set.get(&ann(2, 0, Body::Entity(String::new())).id).unwrap().clone();
    newer.modified = Timestamp(5_000);
    newer.target.quote = Quote::new(newer.target.quote.prefix(), "edited in B", newer.target.quote.suffix());
    apply(&mut b.set, Edit::Update(newer)).unwrap();
    let from_a = a.save(100);
    b.receive(&from_a, 101);
    let c = b.set.iter().find(|x| x.body.is_claim()).unwrap();
    assert_eq!(c.claim().unwrap().claimant, None);
    assert_eq!(c.target.quote.exact(), "edited in B");
}

/// A random edit: (tab, annotation number, kind: 0 add or retype, 1 delete, 2 make a claim).
fn op() -> impl Strategy<Value = (bool, u8, u8)> {
    (any::<bool>(), 1u8..8, 0u8..3)
}

proptest! {
    #[test]
    fn tabs_converge_and_lose_nothing_neither_deleted(ops in proptest::collection::vec(op(), 0..30), syncs in proptest::collection::vec(any::<bool>(), 0..30)) {
        let base = vec![ann(1, 1, Body::Entity("person".into())), ann(2, 1, Body::Entity("location".into()))];
        let (mut a, mut b) = (Tab::new(&base), Tab::new(&base));
        let mut deleted = std::collections::HashSet::new();
        let mut clock = 100i64;
        for (i, (in_a, n, kind)) in ops.iter().enumerate() {
            clock += 1;
            let tab = if *in_a { &mut a } else { &mut b };
            let id = ann(*n, 0, Body::Entity(String::new())).id;
            match (kind, tab.set.get(&id).cloned()) {
                (1, Some(_)) => {
                    apply(&mut tab.set, Edit::Remove(id.clone())).unwrap();
                    deleted.insert(id);
                }
                (2, Some(old)) if !old.body.is_claim() && tab.set.iter().all(|x| x.claim().and_then(|c| c.claimant.as_ref()) != Some(&id)) => {
                    apply(&mut tab.set, Edit::Update(ann(*n, clock, Body::Claim(Claim::default())))).unwrap();
                }
                (_, Some(old)) if !old.body.is_claim() => {
                    apply(&mut tab.set, Edit::Update(ann(*n, clock, Body::Entity(format!("t{clock}"))))).unwrap();
                }
                (_, None) => {
                    apply(&mut tab.set, Edit::Add(ann(*n, clock, Body::Entity("other".into())))).unwrap();
                    deleted.remove(&id);
                }
                _ => {}
            }
            // Sometimes a tab saves and the other hears it.
            if syncs.get(i).copied().unwrap_or(false) {
                clock += 1;
                let (from, to) = if *in_a { (&mut a, &mut b) } else { (&mut b, &mut a) };
                let state = from.save(clock);
                to.receive(&state, clock);
            }
        }
        // In the end both save and hear each other until quiet.
        for _ in 0..4 {
            clock += 1;
            let sa = a.save(clock);
            let more_b = b.receive(&sa, clock);
            clock += 1;
            let sb = b.save(clock);
            let more_a = a.receive(&sb, clock);
            if !more_a && !more_b {
                break;
            }
        }
        prop_assert_eq!(&a.set, &b.set);
        // Every annotation that is in neither tab was deleted by someone.
        for n in 1u8..8 {
            let id = ann(n, 0, Body::Entity(String::new())).id;
            let ever = ops.iter().any(|(_, m, _)| *m == n) || n <= 2;
            if ever && a.set.get(&id).is_none() {
                prop_assert!(deleted.contains(&id) || ops.iter().any(|(_, m, k)| *m == n && *k == 1), "{id} vanished");
            }
        }
        // Merging the same state again changes nothing.
        let sa = a.save(clock + 1);
        let m = merge_remote(&b.set, &b.tombs, &sa.0, &sa.1);
        prop_assert_eq!(m.changed, 0);
    }
}

#[test]
fn a_deletion_not_yet_saved_survives_the_other_tabs_save() {
    let base = vec![ann(1, 10, Body::Entity("person".into())), ann(2, 10, Body::Entity("location".into()))];
    let (mut a, mut b) = (Tab::new(&base), Tab::new(&base));
    apply(&mut a.set, Edit::Remove(base[0].id.clone())).unwrap(); // A deletes, has not saved yet
    apply(&mut b.set, Edit::Update(ann(2, 20, Body::Entity("event".into())))).unwrap();
    let from_b = b.save(30); // B's state still has 1
    assert!(a.receive(&from_b, 31), "A must tell B about its deletion");
    assert!(a.set.get(&base[0].id).is_none(), "the deletion stands");
    assert_eq!(a.set.get(&base[1].id).unwrap().body, Body::Entity("event".into()));
    let from_a = a.save(32);
    b.receive(&from_a, 33);
    assert_eq!(a.set, b.set);
}
