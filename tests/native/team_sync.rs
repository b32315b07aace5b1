//! The sync engine (`team::Team`) over real stores, two readers talking through a small
//! in-memory model of the server's rules (If-Match, 412 with the current version, 410
//! with the tombstone, the feed): local first, the outbox across a reload, conflicts
//! merged field by field, deletions against edits, echoes, refused changes and tokens.

use crate::util::{find, sample};
use article_annotator::core::edit::Edit;
use article_annotator::core::model::{Annotation, AnnotationId, Body, Claim, Timestamp, Verdict};
use article_annotator::core::schema::Schema;
use article_annotator::core::session::Session;
use article_annotator::core::team::compact as compact_form;
use article_annotator::store::AnnotationStore;
use article_annotator::team::{lease, Next, Reply, Request, Status, Team, LEASE_MS};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const BASE: &str = "http://127.0.0.1:8090";

/// One stored version: its sequence number, its JSON (`None`: a tombstone), its author.
type Version = (i64, Option<Value>, String);

/// The server's rules, in memory: versions by path segment, a sequence, tombstones.
#[derive(Default)]
struct Server {
    seq: i64,
    items: BTreeMap<String, Version>,
    down: bool,
    /// Who made each item's last change.
    last_by: BTreeMap<String, String>,
    refuse: Option<String>,
    expired: bool,
    /// A server that knows only the W3C form of the feed (ignores `form=compact`).
    w3c_only: bool,
}

fn etag(seq: i64) -> String {
    format!("\"{seq}\"")
}

impl Server {
    fn handle(&mut self, req: &Request, who: &str) -> Reply {
        if self.down {
            return Reply { status: 0, ..Default::default() };
        }
        if self.expired {
            return Reply { status: 401, etag: None, body: json!({"message": "token expired"}).to_string() };
        }
        let seg = |url: &str| url.rsplit('/').next().unwrap().to_string();
        let current = |s: &Server, k: &str| s.items.get(k).and_then(|(q, v, _)| v.clone().map(|v| json!({"current": v, "etag": etag(*q), "by": {"name": s.last_by.get(k).cloned().unwrap_or_default()}}).to_string()));
        match req {
            Request::Feed { url } => {
                let query = url.split_once('?').unwrap().1;
                let param = |k: &str| query.split('&').find_map(|p| p.strip_prefix(k)?.strip_prefix('='));
                let since: i64 = param("since").unwrap().parse().unwrap();
                let compact = param("form") == Some("compact") && !self.w3c_only;
                let mut list: Vec<(&String, &Version)> = self.items.iter().filter(|(_, (q, _, _))| *q > since).collect();
                list.sort_by_key(|(_, (q, _, _))| *q);
                let changes: Vec<Value> = list
                    .iter()
                    .map(|(k, (q, v, who))| {
                        let mut c = json!({"seq": q, "etag": etag(*q), "id": format!("{BASE}/annotations/story/{k}"), "deleted": v.is_none(), "creator": who,
                            "by": {"name": self.last_by.get(*k).cloned().unwrap_or_default()}});
                        // The compact form as the server writes it: core::team::compact.
                        match (compact, v) {
                            (true, Some(v)) => c["a"] = serde_json::from_str(&compact_form(v).unwrap()).unwrap(),
                            (true, None) => c["a"] = Value::Null,
                            (false, v) => c["annotation"] = json!(v),
                        }
                        c
                    })
                    .collect();
                let last = list.last().map_or(since, |(_, (q, _, _))| *q);
                let mut page = json!({"changes": changes, "last": last, "more": false});
                if compact {
                    page["form"] = json!("compact");
                }
                Reply { status: 200, etag: None, body: page.to_string() }
            }
            Request::Put { url, body, if_match, .. } => {
                let k = seg(url);
                if let Some(m) = &self.refuse {
                    return Reply { status: 400, etag: None, body: json!({"message": m}).to_string() };
                }
                let cur = self.items.get(&k).cloned();
                // As the server: If-Match on nothing is 412; a tombstone comes back only
                // with its own ETag (else 410); a live one needs the current ETag.
                match &cur {
                    None if if_match.is_some() => return Reply { status: 412, etag: None, body: "{}".into() },
                    Some((q, None, _)) if if_match.as_deref() != Some(etag(*q).as_str()) => return Reply { status: 410, etag: Some(etag(*q)), body: "{}".into() },
                    Some((q, Some(_), _)) if if_match.as_deref() != Some(etag(*q).as_str()) => return Reply { status: 412, etag: Some(etag(*q)), body: current(self, &k).unwrap() },
                    _ => {}
                }
                self.seq += 1;
                let mut v: Value = serde_json::from_str(body).unwrap();
                v["id"] = json!(format!("{BASE}/annotations/story/{k}"));
                let author = match &cur {
                    Some((_, Some(_), a)) => a.clone(),
                    _ => who.to_string(),
                };
                v["creator"] = json!({"type": "Person", "id": format!("urn:article-annotator:user:{author}"), "name": author});
                self.last_by.insert(k.clone(), who.to_string());
                self.items.insert(k, (self.seq, Some(v.clone()), author));
                Reply { status: if matches!(cur, Some((_, Some(_), _))) { 200 } else { 201 }, etag: Some(etag(self.seq)), body: v.to_string() }
            }
            Request::Delete { url, if_match, .. } => {
                let k = seg(url);
                match self.items.get(&k).cloned() {
                    None => Reply { status: 404, ..Default::default() },
                    Some((q, None, _)) => Reply { status: 410, etag: Some(etag(q)), body: "{}".into() },
                    Some((q, Some(_), _)) if if_match.as_ref().is_some_and(|m| m != &etag(q)) => Reply { status: 412, etag: Some(etag(q)), body: current(self, &k).unwrap() },
                    Some((_, Some(_), a)) => {
                        self.seq += 1;
                        self.items.insert(k, (self.seq, None, a));
                        Reply { status: 204, etag: Some(etag(self.seq)), body: String::new() }
                    }
                }
            }
        }
    }
}

struct Reader {
    name: &'static str,
    store: AnnotationStore,
    team: Team,
}

impl Reader {
    fn new(name: &'static str) -> Reader {
        let store = AnnotationStore::new(Session::new("story".into(), sample(), Schema::default()));
        let team = Team::new(BASE, &store, None);
        Reader { name, store, team }
    }
    /// Pushes everything, then reads the feed; what a transport does when woken.
    fn sync(&mut self, server: &mut Server) -> Vec<Next> {
        let mut nexts = Vec::new();
        for _ in 0..200 {
            let Some(req) = self.team.next_request(&self.store) else { break };
            let reply = server.handle(&req, self.name);
            if reply.status == 0 {
                self.team.on_unreachable();
                nexts.push(Next::RetryAfter(2000));
                return nexts;
            }
            nexts.push(self.team.on_reply(&req, reply, &self.store, Timestamp(9_000)));
            if nexts.last() == Some(&Next::NeedToken) {
                return nexts;
            }
        }
        let req = self.team.feed_request();
        let reply = server.handle(&req, self.name);
        if reply.status == 0 {
            self.team.on_unreachable();
            return nexts;
        }
        nexts.push(self.team.on_reply(&req, reply, &self.store, Timestamp(9_000)));
        nexts
    }
    fn get(&self, id: &AnnotationId) -> Option<Annotation> {
        self.store.read().annotations().get(id).cloned()
    }
    fn tag(&self, n: u8, needle: &str, body: Body, at: i64) -> AnnotationId {
        let id = AnnotationId::from_random([n; 16]);
        let s = self.store.read();
        let a = s.new_annotation(id.clone(), find(&s.doc, needle), body, Timestamp(at), Some(self.name.into())).unwrap();
        drop(s);
        self.store.apply(Edit::Add(a)).unwrap();
        id
    }
    fn change(&self, id: &AnnotationId, at: i64, f: impl FnOnce(&mut Annotation)) {
        let mut a = self.get(id).unwrap();
        f(&mut a);
        a.modified = Timestamp(at);
        self.store.apply(Edit::Update(a)).unwrap();
    }
}

fn claim_of(a: &Annotation) -> &Claim {
    a.claim().unwrap()
}

#[test]
fn alice_tags_a_person_and_bob_sees_it_with_alice_as_its_author() {
    let mut server = Server::default();
    let (mut alice, mut bob) = (Reader::new("alice"), Reader::new("bob"));
    let id = alice.tag(1, "Nikolai Nikiforov", Body::Entity("person".into()), 1_000);
    alice.team.note_local(&alice.store); // the transport does this on every change of the store
    assert_eq!(alice.team.status(), Status::Connecting, "before the server has answered");
    alice.sync(&mut server);
    assert_eq!(alice.team.status(), Status::Synced);
    let id2 = alice.tag(6, "Russia", Body::Entity("location".into()), 1_100);
    alice.team.note_local(&alice.store);
    assert_eq!(alice.team.status(), Status::Syncing { pending: 1 });
    alice.store.apply(Edit::Remove(id2)).unwrap();
    alice.sync(&mut server);
    assert_eq!(alice.team.status(), Status::Synced);
    bob.sync(&mut server);
    let seen = bob.get(&id).expect("Bob has it, with Alice's id");
    assert_eq!(seen.body, Body::Entity("person".into()));
    assert_eq!(seen.target, alice.get(&id).unwrap().target);
    assert_eq!(seen.creator.as_deref(), Some("alice"), "the server's author");
    // Nothing bounces: Bob has nothing to push, Alice's echo changes nothing.
    assert_eq!(bob.team.status(), Status::Synced);
    let rev = alice.store.revision();
    alice.sync(&mut server);
    assert_eq!(alice.store.revision(), rev);
    assert!(alice.team.outbox().is_empty());
}

#[test]
fn a_verdict_and_a_note_changed_at_once_both_survive_and_one_verdict_wins_everywhere() {
    let mut server = Server::default();
    let (mut alice, mut bob) = (Reader::new("alice"), Reader::new("bob"));
    let id = alice.tag(2, "China", Body::Claim(Claim::default()), 1_000);
    alice.sync(&mut server);
    bob.sync(&mut server);
    // Bob changes the verdict, Alice the note, neither having seen the other's.
    bob.change(&id, 2_000, |a| a.body = Body::Claim(Claim { verdict: Verdict::False, ..claim_of(a).clone() }));
    alice.change(&id, 2_500, |a| a.body = Body::Claim(Claim { note: "Alice's note".into(), ..claim_of(a).clone() }));
    bob.sync(&mut server);
    alice.sync(&mut server); // 412, merge, push the merged version
    bob.sync(&mut server);
    for r in [&alice, &bob] {
        let c = claim_of(&r.get(&id).unwrap()).clone();
        assert_eq!((c.verdict, c.note.as_str()), (Verdict::False, "Alice's note"), "{}", r.name);
    }
    assert!(alice.team.conflicts.is_empty());

    // Both change the verdict: the later wins on both sides, and the other is shown.
    bob.change(&id, 3_000, |a| a.body = Body::Claim(Claim { verdict: Verdict::True, ..claim_of(a).clone() }));
    alice.change(&id, 3_500, |a| a.body = Body::Claim(Claim { verdict: Verdict::Misleading, ..claim_of(a).clone() }));
    bob.sync(&mut server);
    alice.sync(&mut server);
    bob.sync(&mut server);
    for r in [&alice, &bob] {
        assert_eq!(claim_of(&r.get(&id).unwrap()).verdict, Verdict::Misleading, "{}", r.name);
    }
    let c = &alice.team.conflicts[0];
    assert_eq!(c.id, id);
    assert_eq!(c.by.as_deref(), Some("bob"), "who made the change that won");
    assert_eq!(format!("{:?}", c.lost[0].value), "Verdict(True)", "Bob's verdict is kept for Alice to see");
}

#[test]
fn twenty_edits_offline_survive_a_reload_and_all_reach_the_team() {
    let mut server = Server::default();
    let (mut alice, mut bob) = (Reader::new("alice"), Reader::new("bob"));
    alice.sync(&mut server);
    server.down = true;
    let mut ids = Vec::new();
    for (i, word) in ["Russia", "China", "Nikolai Nikiforov", "Moscow Times"].iter().cycle().take(20).enumerate() {
        if i < 4 {
            ids.push(alice.tag(10 + i as u8, word, Body::Entity("location".into()), 1_000 + i as i64));
        } else {
            let id = ids[i % 4].clone();
            alice.change(&id, 1_000 + i as i64, |a| a.body = Body::Entity(if i % 2 == 0 { "organization" } else { "other" }.into()));
        }
    }
    alice.sync(&mut server);
    assert_eq!(alice.team.status(), Status::Offline { pending: 4 });
    // A reload while offline: the annotations come back from local storage (here: the
    // same store) and the pending edits from the team state saved beside them.
    let saved = alice.team.to_json(&alice.store);
    let team = Team::new(BASE, &alice.store, Some(&saved));
    assert_eq!(team.outbox().len(), 4, "the edits are still pending");
    alice.team = team;
    server.down = false;
    alice.sync(&mut server);
    assert_eq!(alice.team.status(), Status::Synced);
    bob.sync(&mut server);
    for id in &ids {
        assert_eq!(bob.get(id), alice.get(id).map(|mut a| {
            a.creator = Some("alice".into());
            a
        }).map(|a| Annotation { modified: bob.get(id).unwrap().modified, created: bob.get(id).unwrap().created, ..a }), "Bob has Alice's last version");
    }
}

#[test]
fn a_deletion_against_an_edit_keeps_the_edit_and_says_so() {
    let mut server = Server::default();
    let (mut alice, mut bob) = (Reader::new("alice"), Reader::new("bob"));
    let id = alice.tag(3, "Russia", Body::Entity("location".into()), 1_000);
    alice.sync(&mut server);
    bob.sync(&mut server);
    // Bob deletes it; Alice, not knowing, retypes it.
    bob.store.apply(Edit::Remove(id.clone())).unwrap();
    bob.sync(&mut server);
    alice.change(&id, 2_000, |a| a.body = Body::Entity("organization".into()));
    alice.sync(&mut server);
    assert!(alice.team.take_notices().iter().any(|n| n.text.contains("deleted an annotation you")));
    assert_eq!(alice.get(&id).unwrap().body, Body::Entity("organization".into()));
    bob.sync(&mut server);
    assert_eq!(bob.get(&id).map(|a| a.body), Some(Body::Entity("organization".into())), "restored for the team");

    // The other way: Alice deletes, Bob edits first: Bob's edit is kept.
    bob.change(&id, 3_000, |a| a.body = Body::Entity("event".into()));
    alice.store.apply(Edit::Remove(id.clone())).unwrap();
    bob.sync(&mut server);
    alice.sync(&mut server);
    assert_eq!(alice.get(&id).map(|a| a.body), Some(Body::Entity("event".into())));
}

#[test]
fn refusals_expired_tokens_and_outages_keep_local_work_and_say_why() {
    let mut server = Server::default();
    let mut alice = Reader::new("alice");
    let id = alice.tag(4, "China", Body::Entity("location".into()), 1_000);
    server.refuse = Some("annotation: body: expected a tagging body".into());
    alice.sync(&mut server);
    assert_eq!(alice.team.status(), Status::CannotSync { why: "the server refused a change: annotation: body: expected a tagging body".into(), pending: 1 });
    assert!(alice.get(&id).is_some(), "kept locally");
    // A change to it tries again.
    server.refuse = None;
    alice.change(&id, 2_000, |a| a.body = Body::Entity("organization".into()));
    alice.sync(&mut server);
    assert_eq!(alice.team.status(), Status::Synced);

    server.expired = true;
    alice.change(&id, 3_000, |a| a.body = Body::Entity("person".into()));
    let nexts = alice.sync(&mut server);
    assert_eq!(nexts.last(), Some(&Next::NeedToken));
    assert!(matches!(alice.team.status(), Status::CannotSync { ref why, pending: 1 } if why == "your sign-in has expired"));
    assert!(alice.team.next_request(&alice.store).is_none(), "nothing is sent without a token");
    server.expired = false;
    alice.team.token_refreshed();
    alice.sync(&mut server);
    assert_eq!(alice.team.status(), Status::Synced);
    let v = &server.items.values().next().unwrap().1;
    assert!(v.as_ref().unwrap().to_string().contains("Person"));
}

#[test]
fn two_tabs_of_one_reader_do_not_push_the_same_edit_back_and_forth() {
    let mut server = Server::default();
    let (mut tab1, mut tab2) = (Reader::new("alice"), Reader::new("alice"));
    let id = tab1.tag(5, "China", Body::Entity("location".into()), 1_000);
    tab1.sync(&mut server);
    // Tab 2 hears of it twice: through the server, and through localStorage (the two-tab
    // sync applies it as a remote change, which the engine sees as a local one).
    tab2.sync(&mut server);
    let from_storage = tab1.get(&id).unwrap();
    let _ = tab2.store.apply_remote(Edit::Update(from_storage));
    tab2.team.note_local(&tab2.store);
    assert!(tab2.team.outbox().is_empty(), "the server has it already");
    let seq = server.seq;
    for _ in 0..3 {
        tab1.sync(&mut server);
        tab2.sync(&mut server);
    }
    assert_eq!(server.seq, seq, "nothing bounced between the tabs");
    // The other order: storage first, then the server's version with a pending push.
    tab1.change(&id, 2_000, |a| a.body = Body::Entity("organization".into()));
    let _ = tab2.store.apply_remote(Edit::Update(tab1.get(&id).unwrap()));
    tab1.sync(&mut server);
    tab2.sync(&mut server); // its push meets tab 1's identical version: 412, nothing left
    let seq = server.seq;
    for _ in 0..3 {
        tab1.sync(&mut server);
        tab2.sync(&mut server);
    }
    assert_eq!(server.seq, seq, "settled");
    assert_eq!(tab2.get(&id).unwrap().body, Body::Entity("organization".into()));
}

#[test]
fn undo_after_a_colleagues_change_undoes_mine_only() {
    let mut server = Server::default();
    let (mut alice, mut bob) = (Reader::new("alice"), Reader::new("bob"));
    let id = alice.tag(7, "China", Body::Claim(Claim::default()), 1_000);
    alice.sync(&mut server);
    bob.sync(&mut server);
    alice.change(&id, 2_000, |a| a.body = Body::Claim(Claim { verdict: Verdict::False, ..claim_of(a).clone() }));
    alice.sync(&mut server);
    bob.sync(&mut server);
    bob.change(&id, 3_000, |a| a.body = Body::Claim(Claim { note: "Bob's note".into(), ..claim_of(a).clone() }));
    bob.sync(&mut server);
    alice.sync(&mut server); // Bob's note arrives: Alice's undo history is kept
    assert_eq!(claim_of(&alice.get(&id).unwrap()).note, "Bob's note");
    assert!(alice.store.read().can_undo(), "a colleague's change does not clear undo");

    // Undo: Alice's verdict goes back; Bob's note stays, here and for Bob.
    assert!(alice.store.undo().unwrap());
    let c = claim_of(&alice.get(&id).unwrap()).clone();
    assert_eq!((c.verdict, c.note.as_str()), (Verdict::Unverified, "Bob's note"));
    alice.sync(&mut server);
    bob.sync(&mut server);
    let c = claim_of(&bob.get(&id).unwrap()).clone();
    assert_eq!((c.verdict, c.note.as_str()), (Verdict::Unverified, "Bob's note"));
    // Redo brings her verdict back, still with Bob's note.
    assert!(alice.store.redo().unwrap());
    let c = claim_of(&alice.get(&id).unwrap()).clone();
    assert_eq!((c.verdict, c.note.as_str()), (Verdict::False, "Bob's note"));
    // Undo twice more: the verdict, then her claim itself; Bob sees it go.
    assert!(alice.store.undo().unwrap());
    assert!(alice.store.undo().unwrap());
    assert!(alice.get(&id).is_none());
    alice.sync(&mut server);
    bob.sync(&mut server);
    assert!(bob.get(&id).is_none());

    // A step on something a colleague deleted is dropped, not an error.
    let id2 = alice.tag(8, "Russia", Body::Entity("location".into()), 4_000);
    alice.sync(&mut server);
    bob.sync(&mut server);
    alice.change(&id2, 5_000, |a| a.body = Body::Entity("organization".into()));
    alice.sync(&mut server);
    bob.sync(&mut server);
    bob.store.apply(Edit::Remove(id2.clone())).unwrap();
    bob.sync(&mut server);
    alice.sync(&mut server);
    assert!(alice.get(&id2).is_none());
    assert!(!alice.store.read().can_undo(), "nothing of hers is left to undo on it");
}

#[test]
fn the_panel_can_list_only_the_readers_own_annotations() {
    let mut server = Server::default();
    let (mut alice, mut bob) = (Reader::new("alice"), Reader::new("bob"));
    alice.tag(9, "China", Body::Entity("location".into()), 1_000);
    let claimant = alice.tag(10, "Nikolai Nikiforov", Body::Entity("person".into()), 1_000);
    alice.sync(&mut server);
    bob.sync(&mut server);
    bob.tag(11, "Russia", Body::Claim(Claim { claimant: Some(claimant), ..Claim::default() }), 2_000);
    let s = bob.store.read();
    let expanded = std::collections::HashSet::new();
    let mine = article_annotator::core::panel::panel_by(&s, "bob", &expanded);
    assert_eq!(mine.total, 1);
    assert_eq!(mine.claims.rows[0].claimant.as_deref(), Some("Nikolai Nikiforov"), "a claimant tagged by Alice is still named");
    let theirs = article_annotator::core::panel::panel_by(&s, "alice", &expanded);
    assert_eq!(theirs.total, 2);
    assert_eq!(theirs.entities.iter().flat_map(|g| g.rows.iter()).map(|r| r.author.as_deref()).collect::<Vec<_>>(), [Some("alice"), Some("alice")]);
}

#[test]
fn one_tab_of_a_reader_pushes_and_another_takes_over_when_it_lapses() {
    // No lease: this tab takes it; its own renews it; another's keeps the other out
    // until it lapses.
    let (mine, write) = lease(None, "tab1", 1_000);
    assert!(mine);
    let held = write.unwrap();
    assert_eq!(held, format!("tab1 {}", 1_000 + LEASE_MS));
    assert_eq!(lease(Some(&held), "tab1", 5_000), (true, Some(format!("tab1 {}", 5_000 + LEASE_MS))));
    assert_eq!(lease(Some(&held), "tab2", 5_000), (false, None));
    assert!(lease(Some(&held), "tab2", 1_000 + LEASE_MS + 1).0, "lapsed");
    assert!(lease(Some("garbage"), "tab2", 0).0, "an unreadable lease is no lease");

    // A tab that does not push sends nothing, and its pending entry goes when the
    // pushing tab's version comes back through the feed.
    let mut server = Server::default();
    let (mut tab1, mut tab2) = (Reader::new("alice"), Reader::new("alice"));
    tab1.sync(&mut server);
    tab2.sync(&mut server);
    tab2.team.set_pusher(false);
    let id = tab1.tag(12, "China", Body::Entity("location".into()), 1_000);
    let _ = tab2.store.apply_remote(Edit::Add(tab1.get(&id).unwrap())); // the two-tab sync
    tab2.team.note_local(&tab2.store);
    assert!(tab2.team.next_request(&tab2.store).is_none(), "only the pushing tab pushes");
    assert_eq!(tab2.team.outbox().len(), 1);
    tab1.sync(&mut server);
    assert_eq!(server.seq, 1);
    tab2.sync(&mut server);
    assert!(tab2.team.outbox().is_empty(), "the pusher's version came back");
    assert_eq!(tab2.team.status(), Status::Synced);
}

#[test]
fn a_first_visit_is_heard_as_a_load_and_a_server_without_the_compact_feed_still_works() {
    use article_annotator::core::session::Change;
    for w3c_only in [false, true] {
        let mut server = Server { w3c_only, ..Server::default() };
        let (mut alice, mut bob) = (Reader::new("alice"), Reader::new("bob"));
        let person = alice.tag(1, "Nikolai Nikiforov", Body::Entity("person".into()), 1_000);
        let said = alice.tag(2, "China", Body::Claim(Claim { claimant: Some(person.clone()), verdict: Verdict::False, note: "No.".into() }), 1_100);
        alice.sync(&mut server);
        // Bob's first visit: the host hears one reset, as for a load, not an event each.
        bob.sync(&mut server);
        assert_eq!(bob.store.take_changes(), vec![Change::Reset], "w3c_only: {w3c_only}");
        assert_eq!(bob.get(&said).unwrap().claim().unwrap().claimant.as_ref(), Some(&person));
        assert_eq!(bob.get(&person).unwrap().creator.as_deref(), Some("alice"));
        assert_eq!(bob.get(&person).unwrap().target, alice.get(&person).unwrap().target);
        // Afterwards a colleague's change is an event of its own.
        let place = alice.tag(3, "Russia", Body::Entity("location".into()), 1_200);
        alice.store.apply(Edit::Remove(said.clone())).unwrap();
        alice.sync(&mut server);
        bob.sync(&mut server);
        let changes = bob.store.take_changes();
        assert!(changes.contains(&Change::Created(place.clone())), "{changes:?}");
        assert!(matches!(changes.iter().find(|c| matches!(c, Change::Deleted(_))), Some(Change::Deleted(a)) if a.id == said), "{changes:?}");
        assert!(bob.get(&said).is_none());
        assert_eq!(bob.team.status(), Status::Synced);
    }
}
