//! UI state as plain data, the [`Action`]s that change it, and the reducer.
//!
//! The session (document and annotations) is shared with the JS API through
//! [`AnnotationStore`]; only this reducer mutates it, and every mutation bumps `rev`, the
//! value components compare to know that something changed.
//!
//! Invariant: `rev == session.revision()` after every action.

use crate::core::edit::Edit;
use crate::core::format::Imported;
use crate::core::mentions::Which;
use crate::core::model::AnnotationId;
use crate::core::offset::CharRange;
use crate::store::AnnotationStore;
use std::cell::RefCell;
use std::rc::Rc;
use yew::Reducible;

/// A snapped selection waiting for a type, and where to show the toolbar (pixels,
/// relative to the widget's root).
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub range: CharRange,
    pub x: f64,
    pub y: f64,
}

pub use crate::notice::{Level, Notice};

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub session: AnnotationStore,
    pub rev: u64,
    pub pending: Option<Pending>,
    /// The annotation open in the editor.
    pub editing: Option<AnnotationId>,
    pub notice: Option<Notice>,
    /// The annotation to flash, and a counter so that flashing it again restarts.
    pub flash: Option<(AnnotationId, u32)>,
    /// The keyboard cursor: the annotation `]` and `[` moved to, which Enter opens.
    pub current: Option<AnnotationId>,
    /// The team sync's status, when the widget syncs with a server.
    pub sync: Option<crate::ui::team::SyncView>,
    /// Values that lost a conflict with a colleague, shown in the editor until restored
    /// or dismissed.
    pub conflicts: Vec<crate::team::Conflict>,
    /// The team server's token says this reader is a viewer: nothing can be changed.
    pub viewer: bool,
    /// A range the API asked to make the reader's selection (`select`): the root selects
    /// it in the article once rendered, and it becomes `pending` as a selection would.
    pub to_select: Option<(CharRange, u32)>,
    /// What the reader's last change did, for screen readers (the live region).
    pub said: Option<String>,
    /// The version of the suggestions on offer ([`crate::core::mentions`]) rendered.
    pub srev: u64,
    /// The suggestion the keyboard cursor is on (`}` and `{`), which `y` accepts.
    pub suggestion: Option<CharRange>,
    /// Other mentions are found regardless of case (the panel's toggle; off by default).
    pub any_case: bool,
    /// Who the reader is (the creator of what they accept).
    pub user: Option<String>,
    /// The revision this browser's storage holds (what `mount` read, then each save).
    pub saved: u64,
}

impl AppState {
    pub fn new(session: AnnotationStore, notice: Option<Notice>, user: Option<String>) -> AppState {
        let (rev, srev) = session.read().view_version();
        AppState {
            session, rev, pending: None, editing: None, notice, flash: None, current: None, sync: None, conflicts: Vec::new(), viewer: false, to_select: None, said: None,
            srev, suggestion: None, any_case: false, user, saved: rev,
        }
    }
}

pub enum Action {
    /// The reader's selection changed (snapped), or went away.
    Select(Option<Pending>),
    /// Make this range the reader's selection (the API's `select`).
    SelectText(CharRange),
    /// Apply an edit; then open the editor on this annotation, if given.
    Apply(Edit, Option<AnnotationId>),
    Undo,
    Redo,
    /// Open the editor on an annotation, or close it.
    OpenEditor(Option<AnnotationId>),
    /// Scroll to and flash an annotation (the view does the scrolling).
    Flash(AnnotationId),
    /// Stop flashing.
    Unflash,
    /// Move the keyboard cursor to an annotation, or take it (and a suggestion's) away.
    Cursor(Option<AnnotationId>),
    Notify(Option<Notice>),
    /// Merge annotations read from a file; the string names the file.
    Import(Imported, String),
    /// Apply what another tab saved (already merged): not an undo step; the count of
    /// annotations it changes, for the notice.
    Remote(Edit, usize),
    /// The store changed (from the JS API, persistence, or an action here).
    Changed,
    /// The team sync's status changed.
    Sync(Option<crate::ui::team::SyncView>),
    /// Conflicts the sync found (a newer one for an annotation replaces the older).
    Conflicts(Vec<crate::team::Conflict>),
    /// The reader restored or dismissed the `usize`-th lost value of an annotation.
    DismissConflict(AnnotationId, usize),
    /// The token (from the host's function) is a viewer's: read-only from now on.
    Viewer,
    /// Offer the other mentions of this annotation's text as suggestions.
    Suggest(AnnotationId),
    /// Tag the suggestions chosen (one undo step).
    Accept(Which),
    /// Turn the suggestions chosen down.
    Reject(Which),
    /// Withdraw every suggestion.
    DismissSuggestions,
    /// Move the keyboard cursor to a suggestion, or take it away.
    SuggestionCursor(Option<CharRange>),
    /// Find mentions regardless of case (true) or not; the suggestions on offer are
    /// found again.
    AnyCase(bool),
    /// Tag this entity and every untagged mention of its text (one undo step).
    TagAll(crate::core::model::Annotation),
    /// Storage holds this revision now.
    Saved(u64),
    /// Say this in the live region.
    Said(String),
}

/// How code outside the component tree (the JS API) dispatches actions into the root's
/// reducer. Actions sent before the root has mounted wait in a queue; after the widget is
/// destroyed, sending fails.
#[derive(Clone, Debug, Default)]
pub struct Bridge(Rc<RefCell<BridgeState>>);

#[derive(Debug, Default)]
struct BridgeState {
    dispatch: Option<yew::Callback<Action>>,
    queued: Vec<Action>,
    closed: bool,
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Action")
    }
}

impl PartialEq for Bridge {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Bridge {
    /// Dispatches `action`, or queues it until the root connects; false once closed.
    pub fn send(&self, action: Action) -> bool {
        let cb = {
            let mut st = self.0.borrow_mut();
            if st.closed {
                return false;
            }
            match st.dispatch.clone() {
                Some(cb) => cb,
                None => {
                    st.queued.push(action);
                    return true;
                }
            }
        };
        cb.emit(action);
        true
    }
    /// True when actions reach the reducer at once (the root is connected and open).
    pub fn is_live(&self) -> bool {
        let st = self.0.borrow();
        st.dispatch.is_some() && !st.closed
    }
    /// The root connects its dispatcher; queued actions are sent now.
    pub fn connect(&self, dispatch: yew::Callback<Action>) {
        let queued = {
            let mut st = self.0.borrow_mut();
            st.dispatch = Some(dispatch.clone());
            std::mem::take(&mut st.queued)
        };
        for a in queued {
            dispatch.emit(a);
        }
    }
    /// The root is gone: nothing more can be sent.
    pub fn close(&self) {
        let mut st = self.0.borrow_mut();
        st.dispatch = None;
        st.queued.clear();
        st.closed = true;
    }
}

thread_local! {
    static REDUCING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the reducer is running (the store's subscriber then sends nothing: the state
/// the reducer returns already has the store's revision).
pub fn reducing() -> bool {
    REDUCING.with(std::cell::Cell::get)
}

/// Marks the reducer as running while it lives. The JS API holds one too while it makes
/// a change that an action it sends right after will render (one render, not two).
pub struct Reducing;

impl Reducing {
    pub fn start() -> Reducing {
        REDUCING.with(|r| r.set(true));
        Reducing
    }
}

impl Drop for Reducing {
    fn drop(&mut self) {
        REDUCING.with(|r| r.set(false));
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let _reducing = Reducing::start();
        let mut next = (*self).clone();
        match action {
            Action::Select(p) => {
                next.pending = p;
                next.to_select = None;
            }
            Action::SelectText(r) => next.to_select = Some((r, next.to_select.map_or(0, |(_, n)| n.wrapping_add(1)))),
            Action::Apply(edit, open) => {
                let said = describe(&next.session.read(), &edit);
                // A new entity: its other mentions are offered.
                let entity = match &edit {
                    Edit::Add(a) if !a.body.is_claim() => Some(a.id.clone()),
                    _ => None,
                };
                let result = next.session.apply(edit);
                match result {
                    Ok(()) => {
                        let offered = entity.and_then(|id| next.session.suggest(&id, !next.any_case).ok()).unwrap_or(0);
                        next.said = said.map(|s| if offered > 0 { format!("{s} {}", offered_words(offered)) } else { s });
                        next.pending = None;
                        if open.is_some() {
                            next.editing = open;
                        }
                    }
                    Err(e) => next.notice = Notice::error(format!("That change could not be made: {e}")),
                }
            }
            Action::Undo | Action::Redo => {
                let r = if matches!(action, Action::Undo) { next.session.undo() } else { next.session.redo() };
                match r {
                    Ok(true) => {
                        next.pending = None;
                        next.said = Some(if matches!(action, Action::Undo) { "Undone." } else { "Redone." }.into());
                    }
                    Ok(false) => {}
                    Err(e) => next.notice = Notice::error(format!("Could not undo or redo: {e}")),
                }
            }
            Action::OpenEditor(id) => {
                next.editing = id;
                next.pending = None;
            }
            Action::Flash(id) => {
                let n = next.flash.as_ref().map_or(0, |f| f.1 + 1);
                next.flash = Some((id, n));
            }
            Action::Unflash => next.flash = None,
            Action::Cursor(id) => {
                // One cursor at a time; taking it away takes both.
                next.suggestion = None;
                next.current = id;
                next.said = None;
            }
            Action::Notify(n) => next.notice = n,
            Action::Import(imported, name) => {
                let (issues, others) = (imported.issues.clone(), imported.other_documents);
                next.notice = match next.session.merge(imported) {
                    Ok(r) => import_notice(&name, &r, others, &issues),
                    Err(e) => Notice::error(format!("Could not import {name}: {e}")),
                };
            }
            Action::Changed => {}
            Action::Sync(v) => next.sync = v,
            Action::Viewer => {
                next.viewer = true;
                next.pending = None;
            }
            Action::Conflicts(list) => {
                for c in list {
                    next.conflicts.retain(|o| o.id != c.id);
                    next.conflicts.push(c);
                }
            }
            Action::DismissConflict(id, i) => {
                if let Some(c) = next.conflicts.iter_mut().find(|c| c.id == id) {
                    if i < c.lost.len() {
                        c.lost.remove(i);
                    }
                }
                next.conflicts.retain(|c| !c.lost.is_empty());
            }
            Action::Suggest(id) => match next.session.suggest(&id, !next.any_case) {
                Ok(0) => next.said = Some("No other untagged mentions.".into()),
                Ok(n) => next.said = Some(offered_words(n)),
                Err(e) => next.notice = Notice::error(format!("Could not look for other mentions: {e}")),
            },
            Action::Accept(which) => {
                let mut mint = crate::ui::dom::random_id;
                match next.session.accept_suggestions(&which, &mut mint, crate::ui::dom::now(), next.user.clone()) {
                    Ok(ids) if ids.is_empty() => {}
                    Ok(ids) => next.said = Some(format!("Tagged {}.", crate::core::format::catalog::count(ids.len(), "mention", "mentions"))),
                    Err(e) => next.notice = Notice::error(format!("Those mentions could not be tagged: {e}")),
                }
            }
            Action::Reject(which) => {
                let n = next.session.reject_suggestions(&which);
                if n > 0 {
                    next.said = Some(format!("Rejected {}.", crate::core::format::catalog::count(n, "suggestion", "suggestions")));
                }
            }
            Action::DismissSuggestions => {
                next.session.dismiss_suggestions();
                next.said = Some("Suggestions dismissed.".into());
            }
            Action::SuggestionCursor(r) => {
                next.suggestion = r;
                if r.is_some() {
                    next.current = None;
                }
                next.said = None;
            }
            Action::AnyCase(on) => {
                next.any_case = on;
                // The same sources, found again with the new setting.
                let sources: Vec<AnnotationId> = {
                    let s = next.session.read();
                    let mut seen = std::collections::HashSet::new();
                    s.suggestions().list().iter().filter(|x| seen.insert(&x.source)).map(|x| x.source.clone()).collect()
                };
                if !sources.is_empty() {
                    next.session.dismiss_suggestions();
                    let n: usize = sources.iter().filter_map(|id| next.session.suggest(id, !on).ok()).sum();
                    next.said = Some(offered_words(n));
                }
            }
            Action::TagAll(a) => {
                let quote = a.target.quote.exact().to_string();
                let mut mint = crate::ui::dom::random_id;
                match next.session.add_with_mentions(a, !next.any_case, &mut mint) {
                    Ok(ids) => {
                        next.pending = None;
                        next.said = Some(format!("Tagged “{quote}” and {}.", crate::core::format::catalog::count(ids.len() - 1, "other mention", "other mentions")));
                    }
                    Err(e) => next.notice = Notice::error(format!("That change could not be made: {e}")),
                }
            }
            Action::Saved(rev) => next.saved = rev,
            Action::Said(text) => next.said = Some(text),
            Action::Remote(edit, n) => {
                let result = next.session.apply_remote(edit);
                next.notice = match result {
                    Ok(()) => Notice::info(format!("Updated from another tab: {n} annotation{} changed. Undo starts afresh.", if n == 1 { "" } else { "s" })),
                    Err(e) => Notice::error(format!("Changes from another tab could not be merged ({e}); yours are kept, and saving them will not lose theirs.")),
                };
            }
        }
        // Drop UI references to annotations that no longer exist.
        {
            let s = next.session.read();
            if next.editing.as_ref().is_some_and(|id| s.annotations().get(id).is_none()) {
                next.editing = None;
            }
            if next.current.as_ref().is_some_and(|id| s.annotations().get(id).is_none()) {
                next.current = None;
            }
            next.conflicts.retain(|c| s.annotations().get(&c.id).is_some());
            if next.suggestion.is_some_and(|r| s.suggestions().at(r).is_none()) {
                // Accepted or rejected: on to the next one, if any.
                next.suggestion = next.suggestion.and_then(|r| {
                    let l = s.suggestions().list();
                    l.get(l.partition_point(|x| x.range.start() < r.start())).or(l.last()).map(|x| x.range)
                });
            }
            (next.rev, next.srev) = s.view_version();
        }
        Rc::new(next)
    }
}

/// What the reader is told after an import: the counts, the other documents of a corpus
/// file, and the first problems.
pub fn import_notice(name: &str, r: &crate::core::merge::MergeReport, others: usize, issues: &[crate::core::format::ImportIssue]) -> Option<Notice> {
    let mut text = format!("Imported {name}: {} added, {} updated, {} unchanged, {} orphaned.", r.added, r.updated, r.unchanged, r.orphaned);
    if others > 0 {
        text.push_str(&format!(
            " The file held {} that {} not this article.",
            crate::core::format::catalog::count(others, "other document", "other documents"),
            if others == 1 { "is" } else { "are" }
        ));
    }
    if !issues.is_empty() {
        text.push_str(&format!(" {} skipped: {}", issues.len(), issues.iter().take(3).map(|i| i.to_string()).collect::<Vec<_>>().join("; ")));
    }
    if issues.is_empty() && r.orphaned == 0 {
        Notice::info(text)
    } else {
        Notice::warning(text)
    }
}

/// “3 other mentions suggested.”, with what to press.
fn offered_words(n: usize) -> String {
    format!("{} suggested: accept or reject them in the panel, or press }} in the article to go through them.", crate::core::format::catalog::count(n, "other mention", "other mentions"))
}

/// What an edit does, in words for a screen reader (“Tagged “Nikiforov” as Person.”).
fn describe(s: &crate::core::session::Session, e: &Edit) -> Option<String> {
    use crate::core::model::Body;
    let quote = |a: &crate::core::model::Annotation| a.target.quote.exact().to_string();
    Some(match e {
        Edit::Add(a) => match &a.body {
            Body::Entity(t) => format!("Tagged “{}” as {}.", quote(a), s.schema.label(t)),
            Body::Claim(_) => format!("Claim “{}” added.", quote(a)),
        },
        Edit::Update(a) => format!("Changed “{}”.", quote(a)),
        Edit::Remove(id) => format!("Deleted “{}”.", quote(s.annotations().get(id)?)),
        Edit::Batch(v) if v.len() == 1 => return describe(s, &v[0]),
        Edit::Batch(v) => format!("{} changes made.", v.len()),
    })
}
