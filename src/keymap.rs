//! The widget's keyboard map as a pure function: a key press and what the widget is
//! showing in, the [`Command`] it means out. The root component turns the browser's
//! event into a [`Key`] and the command into actions; everything in between is here and
//! tested natively.
//!
//! Invariants: nothing happens in a text field but the browser's own editing; Ctrl/⌘
//! keys are undo and redo only; single-key shortcuts act only with a pending selection
//! (tagging) or in the focused article (the cursors on annotations and on suggestions),
//! so they never take a key from the host page (WCAG 2.1.4); a read-only widget changes
//! nothing.

use crate::core::model::AnnotationId;
use crate::core::schema::{Schema, CLAIM_KEY};

/// A key press, as the root sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Key<'a> {
    /// `KeyboardEvent.key`: `"z"`, `"Escape"`, `"]"`, `"ArrowRight"`.
    pub key: &'a str,
    /// `KeyboardEvent.code`, the key's place whatever the layout: `"Digit1"`, `"KeyZ"`
    /// (Shift + 1 is `"!"` as a `key` on one layout, `"1"` on another).
    pub code: &'a str,
    /// Ctrl, or ⌘ on a Mac.
    pub ctrl: bool,
    pub shift: bool,
    pub alt: bool,
    /// The key went to an input, a text area, a select or editable content.
    pub in_text_field: bool,
    /// The key went to the article (it has focus).
    pub in_article: bool,
}

/// What the widget is showing when the key comes.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// A snapped selection waits for a type.
    pub pending: bool,
    pub editing: bool,
    /// The annotation the reading cursor is on.
    pub cursor: Option<&'a AnnotationId>,
    pub read_only: bool,
    pub schema: &'a Schema,
    /// Other mentions are on offer as suggestions.
    pub suggestions: bool,
    /// The keyboard cursor is on a suggestion.
    pub on_suggestion: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Undo,
    Redo,
    /// Drop the pending selection.
    CancelSelection,
    CloseEditor,
    ClearCursor,
    /// Move the reading cursor to the next (`true`) or previous annotation.
    MoveCursor { forward: bool },
    /// Open the editor on the annotation under the cursor.
    OpenCursor,
    /// Extend the browser's selection by a word (`line: false`) or a line.
    ExtendSelection { forward: bool, line: bool },
    /// Tag the pending selection with an entity type (its id).
    TagEntity(String),
    /// Tag the pending selection and every untagged mention of its text (Shift + the key).
    TagEntityAll(String),
    TagClaim,
    /// Offer the other mentions of the annotation under the cursor.
    SuggestMentions,
    /// Move the cursor to the next (`true`) or previous suggestion.
    MoveSuggestion { forward: bool },
    /// Accept or reject the suggestion under the cursor.
    AcceptSuggestion,
    RejectSuggestion,
    /// Go to the "Find text to tag" field.
    Find,
}

impl Command {
    /// Whether the browser's own action for the key must not happen too. (Extending the
    /// selection decides that when it is done: see the root.)
    pub fn prevents_default(&self) -> bool {
        !matches!(self, Command::CancelSelection | Command::CloseEditor | Command::ClearCursor | Command::ExtendSelection { .. })
    }
}

/// The command a key press means, if any.
pub fn command(k: &Key, cx: &Context) -> Option<Command> {
    if k.in_text_field {
        return None;
    }
    if k.ctrl {
        if cx.read_only {
            return None;
        }
        return match k.key.to_lowercase().as_str() {
            "z" if k.shift => Some(Command::Redo),
            "z" => Some(Command::Undo),
            "y" => Some(Command::Redo),
            _ => None,
        };
    }
    if k.alt {
        return None;
    }
    if k.key == "Escape" {
        return if cx.pending {
            Some(Command::CancelSelection)
        } else if cx.editing {
            Some(Command::CloseEditor)
        } else {
            (cx.cursor.is_some() || cx.on_suggestion).then_some(Command::ClearCursor)
        };
    }
    if k.in_article && !cx.pending {
        match k.key {
            "/" => return Some(Command::Find),
            "]" => return Some(Command::MoveCursor { forward: true }),
            "[" => return Some(Command::MoveCursor { forward: false }),
            "Enter" => return cx.cursor.map(|_| Command::OpenCursor),
            "}" | "{" if cx.suggestions && !cx.read_only => return Some(Command::MoveSuggestion { forward: k.key == "}" }),
            "m" if cx.cursor.is_some() && !cx.read_only => return Some(Command::SuggestMentions),
            "y" if cx.on_suggestion && !cx.read_only => return Some(Command::AcceptSuggestion),
            "n" | "Delete" if cx.on_suggestion && !cx.read_only => return Some(Command::RejectSuggestion),
            _ => {}
        }
    }
    if k.shift && !cx.read_only {
        let (forward, line) = match k.key {
            "ArrowRight" => (true, false),
            "ArrowLeft" => (false, false),
            "ArrowDown" => (true, true),
            "ArrowUp" => (false, true),
            _ => (false, false),
        };
        if k.key.starts_with("Arrow") {
            return Some(Command::ExtendSelection { forward, line });
        }
    }
    if !cx.pending {
        return None;
    }
    if k.shift {
        // Shift + a type's key: that type, for every mention.
        let place = k.code.strip_prefix("Digit").or_else(|| k.code.strip_prefix("Numpad")).or_else(|| k.code.strip_prefix("Key"));
        let mut chars = place.unwrap_or(k.key).chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            let c = c.to_ascii_lowercase();
            if let Some(t) = cx.schema.by_key(c) {
                return Some(Command::TagEntityAll(t.id.clone()));
            }
        }
    }
    let mut chars = k.key.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return None };
    if c.to_ascii_lowercase() == CLAIM_KEY {
        return Some(Command::TagClaim);
    }
    cx.schema.by_key(c).map(|t| Command::TagEntity(t.id.clone()))
}

/// Where the reading cursor goes: the next or previous annotation in reading order
/// (`order`, orphans left out), from `current`; the first (or last) when there is none;
/// it stays at either end.
pub fn cursor_step<'a, T: PartialEq>(order: &[&'a T], current: Option<&T>, forward: bool) -> Option<&'a T> {
    let at = current.and_then(|c| order.iter().position(|x| *x == c));
    match (forward, at) {
        (true, None) => order.first(),
        (true, Some(i)) => order.get(i + 1).or(order.last()),
        (false, None) => order.last(),
        (false, Some(i)) => order.get(i.saturating_sub(1)),
    }
    .copied()
}
