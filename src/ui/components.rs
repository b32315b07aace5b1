//! The widget's components. Each gets data and callbacks only; none touches the session.

pub mod article_view;
pub mod editor;
pub mod entities;
pub mod header;
pub mod panel;
pub mod selection_toolbar;
pub mod suggestions;
