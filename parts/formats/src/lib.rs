//! The formats part: a second wasm module that the widget loads on first use (issue 18),
//! holding what a first paint does not need: the Markdown reader and every file format
//! but W3C, JSON Lines and the stored form. It exports three functions that take and
//! return plain JSON text ([`article_annotator::core::format::wire`]), so the widget's
//! module and this one share nothing but that module's source.
//!
//! Invariants: every export returns a reply or throws an `Error` whose message says what
//! was wrong; none panics on any input (the readers it calls never do).

use article_annotator::core::format::wire;
use wasm_bindgen::prelude::*;

/// An export: `request` is [`wire::ExportRequest`]'s JSON; the reply lists the files.
#[wasm_bindgen(js_name = exportFiles)]
pub fn export_files(request: &str) -> Result<String, JsError> {
    wire::serve_export(request).map_err(|e| JsError::new(&e))
}

/// An import: `request` is [`wire::ImportRequest`]'s JSON; the reply holds the
/// annotations anchored in the request's document, and the issues.
#[wasm_bindgen(js_name = importFiles)]
pub fn import_files(request: &str) -> Result<String, JsError> {
    wire::serve_import(request).map_err(|e| JsError::new(&e))
}

/// A Markdown article read into the widget's document, as [`wire::document_from`] reads it.
#[wasm_bindgen(js_name = readMarkdown)]
pub fn read_markdown(markdown: &str) -> String {
    wire::serve_markdown(markdown)
}
