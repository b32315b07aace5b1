//! The small toolbar shown by a selection: one button per entity type and Claim, and
//! "All mentions", which makes the type buttons tag every untagged mention of the text.
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
    /// The type, for the selection and every untagged mention of its text.
    EveryMention(String),
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
    // "Every mention": the type buttons then tag the selection and each untagged mention
    // of its text (as Shift + the key does).
    let every = use_state(|| false);
    let buttons: Html = props
        .types
        .iter()
        .map(|t| {
            let cb = props.on_tag.clone();
            let id = t.id.clone();
            let all = *every;
            let class = format!("aa-tag aa-tag-{}", crate::ui::theme::ident_in(theme.as_deref(), &t.id));
            let choice = move |_| cb.emit(if all { TagChoice::EveryMention(id.clone()) } else { TagChoice::Entity(id.clone()) });
            let title = if all { format!("Tag every mention as {} (Shift + {})", t.label, t.key) } else { format!("Tag as {} (key {}; Shift + {} for every mention)", t.label, t.key, t.key) };
            html! {
                <button type="button" {class} onmousedown={keep_selection.clone()} onclick={Callback::from(choice)} {title}>
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
            <button type="button" class="aa-tag aa-every" aria-pressed={every.to_string()} onmousedown={keep_selection.clone()}
                onclick={{ let every = every.clone(); Callback::from(move |_| every.set(!*every)) }}
                title="Tag every mention of this text, not only this one (or hold Shift with the key)">{"All mentions"}</button>
            <button type="button" class="aa-tag aa-cancel" onmousedown={keep_selection} onclick={cancel} title="Cancel (Esc)" aria-label="Cancel">{"✕"}</button>
        </div>
    }
}
