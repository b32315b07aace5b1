//! The widget's header: legend with keys, undo and redo, export and import.

use crate::core::schema::EntityType;
use crate::ui::theme::ident_in;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub types: Vec<EntityType>,
    pub can_undo: bool,
    pub can_redo: bool,
    pub on_undo: Callback<()>,
    pub on_redo: Callback<()>,
    pub on_export: Callback<()>,
    /// A file was chosen for import.
    pub on_import: Callback<web_sys::File>,
    /// Read-only: no undo, redo or import (export stays).
    #[prop_or_default]
    pub read_only: bool,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let theme = use_context::<std::rc::Rc<crate::ui::theme::Theme>>();
    let file_input = use_node_ref();
    let on_file = {
        let cb = props.on_import.clone();
        let input = file_input.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = input.cast::<web_sys::HtmlInputElement>() {
                if let Some(f) = el.files().and_then(|l| l.get(0)) {
                    cb.emit(f);
                }
                el.set_value("");
            }
        })
    };
    let pick = {
        let input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = input.cast::<web_sys::HtmlInputElement>() {
                el.click();
            }
        })
    };
    html! {
        <header class="aa-header">
            <ul class="aa-legend" aria-label="Legend">
                { for props.types.iter().map(|t| html! {
                    <li><span class={format!("aa-swatch aa-sw-{}", ident_in(theme.as_deref(), &t.id))} aria-hidden="true"></span>{&t.label}if !props.read_only { <kbd>{t.key}</kbd> }</li>
                }) }
                <li><span class="aa-swatch aa-sw-claim" aria-hidden="true"></span>{"Claim"}if !props.read_only { <kbd>{"C"}</kbd> }</li>
            </ul>
            <div class="aa-actions">
                if props.read_only {
                    <span class="aa-readonly-badge">{"Read only"}</span>
                } else {
                    <button type="button" onclick={props.on_undo.reform(|_| ())} disabled={!props.can_undo} title="Undo (Ctrl+Z)">{"Undo"}</button>
                    <button type="button" onclick={props.on_redo.reform(|_| ())} disabled={!props.can_redo} title="Redo (Ctrl+Shift+Z or Ctrl+Y)">{"Redo"}</button>
                }
                <button type="button" class="aa-primary aa-export" onclick={props.on_export.reform(|_| ())} title="Download W3C Web Annotation JSON-LD">{"Export"}</button>
                if !props.read_only {
                    <button type="button" class="aa-import" onclick={pick} title="Import a W3C Web Annotation file (or drop it on the widget)">{"Import"}</button>
                    <input type="file" class="aa-file" accept=".json,.jsonld,application/json,application/ld+json" hidden=true ref={file_input} onchange={on_file} aria-label="Import annotations file" />
                }
            </div>
        </header>
    }
}
