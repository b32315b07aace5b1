//! A message for the reader: what the widget says when something needs saying (a save
//! that failed, an import's counts, data from another tab). Plain data, shared by the
//! store's users and the UI, which shows it.
//!
//! Invariant: problems become notices, never panics; a notice may offer a file to
//! download (damaged stored data, exactly as it was).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A message for the reader; the UI keeps errors as state, never as panics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
    /// A file the reader can download from the message: `(file name, content)`.
    pub download: Option<(String, String)>,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Option<Notice> {
        Some(Notice { level: Level::Info, text: text.into(), download: None })
    }
    pub fn warning(text: impl Into<String>) -> Option<Notice> {
        Some(Notice { level: Level::Warning, text: text.into(), download: None })
    }
    pub fn error(text: impl Into<String>) -> Option<Notice> {
        Some(Notice { level: Level::Error, text: text.into(), download: None })
    }
}

