//! The small toolbar shown by a selection: one button per entity type and Claim.
//!
//! Buttons keep the selection (their mousedown is cancelled) and show their keys; the
//! keys themselves are handled by the root, so they work with the toolbar unfocused.

use crate::core::schema::{EntityType, CLAIM_KEY};
use crate::ui::dom::place;
use crate::ui::hooks::use_effect_before_paint;
use crate::ui::state::Pending;
use yew::prelude::*;

/// What the reader chose for the selection.
#[derive(Clone, Debug, PartialEq)]
pub enum TagChoice {
    Entity(String),
    Claim,
}

#[derive(Properties, PartialEq)]
pub struct SelectionToolbarProps {
    pub pending: Pending,
    pub types: Vec<EntityType>,
    pub on_tag: Callback<TagChoice>,
    pub on_cancel: Callback<()>,
}

#[component]
pub fn SelectionToolbar(props: &SelectionToolbarProps) -> Html {
    let theme = use_context::<std::rc::Rc<crate::ui::theme::Theme>>();
    let node = use_node_ref();
    {
        let node = node.clone();
        let (x, y) = (props.pending.x, props.pending.y);
        // Placed before the browser paints it, even when Yew runs effects after a paint.
        use_effect_before_paint((x as i64, y as i64), move |_| {
            if let Some(el) = node.cast::<web_sys::HtmlElement>() {
                // Centre on the selection, but keep the whole toolbar inside the widget.
                let w = f64::from(el.offset_width());
                let room = el.offset_parent().map_or(w, |p| f64::from(p.client_width()));
                let left = (x - w / 2.0).min(room - w - 4.0).max(4.0);
                place(&el, left, y);
            }
        });
    }
    let keep_selection = Callback::from(|e: MouseEvent| e.prevent_default());
    let buttons: Html = props
        .types
        .iter()
        .map(|t| {
            let cb = props.on_tag.clone();
            let id = t.id.clone();
            let class = format!("aa-tag aa-tag-{}", crate::ui::theme::ident_in(theme.as_deref(), &t.id));
            html! {
                <button type="button" {class} onmousedown={keep_selection.clone()} onclick={Callback::from(move |_| cb.emit(TagChoice::Entity(id.clone())))}
                    title={format!("Tag as {} (key {})", t.label, t.key)}>
                    <kbd>{t.key}</kbd>{" "}{&t.label}
                </button>
            }
        })
        .collect();
    let claim = {
        let cb = props.on_tag.clone();
        Callback::from(move |_| cb.emit(TagChoice::Claim))
    };
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    html! {
        <div class="aa-toolbar" role="toolbar" aria-label="Tag the selected text" ref={node} onmousedown={keep_selection.clone()}>
            {buttons}
            <button type="button" class="aa-tag aa-tag-claim" onmousedown={keep_selection.clone()} onclick={claim} title={format!("Mark as a claim (key {})", CLAIM_KEY.to_ascii_uppercase())}>
                <kbd>{CLAIM_KEY.to_ascii_uppercase()}</kbd>{" Claim"}
            </button>
            <button type="button" class="aa-tag aa-cancel" onmousedown={keep_selection} onclick={cancel} title="Cancel (Esc)" aria-label="Cancel">{"✕"}</button>
        </div>
    }
}
