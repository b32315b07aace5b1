//! Working as a team: the widget's sync with the annotation server, without I/O. The
//! engine says which request to make next ([`Team::next_request`]) and takes the server's
//! replies and changes ([`Team::on_reply`], [`Team::on_change`]); the browser's transport
//! (`ui::team`) only carries them, so everything here is tested natively over an
//! [`AnnotationStore`] and a fake server.
//!
//! Local first: every edit is in the store (and saved locally) before the engine hears of
//! it; [`Team::note_local`] turns the store's change log into the [`Outbox`], which is
//! stored beside the annotations (`to_json`), so pending edits survive a reload. Ids are
//! the widget's own (the server keeps them as `canonical`), so a retried create never
//! makes a second annotation.
//!
//! Reading the team's work: the change feed in its compact form ([`crate::core::team::CompactPage`],
//! read straight into types; a server without it answers in W3C JSON, read as a tree),
//! each page applied as one edit; a first visit's pages (the feed from 0) are a load for
//! the host ([`AnnotationStore::apply_team_fill`]).
//!
//! Conflicts: a 412, or a colleague's change to an annotation with pending edits, is
//! merged field by field against the version the edits started from (`core::team::merge3`);
//! the value that loses is kept in [`Team::conflicts`] for the editor to show and offer
//! back. A colleague's deletion of an annotation edited here keeps the edit (restored on
//! the server with the tombstone's ETag) and says so; an edit there of one deleted here
//! keeps their edit.
//!
//! Invariants: the engine changes annotations only through the store, and never queues
//! what it applied itself; an outbox entry goes only when the server acknowledged the
//! version it holds; nothing the server refuses is dropped locally.

use crate::core::edit::Edit;
use crate::core::format::anchor_into;
use crate::core::model::{Annotation, AnnotationId, Timestamp};
use crate::core::anchor::AnchorHint;
use crate::core::team::{from_compact, from_server, merge3, same_content, server_segment, to_server, Author, CompactChange, CompactPage, Lost, Op, Outbox};
use crate::notice::Notice;
use crate::store::AnnotationStore;
use serde_json::Value;
use std::collections::HashMap;

/// What the status says to a reader whose token is a viewer's.
pub const VIEWER: &str = "you may read this article's annotations, not change them";

/// How long a tab's claim to push for all tabs of a reader lasts unless renewed (ms).
pub const LEASE_MS: i64 = 10_000;

/// Whether this tab (`me`) pushes for all tabs of the reader, from the lease kept in
/// storage (`"<tab> <until ms>"`): it does when there is none, it has lapsed, or it is
/// this tab's; then the lease to write back (renewed). Other tabs follow the feed and
/// the stream, and their pending entries go when the pushing tab's versions come back.
pub fn lease(stored: Option<&str>, me: &str, now: i64) -> (bool, Option<String>) {
    match stored.and_then(lease_holder) {
        Some((tab, until)) if tab != me && until > now => (false, None),
        _ => (true, Some(format!("{me} {}", now + LEASE_MS))),
    }
}

/// The tab holding a lease and until when; `None` for one that cannot be read.
pub fn lease_holder(stored: &str) -> Option<(&str, i64)> {
    let (tab, until) = stored.split_once(' ')?;
    Some((tab, until.parse().ok()?))
}

/// How many pushes may be under way at once (over HTTP/1.1 keep-alive connections).
pub const MAX_IN_FLIGHT: usize = 4;

/// What the transport is to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Read the change feed from `since` (`GET …/changes?since=`).
    Feed { url: String },
    /// Send the annotation as it is now. `if_match`: the server version it was based on;
    /// `None` with `create`: `If-None-Match: *`.
    Put { id: AnnotationId, url: String, body: String, if_match: Option<String>, version: u64 },
    Delete { id: AnnotationId, url: String, if_match: Option<String>, version: u64 },
}

/// The server's answer: status (0 when the request never got one), `ETag`, body.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub status: u16,
    pub etag: Option<String>,
    pub body: String,
}

/// What the transport does after a reply.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    Continue,
    /// Offline, overloaded or the database down: try again after this many ms.
    RetryAfter(u32),
    /// 401: ask the host for a new token, then continue; without one, sync stops.
    NeedToken,
}

/// What the reader sees of the sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Before the server has answered once.
    Connecting,
    Synced,
    Syncing { pending: usize },
    Offline { pending: usize },
    CannotSync { why: String, pending: usize },
}

impl Status {
    pub fn text(&self) -> String {
        match self {
            Status::Connecting => "Connecting…".into(),
            Status::Synced => "Synced".into(),
            Status::Syncing { pending } => format!("Syncing ({pending} pending)"),
            Status::Offline { pending } => format!("Offline, {pending} pending"),
            Status::CannotSync { why, pending } => format!("Cannot sync: {why} ({pending} pending)"),
        }
    }
}

/// A conflict the reader should see: the values that lost, on one annotation.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub id: AnnotationId,
    pub lost: Vec<Lost>,
    /// Who made the other change (the server's `by`; else the annotation's author).
    pub by: Option<String>,
}

pub struct Team {
    base: String,
    document_id: String,
    outbox: Outbox,
    /// The server's versions this widget knows: ETag and annotation (`None` for a
    /// tombstone).
    known: HashMap<AnnotationId, (String, Option<Annotation>)>,
    /// The feed's sequence number this widget has seen up to.
    pub last_seq: i64,
    /// The store's revision whose changes are in the outbox.
    seen_rev: u64,
    /// Pushes sent and not yet answered (at most [`MAX_IN_FLIGHT`], each a different
    /// annotation).
    in_flight: std::collections::HashSet<AnnotationId>,
    offline: bool,
    /// Whether the server has answered the feed once.
    contacted: bool,
    cannot: Option<String>,
    /// Entries the server refused (400, 403, 413, 415), set aside with its message so the
    /// others go on; they stay in the outbox.
    refused: HashMap<AnnotationId, String>,
    pub conflicts: Vec<Conflict>,
    /// Messages for the reader, taken by the UI.
    notices: Vec<Notice>,
    /// While a feed page is read: its edits, applied together at its end (one change of
    /// the store, one render, for up to 1,000 annotations).
    buffer: Option<Vec<Edit>>,
    /// A local change entered the outbox since the state was last kept: keep it now.
    unsaved_local: bool,
    /// Whether this tab pushes (and keeps the state) for all tabs of the reader.
    pusher: bool,
    /// Whether the last feed page said there is more.
    feed_more: bool,
    /// Whether the feed pages being read are the first read of the team's annotations
    /// (from sequence 0): the host hears of them as of a load.
    filling: bool,
}

/// The server's `message` in an error's body.
fn message(body: &str) -> String {
    serde_json::from_str::<Value>(body).ok().and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string)).unwrap_or_else(|| "the server refused it".into())
}

impl Team {
    /// `base` is the server's root URL; a first sync (no state kept) queues every local
    /// annotation, so work done before joining the team reaches it.
    pub fn new(base: &str, store: &AnnotationStore, saved: Option<&str>) -> Team {
        let s = store.read();
        let mut t = Team {
            base: base.trim_end_matches('/').to_string(),
            document_id: s.document_id.clone(),
            outbox: Outbox::default(),
            known: HashMap::new(),
            last_seq: 0,
            seen_rev: s.revision(),
            in_flight: std::collections::HashSet::new(),
            offline: false,
            contacted: false,
            cannot: None,
            refused: HashMap::new(),
            conflicts: Vec::new(),
            notices: Vec::new(),
            buffer: None,
            filling: false,
            unsaved_local: false,
            pusher: true,
            feed_more: false,
        };
        let restored = saved.is_some_and(|text| t.restore(text, store));
        if !restored {
            for a in s.annotations().iter() {
                t.outbox.record(&a.id, true, None);
            }
        }
        t
    }

    pub fn container(&self) -> String {
        format!("{}/annotations/{}/", self.base, self.document_id)
    }

    fn url(&self, id: &AnnotationId) -> String {
        format!("{}{}", self.container(), server_segment(id))
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The sync's state as of the last [`Team::note_local`] (the transport calls it on every
    /// change of the store).
    pub fn status(&self) -> Status {
        let pending = self.outbox.len();
        if let Some(why) = &self.cannot {
            Status::CannotSync { why: why.clone(), pending }
        } else if let Some(why) = self.refused.values().next() {
            Status::CannotSync { why: format!("the server refused a change: {why}"), pending }
        } else if self.offline {
            Status::Offline { pending }
        } else if !self.contacted {
            Status::Connecting
        } else if pending > 0 {
            Status::Syncing { pending }
        } else {
            Status::Synced
        }
    }

    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// The conflicts found since the last call, for the UI to show (it keeps them).
    pub fn take_conflicts(&mut self) -> Vec<Conflict> {
        std::mem::take(&mut self.conflicts)
    }

    /// The store's changes since the last call, into the outbox (what the engine applied
    /// itself is not among them).
    pub fn note_local(&mut self, store: &AnnotationStore) {
        let s = store.read();
        if s.revision() == self.seen_rev {
            return;
        }
        let ids: Vec<AnnotationId> = match s.changed_since(self.seen_rev) {
            Some(ids) => ids.into_iter().cloned().collect(),
            // Too much changed to list (a load): compare everything with the server's.
            None => {
                let mut v: Vec<AnnotationId> = s.annotations().iter().filter(|a| self.known.get(&a.id).and_then(|k| k.1.as_ref()) != Some(*a)).map(|a| a.id.clone()).collect();
                v.extend(self.known.iter().filter(|(id, k)| k.1.is_some() && s.annotations().get(id).is_none()).map(|(id, _)| id.clone()));
                v
            }
        };
        for id in ids {
            let local = s.annotations().get(&id);
            let known = self.known.get(&id).and_then(|(e, a)| a.as_ref().map(|a| (e.as_str(), a)));
            // What the server already has (another tab of this reader pushed it, and this
            // tab heard of it through both): nothing to send; sending it would bounce.
            if let (Some(l), Some((_, k))) = (local, known) {
                if same_content(l, k) {
                    self.outbox.remove(&id);
                    continue;
                }
            }
            self.outbox.record(&id, local.is_some(), known);
            self.refused.remove(&id);
            self.unsaved_local = true;
        }
        self.seen_rev = s.revision();
    }

    /// The next push, if any, in the order annotations first changed; up to
    /// [`MAX_IN_FLIGHT`] may be under way at once, never two of one annotation.
    pub fn next_request(&mut self, store: &AnnotationStore) -> Option<Request> {
        self.note_local(store);
        if self.in_flight.len() >= MAX_IN_FLIGHT || self.cannot.is_some() || !self.pusher {
            return None;
        }
        let s = store.read();
        let source = s.source();
        let p = self.outbox.items().iter().find(|p| !self.refused.contains_key(&p.id) && !self.in_flight.contains(&p.id))?.clone();
        let if_match = self.known.get(&p.id).map(|(e, _)| e.clone()).or_else(|| p.base.as_ref().map(|(e, _)| e.clone()));
        let url = self.url(&p.id);
        let req = match p.op {
            Op::Put => {
                let a = s.annotations().get(&p.id)?;
                Request::Put { id: p.id.clone(), url, body: to_server(a, &s.schema, &source), if_match, version: p.version }
            }
            Op::Delete => Request::Delete { id: p.id.clone(), url, if_match, version: p.version },
        };
        self.in_flight.insert(p.id);
        Some(req)
    }

    /// The request for the change feed after what this widget has seen.
    pub fn feed_request(&self) -> Request {
        Request::Feed { url: format!("{}changes?since={}&form=compact", self.container(), self.last_seq) }
    }

    /// The server answered `req`.
    pub fn on_reply(&mut self, req: &Request, reply: Reply, store: &AnnotationStore, now: Timestamp) -> Next {
        // Any answer at all: the server is reachable.
        self.offline = reply.status == 0;
        let (id, version) = match req {
            Request::Feed { .. } => return self.on_feed_reply(reply, store, now),
            Request::Put { id, version, .. } | Request::Delete { id, version, .. } => (id.clone(), *version),
        };
        self.in_flight.remove(&id);
        // The body of an error (410, 412, 4xx), parsed once.
        let answer = || serde_json::from_str::<Value>(&reply.body).unwrap_or(Value::Null);
        match reply.status {
            200 | 201 => {
                let etag = reply.etag.unwrap_or_default();
                let a = serde_json::from_str::<Value>(&reply.body).ok().and_then(|v| self.read_server(&v, store, now).ok()).map(|(a, _)| a);
                self.outbox.acknowledged(&id, version, a.as_ref().map(|a| (etag.as_str(), a)));
                self.known.insert(id, (etag, a));
                Next::Continue
            }
            204 | 404 if matches!(req, Request::Delete { .. }) => {
                if let Some(e) = reply.etag {
                    self.known.insert(id.clone(), (e, None));
                }
                self.outbox.acknowledged(&id, version, None);
                Next::Continue
            }
            410 if matches!(req, Request::Delete { .. }) => {
                self.outbox.acknowledged(&id, version, None);
                Next::Continue
            }
            410 => {
                // A colleague deleted it while it was edited here: the edit is kept, and
                // restored on the server with the tombstone's ETag.
                match reply.etag.clone().or_else(|| answer().get("etag").and_then(Value::as_str).map(str::to_string)) {
                    Some(tomb) => {
                        self.known.insert(id.clone(), (tomb, None));
                        self.notices.extend(Notice::warning("A colleague deleted an annotation you were editing; your version is kept and restored for the team."));
                        Next::Continue
                    }
                    None => self.refuse(id, "it was deleted on the server".into()),
                }
            }
            412 => {
                let body = answer();
                let etag = body.get("etag").and_then(Value::as_str).map(str::to_string).or_else(|| reply.etag.clone());
                match (body.get("current"), etag) {
                    (Some(v), Some(etag)) => {
                        let by = body.get("by").and_then(|b| b.get("name")).and_then(Value::as_str);
                        self.take_theirs(v, &etag, by, store, now);
                        Next::Continue
                    }
                    _ => {
                        // If-Match on something the server does not have: the next push
                        // creates it.
                        self.known.remove(&id);
                        self.outbox.forget_base(&id);
                        Next::Continue
                    }
                }
            }
            401 | 403 => self.access_refused(&reply),
            400 | 409 | 413 | 415 | 422 => self.refuse(id, message(&reply.body)),
            429 | 500..=599 | 0 => Next::RetryAfter(if reply.status == 429 { 1000 } else { 2000 }),
            _ => self.refuse(id, format!("status {}: {}", reply.status, message(&reply.body))),
        }
    }

    /// 401: the token expired (ask for another); 403: this reader may not (say why).
    fn access_refused(&mut self, reply: &Reply) -> Next {
        if reply.status == 401 {
            self.cannot = Some("your sign-in has expired".into());
            Next::NeedToken
        } else {
            self.cannot = Some(format!("no rights: {}", message(&reply.body)));
            Next::Continue
        }
    }

    fn refuse(&mut self, id: AnnotationId, why: String) -> Next {
        self.refused.insert(id, why);
        Next::Continue
    }

    /// Whether this tab pushes for all tabs of the reader ([`lease`]); one that does not
    /// still follows the team and keeps its pending entries until their versions arrive.
    pub fn set_pusher(&mut self, pusher: bool) {
        self.pusher = pusher;
    }
    pub fn is_pusher(&self) -> bool {
        self.pusher
    }

    /// Whether the last attempt to reach the server failed.
    pub fn is_offline(&self) -> bool {
        self.offline
    }

    /// The live stream delivered something: the server is reachable.
    pub fn on_stream_message(&mut self) {
        self.offline = false;
    }

    /// The transport could not reach the server (offline, or it is down).
    pub fn on_unreachable(&mut self) {
        self.in_flight.clear();
        self.offline = true;
    }

    /// A new token arrived (after a 401): sync goes on.
    pub fn token_refreshed(&mut self) {
        self.cannot = None;
    }

    /// The token says this reader may only read: nothing is pushed, and the status says why.
    pub fn set_read_only(&mut self, why: &str) {
        self.cannot = Some(why.to_string());
    }

    fn on_feed_reply(&mut self, reply: Reply, store: &AnnotationStore, now: Timestamp) -> Next {
        self.feed_more = false;
        match reply.status {
            200 => {
                self.offline = false;
                self.contacted = true;
                let fill = self.filling || self.last_seq == 0;
                self.buffer = Some(Vec::new());
                // The compact form read straight into its types; a server that does not
                // know it sends W3C JSON, read as a tree.
                let page = match serde_json::from_str::<CompactPage>(&reply.body) {
                    Ok(p) if p.form.as_deref() == Some("compact") => {
                        let mut hint = AnchorHint::default();
                        for c in p.changes {
                            self.on_compact_change(c, store, &mut hint);
                        }
                        Some((p.last, p.more))
                    }
                    _ => serde_json::from_str::<Value>(&reply.body).ok().map(|v| {
                        for c in v.get("changes").and_then(Value::as_array).into_iter().flatten() {
                            self.on_change(c, store, now);
                        }
                        (v.get("last").and_then(Value::as_i64), v.get("more").and_then(Value::as_bool).unwrap_or(false))
                    }),
                };
                let edits = self.buffer.take().unwrap_or_default();
                let Some((last, more)) = page else { return Next::RetryAfter(2000) };
                apply_all(store, edits, fill);
                self.seen_rev = store.revision();
                if let Some(last) = last {
                    self.last_seq = self.last_seq.max(last);
                }
                self.feed_more = more;
                self.filling = fill && self.feed_more;
                Next::Continue
            }
            401 | 403 => self.access_refused(&reply),
            _ => {
                self.offline = reply.status == 0;
                Next::RetryAfter(2000)
            }
        }
    }

    /// A colleague's change: applied now, or with the rest of the feed page being read.
    fn apply(&mut self, store: &AnnotationStore, edit: Edit) -> Result<(), crate::core::edit::EditError> {
        match &mut self.buffer {
            Some(b) => {
                b.push(edit);
                Ok(())
            }
            None => store.apply_team(edit),
        }
    }

    /// Whether the last feed page read said there is more (read from the page as it was
    /// parsed for its changes, not parsed again).
    pub fn feed_has_more(&self) -> bool {
        self.feed_more
    }

    fn read_server(&self, v: &Value, store: &AnnotationStore, now: Timestamp) -> Result<(Annotation, Option<Author>), String> {
        let s = store.read();
        let f = from_server(v, &s.schema, now)?;
        let position = f.annotation.target.range;
        let (a, _) = anchor_into(&s.doc, f.annotation, position, &mut AnchorHint::default());
        Ok((a, f.author))
    }

    /// Which local annotation a server IRI or segment is.
    fn local_id(&self, iri: &str, store: &AnnotationStore) -> Option<AnnotationId> {
        let seg = iri.rsplit('/').next()?;
        // The widget's own ids are UUIDs, whose segment is the UUID: no search.
        if let Some(id) = AnnotationId::new(format!("urn:uuid:{seg}")).filter(|id| server_segment(id) == seg) {
            if self.known.contains_key(&id) || store.read().annotations().get(&id).is_some() {
                return Some(id);
            }
        }
        if let Some(id) = self.known.keys().find(|id| server_segment(id) == seg) {
            return Some(id.clone());
        }
        let s = store.read();
        let found = s.annotations().iter().find(|a| server_segment(&a.id) == seg || a.id.as_str() == iri).map(|a| a.id.clone());
        found
    }

    /// One change from the feed or the live stream (`{seq, etag, id, deleted, annotation}`).
    pub fn on_change(&mut self, c: &Value, store: &AnnotationStore, now: Timestamp) {
        self.note_local(store);
        if let Some(seq) = c.get("seq").and_then(Value::as_i64) {
            self.last_seq = self.last_seq.max(seq);
        }
        let etag = c.get("etag").and_then(Value::as_str).unwrap_or_default().to_string();
        let deleted = c.get("deleted").and_then(Value::as_bool).unwrap_or(false);
        if deleted {
            if let Some(iri) = c.get("id").and_then(Value::as_str) {
                self.on_deleted(iri, etag, store);
            }
        } else if let Some(v) = c.get("annotation") {
            let by = c.get("by").and_then(|b| b.get("name")).and_then(Value::as_str);
            self.take_theirs(v, &etag, by, store, now);
        }
        self.seen_rev = store.revision();
    }

    /// [`Team::on_change`] for a change of a compact feed page, anchored with the page's
    /// `hint` (each annotation's shift predicts the next one's).
    fn on_compact_change(&mut self, c: CompactChange, store: &AnnotationStore, hint: &mut AnchorHint) {
        self.note_local(store);
        if let Some(seq) = c.seq {
            self.last_seq = self.last_seq.max(seq);
        }
        if c.deleted {
            self.on_deleted(&c.id, c.etag, store);
        } else if let Some(item) = c.a {
            let read = {
                let s = store.read();
                from_compact(item, c.creator.as_deref(), &s.schema).map(|f| {
                    let position = f.annotation.target.range;
                    (anchor_into(&s.doc, f.annotation, position, hint).0, f.author)
                })
            };
            if let Ok((theirs, author)) = read {
                self.take_read(theirs, author, &c.etag, c.by.as_ref().map(|b| b.name.as_str()), store);
            }
        }
        self.seen_rev = store.revision();
    }

    /// A colleague deleted the annotation at `iri`.
    fn on_deleted(&mut self, iri: &str, etag: String, store: &AnnotationStore) {
        let Some(id) = self.local_id(iri, store) else { return };
        if self.known.get(&id).is_some_and(|k| k.0 == etag) {
            return;
        }
        self.known.insert(id.clone(), (etag, None));
        match self.outbox.get(&id).map(|p| p.op) {
            Some(Op::Put) => self.notices.extend(Notice::warning("A colleague deleted an annotation you are editing; your version is kept and restored for the team.")),
            Some(Op::Delete) => self.outbox.remove(&id),
            None => {
                if store.read().annotations().get(&id).is_some() {
                    let _ = self.apply(store, Edit::Remove(id));
                }
            }
        }
    }

    /// A colleague's version (`by`: who made it): taken as it is, or merged with the edits
    /// waiting here.
    fn take_theirs(&mut self, v: &Value, etag: &str, by: Option<&str>, store: &AnnotationStore, now: Timestamp) {
        let Ok((theirs, author)) = self.read_server(v, store, now) else { return };
        self.take_read(theirs, author, etag, by, store);
    }

    /// [`Team::take_theirs`] once the version is read and anchored.
    fn take_read(&mut self, theirs: Annotation, author: Option<Author>, etag: &str, by: Option<&str>, store: &AnnotationStore) {
        self.note_local(store);
        let id = theirs.id.clone();
        if self.known.get(&id).is_some_and(|k| k.0 == etag) {
            return; // our own write, echoed
        }
        let local = store.read().annotations().get(&id).cloned();
        match (self.outbox.get(&id).cloned(), local) {
            (Some(p), Some(mine)) if p.op == Op::Put => {
                let base = p.base.as_ref().map(|(_, a)| a);
                let merged = merge3(base, &mine, &theirs);
                if !merged.lost.is_empty() {
                    let by = by.map(str::to_string).or_else(|| author.as_ref().map(|a| a.name.clone()));
                    if merged.lost.iter().any(|l| l.mine) {
                        let fields: Vec<&str> = merged.lost.iter().filter(|l| l.mine).map(|l| l.field.label()).collect();
                        self.notices.extend(Notice::warning(format!(
                            "{} changed the {} of “{}” while you were editing it. Open it to see yours and restore it.",
                            by.as_deref().unwrap_or("A colleague"),
                            fields.join(" and "),
                            mine.target.quote.exact()
                        )));
                    }
                    self.conflicts.retain(|c| c.id != id);
                    self.conflicts.push(Conflict { id: id.clone(), lost: merged.lost.clone(), by });
                }
                let nothing_left = same_content(&merged.annotation, &theirs);
                if merged.annotation != mine {
                    let _ = self.apply(store, Edit::Update(merged.annotation));
                }
                if nothing_left {
                    // The server has it all already: nothing to push.
                    self.outbox.remove(&id);
                } else {
                    self.outbox.rebase(&id, etag, &theirs);
                }
            }
            (Some(p), _) if p.op == Op::Delete => {
                // Deleted here, changed there: their edit is kept.
                self.outbox.remove(&id);
                let _ = self.apply(store, Edit::Add(theirs.clone()));
                self.notices.extend(Notice::info("A colleague changed an annotation you had deleted; their version is kept."));
            }
            (_, Some(mine)) => {
                if mine != theirs {
                    let _ = self.apply(store, Edit::Update(theirs.clone()));
                }
            }
            (_, None) => {
                let _ = self.apply(store, Edit::Add(theirs.clone()));
            }
        }
        self.known.insert(id, (etag.to_string(), Some(theirs)));
        self.seen_rev = store.revision();
    }

    /// Whether a local change entered the outbox since the state was last taken with
    /// [`Team::to_json`] (the transport keeps it at once then; acknowledgements can wait:
    /// one lost is pushed again, meets its own version and is dropped).
    pub fn has_unsaved_local(&self) -> bool {
        self.unsaved_local
    }

    /// The state kept beside the annotations: the outbox, the server's ETags and the
    /// feed's position.
    pub fn to_json(&mut self, store: &AnnotationStore) -> String {
        self.unsaved_local = false;
        let s = store.read();
        let etags: serde_json::Map<String, Value> = self.known.iter().map(|(id, (e, _))| (id.as_str().to_string(), Value::String(e.clone()))).collect();
        let outbox = self.outbox.to_value(&s.schema, &s.source());
        serde_json::json!({"v": 1, "server": self.base, "lastSeq": self.last_seq, "etags": etags, "outbox": outbox}).to_string()
    }

    fn restore(&mut self, text: &str, store: &AnnotationStore) -> bool {
        let Ok(v) = serde_json::from_str::<Value>(text) else { return false };
        if v.get("v").and_then(Value::as_u64) != Some(1) || v.get("server").and_then(Value::as_str) != Some(self.base.as_str()) {
            return false;
        }
        let s = store.read();
        self.last_seq = v.get("lastSeq").and_then(Value::as_i64).unwrap_or(0);
        for (id, e) in v.get("etags").and_then(Value::as_object).into_iter().flatten() {
            if let (Some(id), Some(e)) = (AnnotationId::new(id.as_str()), e.as_str()) {
                let a = s.annotations().get(&id).cloned();
                self.known.insert(id, (e.to_string(), a));
            }
        }
        if let Some(o) = v.get("outbox") {
            if let Ok((outbox, skipped)) = Outbox::from_value(o, &s.schema, Timestamp(0)) {
                self.outbox = outbox;
                for m in skipped {
                    self.notices.extend(Notice::warning(format!("A pending change could not be read back: {m}")));
                }
            }
        }
        true
    }
}

/// Applies a feed page's edits as one change, claims after the entities they may name;
/// if that fails (a claim naming an entity that is not here), one by one, and a claim
/// whose claimant is missing is kept without it rather than lost. `fill`: the first read
/// of the team's annotations, which the host hears of as of a load.
fn apply_all(store: &AnnotationStore, mut edits: Vec<Edit>, fill: bool) {
    if edits.is_empty() {
        return;
    }
    let apply = |e: Edit| if fill { store.apply_team_fill(e) } else { store.apply_team(e) };
    let is_claim = |e: &Edit| matches!(e, Edit::Add(a) | Edit::Update(a) if a.body.is_claim());
    edits.sort_by_key(is_claim);
    if apply(Edit::Batch(edits.clone())).is_ok() {
        return;
    }
    for e in edits {
        if let Err(crate::core::edit::EditError::UnknownClaimant { .. }) = apply(e.clone()) {
            let without = |mut a: Annotation| {
                if let crate::core::model::Body::Claim(c) = &mut a.body {
                    c.claimant = None;
                }
                a
            };
            let _ = match e {
                Edit::Add(a) => apply(Edit::Add(without(a))),
                Edit::Update(a) => apply(Edit::Update(without(a))),
                _ => Ok(()),
            };
        }
    }
}
