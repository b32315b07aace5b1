//! The browser's side of the team sync: carries the engine's ([`crate::team::Team`])
//! requests with `fetch`, follows the live stream with `EventSource` over a short-lived
//! ticket (a long-lived token never goes in a URL), wakes when the store changes, the
//! browser comes back `online` or a retry is due, asks the host's token function again
//! after a 401, and keeps the engine's state in localStorage beside the annotations.
//! Decisions are the engine's; this module only moves bytes and time: it asks for the
//! first feed page inside `mount`, for each next page (the `Link` header) before reading
//! the current one, and holds the store's news of a first visit's pages so that they are
//! painted together ([`AnnotationStore::hold`]).
//!
//! Invariants: the engine is never borrowed across an `await`; a failed request is never
//! lost work (the outbox keeps it); after `stop`, nothing more is sent.

use crate::storage::Store;
use crate::store::{AnnotationStore, Subscription};
use crate::team::{lease, Next, Reply, Request, Status, Team};
use crate::ui::dom;
use crate::ui::state::{Action, Bridge};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where the token comes from: a string, or the host's function returning (a promise of)
/// one, called again when the server says 401.
#[derive(Clone)]
pub enum TokenSource {
    Fixed(String),
    Function(js_sys::Function),
}

/// What the header shows: the status's words and its kind (`synced`, `syncing`,
/// `offline`, `error`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncView {
    pub text: String,
    pub kind: &'static str,
}

impl SyncView {
    fn of(s: &Status) -> SyncView {
        let kind = match s {
            Status::Connecting => "syncing",
            Status::Synced => "synced",
            Status::Syncing { .. } => "syncing",
            Status::Offline { .. } => "offline",
            Status::CannotSync { .. } => "error",
        };
        SyncView { text: s.text(), kind }
    }
}

/// A listener on the stream, kept alive while the stream is open.
type Handler = Closure<dyn FnMut(web_sys::Event)>;

struct Inner {
    team: RefCell<Team>,
    store: AnnotationStore,
    token_source: TokenSource,
    token: RefCell<Option<String>>,
    bridge: Bridge,
    saved: Box<dyn Store>,
    key: String,
    stopped: Cell<bool>,
    /// Resolves the loop's current wait early.
    wake: RefCell<Option<js_sys::Function>>,
    stream: RefCell<Option<web_sys::EventSource>>,
    stream_listeners: RefCell<Vec<Handler>>,
    last_status: RefCell<Option<SyncView>>,
    /// When the state was last kept and the status last sent (ms), to pace them while a
    /// long outbox drains.
    last_save: Cell<f64>,
    last_sent: Cell<f64>,
    save_queued: Cell<bool>,
    /// This tab's name in the pushing lease.
    tab: String,
    lease_key: String,
    _hide: RefCell<Option<dom::Listener>>,
    _subscription: RefCell<Option<Subscription>>,
    _online: RefCell<Option<dom::Listener>>,
    /// The first feed page, asked for inside `mount` (with a token at hand), so that the
    /// server works while the widget renders the article.
    first_page: RefCell<Option<(Request, Sent)>>,
}

/// A running sync; `stop` (or dropping every clone) ends it.
#[derive(Clone)]
pub struct Syncer(Rc<Inner>);

/// The key the engine's state is kept under: beside the annotations'.
pub fn state_key(document_id: &str) -> String {
    format!("{}/team", crate::storage::key_for(document_id))
}

impl Syncer {
    /// `keep`: whether the state may be kept in localStorage (the host's `storage`
    /// option; with `"none"` it lives in memory, as the annotations do).
    pub fn start(url: &str, token: TokenSource, store: AnnotationStore, bridge: Bridge, read_only_why: Option<String>, keep: bool) -> Syncer {
        let key = state_key(&store.read().document_id);
        let local = if keep { crate::storage::local::LocalStore::open().ok() } else { None };
        let saved: Box<dyn Store> = match local {
            Some(s) => Box::new(s),
            None => Box::new(crate::storage::MemoryStore::default()),
        };
        let kept = saved.get(&key).ok().flatten();
        let mut team = Team::new(url, &store, kept.as_deref());
        if let Some(why) = &read_only_why {
            team.set_read_only(why);
        }
        let token_now = match &token {
            TokenSource::Fixed(t) => Some(t.clone()),
            TokenSource::Function(_) => None,
        };
        let lease_key = format!("{key}-pusher");
        let inner = Rc::new(Inner {
            team: RefCell::new(team),
            store: store.clone(),
            token_source: token,
            token: RefCell::new(token_now),
            bridge,
            saved,
            key,
            stopped: Cell::new(false),
            wake: RefCell::new(None),
            stream: RefCell::new(None),
            stream_listeners: RefCell::new(Vec::new()),
            last_status: RefCell::new(None),
            last_save: Cell::new(0.0),
            last_sent: Cell::new(0.0),
            save_queued: Cell::new(false),
            tab: crate::ui::dom::random_id().as_str().trim_start_matches("urn:uuid:").to_string(),
            lease_key,
            _hide: RefCell::new(None),
            _subscription: RefCell::new(None),
            _online: RefCell::new(None),
            first_page: RefCell::new(None),
        });
        let me = Syncer(inner);
        // Every change of the store: into the outbox (when the engine is not the one
        // changing it), then wake the loop.
        let weak = Rc::downgrade(&me.0);
        let sub = store.subscribe(move |_| {
            if let Some(i) = weak.upgrade() {
                let noted = match i.team.try_borrow_mut() {
                    Ok(mut t) => {
                        t.note_local(&i.store);
                        t.has_unsaved_local()
                    }
                    Err(_) => false,
                };
                let me = Syncer(i);
                if noted && !me.0.save_queued.replace(true) {
                    // The outbox is durable within this task (changes made together are
                    // kept together): a crash after it loses no pending edit.
                    let later = me.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        later.0.save_queued.set(false);
                        later.keep_state();
                    });
                }
                me.wake();
            }
        });
        *me.0._subscription.borrow_mut() = Some(sub);
        if let Some(w) = web_sys::window() {
            let weak = Rc::downgrade(&me.0);
            let l = dom::Listener::new(w.into(), "online", move |_| {
                if let Some(i) = weak.upgrade() {
                    Syncer(i).wake();
                }
            });
            *me.0._online.borrow_mut() = Some(l);
            let weak = Rc::downgrade(&me.0);
            if let Some(w) = web_sys::window() {
                let h = dom::Listener::new(w.into(), "pagehide", move |_| {
                    if let Some(i) = weak.upgrade() {
                        Syncer(i).release_lease();
                    }
                });
                *me.0._hide.borrow_mut() = Some(h);
            }
        }
        // The status at once; the state is as it was read (nothing to write yet).
        let view = SyncView::of(&me.status());
        *me.0.last_status.borrow_mut() = Some(view.clone());
        me.0.bridge.send(Action::Sync(Some(view)));
        if let Some(token) = me.0.token.borrow().clone() {
            let req = me.0.team.borrow().feed_request();
            if let Request::Feed { url } = &req {
                let sent: Sent = Box::pin(fetch("GET", url, &token, None, None, false));
                *me.0.first_page.borrow_mut() = Some((req, sent));
            }
        }
        let run = me.clone();
        wasm_bindgen_futures::spawn_local(async move { run.run().await });
        me
    }

    pub fn stop(&self) {
        self.release_lease();
        self.0.stopped.set(true);
        self.close_stream();
        self.wake();
    }

    /// Keeps the engine's state beside the annotations (the pushing tab only: the others
    /// would write over it).
    fn keep_state(&self) {
        let Ok(mut t) = self.0.team.try_borrow_mut() else { return };
        if t.is_pusher() {
            let text = t.to_json(&self.0.store);
            let _ = self.0.saved.set(&self.0.key, &text);
        }
    }

    /// Claims or renews the pushing lease; whether this tab pushes.
    fn claim_lease(&self) -> bool {
        let stored = self.0.saved.get(&self.0.lease_key).ok().flatten();
        let (mine, write) = lease(stored.as_deref(), &self.0.tab, js_sys::Date::now() as i64);
        if let Some(w) = write {
            let _ = self.0.saved.set(&self.0.lease_key, &w);
        }
        mine
    }

    /// Gives the lease up (the page goes), so another tab takes over at once.
    fn release_lease(&self) {
        let stored = self.0.saved.get(&self.0.lease_key).ok().flatten();
        if stored.as_deref().and_then(crate::team::lease_holder).is_some_and(|(tab, _)| tab == self.0.tab) {
            let _ = self.0.saved.remove(&self.0.lease_key);
        }
    }

    pub fn status(&self) -> Status {
        self.0.team.borrow().status()
    }

    fn wake(&self) {
        if let Some(f) = self.0.wake.borrow_mut().take() {
            let _ = f.call0(&JsValue::NULL);
        }
    }

    /// Waits `ms`, or less if woken.
    async fn wait(&self, ms: i32) {
        let inner = self.0.clone();
        let p = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
            *inner.wake.borrow_mut() = Some(resolve);
        });
        let _ = JsFuture::from(p).await;
        self.0.wake.borrow_mut().take();
    }

    /// Sends the status, notices and conflicts to the widget and keeps the state: at once
    /// when `now` or a local change waits to be kept, else at most once a second (a long
    /// outbox drain would otherwise write the whole state after every push).
    fn publish(&self) {
        self.publish_paced(true);
    }

    fn publish_paced(&self, now: bool) {
        let t = js_sys::Date::now();
        let urgent = now || self.0.team.borrow().has_unsaved_local();
        if !urgent && t - self.0.last_sent.get() < 250.0 && t - self.0.last_save.get() < 1000.0 {
            return;
        }
        self.0.last_sent.set(t);
        let (status, notices, conflicts) = {
            let mut t = self.0.team.borrow_mut();
            (t.status(), t.take_notices(), t.take_conflicts())
        };
        if !conflicts.is_empty() {
            self.0.bridge.send(Action::Conflicts(conflicts));
        }
        let view = SyncView::of(&status);
        if self.0.last_status.borrow().as_ref() != Some(&view) {
            *self.0.last_status.borrow_mut() = Some(view.clone());
            self.0.bridge.send(Action::Sync(Some(view)));
        }
        for n in notices {
            self.0.bridge.send(Action::Notify(Some(n)));
        }
        if urgent || t - self.0.last_save.get() >= 1000.0 {
            self.0.last_save.set(t);
            self.keep_state();
        }
    }

    async fn token(&self, fresh: bool) -> Option<String> {
        if !fresh {
            if let Some(t) = self.0.token.borrow().clone() {
                return Some(t);
            }
        }
        let TokenSource::Function(f) = &self.0.token_source else { return if fresh { None } else { self.0.token.borrow().clone() } };
        let v = f.call0(&JsValue::NULL).ok()?;
        let v = if v.has_type::<js_sys::Promise>() { JsFuture::from(js_sys::Promise::from(v)).await.ok()? } else { v };
        let t = v.as_string().filter(|t| !t.is_empty())?;
        *self.0.token.borrow_mut() = Some(t.clone());
        // A viewer's token: the widget turns read-only, and the status says why.
        if role_of(&t).as_deref() == Some("viewer") {
            self.0.team.borrow_mut().set_read_only(crate::team::VIEWER);
            self.0.bridge.send(Action::Viewer);
        }
        Some(t)
    }

    async fn send(&self, req: &Request) -> Reply {
        self.send_linked(req).await.0
    }

    /// [`Syncer::send`], with the `Link` header's `rel="next"` (a feed page's next page).
    async fn send_linked(&self, req: &Request) -> (Reply, Option<String>) {
        let Some(token) = self.token(false).await else { return (Reply { status: 401, ..Default::default() }, None) };
        let (method, url, body, if_match, create) = match req {
            Request::Feed { url } => ("GET", url.as_str(), None, None, false),
            Request::Put { url, body, if_match, .. } => ("PUT", url.as_str(), Some(body.as_str()), if_match.as_deref(), if_match.is_none()),
            Request::Delete { url, if_match, .. } => ("DELETE", url.as_str(), None, if_match.as_deref(), false),
        };
        fetch(method, url, &token, body, if_match, create).await
    }

    async fn run(&self) {
        let mut pulled = false;
        while !self.0.stopped.get() {
            // One tab of a reader pushes; the lease is renewed at least every 3 s.
            let pusher = self.claim_lease();
            self.0.team.borrow_mut().set_pusher(pusher);
            let mut delay = 3_000;
            // After a failure, the feed is the check that the server is back (and brings
            // what was missed), even when nothing waits to be pushed.
            if self.0.team.borrow().is_offline() {
                pulled = false;
            }
            // Read what the team did since last time, page by page, then follow the stream.
            if !pulled {
                // The page after the one being read, asked for before reading it (its URL
                // is in the `Link` header): the server and the wire work while this tab
                // reads.
                let mut ahead: Option<(Request, Sent)> = self.0.first_page.borrow_mut().take();
                // A first visit's pages are painted together, not one render a page (at
                // least every 250 ms, for a reader on a slow connection to see them come).
                let mut hold = Some(self.0.store.hold());
                let mut held_since = js_sys::Date::now();
                loop {
                    let (req, (reply, link)) = match ahead.take() {
                        Some((req, f)) => (req, f.await),
                        None => {
                            let req = self.0.team.borrow().feed_request();
                            let r = self.send_linked(&req).await;
                            (req, r)
                        }
                    };
                    if self.0.stopped.get() {
                        return;
                    }
                    let token = self.0.token.borrow().clone();
                    if let (200, Some(url), Some(token)) = (reply.status, link, token) {
                        let f = fetch("GET", &url, &token, None, None, false);
                        ahead = Some((Request::Feed { url }, Box::pin(f)));
                    }
                    let next = self.0.team.borrow_mut().on_reply(&req, reply, &self.0.store, dom::now());
                    let more = self.0.team.borrow().feed_has_more();
                    if js_sys::Date::now() - held_since >= 250.0 {
                        drop(hold.take()); // told now
                        hold = Some(self.0.store.hold());
                        held_since = js_sys::Date::now();
                    }
                    match next {
                        Next::Continue if more => continue,
                        Next::Continue => {
                            pulled = true;
                            drop(hold.take());
                            self.open_stream().await;
                        }
                        Next::RetryAfter(ms) => delay = ms as i32,
                        Next::NeedToken => {
                            if self.token(true).await.is_some() {
                                self.0.team.borrow_mut().token_refreshed();
                                continue;
                            }
                        }
                    }
                    break;
                }
            }
            // Push what waits, up to MAX_IN_FLIGHT at once.
            if pulled {
                'push: loop {
                    let mut batch = Vec::new();
                    while let Some(req) = self.0.team.borrow_mut().next_request(&self.0.store) {
                        batch.push(req);
                    }
                    if batch.is_empty() {
                        break;
                    }
                    self.publish_paced(false);
                    let replies = futures_util::future::join_all(batch.iter().map(|r| self.send(r))).await;
                    let mut stop = false;
                    for (req, reply) in batch.iter().zip(replies) {
                        if reply.status == 0 {
                            self.0.team.borrow_mut().on_unreachable();
                            delay = 2_000;
                            stop = true;
                            continue;
                        }
                        let next = self.0.team.borrow_mut().on_reply(req, reply, &self.0.store, dom::now());
                        match next {
                            Next::Continue => {}
                            Next::RetryAfter(ms) => {
                                delay = ms as i32;
                                stop = true;
                            }
                            Next::NeedToken => {
                                if self.token(true).await.is_some() {
                                    self.0.team.borrow_mut().token_refreshed();
                                } else {
                                    stop = true;
                                }
                            }
                        }
                    }
                    if stop {
                        break 'push;
                    }
                }
            }
            self.publish();
            if self.0.stream.borrow().is_none() && pulled {
                // The stream dropped: read the feed again, then reopen it.
                pulled = false;
                delay = delay.min(1_000);
            }
            self.wait(delay).await;
        }
    }

    fn close_stream(&self) {
        if let Some(s) = self.0.stream.borrow_mut().take() {
            s.close();
        }
        self.0.stream_listeners.borrow_mut().clear();
    }

    /// Opens the live stream from the feed's position, over a fresh ticket.
    async fn open_stream(&self) {
        self.close_stream();
        let Some(token) = self.token(false).await else { return };
        let url = format!("{}events/ticket", self.0.team.borrow().container());
        let (reply, _) = fetch("POST", &url, &token, None, None, false).await;
        if reply.status != 200 {
            return;
        }
        let Some(ticket_url) = serde_json::from_str::<serde_json::Value>(&reply.body).ok().and_then(|v| v.get("url").and_then(|u| u.as_str()).map(str::to_string)) else { return };
        let since = self.0.team.borrow().last_seq;
        let Ok(es) = web_sys::EventSource::new(&format!("{ticket_url}&since={since}")) else { return };
        let weak = Rc::downgrade(&self.0);
        let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let Some(i) = weak.upgrade() else { return };
            let Some(data) = e.dyn_ref::<web_sys::MessageEvent>().and_then(|m| m.data().as_string()) else { return };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&data) else { return };
            let me = Syncer(i);
            if let Ok(mut t) = me.0.team.try_borrow_mut() {
                t.on_stream_message();
                t.on_change(&v, &me.0.store, dom::now());
            } else {
                // The loop is inside the engine: it reads the feed when it wakes.
                me.0.stream.borrow_mut().take();
            }
            me.publish();
            me.wake();
        });
        let weak = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            // The browser would retry with the same (by then expired) ticket: close it;
            // the loop reads the feed and opens a new one.
            if let Some(i) = weak.upgrade() {
                let me = Syncer(i);
                me.close_stream();
                me.wake();
            }
        });
        let _ = es.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        let _ = es.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
        let _ = es.add_event_listener_with_callback("expired", on_error.as_ref().unchecked_ref());
        *self.0.stream.borrow_mut() = Some(es);
        self.0.stream_listeners.borrow_mut().extend([on_change, on_error]);
    }
}

/// One HTTP request with the bearer token; status 0 when it never got an answer.
/// A request under way: its reply and its `Link: rel="next"`.
type Sent = std::pin::Pin<Box<dyn std::future::Future<Output = (Reply, Option<String>)>>>;

/// One request, sent at once (not when the future is first polled): its reply, and the
/// `Link` header's `rel="next"`.
fn fetch(method: &str, url: &str, token: &str, body: Option<&str>, if_match: Option<&str>, create: bool) -> impl std::future::Future<Output = (Reply, Option<String>)> + 'static {
    let sent = start_fetch(method, url, token, body, if_match, create);
    async move {
        let unreachable = (Reply { status: 0, ..Default::default() }, None);
        let Some(sent) = sent else { return unreachable };
        let Ok(resp) = JsFuture::from(sent).await else { return unreachable };
        let Ok(resp) = resp.dyn_into::<web_sys::Response>() else { return unreachable };
        let etag = resp.headers().get("etag").ok().flatten();
        let next = resp.headers().get("link").ok().flatten().and_then(|l| link_next(&l));
        let text = match resp.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
            Err(_) => String::new(),
        };
        (Reply { status: resp.status(), etag, body: text }, next)
    }
}

/// The URL of a `Link` header's `rel="next"`.
fn link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        params.split(';').any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next")).then(|| url.to_string())
    })
}

fn start_fetch(method: &str, url: &str, token: &str, body: Option<&str>, if_match: Option<&str>, create: bool) -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_mode(web_sys::RequestMode::Cors);
    let headers = web_sys::Headers::new().ok()?;
    let _ = headers.set("Authorization", &format!("Bearer {token}"));
    if let Some(b) = body {
        let _ = headers.set("Content-Type", "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"");
        init.set_body(&JsValue::from_str(b));
    }
    if let Some(m) = if_match {
        let _ = headers.set("If-Match", m);
    } else if create {
        let _ = headers.set("If-None-Match", "*");
    }
    init.set_headers(&headers);
    let req = web_sys::Request::new_with_str_and_init(url, &init).ok()?;
    Some(window.fetch_with_request(&req))
}

/// A claim of a JWT's payload (not checked: the server checks the token): `role`, `name`.
fn claim_of(token: &str, key: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64url(payload)?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get(key).and_then(|r| r.as_str()).map(str::to_string)
}

/// The reader's role, as the token says.
pub fn role_of(token: &str) -> Option<String> {
    claim_of(token, "role")
}

/// The reader's name, as the token says (the author of what they make here).
pub fn name_of(token: &str) -> Option<String> {
    claim_of(token, "name")
}

fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}
