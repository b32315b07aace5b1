//! The pure core: document model, annotations, offsets, anchoring, edits and formats.
//!
//! Invariant: nothing here touches a browser or does I/O; no module under `core` uses
//! web-sys, js-sys, wasm-bindgen, gloo or yew (a test in `tests/native` enforces it), so
//! everything here is tested natively with `cargo test`. Nothing here panics on input.

pub mod anchor;
pub mod approx;
pub mod article;
#[cfg(feature = "formats")]
pub mod corpus;
pub mod document;
pub mod edit;
pub mod editor;
pub mod entities;
pub mod format;
pub mod html;
pub mod html_read;
pub mod merge;
pub mod mentions;
pub mod model;
pub mod offset;
pub mod panel;
pub mod sanitize;
pub mod schema;
pub mod session;
pub mod snap;
pub mod sync;
pub mod team;
pub mod time;
pub mod url;
pub mod viewport;
