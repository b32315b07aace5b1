//! [`Store`] over the browser's localStorage.
//!
//! Invariant: never panics and never throws into JS. `window.localStorage` itself can
//! throw (sandboxed iframes, blocked cookies), be null, or refuse a write when full;
//! each case becomes a [`StorageError`], so the caller can fall back to memory.

use super::{Digest, Digesting, StorageError, Store, Writer};
use js_sys::JsString;
use std::io::Write;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

// `getItem`/`setItem` with the value as a JS string, never copied into wasm memory
// (web-sys's take and return Rust strings).
#[wasm_bindgen]
extern "C" {
    /// The same `Storage` object, seen through these two bindings.
    type RawStorage;
    #[wasm_bindgen(method, catch, js_name = getItem)]
    fn get_item_js(this: &RawStorage, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setItem)]
    fn set_item_js(this: &RawStorage, key: &str, value: &JsString) -> Result<(), JsValue>;
}

/// How much of a value is in wasm memory at a time while it is written or digested.
const PIECE: usize = 64 * 1024;

/// Collects UTF-8 in pieces of about [`PIECE`] bytes as JS strings, so that a long text
/// written into it (a save, an export) is never whole in wasm memory, which only grows.
pub struct Pieces {
    buf: Vec<u8>,
    parts: js_sys::Array,
}

impl Default for Pieces {
    fn default() -> Pieces {
        Pieces { buf: Vec::with_capacity(PIECE + 1024), parts: js_sys::Array::new() }
    }
}

impl Pieces {
    /// The whole text, joined in JS.
    pub fn finish(mut self) -> std::io::Result<JsString> {
        self.ship()?;
        if !self.buf.is_empty() {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "the text ended inside a character"));
        }
        Ok(self.parts.join(""))
    }

    /// Moves the complete characters of the buffer into a JS string.
    fn ship(&mut self) -> std::io::Result<()> {
        let invalid = |e| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        let whole = match std::str::from_utf8(&self.buf) {
            Ok(text) => {
                self.parts.push(&JsString::from(text));
                self.buf.len()
            }
            // A character cut at the end of the piece waits for the next write.
            Err(e) if e.error_len().is_none() => {
                let cut = e.valid_up_to();
                self.parts.push(&JsString::from(std::str::from_utf8(&self.buf[..cut]).map_err(invalid)?));
                cut
            }
            Err(e) => return Err(invalid(e)),
        };
        self.buf.drain(..whole);
        Ok(())
    }
}

impl Write for Pieces {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= PIECE {
            self.ship()?;
        }
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

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
    fn set_with(&self, key: &str, write: &mut Writer) -> Result<(), StorageError> {
        let mut pieces = Pieces::default();
        write(&mut pieces).map_err(|e| StorageError::Other(e.to_string()))?;
        let value = pieces.finish().map_err(|e| StorageError::Other(e.to_string()))?;
        self.raw.unchecked_ref::<RawStorage>().set_item_js(key, &value).map_err(to_error)
    }
    fn digest(&self, key: &str) -> Result<Option<Digest>, StorageError> {
        let value = self.raw.unchecked_ref::<RawStorage>().get_item_js(key).map_err(to_error)?;
        let Some(text) = value.dyn_ref::<JsString>() else { return Ok(None) };
        // Read in pieces of UTF-16 units, never splitting a surrogate pair, and digest
        // their UTF-8 (what `get` would have returned, whole).
        let mut d = Digesting::new(std::io::sink());
        let len = text.length();
        let step = (PIECE / 4) as u32;
        let mut start = 0;
        while start < len {
            let mut end = (start + step).min(len);
            if end < len && (f64::from(0xD800u16)..f64::from(0xDC00u16)).contains(&text.char_code_at(end - 1)) {
                end -= 1;
            }
            if let Some(piece) = text.slice(start, end).as_string() {
                d.update(piece.as_bytes());
            }
            start = end;
        }
        Ok(Some(d.finish()))
    }
}
