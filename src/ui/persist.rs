//! Keeping a session's annotations in storage: load at start, save after changes
//! (throttled), flush when the page is hidden or closed.
//!
//! Invariants: a failure to read or write never loses what is in memory and always
//! becomes a [`Notice`]; corrupt stored data is moved to a backup key before anything is
//! written over it; data from a newer version is never overwritten.

use crate::core::format::stored::{self, StoredError};
use crate::storage::local::LocalStore;
use crate::storage::{key_for, MemoryStore, StorageError, Store};
use crate::ui::state::{Notice, SharedSession};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Where the host wants annotations kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageChoice {
    Local,
    None,
}

/// Where persistence reports problems and recoveries.
type Notifier = Box<dyn Fn(Option<Notice>)>;

pub struct Persistence {
    store: Box<dyn Store>,
    key: String,
    session: SharedSession,
    /// True when saving must not happen (newer data on disk, or storage "none").
    frozen: Cell<bool>,
    /// The session revision last written.
    saved_rev: Cell<u64>,
    timer_pending: Cell<bool>,
    /// The last save error shown, so it is not repeated on every keystroke.
    last_error: RefCell<Option<StorageError>>,
    on_notice: RefCell<Option<Notifier>>,
}

/// How long after a change the save happens (changes in between are saved together).
const SAVE_DELAY_MS: i32 = 300;

impl Persistence {
    /// Opens storage for the session's document and, if `read`, loads what it holds into
    /// the session. Returns the notice the reader should see, if any.
    pub fn open(choice: StorageChoice, session: SharedSession, read: bool) -> (Rc<Persistence>, Option<Notice>) {
        let key = key_for(&session.0.borrow().document_id);
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
        let p = Persistence {
            store,
            key,
            session,
            frozen: Cell::new(choice == StorageChoice::None),
            saved_rev: Cell::new(0),
            timer_pending: Cell::new(false),
            last_error: RefCell::new(None),
            on_notice: RefCell::new(None),
        };
        if read {
            if let Some(n) = p.load() {
                notice = Some(n);
            }
        }
        (Rc::new(p), notice)
    }

    /// Where to report save problems and recoveries.
    pub fn set_notifier(&self, f: impl Fn(Option<Notice>) + 'static) {
        *self.on_notice.borrow_mut() = Some(Box::new(f));
    }

    fn notify(&self, n: Option<Notice>) {
        if let Some(f) = self.on_notice.borrow().as_ref() {
            f(n);
        }
    }

    fn load(&self) -> Option<Notice> {
        let text = match self.store.get(&self.key) {
            Ok(Some(t)) => t,
            Ok(None) => return None,
            Err(e) => return Some(Notice { level: crate::ui::state::Level::Warning, text: format!("Saved annotations could not be read ({e}).") }),
        };
        let mut s = self.session.0.borrow_mut();
        match stored::from_str(&text, &s.doc) {
            Ok(imported) => {
                let issues = imported.issues.len();
                let report = s.load(imported);
                self.saved_rev.set(s.revision());
                if report.orphaned > 0 || issues > 0 {
                    Some(Notice {
                        level: crate::ui::state::Level::Warning,
                        text: format!(
                            "The article has changed since your last visit: {} annotation(s) could not be placed and are listed under Orphans; {issues} could not be read.",
                            report.orphaned
                        ),
                    })
                } else {
                    None
                }
            }
            Err(StoredError::NewerVersion { found }) => {
                self.frozen.set(true);
                Some(Notice {
                    level: crate::ui::state::Level::Warning,
                    text: format!("Your saved annotations were written by a newer version of this tool (format {found}). They are left untouched; changes made here will not be saved."),
                })
            }
            Err(StoredError::Corrupt(why)) => {
                let backup = format!("{}/corrupt/{}", self.key, js_sys::Date::now() as i64);
                let moved = self.store.set(&backup, &text).is_ok();
                let text = if moved {
                    let _ = self.store.remove(&self.key);
                    format!("Saved annotations were damaged ({why}). They were kept unchanged under the storage key \"{backup}\"; you start with none.")
                } else {
                    self.frozen.set(true);
                    format!("Saved annotations were damaged ({why}) and could not be backed up, so nothing will be saved over them.")
                };
                Some(Notice { level: crate::ui::state::Level::Error, text })
            }
        }
    }

    /// Saves now if anything changed since the last save.
    pub fn flush(&self) {
        self.timer_pending.set(false);
        if self.frozen.get() {
            return;
        }
        let (rev, text) = {
            let s = self.session.0.borrow();
            if s.revision() == self.saved_rev.get() {
                return;
            }
            (s.revision(), stored::to_string(&s.document_id, s.annotations()))
        };
        match self.store.set(&self.key, &text) {
            Ok(()) => {
                self.saved_rev.set(rev);
                if self.last_error.borrow_mut().take().is_some() {
                    self.notify(Notice::info("Saving works again: all annotations are saved."));
                }
            }
            Err(e) => {
                let repeat = self.last_error.borrow().as_ref() == Some(&e);
                if !repeat {
                    let what = match &e {
                        StorageError::QuotaExceeded(_) => "Storage is full".to_string(),
                        other => other.to_string(),
                    };
                    self.notify(Notice::error(format!(
                        "{what}: your latest annotations are not saved in the browser, but they are safe in this tab. Export them to keep a copy."
                    )));
                    *self.last_error.borrow_mut() = Some(e);
                }
            }
        }
    }

    /// Saves soon: after [`SAVE_DELAY_MS`], together with any changes made meanwhile.
    pub fn schedule(self: &Rc<Self>) {
        if self.timer_pending.get() || self.frozen.get() {
            return;
        }
        let Some(window) = web_sys::window() else {
            self.flush();
            return;
        };
        self.timer_pending.set(true);
        let me = Rc::downgrade(self);
        let f = Closure::once_into_js(move || {
            if let Some(p) = me.upgrade() {
                p.flush();
            }
        });
        if window.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), SAVE_DELAY_MS).is_err() {
            self.flush();
        }
    }
}
