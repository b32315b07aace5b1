//! Where annotations are kept between visits: a small trait, [`Store`], with an
//! in-memory implementation ([`MemoryStore`]) and, in the browser, localStorage
//! ([`local::LocalStore`]).
//!
//! Invariants: no method panics, whatever the browser does (storage missing, blocked,
//! full or holding garbage); every failure is a typed [`StorageError`] the UI shows.
//! Keys look like `article-annotator/v1/<document id>`.

#[cfg(target_arch = "wasm32")]
pub mod local;

use std::cell::RefCell;
use std::collections::HashMap;
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

/// A string key-value store.
pub trait Store {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    fn remove(&self, key: &str) -> Result<(), StorageError>;
}

/// The storage key for a document's annotations: `article-annotator/v1/<document id>`.
/// The `v1` names the key scheme, not the stored form's version (which the value carries
/// in its `v` field and migrates), so a new format version still finds the old data.
pub fn key_for(document_id: &str) -> String {
    format!("article-annotator/v1/{document_id}")
}

/// A store that lives as long as the page: the fallback when the browser's is unusable.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<HashMap<String, String>>,
    /// When set, `set` fails with `QuotaExceeded` for values longer than this (for tests).
    pub quota: Option<usize>,
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.map.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        if self.quota.is_some_and(|q| value.len() > q) {
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
