//! The Yew user interface: it renders a [`Session`](crate::core::session::Session) and
//! dispatches edits; all logic lives in `core`.
//!
//! [`app::App`] is the root: it owns the reducer ([`state`]) and persistence
//! ([`persist`]). Components under [`components`] get only data and callbacks. [`dom`]
//! is the one place that turns DOM positions (UTF-16) into document offsets. [`hooks`]
//! holds the effect for what must be in place before the browser paints (the article's
//! markup and highlights, where the toolbar and the tooltip go). [`team`] carries the team
//! sync's requests (`fetch`, the live stream) for the engine in [`crate::team`].
//!
//! Invariant: no component changes the session itself; every change is an
//! [`Action`](state::Action) handled by the reducer.

pub mod app;
pub mod components;
pub mod dom;
pub mod events;
pub mod files;
pub mod highlights;
pub mod hooks;
pub mod persist;
pub mod rehearsal;
pub mod shell;
pub mod state;
pub mod team;
pub mod theme;
