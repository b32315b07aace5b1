//! The parts of the widget loaded on first use (issue 18). One for now, the *formats
//! part*: the Markdown reader and every file format but W3C, JSON Lines and the stored
//! form, which a first paint never needs. The widget's module talks to it only in the
//! plain JSON of [`crate::core::format::wire`].
//!
//! Built with the `formats` feature (tests, and any build that wants one module), the
//! part is this same module and every call is answered at once; built without it (the
//! widget's release build, `scripts/build.sh`), the part is the second wasm module
//! `article_annotator_formats.js` beside `article_annotator.js`, fetched by a dynamic
//! `import()` the first time it is needed. The callers cannot tell the two apart:
//! either way they go through [`export`], [`import`] and [`Formats::markdown`], with the same requests and replies.
//!
//! Invariants: the part is fetched at most once at a time, and a fetch that failed is
//! tried again on the next call (never cached as failed); a failure is a [`PartError`]
//! whose message names the part and says what still works, never a panic; nothing here
//! touches the session (callers merge what comes back through the store).

use crate::core::document::Document;
use crate::core::format::catalog::Exported;
use crate::core::format::wire;
use crate::core::format::Imported;
use crate::store::AnnotationStore;
use std::fmt;

/// The formats part could not be loaded or did not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartError(pub String);

impl fmt::Display for PartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The formats part, loaded: each call sends one request and reads one reply.
#[derive(Clone)]
pub struct Formats {
    #[cfg(not(feature = "formats"))]
    module: wasm_bindgen::JsValue,
}

/// The formats part, loading it if it is not yet (see the module comment).
pub async fn formats() -> Result<Formats, PartError> {
    #[cfg(feature = "formats")]
    {
        Ok(Formats {})
    }
    #[cfg(not(feature = "formats"))]
    {
        remote::load().await
    }
}

/// An export by the formats part (W3C and JSON Lines are the widget's own:
/// [`crate::core::format::catalog::export_here`]), loading it first if need be. The
/// request ([`wire::export_request`]) holds what the session held when it was made.
pub async fn export(request: &str) -> Result<Exported, PartError> {
    let reply = formats().await?.call("exportFiles", request)?;
    wire::exported_from(&reply).map_err(PartError)
}

/// An import by the formats part, loading it first if need be: the request
/// ([`wire::import_request`]) is read by the part, and its reply anchored in the
/// session's document (read when the reply comes, not copied to wait for it).
pub async fn import(request: &str, session: &AnnotationStore) -> Result<Imported, String> {
    let part = formats().await.map_err(|e| e.0)?;
    let reply = part.call("importFiles", request).map_err(|e| e.0)?;
    wire::imported_from(&reply, &session.read().doc)
}

/// The formats part if it is already loaded (a call that cannot wait, such as `mount`
/// with a Markdown article).
pub fn formats_now() -> Option<Formats> {
    #[cfg(feature = "formats")]
    {
        Some(Formats {})
    }
    #[cfg(not(feature = "formats"))]
    {
        remote::loaded()
    }
}

impl Formats {
    /// Sends one request to `function` and returns the reply's text.
    fn call(&self, function: &str, request: &str) -> Result<String, PartError> {
        #[cfg(feature = "formats")]
        {
            let reply = match function {
                "exportFiles" => wire::serve_export(request),
                "importFiles" => wire::serve_import(request),
                _ => Ok(wire::serve_markdown(request)),
            };
            reply.map_err(PartError)
        }
        #[cfg(not(feature = "formats"))]
        {
            remote::call(&self.module, function, request)
        }
    }

    /// A Markdown article read into a document.
    pub fn markdown(&self, markdown: &str) -> Result<Document, PartError> {
        let reply = self.call("readMarkdown", markdown)?;
        wire::document_from(&reply).map_err(PartError)
    }
}

/// The part as a second module, fetched by the inline script below.
#[cfg(not(feature = "formats"))]
mod remote {
    use super::{Formats, PartError};
    use wasm_bindgen::prelude::*;

    // The script is written by wasm-bindgen to `snippets/<crate>-<hash>/inline0.js`, two
    // folders below `article_annotator.js`; the part's files sit beside that one. A
    // page may name another place with `globalThis.articleAnnotatorParts` (a URL of the
    // folder). `import()` of the same URL twice fetches once; a failed one is forgotten.
    #[wasm_bindgen(inline_js = r#"
let loading = null, loaded = null;
export function parts_load() {
  if (loaded) return Promise.resolve(loaded);
  if (!loading) {
    const base = globalThis.articleAnnotatorParts ? new URL(String(globalThis.articleAnnotatorParts), document.baseURI) : new URL('../../', import.meta.url);
    const url = new URL('article_annotator_formats.js', base.href.endsWith('/') ? base : base.href + '/');
    loading = import(url.href).then(async (m) => { await m.default(); loaded = m; return m; })
      .catch((e) => { loading = null; throw new Error(`the formats part (${url.href}) could not be loaded: ${e && e.message ? e.message : e}`); });
  }
  return loading;
}
export function parts_loaded() { return loaded; }
"#)]
    extern "C" {
        fn parts_load() -> js_sys::Promise;
        fn parts_loaded() -> JsValue;
    }

    fn message(e: &JsValue) -> String {
        e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| "it failed".into())
    }

    pub async fn load() -> Result<Formats, PartError> {
        match wasm_bindgen_futures::JsFuture::from(parts_load()).await {
            Ok(module) => Ok(Formats { module }),
            Err(e) => Err(PartError(format!("{}. W3C JSON-LD and JSON Lines still export and import; try again when the connection is back", message(&e)))),
        }
    }

    pub fn loaded() -> Option<Formats> {
        let m = parts_loaded();
        (!m.is_null() && !m.is_undefined()).then_some(Formats { module: m })
    }

    pub fn call(module: &JsValue, function: &str, request: &str) -> Result<String, PartError> {
        let f: js_sys::Function = js_sys::Reflect::get(module, &JsValue::from_str(function))
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| PartError(format!("the formats part has no {function}: it is not the one built with this widget")))?;
        let reply = f.call1(&JsValue::UNDEFINED, &JsValue::from_str(request)).map_err(|e| PartError(message(&e)))?;
        reply.as_string().ok_or_else(|| PartError(format!("the formats part's {function} did not return text")))
    }
}
