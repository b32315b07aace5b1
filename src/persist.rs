//! Keeping a session's annotations in storage: load at start, save after changes, and
//! stay in step with other tabs on the same document (a read before every write, and
//! whatever the page hears of the other tabs' saves), merged per annotation by
//! [`crate::core::sync`] with tombstones for deletions. Over any [`Store`] and clock, so
//! it is tested natively against [`crate::storage::MemoryStore`]; the browser's timer
//! and events are wired to it in `ui::persist`.
//!
//! Invariants: a failure to read or write never loses what is in memory and always
//! becomes a [`Notice`]; corrupt stored data is moved to a backup key before anything is
//! written over it; data from a newer version is never overwritten; a write never drops
//! what another tab saved since this tab last read (it is merged in first); annotations
//! change only through the [`AnnotationStore`].

use crate::core::edit::Edit;
use crate::core::format::stored::{self, StoredError};
use crate::core::model::{AnnotationId, Timestamp};
use crate::core::sync::{self, Tombstone};
use crate::notice::{Level, Notice};
use crate::storage::{key_for, Digest, Digesting, StorageError, Store};
use crate::store::AnnotationStore;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Where persistence reports problems and recoveries.
type Notifier = Box<dyn Fn(Option<Notice>)>;
/// Where persistence sends what another tab changed (an edit and how many it touches).
type RemoteSink = Box<dyn Fn(Edit, usize)>;
/// Told the revision storage holds.
type SavedSink = Box<dyn Fn(u64)>;

pub struct Persistence {
    store: Box<dyn Store>,
    key: String,
    session: AnnotationStore,
    /// True when saving must not happen (newer data on disk, or storage "none").
    frozen: Cell<bool>,
    /// The session revision last written.
    saved_rev: Cell<u64>,
    timer_pending: Cell<bool>,
    /// The last save error shown, so it is not repeated on every keystroke.
    last_error: RefCell<Option<StorageError>>,
    on_notice: RefCell<Option<Notifier>>,
    on_remote: RefCell<Option<RemoteSink>>,
    /// Told the revision storage holds, after each save (or merge that needs none).
    on_saved: RefCell<Option<SavedSink>>,
    /// Deletions not yet forgotten (see `core::sync`), this tab's and adopted ones.
    tombs: RefCell<Vec<Tombstone>>,
    /// The ids at the last save or merge, to tell what this tab deleted since.
    known: RefCell<Vec<AnnotationId>>,
    /// A digest of the stored text as this tab last wrote or merged it (the text itself
    /// would hold a second copy of every annotation, 2 MB at 10k).
    last_seen: Cell<Option<Digest>>,
    now: Box<dyn Fn() -> Timestamp>,
}

impl Persistence {
    /// Persistence of `session` in `store`, and, if `read`, what `store` holds loaded into
    /// the session. `frozen` is for storage the host turned off (nothing is ever written);
    /// `now` is the clock (the browser's, or a test's). Returns the notice the reader
    /// should see, if any.
    pub fn open(store: Box<dyn Store>, frozen: bool, session: AnnotationStore, read: bool, now: Box<dyn Fn() -> Timestamp>) -> (Rc<Persistence>, Option<Notice>) {
        let key = key_for(&session.read().document_id);
        let mut notice = None;
        let p = Persistence {
            store,
            key,
            session,
            frozen: Cell::new(frozen),
            saved_rev: Cell::new(0),
            timer_pending: Cell::new(false),
            last_error: RefCell::new(None),
            on_notice: RefCell::new(None),
            on_remote: RefCell::new(None),
            on_saved: RefCell::new(None),
            tombs: RefCell::new(Vec::new()),
            known: RefCell::new(Vec::new()),
            last_seen: Cell::new(None),
            now,
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

    /// Whether changes are being saved (not when storage is off, or holds data this tab
    /// must not overwrite: a notice says why).
    pub fn saving(&self) -> bool {
        !self.frozen.get()
    }

    /// Where to say that storage holds a revision (the header's "Saved in this browser").
    pub fn set_saved_notifier(&self, f: impl Fn(u64) + 'static) {
        *self.on_saved.borrow_mut() = Some(Box::new(f));
    }

    /// Storage holds revision `rev` now.
    fn mark_saved(&self, rev: u64) {
        self.saved_rev.set(rev);
        if let Some(f) = self.on_saved.borrow().as_ref() {
            f(rev);
        }
    }

    /// Where to send what another tab changed (the root dispatches it to the reducer).
    pub fn set_remote(&self, f: impl Fn(Edit, usize) + 'static) {
        *self.on_remote.borrow_mut() = Some(Box::new(f));
    }

    /// The storage key this persistence writes (for the `storage` event's filter).
    pub fn key(&self) -> &str {
        &self.key
    }

    fn ids(&self) -> Vec<AnnotationId> {
        self.session.read().annotations().iter().map(|a| a.id.clone()).collect()
    }

    /// Records this tab's deletions since the last save or merge as tombstones (and its
    /// undone deletions), so that merging another tab's state cannot bring them back.
    fn note_local_changes(&self) {
        let now = (self.now)();
        let back = {
            let s = self.session.read();
            sync::record_deletions(&self.known.borrow(), s.annotations(), now, &mut self.tombs.borrow_mut())
        };
        if !back.is_empty() {
            self.session.touch(&back, now);
        }
        *self.known.borrow_mut() = self.ids();
    }

    /// Merges what another tab saved (`text`, the stored form) into this session.
    /// Returns whether this tab holds something the other lacks.
    pub fn receive(&self, text: &str) -> bool {
        let seen = Digest::of(text);
        if self.frozen.get() || self.last_seen.get() == Some(seen) {
            return false;
        }
        let loaded = {
            let s = self.session.read();
            stored::read(text, &s.doc)
        };
        let loaded = match loaded {
            Ok(l) => l,
            Err(StoredError::NewerVersion { found }) => {
                self.frozen.set(true);
                self.notify(Notice::warning(format!(
                    "Another tab saved these annotations with a newer version of this tool (format {found}). This tab will not save over them; reload it to continue."
                )));
                return false;
            }
            // Another tab never writes damaged data; if something else did, back it up
            // before this tab writes its own over it.
            Err(StoredError::Corrupt(why)) => {
                let notice = self.back_up_corrupt(text, &why, "the annotations in this tab are saved in their place");
                self.notify(notice);
                return true;
            }
        };
        self.note_local_changes();
        let merge = {
            let s = self.session.read();
            sync::merge_remote(s.annotations(), &self.tombs.borrow(), &loaded.imported.annotations, &loaded.tombstones)
        };
        sync::adopt_tombstones(&mut self.tombs.borrow_mut(), &loaded.tombstones);
        self.last_seen.set(Some(seen));
        if merge.changed > 0 {
            match self.on_remote.borrow().as_ref() {
                Some(f) => f(merge.edit, merge.changed),
                None => {
                    let _ = self.session.apply_remote(merge.edit);
                }
            }
        }
        *self.known.borrow_mut() = self.ids();
        if !merge.local_ahead {
            // What is here now is what the other tab saved: nothing to write back.
            let rev = self.session.read().revision();
            self.mark_saved(rev);
        }
        merge.local_ahead
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
            Err(e) => return Notice::warning(format!("Saved annotations could not be read ({e}).")),
        };
        let read = stored::read(&text, &self.session.read().doc);
        match read {
            Ok(loaded) => {
                let imported = loaded.imported;
                *self.tombs.borrow_mut() = loaded.tombstones;
                self.last_seen.set(Some(Digest::of(&text)));
                let issues = imported.issues.len();
                let report = self.session.load(imported);
                *self.known.borrow_mut() = self.ids();
                self.saved_rev.set(self.session.revision());
                if report.orphaned > 0 || issues > 0 {
                    Notice::warning(format!(
                        "The article has changed since your last visit: {} annotation(s) could not be placed and are listed under Orphans; {issues} could not be read.",
                        report.orphaned
                    ))
                } else {
                    None
                }
            }
            Err(StoredError::NewerVersion { found }) => {
                self.frozen.set(true);
                Notice::warning(format!(
                    "Your saved annotations were written by a newer version of this tool (format {found}). They are left untouched; changes made here are kept in this tab only: export them to keep them."
                ))
            }
            Err(StoredError::Corrupt(why)) => self.back_up_corrupt(&text, &why, "you start with none"),
        }
    }

    /// Moves damaged stored data to a backup key (or, if that fails, stops saving over
    /// it) and returns the notice that says so and offers it as a download.
    fn back_up_corrupt(&self, text: &str, why: &str, then: &str) -> Option<Notice> {
        let backup = format!("{}/corrupt/{}", self.key, (self.now)().0);
        let moved = self.store.set(&backup, text).is_ok();
        let message = if moved {
            let _ = self.store.remove(&self.key);
            format!("Saved annotations were damaged ({why}). They were kept unchanged under the storage key \"{backup}\"; {then}.")
        } else {
            self.frozen.set(true);
            format!("Saved annotations were damaged ({why}) and could not be backed up, so nothing will be saved over them.")
        };
        let name = format!("{}.damaged-annotations.json", crate::core::format::catalog::file_stem(&self.session.read().document_id));
        Some(Notice { level: Level::Error, text: message, download: Some((name, text.to_string())) })
    }

    /// Whether a save should be scheduled now (none is pending and saving is allowed);
    /// if so, one is marked pending until the next [`Persistence::flush`].
    pub fn begin_wait(&self) -> bool {
        if self.timer_pending.get() || self.frozen.get() {
            return false;
        }
        self.timer_pending.set(true);
        true
    }

    /// Saves now if anything changed since the last save.
    pub fn flush(&self) {
        self.timer_pending.set(false);
        if self.frozen.get() {
            return;
        }
        if self.session.read().revision() == self.saved_rev.get() {
            return;
        }
        // Another tab may have saved since this one last read: merge that in first. Only
        // a digest is read unless it differs (the text is 2 MB at 10k annotations).
        if let Ok(Some(seen)) = self.store.digest(&self.key) {
            if self.last_seen.get() != Some(seen) {
                if let Ok(Some(current)) = self.store.get(&self.key) {
                    self.receive(&current);
                }
                if self.frozen.get() {
                    return;
                }
            }
        }
        self.note_local_changes();
        // Written in pieces straight from the set, and digested on the way.
        let mut written = None;
        let (rev, result) = {
            let s = self.session.read();
            let tombs = self.tombs.borrow();
            let result = self.store.set_with(&self.key, &mut |w| {
                // serde_json writes a few bytes at a time: buffered, the digest and the
                // pieces see 64 KB at a time (unbuffered, that cost 35 ms per save at 10k).
                let mut out = std::io::BufWriter::with_capacity(64 * 1024, Digesting::new(w));
                stored::write_to(&mut out, &s.document_id, s.annotations(), &tombs)?;
                let d = out.into_inner().map_err(|e| e.into_error())?;
                written = Some(d.finish());
                Ok(())
            });
            (s.revision(), result)
        };
        match result {
            Ok(()) => {
                self.mark_saved(rev);
                self.last_seen.set(written);
                if self.last_error.borrow_mut().take().is_some() {
                    self.notify(Notice::info("Saving works again: all annotations are saved."));
                }
            }
            Err(e) => {
                // The same kind of failure again (its details, such as the size, may differ).
                let repeat = self.last_error.borrow().as_ref().is_some_and(|last| std::mem::discriminant(last) == std::mem::discriminant(&e));
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
}
