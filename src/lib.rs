//! article-annotator: tag entities and claims in a news article, in the browser.
//!
//! Layers, each depending only on those after it: [`api`] (the JS API and custom
//! element) → [`ui`] (Yew components) → [`store`] (the one writer of the annotations) and
//! [`storage`] (a small trait over localStorage) → [`core`] (pure Rust: document,
//! annotations, offsets, edits, formats). See ARCHITECTURE.md.

pub mod core;
pub mod keymap;
pub mod notice;
pub mod persist;
pub mod storage;
pub mod store;
pub mod team;

#[cfg(all(target_arch = "wasm32", feature = "widget"))]
pub mod api;
#[cfg(all(target_arch = "wasm32", feature = "widget"))]
pub mod parts;
#[cfg(all(target_arch = "wasm32", feature = "widget"))]
pub mod ui;
