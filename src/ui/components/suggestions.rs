//! The panel's "other mentions" box: the suggestions on offer (see
//! [`crate::core::mentions`]), each with its context and Accept / Reject buttons, and
//! Accept all, Accept in view, Dismiss and the any-case toggle for the lot.
//!
//! Renders state only: every button dispatches an action through the callbacks. The
//! list shows at most [`SHOWN`] rows (the buttons for the lot still take every one).

use crate::core::mentions::{Row, Which};
use crate::core::offset::CharRange;
use std::rc::Rc;
use yew::prelude::*;

/// How many suggestions are listed one by one.
pub const SHOWN: usize = 100;

#[derive(Properties, PartialEq)]
pub struct SuggestionsProps {
    pub rows: Rc<Vec<Row>>,
    pub total: usize,
    /// The suggestion under the keyboard cursor.
    pub current: Option<CharRange>,
    pub any_case: bool,
    pub on_accept: Callback<Which>,
    pub on_reject: Callback<Which>,
    pub on_dismiss: Callback<()>,
    /// Accept those drawn in the viewport.
    pub on_in_view: Callback<()>,
    /// Show this one in the article (the cursor goes to it).
    pub on_show: Callback<CharRange>,
    pub on_any_case: Callback<bool>,
}

/// A row's button was pressed and its row is about to go: focus moves to the same button
/// of the next row (or the one before), or to the article when it was the last, never
/// to the page's start.
fn keep_focus(e: &MouseEvent) {
    use wasm_bindgen::JsCast;
    // The target, not the current target: Yew listens at its root.
    let Some(button) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|t| t.closest("button").ok().flatten()) else { return };
    let Some(row) = button.closest("li").ok().flatten() else { return };
    let class = button.class_name();
    let next = row.next_element_sibling().or_else(|| row.previous_element_sibling());
    let target = match next {
        Some(r) => r.query_selector(&format!("button.{class}")).ok().flatten(),
        None => button.closest(".aa-root").ok().flatten().and_then(|root| root.query_selector(".aa-article").ok().flatten()),
    };
    if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// The box is about to go (all accepted, or dismissed): focus moves to the article.
fn to_article(e: &MouseEvent) {
    use wasm_bindgen::JsCast;
    let article = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|b| b.closest(".aa-root").ok().flatten()).and_then(|r| r.query_selector(".aa-article").ok().flatten());
    if let Some(el) = article.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

#[component]
pub fn Suggestions(props: &SuggestionsProps) -> Html {
    if props.total == 0 {
        return html! {};
    }
    let rows: Html = props
        .rows
        .iter()
        .map(|r| {
            let range = r.range;
            let accept = props.on_accept.reform(move |e: MouseEvent| {
                keep_focus(&e);
                Which::At(vec![range])
            });
            let reject = props.on_reject.reform(move |e: MouseEvent| {
                keep_focus(&e);
                Which::At(vec![range])
            });
            let show = props.on_show.reform(move |_: MouseEvent| range);
            let current = props.current == Some(range);
            html! {
                <li class={classes!("aa-suggestion", current.then_some("aa-current"))} key={range.start().0.to_string()} aria-current={current.then_some("true")}>
                    <button type="button" class="aa-suggestion-text" onclick={show} title="Show it in the article">
                        <span class="aa-context">{if r.before.is_empty() { "" } else { "…" }}{&r.before}</span><mark>{&r.exact}</mark><span class="aa-context">{&r.after}{if r.after.is_empty() { "" } else { "…" }}</span>
                    </button>
                    <span class="aa-suggestion-actions">
                        <button type="button" class="aa-accept" onclick={accept} aria-label={format!("Accept “{}” as {}: {}{}{}", r.exact, r.type_label, r.before, r.exact, r.after)}>{"✓ "}{&r.type_label}</button>
                        <button type="button" class="aa-reject" onclick={reject} aria-label={format!("Reject “{}”: {}{}{}", r.exact, r.before, r.exact, r.after)}>{"✕"}</button>
                    </span>
                </li>
            }
        })
        .collect();
    let more = props.total.saturating_sub(props.rows.len());
    let any_case = props.any_case;
    html! {
        <section class="aa-suggestions" aria-label="Suggested mentions">
            <h3>{"Other mentions "}<span class="aa-count">{props.total}</span></h3>
            <p class="aa-hint">{"The same text elsewhere in the article. Nothing is tagged until you accept it. In the article: "}<kbd>{"}"}</kbd>{" "}<kbd>{"{"}</kbd>{" go through them, "}<kbd>{"Y"}</kbd>{" accepts, "}<kbd>{"N"}</kbd>{" rejects."}</p>
            <div class="aa-suggestion-bar">
                <button type="button" class="aa-accept-all" onclick={props.on_accept.reform(|e: MouseEvent| {
                    to_article(&e);
                    Which::All
                })}>{format!("Accept all {}", props.total)}</button>
                <button type="button" onclick={props.on_in_view.reform(|_: MouseEvent| ())} title="Accept the ones you can see in the article now">{"Accept in view"}</button>
                <button type="button" onclick={props.on_dismiss.reform(|e: MouseEvent| to_article(&e))} title="Hide the suggestions; nothing is tagged">{"Dismiss"}</button>
            </div>
            <label class="aa-any-case"><input type="checkbox" checked={any_case} onchange={props.on_any_case.reform(move |_: Event| !any_case)} />{" Match any case"}</label>
            <ul>{rows}</ul>
            if more > 0 { <p class="aa-hint">{format!("and {more} more (Accept all takes them too)")}</p> }
        </section>
    }
}
