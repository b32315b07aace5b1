//! A minimal Yew application: two function components, state, a keyed list and callbacks.
//! With `json`, a `serde_json::Value` parse and a derived struct both ways; with
//! `segmentation`, word and grapheme boundaries. Built by `scripts/size-floor.sh` to
//! measure what the widget's stack costs before any of the widget's own code.

use wasm_bindgen::prelude::*;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct RowProps {
    label: AttrValue,
    count: usize,
    on_pick: Callback<AttrValue>,
}

#[function_component]
fn Row(p: &RowProps) -> Html {
    let (label, pick) = (p.label.clone(), p.on_pick.clone());
    html! { <li role="option" onclick={move |_| pick.emit(label.clone())}>{ &p.label }{ " " }{ p.count }</li> }
}

#[function_component]
fn App() -> Html {
    let items = use_state(|| vec![AttrValue::from("Person"), AttrValue::from("Place")]);
    let picked = use_state(|| None::<AttrValue>);
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |v| picked.set(Some(v)))
    };
    let add = {
        let items = items.clone();
        Callback::from(move |_: MouseEvent| {
            let mut v = (*items).clone();
            v.push(AttrValue::from("Organisation"));
            items.set(v);
        })
    };
    html! {
        <div class="app">
            <button onclick={add}>{ "Add" }</button>
            <ul>{ for items.iter().enumerate().map(|(i, l)| html! { <Row key={i} label={l.clone()} count={i} on_pick={on_pick.clone()} /> }) }</ul>
            if let Some(p) = &*picked { <p>{ p }</p> }
        </div>
    }
}

#[wasm_bindgen]
pub fn mount(root: web_sys::Element) {
    yew::Renderer::<App>::with_root(root).render();
}

#[cfg(feature = "json")]
#[derive(serde::Serialize, serde::Deserialize)]
struct Item {
    id: String,
    start: u32,
    end: u32,
    exact: String,
    kind: Option<String>,
}

/// Parses `text` as JSON, reads it as items, and writes them back.
#[cfg(feature = "json")]
#[wasm_bindgen]
pub fn json_round_trip(text: &str) -> String {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return e.to_string(),
    };
    let items: Vec<Item> = serde_json::from_value(value).unwrap_or_default();
    serde_json::to_string(&items).unwrap_or_default()
}

/// Counts word boundaries and grapheme clusters.
#[cfg(feature = "segmentation")]
#[wasm_bindgen]
pub fn boundaries(text: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    text.split_word_bounds().count() + text.graphemes(true).count()
}
