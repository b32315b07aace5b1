//! article-annotator-server: the team annotation server. The W3C Web Annotation Protocol
//! over PostgreSQL, bearer-token roles, a change feed and a live stream for the widget's
//! sync. See ARCHITECTURE.md ("The team server") and README ("Team server").
//!
//! Layers: `app` (state, router) → `protocol`, `events` (handlers) → `auth`, `validate`
//! (the widget's core reader), `db` (every query) → `error` (one error type that becomes
//! a response).

pub mod app;
pub mod auth;
pub mod config;
pub mod db;
pub mod documents;
pub mod error;
pub mod events;
pub mod protocol;
pub mod reanchor;
pub mod validate;
