//! The browser's side of persistence: which storage a widget gets (localStorage, or
//! memory when the host says `"none"` or the browser refuses), the timer that saves
//! 300 ms after a change, and [`use_persistence`], the hook that wires it to the page's
//! events. What is saved, loaded and merged is [`crate::persist`].
//!
//! Invariant: storage that cannot be opened falls back to memory with a notice; the page
//! never loses work because of it.

use crate::persist::Persistence;
use crate::storage::local::LocalStore;
use crate::storage::{MemoryStore, Store};
use crate::store::AnnotationStore;
use crate::ui::dom;
use crate::ui::state::{Action, Notice};
use yew::prelude::*;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Where the host wants annotations kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageChoice {
    Local,
    None,
}

/// Persistence opened for a widget (at mount, so that what storage held is there before
/// the first render and every API call sees it), with the notice its opening produced.
/// Equal when it is the same. The flag: it is this browser's storage (not memory, which
/// `"none"` or a refusing browser gets).
#[derive(Clone)]
pub struct Opened(pub Rc<Persistence>, pub Option<Notice>, pub bool);

impl PartialEq for Opened {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// How long after a change the save happens (changes in between are saved together).
const SAVE_DELAY_MS: i32 = 300;

/// Opens the storage the host chose for `session` and, if `read`, loads what it holds.
pub fn open(choice: StorageChoice, session: AnnotationStore, read: bool) -> Opened {
    let mut notice = None;
    let mut local = false;
    let store: Box<dyn Store> = match choice {
        StorageChoice::None => Box::new(MemoryStore::default()),
        StorageChoice::Local => match LocalStore::open() {
            Ok(s) => {
                local = true;
                Box::new(s)
            }
            Err(e) => {
                notice = Notice::warning(format!(
                    "Your browser's storage can't be used ({e}). Annotations are kept in this tab only: export them before you leave."
                ));
                Box::new(MemoryStore::default())
            }
        },
    };
    let (p, loaded) = Persistence::open(store, choice == StorageChoice::None, session, read, Box::new(crate::ui::dom::now));
    Opened(p, notice.or(loaded), local)
}

/// Saves soon: after [`SAVE_DELAY_MS`], together with any changes made meanwhile.
pub fn schedule(p: &Rc<Persistence>) {
    let Some(window) = web_sys::window() else {
        p.flush();
        return;
    };
    if !p.begin_wait() {
        return;
    }
    let me = Rc::downgrade(p);
    let f = Closure::once_into_js(move || {
        if let Some(p) = me.upgrade() {
            p.flush();
        }
    });
    if window.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), SAVE_DELAY_MS).is_err() {
        p.flush();
    }
}

/// The widget's persistence wired to the page: its notices and other tabs' changes go to
/// the root's reducer; the `storage` event merges another tab's save; `pagehide` and a
/// hidden page flush; each new revision schedules a save (not when read-only) and sends
/// the host's events. Everything it adds is removed when the widget goes.
#[yew::hook]
pub fn use_persistence(persistence: &Rc<Persistence>, dispatch: &Callback<Action>, rev: u64, read_only: bool, host: Option<web_sys::Element>, session: &AnnotationStore) {
    {
        let p = persistence.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let d2 = dispatch.clone();
            p.set_notifier(move |n| dispatch.emit(Action::Notify(n)));
            let d3 = d2.clone();
            p.set_saved_notifier(move |rev| d3.emit(Action::Saved(rev)));
            p.set_remote(move |edit, n| d2.emit(Action::Remote(edit, n)));
            let listeners = web_sys::window().map(|w| {
                let p1 = p.clone();
                let p2 = p.clone();
                let p3 = p.clone();
                // Another tab on the same document saved: merge it in.
                let other_tab = dom::Listener::new(w.clone().into(), "storage", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() else { return };
                    if e.key().as_deref() != Some(p3.key()) {
                        return;
                    }
                    if let Some(text) = e.new_value() {
                        if p3.receive(&text) {
                            schedule(&p3);
                        }
                    }
                });
                let hide = dom::Listener::new(w.clone().into(), "pagehide", move |_| p1.flush());
                let vis = w.document().map(|d| {
                    let d2 = d.clone();
                    dom::Listener::new(d.into(), "visibilitychange", move |_| {
                        if d2.hidden() {
                            p2.flush();
                        }
                    })
                });
                (hide, vis, other_tab)
            });
            move || {
                drop(listeners);
                p.flush();
            }
        });
    }
    {
        let p = persistence.clone();
        let session = session.clone();
        use_effect_with(rev, move |_| {
            if !read_only {
                schedule(&p);
            }
            match &host {
                Some(h) => crate::ui::events::emit(h, &session),
                None => drop(session.take_changes()),
            }
        });
    }
}
