//! The widget's header: legend with keys, undo and redo, export (W3C, or any format
//! from its menu) and import.
//!
//! Invariant: the export menu is a WAI-ARIA menu button: the toggle says whether the
//! menu is open (`aria-expanded`); when it opens, focus moves to its first item; arrow
//! keys, Home and End move between items; Escape closes it and gives focus back to the
//! toggle; leaving it with Tab or a click elsewhere closes it.

use crate::core::format::catalog::Format;
use crate::core::schema::EntityType;
use crate::ui::theme::ident_in;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub types: Vec<EntityType>,
    pub can_undo: bool,
    pub can_redo: bool,
    pub on_undo: Callback<()>,
    pub on_redo: Callback<()>,
    /// Export in this format.
    pub on_export: Callback<Format>,
    /// Files were chosen for import.
    pub on_import: Callback<Vec<web_sys::File>>,
    /// Read-only: no undo, redo or import (export stays).
    #[prop_or_default]
    pub read_only: bool,
    /// The team sync's status, when there is a server.
    #[prop_or_default]
    pub sync: Option<crate::ui::team::SyncView>,
    /// The reader asked to find a text to tag ("Find", for readers who cannot drag a
    /// selection); not shown read-only.
    #[prop_or_default]
    pub on_find: Callback<String>,
}

/// What the import dialog offers: every importable format's files, and brat's `.txt`.
const ACCEPT: &str = ".json,.jsonld,.jsonl,.ndjson,.ann,.txt,.zip,application/json,application/ld+json";

fn menu_items(menu: &NodeRef) -> Vec<web_sys::HtmlElement> {
    let Some(m) = menu.cast::<web_sys::Element>() else { return Vec::new() };
    let Ok(list) = m.query_selector_all("[role=menuitem]") else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let theme = use_context::<std::rc::Rc<crate::ui::theme::Theme>>();
    let file_input = use_node_ref();
    let open = use_state(|| false);
    let menu = use_node_ref();
    let toggle = use_node_ref();
    {
        // Focus the first item once the open menu is rendered.
        let menu = menu.clone();
        use_effect_with(*open, move |open| {
            if *open {
                if let Some(first) = menu_items(&menu).first() {
                    let _ = first.focus();
                }
            }
        });
    }
    let on_file = {
        let cb = props.on_import.clone();
        let input = file_input.clone();
        Callback::from(move |_: Event| {
            if let Some(el) = input.cast::<web_sys::HtmlInputElement>() {
                let files = crate::ui::files::file_list(el.files());
                if !files.is_empty() {
                    cb.emit(files);
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
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let on_toggle_key = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if matches!(e.key().as_str(), "ArrowDown" | "ArrowUp") {
                e.prevent_default();
                open.set(true);
            }
        })
    };
    let on_menu_key = {
        let open = open.clone();
        let menu = menu.clone();
        let toggle = toggle.clone();
        Callback::from(move |e: KeyboardEvent| {
            let items = menu_items(&menu);
            let active = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
            let at = items.iter().position(|i| Some(i) == active.as_ref()).unwrap_or(0);
            let n = items.len().max(1);
            let to = match e.key().as_str() {
                "ArrowDown" => Some((at + 1) % n),
                "ArrowUp" => Some((at + n - 1) % n),
                "Home" => Some(0),
                "End" => Some(n - 1),
                "Escape" => {
                    e.prevent_default();
                    e.stop_propagation();
                    open.set(false);
                    if let Some(t) = toggle.cast::<web_sys::HtmlElement>() {
                        let _ = t.focus();
                    }
                    None
                }
                "Tab" => {
                    open.set(false);
                    None
                }
                _ => None,
            };
            if let Some(i) = to {
                e.prevent_default();
                if let Some(item) = items.get(i) {
                    let _ = item.focus();
                }
            }
        })
    };
    let on_menu_blur = {
        let open = open.clone();
        let menu = menu.clone();
        let toggle = toggle.clone();
        Callback::from(move |e: FocusEvent| {
            let to = e.related_target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            let inside = |r: &NodeRef| r.cast::<web_sys::Node>().is_some_and(|m| to.as_ref().is_some_and(|t| m.contains(Some(t))));
            if !inside(&menu) && !inside(&toggle) {
                open.set(false);
            }
        })
    };
    let export_items = Format::ALL.iter().filter(|f| **f != Format::W3c).map(|f| {
        let info = f.info();
        let onclick = {
            let cb = props.on_export.clone();
            let open = open.clone();
            let f = *f;
            Callback::from(move |_: MouseEvent| {
                open.set(false);
                cb.emit(f);
            })
        };
        html! {
            <li role="none"><button type="button" role="menuitem" tabindex="-1" data-format={info.name} {onclick}>{info.title}</button></li>
        }
    });
    html! {
        <header class="aa-header">
            <ul class="aa-legend" aria-label="Legend">
                { for props.types.iter().map(|t| html! {
                    <li><span class={format!("aa-swatch aa-sw-{}", ident_in(theme.as_deref(), &t.id))} aria-hidden="true"></span>{&t.label}if !props.read_only { <kbd>{t.key}</kbd> }</li>
                }) }
                <li><span class="aa-swatch aa-sw-claim" aria-hidden="true"></span>{"Claim"}if !props.read_only { <kbd>{"C"}</kbd> }</li>
            </ul>
            if !props.read_only {
                // No <form> (the widget has none: a form is a way in for injected markup):
                // Enter in the field finds.
                <div class="aa-find" role="search" aria-label="Find text to tag">
                    <input type="search" class="aa-find-input" aria-label="Find text to tag (Enter: the next one; / in the article comes here)" placeholder="Find text to tag  /"
                        onkeydown={{
                            let cb = props.on_find.clone();
                            Callback::from(move |e: KeyboardEvent| {
                                if e.key() == "Enter" {
                                    e.prevent_default();
                                    if let Some(i) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                        cb.emit(i.value());
                                    }
                                }
                            })
                        }} />
                </div>
            }
            <div class="aa-actions">
                if let Some(sync) = &props.sync {
                    <span class={format!("aa-sync aa-sync-{}", sync.kind)} role="status" data-sync={sync.kind}>{&sync.text}</span>
                }
                if props.read_only {
                    <span class="aa-readonly-badge">{"Read only"}</span>
                } else {
                    <button type="button" onclick={props.on_undo.reform(|_| ())} disabled={!props.can_undo} title="Undo (Ctrl+Z)">{"Undo"}</button>
                    <button type="button" onclick={props.on_redo.reform(|_| ())} disabled={!props.can_redo} title="Redo (Ctrl+Shift+Z or Ctrl+Y)">{"Redo"}</button>
                }
                <span class="aa-split">
                    <button type="button" class="aa-primary aa-export" onclick={props.on_export.reform(|_| Format::W3c)} title="Download W3C Web Annotation JSON-LD">{"Export"}</button>
                    <button type="button" class="aa-primary aa-export-more" ref={toggle} aria-haspopup="menu" aria-expanded={open.to_string()} aria-controls="aa-export-menu"
                        onclick={on_toggle} onkeydown={on_toggle_key} title="Export in another format" aria-label="More export formats">{"▾"}</button>
                    if *open {
                        <ul class="aa-menu" id="aa-export-menu" role="menu" aria-label="Export as" ref={menu} onkeydown={on_menu_key} onfocusout={on_menu_blur}>
                            { for export_items }
                        </ul>
                    }
                </span>
                if !props.read_only {
                    <button type="button" class="aa-import" onclick={pick} title="Import annotations: W3C, JSON Lines, brat (.ann with its .txt, or our zip), doccano, Label Studio, spaCy (or drop files on the widget)">{"Import"}</button>
                    <input type="file" class="aa-file" accept={ACCEPT} multiple=true hidden=true ref={file_input} onchange={on_file} aria-label="Import annotations files" />
                }
            </div>
        </header>
    }
}
