//! [`Store`] over the browser's localStorage.
//!
//! Invariant: never panics and never throws into JS. `window.localStorage` itself can
//! throw (sandboxed iframes, blocked cookies), be null, or refuse a write when full;
//! each case becomes a [`StorageError`], so the caller can fall back to memory.

use super::{StorageError, Store};
use wasm_bindgen::JsValue;

pub struct LocalStore {
    raw: web_sys::Storage,
}

fn describe(e: &JsValue) -> (String, String) {
    let name = js_sys::Reflect::get(e, &JsValue::from_str("name")).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let msg = js_sys::Reflect::get(e, &JsValue::from_str("message")).ok().and_then(|v| v.as_string()).unwrap_or_else(|| format!("{e:?}"));
    (name, msg)
}

fn to_error(e: JsValue) -> StorageError {
    let (name, msg) = describe(&e);
    if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
        StorageError::QuotaExceeded(msg)
    } else if name == "SecurityError" {
        StorageError::Unavailable(msg)
    } else {
        StorageError::Other(if name.is_empty() { msg } else { format!("{name}: {msg}") })
    }
}

impl LocalStore {
    /// Opens localStorage, or says why it can't be used.
    pub fn open() -> Result<LocalStore, StorageError> {
        let window = web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".into()))?;
        match window.local_storage() {
            Ok(Some(raw)) => Ok(LocalStore { raw }),
            Ok(None) => Err(StorageError::Unavailable("localStorage is missing".into())),
            Err(e) => Err(StorageError::Unavailable(describe(&e).1)),
        }
    }
    /// The underlying web_sys handle, for what the trait does not cover.
    pub fn as_raw(&self) -> &web_sys::Storage {
        &self.raw
    }
}

impl Store for LocalStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.raw.get_item(key).map_err(to_error)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.raw.set_item(key, value).map_err(to_error)
    }
    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.raw.remove_item(key).map_err(to_error)
    }
}
