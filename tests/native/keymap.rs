//! The keyboard map, natively: every shortcut in the context where it applies, and none
//! where it must not (text fields, read-only widgets, keys the host page may want).

use crate::formats::id;
use article_annotator::core::model::AnnotationId;
use article_annotator::core::schema::Schema;
use article_annotator::keymap::{command, cursor_step, Command, Context, Key};

fn key(k: &str) -> Key<'_> {
    Key { key: k, ..Key::default() }
}

#[test]
fn each_key_means_its_command_where_it_applies() {
    let schema = Schema::default();
    let cursor = id(1);
    let idle = Context { pending: false, editing: false, cursor: None, read_only: false, schema: &schema, suggestions: false, on_suggestion: false };
    let pending = Context { pending: true, ..idle };
    let on = Context { cursor: Some(&cursor), ..idle };
    // Tagging: the schema's keys and C, only with a pending selection.
    assert_eq!(command(&key("1"), &pending), Some(Command::TagEntity("person".into())));
    assert_eq!(command(&key("C"), &pending), Some(Command::TagClaim));
    assert_eq!(command(&key("1"), &idle), None, "no selection: the key is the page's");
    assert_eq!(command(&key("9"), &pending), None);
    // Undo and redo, with Ctrl or ⌘.
    let ctrl = |k: &'static str, shift: bool| Key { key: k, ctrl: true, shift, ..Key::default() };
    assert_eq!(command(&ctrl("z", false), &idle), Some(Command::Undo));
    assert_eq!(command(&ctrl("Z", true), &idle), Some(Command::Redo));
    assert_eq!(command(&ctrl("y", false), &idle), Some(Command::Redo));
    assert_eq!(command(&ctrl("c", false), &pending), None, "copy stays the browser's");
    // Escape closes what is open, in order.
    assert_eq!(command(&key("Escape"), &pending), Some(Command::CancelSelection));
    assert_eq!(command(&key("Escape"), &Context { editing: true, ..on }), Some(Command::CloseEditor));
    assert_eq!(command(&key("Escape"), &on), Some(Command::ClearCursor));
    assert_eq!(command(&key("Escape"), &idle), None);
    // The reading cursor: in the focused article only.
    let art = |k: &'static str| Key { key: k, in_article: true, ..Key::default() };
    assert_eq!(command(&art("]"), &idle), Some(Command::MoveCursor { forward: true }));
    assert_eq!(command(&art("["), &idle), Some(Command::MoveCursor { forward: false }));
    assert_eq!(command(&key("]"), &idle), None, "outside the article the key is the page's");
    assert_eq!(command(&art("Enter"), &on), Some(Command::OpenCursor));
    assert_eq!(command(&art("Enter"), &idle), None);
    // Shift+arrows extend the selection by words and lines.
    let shift = |k: &'static str| Key { key: k, shift: true, ..Key::default() };
    assert_eq!(command(&shift("ArrowRight"), &idle), Some(Command::ExtendSelection { forward: true, line: false }));
    assert_eq!(command(&shift("ArrowUp"), &idle), Some(Command::ExtendSelection { forward: false, line: true }));
    assert!(!Command::ExtendSelection { forward: true, line: false }.prevents_default() && Command::TagClaim.prevents_default());
}

#[test]
fn text_fields_read_only_widgets_and_alt_keys_are_left_alone() {
    let schema = Schema::default();
    let pending = Context { pending: true, editing: false, cursor: None, read_only: false, schema: &schema, suggestions: false, on_suggestion: false };
    let typing = |k: &'static str, ctrl: bool| Key { key: k, ctrl, in_text_field: true, ..Key::default() };
    assert_eq!(command(&typing("1", false), &pending), None, "typing a note is typing");
    assert_eq!(command(&typing("z", true), &pending), None, "undo in a text field is the field's");
    let ro = Context { read_only: true, ..pending };
    assert_eq!(command(&Key { key: "z", ctrl: true, ..Key::default() }, &ro), None);
    assert_eq!(command(&Key { key: "ArrowRight", shift: true, ..Key::default() }, &ro), None);
    assert_eq!(command(&Key { key: "1", alt: true, ..Key::default() }, &pending), None);
}

#[test]
fn the_cursor_walks_the_reading_order_and_stops_at_its_ends() {
    let (a, b, c): (AnnotationId, AnnotationId, AnnotationId) = (id(1), id(2), id(3));
    let order = [&a, &b, &c];
    assert_eq!(cursor_step(&order, None, true), Some(&a));
    assert_eq!(cursor_step(&order, None, false), Some(&c));
    assert_eq!(cursor_step(&order, Some(&a), true), Some(&b));
    assert_eq!(cursor_step(&order, Some(&c), true), Some(&c), "stays at the end");
    assert_eq!(cursor_step(&order, Some(&a), false), Some(&a), "stays at the start");
    assert_eq!(cursor_step(&order, Some(&id(9)), true), Some(&a), "a cursor on a deleted annotation starts afresh");
    assert_eq!(cursor_step::<AnnotationId>(&[], None, true), None);
}

#[test]
fn every_mention_has_its_keys_in_the_article_only() {
    let schema = Schema::default();
    let cursor = id(1);
    let idle = Context { pending: false, editing: false, cursor: None, read_only: false, schema: &schema, suggestions: false, on_suggestion: false };
    let pending = Context { pending: true, ..idle };
    // Shift + a type's key tags every mention, whatever the layout makes of Shift + 1.
    let shifted = |k: &'static str, code: &'static str| Key { key: k, code, shift: true, ..Key::default() };
    assert_eq!(command(&shifted("!", "Digit1"), &pending), Some(Command::TagEntityAll("person".into())));
    assert_eq!(command(&shifted("1", "Digit1"), &pending), Some(Command::TagEntityAll("person".into())));
    assert_eq!(command(&shifted("@", "Digit2"), &pending), Some(Command::TagEntityAll("organization".into())));
    assert_eq!(command(&shifted("!", "Digit1"), &idle), None, "no selection: the key is the page's");
    assert_eq!(command(&shifted("(", "Digit9"), &pending), None);
    // The cursor on an entity: m offers its other mentions.
    let art = |k: &'static str| Key { key: k, in_article: true, ..Key::default() };
    let on = Context { cursor: Some(&cursor), ..idle };
    assert_eq!(command(&art("m"), &on), Some(Command::SuggestMentions));
    assert_eq!(command(&art("m"), &idle), None);
    assert_eq!(command(&key("m"), &on), None, "outside the article the key is the page's");
    // Suggestions on offer: } and { walk them; on one, y accepts and n or Delete rejects.
    let offered = Context { suggestions: true, ..idle };
    assert_eq!(command(&art("}"), &offered), Some(Command::MoveSuggestion { forward: true }));
    assert_eq!(command(&art("{"), &offered), Some(Command::MoveSuggestion { forward: false }));
    assert_eq!(command(&art("}"), &idle), None);
    assert_eq!(command(&key("}"), &offered), None);
    let at = Context { on_suggestion: true, ..offered };
    assert_eq!(command(&art("y"), &at), Some(Command::AcceptSuggestion));
    assert_eq!(command(&art("n"), &at), Some(Command::RejectSuggestion));
    assert_eq!(command(&art("Delete"), &at), Some(Command::RejectSuggestion));
    assert_eq!(command(&art("y"), &offered), None, "no suggestion under the cursor");
    assert_eq!(command(&key("Escape"), &at), Some(Command::ClearCursor));
    // / goes to the Find field, from the article only.
    assert_eq!(command(&art("/"), &idle), Some(Command::Find));
    assert_eq!(command(&key("/"), &idle), None);
    // A read-only widget offers nothing to accept.
    let ro = Context { read_only: true, ..at };
    assert_eq!(command(&art("y"), &ro), None);
    assert_eq!(command(&art("}"), &ro), None);
}
