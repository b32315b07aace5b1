//! The widget's header: legend with keys, undo and redo, export and import.

use crate::core::schema::EntityType;
use crate::ui::components::article_view::css_ident;
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
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
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
                    <li><span class={format!("aa-swatch aa-sw-{}", css_ident(&t.id))} aria-hidden="true"></span>{&t.label}<kbd>{t.key}</kbd></li>
                }) }
                <li><span class="aa-swatch aa-sw-claim" aria-hidden="true"></span>{"Claim"}<kbd>{"C"}</kbd></li>
            </ul>
            <div class="aa-actions">
                <button type="button" onclick={props.on_undo.reform(|_| ())} disabled={!props.can_undo} title="Undo (Ctrl+Z)">{"Undo"}</button>
                <button type="button" onclick={props.on_redo.reform(|_| ())} disabled={!props.can_redo} title="Redo (Ctrl+Shift+Z or Ctrl+Y)">{"Redo"}</button>
                <button type="button" class="aa-primary aa-export" onclick={props.on_export.reform(|_| ())} title="Download W3C Web Annotation JSON-LD">{"Export"}</button>
                <button type="button" class="aa-import" onclick={pick} title="Import a W3C Web Annotation file (or drop it on the widget)">{"Import"}</button>
                <input type="file" class="aa-file" accept=".json,.jsonld,application/json,application/ld+json" hidden=true ref={file_input} onchange={on_file} aria-label="Import annotations file" />
            </div>
        </header>
    }
}
