//! The annotation store: the one writer of the session. It owns the [`Session`]
//! (document, annotations, undo history, change log, outbox), applies every change at
//! once through the session's `Edit`s, and tells its subscribers the new revision. The JS
//! API, the Yew components (through the root's reducer), persistence and the two-tab sync
//! all change annotations through it; none of them holds the session mutably.
//!
//! Plain Rust, no browser crates: tested natively.
//!
//! Invariants: only this module mutates the session (`tests/native/tidy.rs` checks that
//! no other code outside `core` can reach a `&mut Session`); after a method that changed
//! the annotations returns, `revision()` is the new revision and every subscriber has
//! been called with it, outside any borrow of the session, so a subscriber may read it.
//! The one exception: a first visit's feed pages applied while the sync holds the store
//! ([`AnnotationStore::hold`]) are told once, when the hold ends (one render for a
//! whole first read of the team's annotations, not one a page).

use crate::core::edit::{Edit, EditError};
use crate::core::format::Imported;
use crate::core::merge::MergeReport;
use crate::core::mentions::{SuggestError, Which};
use crate::core::model::{Annotation, AnnotationId, Timestamp};
use crate::core::session::{Change, Session};
use std::cell::{Cell, Ref, RefCell};
use std::rc::{Rc, Weak};

type Subscriber = Rc<dyn Fn(u64)>;

struct Inner {
    session: RefCell<Session>,
    /// The revision whose highlights the article last painted (the JS API's
    /// `paintedRevision`; no DOM change marks it, since any would restyle the article).
    painted: Cell<Option<u64>>,
    /// The revision whose highlights the article last drew, shown or not, and whether the
    /// widget is unseen (from its first render to its reveal, a frame later): `painted`
    /// is `drawn` once shown.
    drawn: Cell<Option<u64>>,
    unseen: Cell<bool>,
    subscribers: RefCell<Vec<(u64, Subscriber)>>,
    next_subscriber: Cell<u64>,
    /// Holds alive ([`AnnotationStore::hold`]), and whether a held change waits to be told.
    holds: Cell<u32>,
    held: Cell<bool>,
}

/// While one is alive, a first visit's feed pages change the store without telling the
/// subscribers; dropping the last tells them once, if anything was held.
pub struct Hold(AnnotationStore);

impl Drop for Hold {
    fn drop(&mut self) {
        let inner = &(self.0).0;
        inner.holds.set(inner.holds.get().saturating_sub(1));
        if inner.holds.get() == 0 && inner.held.replace(false) {
            self.0.tell(self.0.revision());
        }
    }
}

/// The store, shared by everything that shows or changes the annotations. Clones are the
/// same store; two stores are equal when they are the same one.
#[derive(Clone)]
pub struct AnnotationStore(Rc<Inner>);

impl std::fmt::Debug for AnnotationStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AnnotationStore(revision {})", self.revision())
    }
}

impl PartialEq for AnnotationStore {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Keeps a subscription alive; dropping it unsubscribes.
pub struct Subscription {
    store: Weak<Inner>,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(inner) = self.store.upgrade() {
            inner.subscribers.borrow_mut().retain(|(id, _)| *id != self.id);
        }
    }
}

impl AnnotationStore {
    pub fn new(session: Session) -> AnnotationStore {
        AnnotationStore(Rc::new(Inner {
            session: RefCell::new(session),
            painted: Cell::new(None),
            drawn: Cell::new(None),
            unseen: Cell::new(false),
            subscribers: RefCell::new(Vec::new()),
            next_subscriber: Cell::new(0),
            holds: Cell::new(0),
            held: Cell::new(false),
        }))
    }

    /// The session to read. Hold it only while reading: a change made meanwhile (by a
    /// handler this code calls) would find it borrowed.
    pub fn read(&self) -> Ref<'_, Session> {
        self.0.session.borrow()
    }

    /// The session to read, or `None` while it is being changed (for event handlers that
    /// must never find it borrowed).
    pub fn try_read(&self) -> Option<Ref<'_, Session>> {
        self.0.session.try_borrow().ok()
    }

    pub fn revision(&self) -> u64 {
        self.read().revision()
    }

    /// Calls `f` with the new revision after every change (to the annotations or to the
    /// suggestions on offer), until the subscription drops.
    pub fn subscribe(&self, f: impl Fn(u64) + 'static) -> Subscription {
        let id = self.0.next_subscriber.get();
        self.0.next_subscriber.set(id + 1);
        self.0.subscribers.borrow_mut().push((id, Rc::new(f)));
        Subscription { store: Rc::downgrade(&self.0), id }
    }

    /// Runs a change on the session, then tells the subscribers if the revision moved.
    fn change<T>(&self, f: impl FnOnce(&mut Session) -> T) -> T {
        self.change_as(false, f)
    }

    /// [`AnnotationStore::change`]; a `holdable` one is not told while a [`Hold`] is alive.
    fn change_as<T>(&self, holdable: bool, f: impl FnOnce(&mut Session) -> T) -> T {
        let (before, out, after) = {
            let mut s = self.0.session.borrow_mut();
            let before = s.view_version();
            let out = f(&mut s);
            (before, out, s.view_version())
        };
        if after != before {
            if holdable && self.0.holds.get() > 0 {
                self.0.held.set(true);
            } else {
                // Told now, with what was held.
                self.0.held.set(false);
                self.tell(after.0);
            }
        }
        out
    }

    fn tell(&self, revision: u64) {
        // A copy of the list: a subscriber may subscribe or unsubscribe.
        let subscribers: Vec<Subscriber> = self.0.subscribers.borrow().iter().map(|(_, f)| f.clone()).collect();
        for f in subscribers {
            f(revision);
        }
    }

    /// Holds the subscribers' news of a first visit's feed pages
    /// ([`AnnotationStore::apply_team_fill`]) until the returned [`Hold`] drops; any other
    /// change is told at once, as always.
    pub fn hold(&self) -> Hold {
        self.0.holds.set(self.0.holds.get() + 1);
        Hold(self.clone())
    }

    /// One edit, one undo step.
    pub fn apply(&self, edit: Edit) -> Result<(), EditError> {
        self.change(|s| s.apply(edit))
    }
    /// Undoes the last step; false when there is none.
    pub fn undo(&self) -> Result<bool, EditError> {
        self.change(Session::undo)
    }
    pub fn redo(&self) -> Result<bool, EditError> {
        self.change(Session::redo)
    }
    /// Merges a file's annotations by id, as one undo step.
    pub fn merge(&self, imported: Imported) -> Result<MergeReport, EditError> {
        self.change(|s| s.merge(imported))
    }
    /// Replaces every annotation (no undo step; the history starts afresh).
    pub fn load(&self, imported: Imported) -> MergeReport {
        self.change(|s| s.load(imported))
    }
    /// Applies what another tab saved, already merged: not an undo step.
    pub fn apply_remote(&self, edit: Edit) -> Result<(), EditError> {
        self.change(|s| s.apply_remote(edit))
    }
    /// Applies a colleague's change from the team server: not an undo step; undo keeps
    /// to this reader's own edits.
    pub fn apply_team(&self, edit: Edit) -> Result<(), EditError> {
        self.change(|s| s.apply_team(edit))
    }
    /// [`AnnotationStore::apply_team`] for a first visit's feed pages: the host hears of
    /// them as of a load ([`Session::apply_team_fill`]), and the subscribers not while
    /// the store is held ([`AnnotationStore::hold`]).
    pub fn apply_team_fill(&self, edit: Edit) -> Result<(), EditError> {
        self.change_as(true, |s| s.apply_team_fill(edit))
    }
    /// Marks annotations modified now (this tab's undone deletions, before a merge).
    pub fn touch(&self, ids: &[AnnotationId], now: Timestamp) {
        self.change(|s| s.touch(ids, now))
    }
    /// The changes made since the last call, for the host's events.
    pub fn take_changes(&self) -> Vec<Change> {
        self.0.session.borrow_mut().take_changes()
    }

    /// Offers the other mentions of annotation `id`'s text ([`crate::core::mentions`]).
    pub fn suggest(&self, id: &AnnotationId, case_sensitive: bool) -> Result<usize, SuggestError> {
        self.change(|s| s.suggest(id, case_sensitive))
    }
    /// Tags the chosen suggestions, as one undo step.
    pub fn accept_suggestions(&self, which: &Which, mint: &mut dyn FnMut() -> AnnotationId, now: Timestamp, creator: Option<String>) -> Result<Vec<AnnotationId>, EditError> {
        self.change(|s| s.accept_suggestions(which, mint, now, creator))
    }
    /// Turns the chosen suggestions down.
    pub fn reject_suggestions(&self, which: &Which) -> usize {
        self.change(|s| s.reject_suggestions(which))
    }
    /// Withdraws every suggestion.
    pub fn dismiss_suggestions(&self) {
        self.change(Session::dismiss_suggestions)
    }
    /// Adds an entity and every untagged mention of its text, as one undo step.
    pub fn add_with_mentions(&self, a: Annotation, case_sensitive: bool, mint: &mut dyn FnMut() -> AnnotationId) -> Result<Vec<AnnotationId>, EditError> {
        self.change(|s| s.add_with_mentions(a, case_sensitive, mint))
    }

    /// The revision the article's highlights show, once they have been painted (and the
    /// widget is shown).
    pub fn painted(&self) -> Option<u64> {
        self.0.painted.get()
    }
    /// The article has drawn `revision`'s highlights: painted with the next frame if the
    /// widget is shown, else from its reveal on ([`AnnotationStore::set_shown`]).
    pub fn set_painted(&self, revision: u64) {
        self.0.drawn.set(Some(revision));
        if !self.0.unseen.get() {
            self.0.painted.set(Some(revision));
        }
    }
    /// Whether the widget is shown: not from its first render, laid out unseen, to its
    /// reveal; what the article drew meanwhile is painted from the reveal on.
    pub fn set_shown(&self, shown: bool) {
        self.0.unseen.set(!shown);
        if shown {
            self.0.painted.set(self.0.drawn.get());
        }
    }
}
