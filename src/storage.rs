//! Where annotations are kept between visits: a small trait, [`Store`], with an
//! in-memory implementation ([`MemoryStore`]) and, in the browser, localStorage
//! ([`local::LocalStore`]).
//!
//! Invariants: no method panics, whatever the browser does (storage missing, blocked,
//! full or holding garbage); every failure is a typed [`StorageError`] the UI shows.
//! Keys look like `article-annotator/v1/<document id>`.

#[cfg(all(target_arch = "wasm32", feature = "widget"))]
pub mod local;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use thiserror::Error;

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum StorageError {
    #[error("storage is not available here ({0})")]
    Unavailable(String),
    #[error("storage is full ({0})")]
    QuotaExceeded(String),
    #[error("storage failed: {0}")]
    Other(String),
}

/// Produces a value in pieces, for [`Store::set_with`].
pub type Writer<'a> = dyn FnMut(&mut dyn Write) -> std::io::Result<()> + 'a;

/// A string key-value store.
pub trait Store {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    fn remove(&self, key: &str) -> Result<(), StorageError>;
    /// Stores under `key` the text `write` produces in pieces (valid UTF-8 as a whole).
    /// This collects it; localStorage joins the pieces in JS instead, so saving 2 MB
    /// never needs 2 MB of wasm memory (which only grows).
    fn set_with(&self, key: &str, write: &mut Writer) -> Result<(), StorageError> {
        let mut buf = Vec::new();
        write(&mut buf).map_err(|e| StorageError::Other(e.to_string()))?;
        let text = String::from_utf8(buf).map_err(|e| StorageError::Other(e.to_string()))?;
        self.set(key, &text)
    }
    /// The [`Digest`] of what `key` holds. This reads it; localStorage reads it in pieces.
    fn digest(&self, key: &str) -> Result<Option<Digest>, StorageError> {
        Ok(self.get(key)?.map(|t| Digest::of(&t)))
    }
}

/// A text's length in bytes and a 64-bit hash: whether storage still holds what a tab
/// last saw, without keeping or re-reading the text. (Two texts that differ by chance
/// share a digest with odds of about 2^-64; the cost is a merge put off until the next
/// `storage` event.)
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Digest {
    pub len: usize,
    pub hash: u64,
}

impl Digest {
    pub fn of(text: &str) -> Digest {
        let mut d = Digesting::new(std::io::sink());
        d.update(text.as_bytes());
        d.finish()
    }
}

/// A writer that passes bytes on and computes their [`Digest`] on the way, in pieces
/// of any size: the result equals [`Digest::of`] the whole (eight bytes at a time,
/// multiply-xorshift mixed: about 1 ms for 2 MB in wasm).
pub struct Digesting<W> {
    inner: W,
    hash: u64,
    len: usize,
    /// Bytes of an unfinished eight-byte word.
    carry: [u8; 8],
    carried: usize,
}

const DIGEST_K: u64 = 0x9E37_79B9_7F4A_7C15;

fn digest_mix(h: u64, w: u64) -> u64 {
    let h = (h ^ w).wrapping_mul(DIGEST_K);
    h ^ (h >> 29)
}

impl<W: Write> Digesting<W> {
    pub fn new(inner: W) -> Digesting<W> {
        Digesting { inner, hash: DIGEST_K, len: 0, carry: [0; 8], carried: 0 }
    }
    /// Hashes `bytes` without writing them.
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len();
        if self.carried > 0 {
            let take = (8 - self.carried).min(bytes.len());
            self.carry[self.carried..self.carried + take].copy_from_slice(&bytes[..take]);
            self.carried += take;
            bytes = &bytes[take..];
            if self.carried < 8 {
                return;
            }
            self.hash = digest_mix(self.hash, u64::from_le_bytes(self.carry));
            self.carried = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.hash = digest_mix(self.hash, u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        self.carry[..rest.len()].copy_from_slice(rest);
        self.carried = rest.len();
    }
    pub fn finish(&self) -> Digest {
        let mut tail = [0u8; 8];
        tail[..self.carried].copy_from_slice(&self.carry[..self.carried]);
        let h = digest_mix(self.hash, u64::from_le_bytes(tail));
        Digest { len: self.len, hash: digest_mix(h, self.len as u64) }
    }
}

impl<W: Write> Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The storage key for a document's annotations: `article-annotator/v1/<document id>`.
/// The `v1` names the key scheme, not the stored form's version (which the value carries
/// in its `v` field and migrates), so a new format version still finds the old data.
/// A shared store is a store: two tabs' persistence over one `Rc<MemoryStore>` (tests).
impl<T: Store + ?Sized> Store for std::rc::Rc<T> {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StorageError> {
        (**self).remove(key)
    }
    fn set_with(&self, key: &str, write: &mut Writer) -> Result<(), StorageError> {
        (**self).set_with(key, write)
    }
    fn digest(&self, key: &str) -> Result<Option<Digest>, StorageError> {
        (**self).digest(key)
    }
}

pub fn key_for(document_id: &str) -> String {
    format!("article-annotator/v1/{document_id}")
}

/// A store that lives as long as the page: the fallback when the browser's is unusable.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<HashMap<String, String>>,
    /// When set, `set` fails with `QuotaExceeded` for values longer than this (for tests:
    /// storage full, then space freed).
    pub quota: std::cell::Cell<Option<usize>>,
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.map.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        if self.quota.get().is_some_and(|q| value.len() > q) {
            return Err(StorageError::QuotaExceeded(format!("{} bytes", value.len())));
        }
        self.map.borrow_mut().insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.map.borrow_mut().remove(key);
        Ok(())
    }
}
