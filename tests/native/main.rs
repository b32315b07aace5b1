//! Native integration tests: the pure core, formats and the project's tidy rules.
#![cfg(not(target_arch = "wasm32"))]

mod util;

// Offsets: conversions between code points, UTF-16 and UTF-8, with property tests.
mod offsets;
// The Markdown article reader and the canonical text.
mod article;
// Word snapping of selections.
mod snap;
// Quotes, anchoring and re-anchoring.
mod anchor;
// Edits, undo and redo.
mod edit;
// W3C export/import and the stored form.
mod formats;
// Every export and import format: golden files, round trips, foreign files, W3C MUSTs.
mod interchange;
// The plain data between the widget's two wasm modules: exports and imports through it
// equal the direct ones, byte for byte.
mod parts;
// Files as corpora: many documents, exact texts, nothing dropped without a word.
mod corpus;
// The command-line converter as a process.
mod cli;
// The re-anchoring benchmark: scripted edits, judged annotation by annotation.
mod reanchoring;
// Two tabs: the per-annotation merge with tombstones.
mod sync;
// The side panel's grouping (linear time, equal to sorting everything).
mod panel;
// The band of blocks near the viewport that the highlight layer registers.
mod viewport;
// The storage digest and values written in pieces.
mod storage;
// The article's HTML markup: block texts and escaping.
mod html;
// The host-HTML reader (allowlist sanitiser) and host schemas.
mod sanitize;
// Persistence and the two-tab sync over MemoryStore.
mod persist;
// The keyboard map as a pure function.
mod keymap;
// Every mention: whole words, suggestions, accepting and rejecting.
mod mentions;
// Entities as things: grouped mentions, links, and the formats that keep them.
mod entities;
// The annotation store, the one writer of the session.
mod store;
// Project rules: a pure core, module docs, one writer.
mod team;

mod team_sync;

mod tidy;
