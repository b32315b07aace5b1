//! The browser's side of persistence: which storage a widget gets (localStorage, or
//! memory when the host says `"none"` or the browser refuses), and the timer that saves
//! 300 ms after a change. What is saved, loaded and merged is [`crate::persist`].
//!
//! Invariant: storage that cannot be opened falls back to memory with a notice; the page
//! never loses work because of it.

use crate::persist::Persistence;
use crate::storage::local::LocalStore;
use crate::storage::{MemoryStore, Store};
use crate::store::AnnotationStore;
use crate::ui::state::Notice;
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
/// Equal when it is the same.
#[derive(Clone)]
pub struct Opened(pub Rc<Persistence>, pub Option<Notice>);

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
    let store: Box<dyn Store> = match choice {
        StorageChoice::None => Box::new(MemoryStore::default()),
        StorageChoice::Local => match LocalStore::open() {
            Ok(s) => Box::new(s),
            Err(e) => {
                notice = Notice::warning(format!(
                    "Your browser's storage can't be used ({e}). Annotations are kept in this tab only: export them before you leave."
                ));
                Box::new(MemoryStore::default())
            }
        },
    };
    let (p, loaded) = Persistence::open(store, choice == StorageChoice::None, session, read, Box::new(crate::ui::dom::now));
    Opened(p, notice.or(loaded))
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
